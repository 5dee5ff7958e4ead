# The two commands of README.md: `make run` and `make test`.
# Each creates the virtualenv, installs the project and starts the local
# services itself (services/stack), so a fresh machine needs nothing else.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv services run test test-cluster lint stop status bench

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

# The main suite, then the fault phase (stops and restarts services on purpose).
test: services
	$(BIN)/pytest -m "not faults and not cluster"
	$(BIN)/pytest -m faults

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy wellwon messaging presence

stop:
	services/stack stop

status:
	services/stack status
