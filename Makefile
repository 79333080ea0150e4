# Joyreel: `make run` serves the site with demo data; `make test` runs the suite; `make lint` checks it.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
export PORT
# supervisord (started by manage.py supervise) hands each Procfile process its own $PORT (base, +100,
# ...); the web server, localstripe's webhooks and the banner share this one.
export WEB_PORT = $(PORT)
# The browser the e2e tests drive (tests/e2e/conftest.py reads the same variable).
JOYREEL_CHROMIUM ?= /usr/bin/chromium
export JOYREEL_CHROMIUM

# pytest-xdist worker processes for make test and test-fast (0 runs the tests in pytest's own process).
# One more than the cores: many tests spend their time waiting on a worker, server or browser they
# started, and a third worker fills those waits (2 cores: 5 min 42 s with 3 workers).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

# Front-end libraries come from npm (package.json + lock); only the files the pages load are copied
# into static/vendor/ (gitignored), where the static files finders and collectstatic find them.
NODE_STAMP := node_modules/.joyreel-installed
VENDOR := static/vendor
VENDOR_FILES := $(VENDOR)/uplot/uPlot.esm.js $(VENDOR)/uplot/uPlot.min.css $(VENDOR)/hls.js/hls.min.mjs \
	$(VENDOR)/axe-core/axe.min.js

# Translations: each locale/<lang>/LC_MESSAGES/*.po compiled into its .mo by Babel's compiler (pure Python:
# no GNU gettext needed to install or run). `make messages` re-extracts the strings (that needs xgettext).
LOCALE_MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: install vendor translations messages system-packages run serve-prod test test-fast test-js lint format clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# npm ci only when the lock file is newer than the last install.
$(NODE_STAMP): package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: sudo apt-get install npm (see make system-packages)" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(VENDOR)/uplot/%: $(NODE_STAMP)
	mkdir -p $(@D)
	cp node_modules/uplot/dist/$* $@

# hls.js plays the HLS ladder where the browser has Media Source Extensions but no native HLS.
$(VENDOR)/hls.js/%: $(NODE_STAMP)
	mkdir -p $(@D)
	cp node_modules/hls.js/dist/$* $@

# axe-core is for the browser tests' accessibility checks; no page loads it.
$(VENDOR)/axe-core/%: $(NODE_STAMP)
	mkdir -p $(@D)
	cp node_modules/axe-core/$* $@

vendor: $(VENDOR_FILES)

locale/%.mo: locale/%.po $(STAMP)
	$(VENV)/bin/pybabel --quiet compile --statistics -i $< -o $@

translations: $(LOCALE_MO)

# Re-extract every marked string into the German catalogues (keeping their translations), for the
# templates and Python (django) and our JavaScript (djangojs). flock: one extraction at a time.
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=static/vendor --ignore=var \
	--ignore=test-artifacts --ignore=tests --ignore=devtools --ignore=docs
messages: $(STAMP)
	flock locale/.messages.lock $(PY) manage.py makemessages --locale=de --no-obsolete --no-location $(MESSAGES_IGNORE)
	flock locale/.messages.lock $(PY) manage.py makemessages --locale=de --domain=djangojs --no-obsolete \
		--no-location $(MESSAGES_IGNORE) --ignore=staticfiles

install: $(STAMP) vendor translations

# What the suite needs beyond Python: installed with apt-get as root, else the one command to run.
# wrk is benchmark_http's read-only load generator (C, one thread), which its test runs.
system-packages:
	@.ci/system-packages "$(JOYREEL_CHROMIUM)=chromium" npm=npm redis-server=redis-server wrk=wrk xgettext=gettext

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_videos
	$(PY) manage.py seed_demo_signals
	@# @cleo's sixty days of analytics history: demo viewers' views, follows and visits, rolled up.
	$(PY) manage.py seed_demo_analytics
	@# Bea's Bakery's promotion, paid at a localstripe this step runs if the stripe process is not up yet.
	$(PY) manage.py seed_demo_promotion
	@# Reports, decisions (one automated), an appeal and a reversal, for the admin's transparency page.
	$(PY) manage.py seed_demo_moderation
	@# A conversation under @cleo's newest video: replies, likes, a pinned comment, one waiting for approval.
	$(PY) manage.py seed_demo_comments
	@# The Procfile's processes run under supervisord (manage.py supervise writes its config under var/).
	@# The banner process prints the addresses and logins once the site answers. A process that dies
	@# (the worker killed, the web server crashed) is started again, and supervisord's lines say so
	@# ("exited: worker (terminated by SIGKILL; not expected)", "spawned: 'worker' with pid N").
	$(PY) manage.py supervise --procfile Procfile

# Production serving on this machine (Procfile.prod): gunicorn (WEB_CONCURRENCY workers), the default and
# media Celery workers and one beat, with production settings against DATABASE_URL (PostgreSQL) and
# CELERY_BROKER_URL / CACHE_URL (Redis). Needs SECRET_KEY, ALLOWED_HOSTS and the three STRIPE_* variables;
# migrates and collects first.
serve-prod: export DJANGO_SETTINGS_MODULE = platform.settings.production
serve-prod: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/honcho --procfile Procfile.prod start

test: system-packages install test-js
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The fast lane: every test that runs inside pytest's own processes (no browser, no server or worker
# processes, no localstripe, no S3 server; tests/lanes.py), so it needs the Python venv and nothing else.
test-fast: $(STAMP) translations
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -m "not browser and not processes and not stripe and not s3"

# Our JavaScript's unit tests (the pure modules: paging, signal batching, upload chunking, api()), run by
# Node's own test runner: no browser, no npm package.
test-js:
	node --test tests/js/

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	@# -c keeps the project root first on sys.path, so `platform` is ours, not the stdlib module.
	$(PY) -c "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
	npx --no-install eslint .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache node_modules $(VENDOR) $(LOCALE_MO)
