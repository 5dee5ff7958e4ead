# The two commands of README.md: `make run` and `make test`.
# Each creates the virtualenv, installs the project and starts the local
# services itself (services/stack), so a fresh machine needs nothing else.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv services browser run test test-cluster chaos lint stop status

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@echo "[make] creating the virtualenv in $(VENV) and installing the project"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

services: venv
	services/stack up

browser:
	services/stack browser

# Development values, set explicitly: the settings are production's unless told otherwise.
DEV_ENV := DEBUG=true

run: services
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py scylla_migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "[make] http://$(HOST):$(PORT)/app/ (live page), /api/ (browsable API), /admin/, ws://$(HOST):$(PORT)/ws/ — demo login: demo / demo-password"
	$(DEV_ENV) $(BIN)/uvicorn wellwon.asgi:application --host $(HOST) --port $(PORT)

# The 3-node phase runs on these loopback addresses (RF 3, its own test keyspace).
CLUSTER_ADDRS ?= 127.0.0.1 127.0.0.2 127.0.0.3
comma := ,
empty :=
space := $(empty) $(empty)
CLUSTER_ENV := WELLWON_CLUSTER_ADDRS="$(CLUSTER_ADDRS)" \
	SCYLLA_CONTACT_POINTS=$(subst $(space),$(comma),$(strip $(CLUSTER_ADDRS))) \
	SCYLLA_REPLICATION=datacenter1:3 SCYLLA_KEYSPACE=wellwon_cluster \
	WELLWON_CASSANDRA_FAST=0

# The linters first (ruff, the format check, mypy: a minute, and they fail fast),
# then the whole suite in three phases: the main suite on one node; the fault
# phase (stops, kills and restarts services on purpose); the 3-node cluster phase.
test: lint services browser
	$(BIN)/pytest -m "not faults and not cluster"
	$(BIN)/pytest -m faults
	$(MAKE) --no-print-directory test-cluster

test-cluster: venv
	$(CLUSTER_ENV) services/stack up --nodes 3
	$(CLUSTER_ENV) $(BIN)/pytest -m cluster

# The chaos run on the 3-node cluster (benchmarks/chaos.py): 5 minutes of writes while
# nodes are killed and Redis and PostgreSQL stopped; prints what was lost. It stops the
# services on purpose: never beside other runs. Bounded: killed after 15 minutes at most.
CHAOS_SECONDS ?= 300
chaos: venv
	$(CLUSTER_ENV) services/stack up --nodes 3
	$(CLUSTER_ENV) timeout 900 $(BIN)/python -m benchmarks.chaos --duration $(CHAOS_SECONDS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy wellwon messaging presence

stop:
	services/stack stop

status:
	services/stack status
