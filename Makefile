# SafeVillage: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
MANAGE := $(BIN)/python manage.py
VENDOR := safevillage/static/vendor

-include .env
export

.PHONY: run test lint typecheck migrations-check pytest install assets messages system-deps bench clean static production

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# Debian packages the product needs: gettext (translations), fonts and Pango (Khmer PDFs),
# Chromium (browser tests). Installed only when missing, and only as root.
system-deps:
	@sh scripts/system-deps.sh

assets: $(VENDOR)/.built
$(VENDOR)/.built: package.json package-lock.json scripts/build-assets.sh
	sh scripts/build-assets.sh
	@touch $@

# Compiled only when the catalogue changed, so two runs at once (CI) never rewrite it under each other.
CATALOGUE := safevillage/locale/km/LC_MESSAGES/django
messages: $(CATALOGUE).mo
$(CATALOGUE).mo: $(CATALOGUE).po $(VENV)/.installed
	@cd safevillage && DEBUG=true ../$(BIN)/python ../manage.py compilemessages -v 0
	@touch $@

# prepare_demo migrates and runs the loaders (gazetteer, policy, demo accounts and records) in
# one process; they speak the terminal's language (--language auto: Khmer for a km locale) and
# say in a line or a table what each loaded. The commands themselves are not echoed.
# The job worker (scheduled jobs, decision 0007) runs in the background beside the web server
# and is stopped with it: on Ctrl-C the shell exits and its EXIT trap sends the worker SIGTERM
# (a background job of a non-interactive shell ignores the terminal's SIGINT).
run: system-deps install assets messages
	@mkdir -p var
	@DEBUG=$${DEBUG:-true} $(MANAGE) prepare_demo --language auto --serving-at http://$(HOST):$(PORT)/
	@DEBUG=$${DEBUG:-true} $(MANAGE) run_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 0' INT; trap 'exit 143' TERM; \
	DEBUG=$${DEBUG:-true} $(MANAGE) runserver $(HOST):$(PORT)

# Production (docs/operations.md): the static files and their manifest, which the server needs
# before it will start with DEBUG off; then migrations and gunicorn with the settings of .env or
# the environment (DEBUG off, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, WEB_CONCURRENCY…).
# DEBUG off, since only the production storage writes the manifest; collectstatic signs nothing,
# so without a SECRET_KEY (a build machine, the drills) a throwaway one passes the start-up check.
static: install assets
	DEBUG=false SECRET_KEY="$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
		$(MANAGE) collectstatic --no-input -v 1

production: install assets messages static
	DEBUG=false $(MANAGE) migrate --no-input
	DEBUG=false $(MANAGE) migrate --no-input --database referrals
	@echo "SafeVillage (production settings) is starting at http://$(HOST):$(PORT)/"
	DEBUG=false $(BIN)/gunicorn safevillage.wsgi:application --bind $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy safevillage bench

migrations-check: install
	DEBUG=true $(MANAGE) makemigrations --check --dry-run

pytest: install assets messages
	$(BIN)/pytest $(PYTEST_ARGS)

test: system-deps lint typecheck security migrations-check pytest

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var

# Operations drills (docs/reliability.md): backup/restore and disk-full tests on SQLite and,
# when a server answers on 127.0.0.1:5432, PostgreSQL; the backup drill on a scratch database
# of national size; a real full disk under gunicorn (root only: mounts a tmpfs).
# Crash and concurrency drills against a real gunicorn: kill -9 during 1,000 submissions, 20 edits at once.
RESILIENCE_EVENTS ?= 100000
RESILIENCE_TESTS := tests/core/test_backup.py tests/core/test_diskfull.py
RESILIENCE_TESTS += tests/incidents/test_concurrent_edits.py
.PHONY: resilience security
resilience: install static
	DATABASE_URL= DATABASE_TEST_NAME=$(CURDIR)/var/test-resilience.sqlite3 $(BIN)/pytest $(RESILIENCE_TESTS) -q
	DATABASE_URL= $(BIN)/python scripts/resilience/backup_drill.py --engine sqlite --events $(RESILIENCE_EVENTS)
	DATABASE_URL= $(BIN)/python scripts/resilience/kill9.py --engine sqlite --runs 3
	DATABASE_URL= $(BIN)/python scripts/resilience/concurrent_edits.py --engine sqlite --runs 3
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres DATABASE_TEST_NAME=test_safevillage_resilience \
			$(BIN)/pytest $(RESILIENCE_TESTS) -q && \
		$(BIN)/python scripts/resilience/backup_drill.py --engine postgresql --events $(RESILIENCE_EVENTS); \
	else \
		echo "PostgreSQL is not running on 127.0.0.1:5432: its drills are skipped"; \
	fi
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		$(BIN)/python scripts/resilience/kill9.py --engine postgresql --runs 3 && \
		$(BIN)/python scripts/resilience/concurrent_edits.py --engine postgresql --runs 3; \
	fi
	bash scripts/resilience/disk_full.sh

# The register's export as a background job, at a million records, in a real browser with a
# real worker (tests/browser/test_export_progress.py; the suite runs it at 100,000).
.PHONY: export-drill
export-drill: install assets messages
	EXPORT_BROWSER_RECORDS=1000000 $(BIN)/pytest tests/browser/test_export_progress.py -q

# Static security analysis of the product's code (configuration in pyproject.toml).
security: install
	$(BIN)/bandit -c pyproject.toml -r safevillage -q

# SQL-injection scan of every API parameter with Debian's sqlmap, against a throwaway copy on
# 127.0.0.1, with a deliberately injectable control endpoint that must be found (docs/security.md).
.PHONY: security-scan
security-scan: install
	$(BIN)/python scripts/security/sqlmap_scan.py

# National-scale benchmark (bench/run.py): fresh SQLite (var/bench/) and PostgreSQL
# (safevillage_bench) databases, the synthetic register at each size, the national reports
# against DuckDB on the raw rows, what a user waits for through HTTP at each size (register pages,
# a drill-down, the provincial report, an export; gunicorn with production settings, beside DuckDB
# answering the same questions), API ingest and a Locust load; writes docs/performance.md.
# `python bench/run.py --generator-rate` adds the generator's rate alone and beside a CPU load.
# BENCH_QUICK=1: 100,000 records, 3 runs, 30 s of Locust (a few minutes).
BENCH_SIZES ?= 1000000 10000000
BENCH_RUNS ?= 5
LOCUST_MINUTES ?= 5
bench: install static
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@mkdir -p var/bench
	BENCH_SIZES="$(BENCH_SIZES)" BENCH_RUNS=$(BENCH_RUNS) LOCUST_MINUTES=$(LOCUST_MINUTES) $(BIN)/python bench/run.py
