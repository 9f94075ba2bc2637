# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export TRACEOBJECT_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint typecheck pytest messages browser bench clean

$(BIN)/traceobject: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

messages: $(BIN)/traceobject
	$(BIN)/pybabel -q compile -d traceobject/locale -D django
	$(BIN)/pybabel -q compile -d traceobject/locale_django -D django

run: $(BIN)/traceobject messages
	TRACEOBJECT_ENV=embedded $(BIN)/traceobject migrate --noinput
	TRACEOBJECT_ENV=embedded $(BIN)/traceobject collectstatic --noinput --verbosity 0
	TRACEOBJECT_ENV=embedded $(BIN)/traceobject demostaff --if-missing
	TRACEOBJECT_ENV=embedded $(BIN)/traceobject demo --if-empty
	TRACEOBJECT_ENV=embedded $(BIN)/traceobject vault escrow --if-configured
	TRACEOBJECT_ENV=embedded PORT=$(PORT) $(BIN)/traceobject serve

browser:
	scripts/ensure-chromium

lint: $(BIN)/traceobject
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/traceobject
	TRACEOBJECT_ENV=test $(BIN)/mypy traceobject

# SQLite always; PostgreSQL too when TEST_POSTGRES_URL is set (REQUIRE_POSTGRES=1 makes it mandatory).
# Each run gets a throw-away data directory (an empty TRACEOBJECT_DATA_DIR makes settings create one), so
# that no test reads or changes what `make run` keeps in ./var (its keys above all: a test of the key
# escrow deletes the data directory's private key); only the derived place-name automaton is shared.
TEST_ENV := TRACEOBJECT_ENV=test TRACEOBJECT_DATA_DIR= TRACEOBJECT_SIGNALS_CACHE=$(CURDIR)/var/cache
pytest: $(BIN)/traceobject messages browser
	$(TEST_ENV) $(BIN)/pytest
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  echo "--- the suite again on PostgreSQL ---"; \
	  $(TEST_ENV) DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/pytest -m "not browser" ; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
	  echo "REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set" >&2; exit 1; \
	fi

test: lint typecheck pytest

# The benchmarks and evaluations of docs/benchmarks.md. The triage benchmark builds (once) a database of
# BENCH_TIPS tips on the PostgreSQL server of BENCH_DATABASE_URL; the first build of a million takes a while.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/traceobject_bench
BENCH_TIPS ?= 1000000
BENCH_SEARCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/traceobject_bench_search
bench: $(BIN)/traceobject messages
	TRACEOBJECT_ENV=test $(BIN)/python -m bench.signals_eval
	TRACEOBJECT_ENV=test $(BIN)/python -m bench.signals_eval --data bench/data/signals_holdout.jsonl
	TRACEOBJECT_ENV=test $(BIN)/python -m bench.signals_eval --data bench/data/signals_world.jsonl
	TRACEOBJECT_ENV=test $(BIN)/python -m bench.search --json-out var/bench-search-sqlite.json
	TRACEOBJECT_ENV=test $(BIN)/python -m bench.search --database-url "$(BENCH_SEARCH_DATABASE_URL)" --json-out var/bench-search-pg.json
	TRACEOBJECT_ENV=test $(BIN)/python -m bench.triage --database-url "$(BENCH_DATABASE_URL)" --tips $(BENCH_TIPS) --json-out var/bench-triage.json
	TRACEOBJECT_ENV=test $(BIN)/python -m bench.images
	$(BIN)/python -m bench.intake

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
