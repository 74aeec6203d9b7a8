# MARQUE: `make run` sets up and serves the shop with demo data; `make test` runs every test.
SHELL := /bin/bash
# Python 3.12+ (.python-version pins 3.12 for pyenv).
PYTHON ?= $(shell for p in python3.12 python3.13 python3; do if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
# `make bench`: catalog sizes (products), seconds of wrk per page, orders, where it runs (docs/benchmarks.md).
BENCH_SIZES ?= 10000 100000
BENCH_SECONDS ?= 8
BENCH_ORDERS ?= 1000000
BENCH_DATABASE_URL ?= postgres://marque:marque@127.0.0.1:5432/marque_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15

# Chart.js for the admin's sales dashboard: npm pins it (package.json), the UMD build is committed under
# static/vendor/ (served by the site itself, no CDN); `make vendor` copies it again after an upgrade.
CHARTJS := theme/static_src/node_modules/chart.js

.PHONY: help setup css messages vendor translations run cluster test bench lint format migrations-check deploy-check superuser clean

help:
	@echo "make run     set up (venv, database, demo data) and serve http://$(HOST):$(PORT) with the task worker and scheduler"
	@echo "make test    set up and run the whole test suite (SQLite, or DATABASE_URL)"
	@echo "make cluster two app servers, the worker and the scheduler behind HAProxy (PostgreSQL and Redis)"
	@echo "make bench   load large catalogs into PostgreSQL and measure the shop under gunicorn with wrk"
	@echo "make lint    ruff; make superuser: create an admin user"
	@echo "make translations   refresh locale/*/django.po from the code (then translate what is new)"

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

.env:
	cp .env.example .env

# Tailwind through django-tailwind: npm packages from the lock file, then the CSS build.
NODE_MODULES := theme/static_src/node_modules/.package-lock.json
$(NODE_MODULES): theme/static_src/package.json theme/static_src/package-lock.json
	cd theme/static_src && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Tailwind reads DEBUG too (and then prints its timings in raw colour codes): the build runs with the
# test settings and DEBUG unset, and without colour when its output is not a terminal (CI, logs).
css: $(VENV)/.runtime $(NODE_MODULES)
	@if [ ! -t 1 ]; then export NO_COLOR=1 FORCE_COLOR=0; fi; \
	  echo "manage.py tailwind build"; DEBUG= ENV_FILE=.env.test $(MANAGE) tailwind build

# The source map is not shipped: the line pointing to it is dropped (collectstatic would look for it).
vendor: $(NODE_MODULES)
	mkdir -p static/vendor/chartjs
	grep -v '^//# sourceMappingURL=' $(CHARTJS)/dist/chart.umd.min.js > static/vendor/chartjs/chart.umd.min.js
	cp $(CHARTJS)/LICENSE.md static/vendor/chartjs/LICENSE.md

# Translations: locale/<language>/LC_MESSAGES/django.po is the source, compiled to .mo by GNU gettext.
MESSAGE_CATALOGS := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po locale/*/LC_MESSAGES/djangojs.po))
messages: $(MESSAGE_CATALOGS)

# What `manage.py compilemessages` runs, without needing the project's settings.
locale/%.mo: locale/%.po
	@command -v msgfmt >/dev/null 2>&1 || { echo "Compiling translations needs GNU gettext (Debian: apt-get install gettext)"; exit 1; }
	msgfmt --check-format -o $@ $<

# After changing user-facing strings: refresh the catalogs, then translate what is new or fuzzy.
translations: $(VENV)/.runtime
	ENV_FILE=.env.test $(MANAGE) makemessages --locale ru --locale ky --no-obsolete --ignore ".venv/*" --ignore "theme/static_src/*"

setup: $(VENV)/.runtime .env css messages
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo

# The web server with the task worker and the scheduler beside it; Ctrl-C stops all three.
run: setup
	@$(MANAGE) db_worker --queue-name '*' & worker=$$!; \
	$(MANAGE) crontask --no-heartbeat & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# Two gunicorn app servers, the worker and the scheduler behind HAProxy (docs/deploy.md); needs
# PostgreSQL and Redis in DATABASE_URL and REDIS_URL, and Debian's haproxy.
CLUSTER_PORT ?= 8100
cluster: $(VENV)/.runtime .env css messages
	$(MANAGE) migrate --noinput
	STATIC_MANIFEST=true $(MANAGE) collectstatic --noinput --verbosity 0
	$(BIN)/python -m deploy.cluster --port $(CLUSTER_PORT)

test: $(VENV)/.dev css messages
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# A benchmark, not a test: minutes per catalog size; the table goes to stdout and docs/benchmarks.md.
bench: $(VENV)/.runtime css messages
	$(BIN)/python -m bench.run --sizes "$(BENCH_SIZES)" --seconds $(BENCH_SECONDS) --orders $(BENCH_ORDERS) \
	  --database-url "$(BENCH_DATABASE_URL)" --redis-url "$(BENCH_REDIS_URL)"

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(VENV)/.dev
	ENV_FILE=.env.test $(MANAGE) makemigrations --check --dry-run

# Django's deployment checklist with production-like settings; any warning fails.
deploy-check: $(VENV)/.dev
	ENV_FILE=/dev/null DEBUG=false SECRET_KEY=$$(openssl rand -hex 40) ALLOWED_HOSTS=shop.marque.example \
	  SECURE_HSTS_PRELOAD=true EMAIL_URL=smtp+tls://mailer:secret@smtp.marque.example:587 \
	  $(MANAGE) check --deploy --fail-level WARNING

superuser: $(VENV)/.runtime .env
	$(MANAGE) createsuperuser

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles theme/static_src/node_modules theme/static/css/dist locale/*/LC_MESSAGES/*.mo
