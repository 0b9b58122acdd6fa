# Bianmin — two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PORT ?= 8000
HOST ?= 127.0.0.1
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WORKERS ?= 2
PYTEST_ARGS ?=
SCALE ?= small
export DJANGO_SETTINGS_MODULE := bianmin.settings

.PHONY: install run serve test lint typecheck pytest bench clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

# Fresh machine → installed, migrated, demo data, serving on http://$(HOST):$(PORT).
run: install
	@mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_calendar
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  便民服务中心管理系统  http://$(HOST):$(PORT)/"
	@echo "  演示账号（密码均为 bianmin-demo）：admin director window_a window_b handler inspector district"
	@echo ""
	@# The web server, the background worker (SMS, reminders) and the periodic-job scheduler run side by side;
	@# Ctrl-C or SIGTERM stops all three; if the web server exits, the other two are stopped with it.
	@export DEBUG=$${DEBUG:-1}; \
	$(BIN)/gunicorn bianmin.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --threads 4 \
		--access-logfile - --graceful-timeout 5 & web=$$!; \
	$(BIN)/python manage.py db_worker --no-reload --interval 1 & worker=$$!; \
	$(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	trap 'kill -TERM $$web $$worker $$scheduler 2>/dev/null; wait 2>/dev/null' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM HUP; \
	wait $$web

# Style, format, and the layer contract (pyproject.toml [tool.importlinter]): an upward or sideways import fails.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy bianmin

# The whole suite: lint, types, tests. TEST_DATABASE_URL (or DATABASE_URL) points it at PostgreSQL.
# Models and migrations must agree (a model change without its migration fails), then the suite with coverage.
pytest: install
	DEBUG=1 DATABASE_URL="sqlite://:memory:" $(BIN)/python manage.py makemigrations --check --dry-run --verbosity 1
	DATABASE_URL="$${TEST_DATABASE_URL:-$${DATABASE_URL:-}}" $(BIN)/pytest -q -n $(WORKERS) \
		--cov=bianmin --cov-report=term:skip-covered $(PYTEST_ARGS)

test: lint typecheck pytest

# Benchmark (never part of `make test`): SCALE=small|city (micro: the smoke test's size). A separate database per
# scale, built once and reused; the operations, then the throughput leg (gunicorn + wrk). See docs/benchmarks.md.
bench: install
	@mkdir -p var/bench
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || echo "wrk is not installed (Debian: apt-get install wrk): the throughput leg is skipped"
	@if [ -n "$${DATABASE_URL:-}" ]; then \
		base="$${DATABASE_URL%/*}"; db="bianmin_bench_$(SCALE)"; \
		psql "$$base/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$$db'" | grep -q 1 \
			|| psql "$$base/postgres" -c "CREATE DATABASE $$db" >/dev/null; \
		url="$$base/$$db"; \
	else url="sqlite:///$$(pwd)/var/bench-$(SCALE).sqlite3"; fi; \
	export DATABASE_URL="$$url" DEBUG=0 BIANMIN_ALLOW_DEMO=1 BIANMIN_BENCH_HELLO=1 SECRET_KEY=$${SECRET_KEY:-bench-only-secret-key-not-for-production-use-0123456789} \
		PERSONAL_DATA_KEY=$${PERSONAL_DATA_KEY:-bench-only-personal-data-key-not-for-production-0123}; \
	$(BIN)/python manage.py migrate --noinput --verbosity 0 && \
	$(BIN)/python manage.py seed_calendar >/dev/null && \
	$(BIN)/python manage.py load_demo >/dev/null && \
	$(BIN)/python manage.py bench --scale $(SCALE) $(if $(OPS),--only $(OPS),--throughput)

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache
