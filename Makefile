# The two commands of README.md: `make run` and `make test`.
# Each creates the virtualenv, installs the project and starts the local
# services itself (services/stack), so a fresh machine needs nothing else.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv services run test test-cluster lint stop status

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@echo "[make] creating the virtualenv in $(VENV) and installing the project"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

services: venv
	services/stack up

run: services
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py scylla_migrate
	$(BIN)/python manage.py seed_demo
	@echo "[make] http://$(HOST):$(PORT)/api/ (browsable API), /admin/ — demo login: demo / demo-password"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The 3-node phase runs on these loopback addresses (RF 3, its own test keyspace).
CLUSTER_ADDRS ?= 127.0.0.1 127.0.0.2 127.0.0.3
comma := ,
empty :=
space := $(empty) $(empty)
CLUSTER_ENV := WELLWON_CLUSTER_ADDRS="$(CLUSTER_ADDRS)" \
	SCYLLA_CONTACT_POINTS=$(subst $(space),$(comma),$(strip $(CLUSTER_ADDRS))) \
	SCYLLA_REPLICATION=datacenter1:3 SCYLLA_KEYSPACE=wellwon_cluster

# The linters first (ruff, the format check, mypy: a minute, and they fail fast),
# then the whole suite in three phases: the main suite on one node; the fault
# phase (stops, kills and restarts services on purpose); the 3-node cluster phase.
test: lint services
	$(BIN)/pytest -m "not faults and not cluster"
	$(BIN)/pytest -m faults
	$(MAKE) --no-print-directory test-cluster

test-cluster: venv
	$(CLUSTER_ENV) services/stack up --nodes 3
	$(CLUSTER_ENV) $(BIN)/pytest -m cluster

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy wellwon messaging presence

stop:
	services/stack stop

status:
	services/stack status
