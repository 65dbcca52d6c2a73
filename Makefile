# kam: `make run` sets up and serves the demo on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KAM := $(BIN)/kam
VENDOR := src/kam/web/static/vendor
PG_URL ?= postgres://postgres@127.0.0.1:5432/kam
APT_PACKAGES := chromium gettext fonts-wqy-zenhei
export KAM_HOME ?= $(CURDIR)/var

.PHONY: help setup run serve demo test test-fast test-sqlite test-postgres lint format messages bench \
	bench-pages bench-models catalog assets system-deps postgres lock clean

help:
	@echo "make run    set up, load the demo and serve http://127.0.0.1:8000 (SQLite)"
	@echo "make test   install test needs and run the whole suite on SQLite and PostgreSQL"
	@echo "make test-fast  the tests not marked slow, on SQLite (the inner loop)"
	@echo "make lint   ruff, mypy, import-linter and the zh-hans catalog check"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: $(BIN)/activate requirements/run.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements/run.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run requirements/dev.lock
	$(BIN)/pip install --quiet -r requirements/dev.lock
	touch $@

# Debian packages: the browser for the browser tests, gettext for the catalogs, a CJK font
# so Chinese pages render in screenshots. Installed only when missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENDOR)/.built: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	touch $@

assets: $(VENDOR)/.built

messages: $(VENV)/.installed-run
	@command -v msgfmt >/dev/null || $(MAKE) --no-print-directory system-deps APT_PACKAGES=gettext
	cd src/kam && ../../$(KAM) compilemessages --verbosity 0

setup: $(VENV)/.installed-run assets messages
	$(KAM) migrate --no-input --verbosity 0

run: setup
	$(KAM) demo
	KAM_HTTPS=$${KAM_HTTPS:-false} $(KAM) serve --with-worker

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "PostgreSQL is not answering on 127.0.0.1:5432; starting it"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is required for make test"; exit 1; }
	@# The suite's PostgreSQL half connects to PG_URL's database first: make it when missing.
	@if command -v psql >/dev/null; then \
	  psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'kam'" | grep -q 1 \
	    || psql -h 127.0.0.1 -U postgres -qc 'CREATE DATABASE kam'; fi

# The two stores run side by side (one per core), each with its own Redis database; their
# output is prefixed by store and each half's summary is repeated at the end.
test: system-deps $(VENV)/.installed-dev assets messages postgres
	$(MAKE) --no-print-directory lint
	@mkdir -p var/test-logs
	@( KAM_TEST_REDIS_URL=$${KAM_TEST_REDIS_URL:-redis://127.0.0.1:6379/13} \
	     $(MAKE) --no-print-directory test-sqlite 2>&1; echo $$? > var/test-logs/sqlite.rc ) \
	   | tee var/test-logs/sqlite.log | sed -u 's/^/[sqlite] /' & \
	 ( KAM_TEST_REDIS_URL=$${KAM_TEST_POSTGRES_REDIS_URL:-redis://127.0.0.1:6379/14} \
	     $(MAKE) --no-print-directory test-postgres 2>&1; echo $$? > var/test-logs/postgres.rc ) \
	   | tee var/test-logs/postgres.log | sed -u 's/^/[postgres] /' & \
	 wait; \
	 for half in sqlite postgres; do \
	   echo "== $$half: $$(grep -E '^=+ .*(passed|failed|error).* in ' var/test-logs/$$half.log | tail -1)"; \
	   grep -E '^(FAILED|ERROR) ' var/test-logs/$$half.log | sed "s/^/== $$half: /"; done; \
	 test "$$(cat var/test-logs/sqlite.rc)" = 0 && test "$$(cat var/test-logs/postgres.rc)" = 0

test-sqlite:
	@echo "== the whole suite on SQLite =="
	KAM_DATABASE_URL= KAM_TEST_DATABASE=sqlite $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== the whole suite on PostgreSQL =="
	KAM_DATABASE_URL=$(PG_URL) KAM_TEST_DATABASE=postgresql $(BIN)/pytest $(PYTEST_ARGS)

# The inner loop: SQLite, without the tests marked slow (browser, schemathesis, the kill test,
# the big imports). CI's `make test` still runs everything.
test-fast:
	@echo "== the fast tests on SQLite (not slow) =="
	KAM_DATABASE_URL= KAM_TEST_DATABASE=sqlite $(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

# Benchmarks (see bench/README.md); they need sqlite3 and psql on the machine.
bench: $(VENV)/.installed-dev postgres
	@command -v sqlite3 >/dev/null || $(MAKE) --no-print-directory system-deps APT_PACKAGES=sqlite3
	$(BIN)/pip install --quiet -r requirements/bench.lock
	$(BIN)/python bench/import_ledger.py $(BENCH_ARGS)
	$(BIN)/python bench/score_portfolio.py $(SCORE_BENCH_ARGS)
	$(BIN)/python bench/score_risk.py $(RISK_BENCH_ARGS)
	$(MAKE) --no-print-directory bench-pages
	$(MAKE) --no-print-directory bench-models

# kam's BG/NBD and Gamma-Gamma against lifetimes and PyMC-Marketing (bench/README.md).
bench-models: $(VENV)/.installed-dev
	$(BIN)/pip install --quiet -r requirements/bench.lock
	$(BIN)/python bench/fit_models.py $(MODELS_BENCH_ARGS)

# The pages at 10,000 accounts against the 300-account demo, on a real `kam serve` with locust
# (bench/README.md); PAGES_BENCH_ARGS="--keep /tmp/kam-bench-pages" reuses the loaded demos.
bench-pages: $(VENV)/.installed-dev assets
	$(BIN)/pip install --quiet -r requirements/bench.lock
	$(BIN)/python bench/pages.py $(PAGES_BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_catalog.py

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src tests scripts bench
	$(BIN)/ruff format src tests scripts bench

# Refresh the zh-hans catalog from the sources; translate the new entries, then `make lint`.
catalog: $(VENV)/.installed-run
	cd src/kam && ../../$(KAM) makemessages -l zh_Hans --no-obsolete --no-location --no-wrap

# Re-pin dependencies from pyproject.toml (needs the package registry).
lock:
	rm -rf /tmp/kam-lock && $(PYTHON) -m venv /tmp/kam-lock
	/tmp/kam-lock/bin/pip install --quiet --upgrade pip
	/tmp/kam-lock/bin/pip install --quiet .
	/tmp/kam-lock/bin/pip freeze --exclude kam > requirements/run.lock
	/tmp/kam-lock/bin/pip install --quiet ".[dev]"
	/tmp/kam-lock/bin/pip freeze --exclude kam > requirements/dev.lock

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
