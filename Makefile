# BorderMap: `make run` serves the app, `make test` runs the whole test suite.
# Both do every set-up step they need and skip what is already done.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint db-start db-stop demo bench clean

$(BIN)/python:
	./scripts/system-packages.sh run
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

run: $(VENV)/.installed
	./scripts/system-packages.sh run
	$(BIN)/bordermap db start
	$(BIN)/bordermap migrate
	$(BIN)/bordermap demo build --if-empty
	$(BIN)/bordermap serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Tests make and drop their own databases on the local cluster (or on the server
# of BORDERMAP_TEST_DATABASE_URL); they never touch the `bordermap` database.
test: $(VENV)/.installed-test
	./scripts/system-packages.sh test
	$(MAKE) lint
	@if [ -z "$$BORDERMAP_TEST_DATABASE_URL" ]; then $(BIN)/bordermap db start; fi
	$(BIN)/pytest

db-start: $(VENV)/.installed
	$(BIN)/bordermap db start

db-stop: $(VENV)/.installed
	$(BIN)/bordermap db stop

bench: $(VENV)/.installed-test
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/bordermap db start
	$(BIN)/python -m bench

clean:
	-$(BIN)/bordermap db stop
	rm -rf $(VENV) .bordermap .pytest_cache .mypy_cache .ruff_cache
