# Joyreel: `make run` serves the site with demo data; `make test` runs the suite; `make lint` checks it.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
export PORT
# honcho gives each process its own PORT (base + 100 per line); this keeps the site's for the others.
export JOYREEL_WEB_PORT := $(PORT)

.PHONY: install run test lint format clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_videos
	@# The banner process prints the addresses and logins once the site answers.
	$(VENV)/bin/honcho --procfile Procfile start

test: install
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	@# -c keeps the project root first on sys.path, so `platform` is ours, not the stdlib module.
	$(PY) -c "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
