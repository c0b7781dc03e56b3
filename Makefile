# Yunwei — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format check-migrations messages clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv; \
	  else echo "需要 python3-venv：sudo apt-get install python3-venv" >&2; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed
	@$(BIN)/python scripts/compile_messages.py >/dev/null

run: install
	$(BIN)/yunwei migrate --noinput
	$(BIN)/yunwei collectstatic --noinput -v0
	$(BIN)/yunwei demo --once
	HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: install
	$(BIN)/yunwei makemigrations --check --dry-run

# Refresh the Chinese catalogue after adding strings (needs Debian's gettext).
messages: install
	cd yunwei && ../$(BIN)/yunwei makemessages -l zh_Hans --no-obsolete --no-location
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) node_modules var
