# One-command set-up: `make run` and `make test` work on a fresh machine (see README).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
RAW ?= $(or $(KSG_RAW_DIR),../shared/raw)
LEAFLET_VERSION := 1.9.4
LEAFLET_DIR := static/vendor/leaflet

.PHONY: run test data bench lint format install install-dev assets chromium clean

$(VENV)/.runtime: requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(VENV)/.runtime assets
install-dev: $(VENV)/.dev assets

# Leaflet is fetched from the npm registry at install time (never committed) and served by
# Streamlit's static file serving, so maps work without any CDN.
assets: $(LEAFLET_DIR)/leaflet.js
$(LEAFLET_DIR)/leaflet.js:
	bash scripts/fetch_leaflet.sh $(LEAFLET_VERSION) $(LEAFLET_DIR)

# Debian's chromium for the browser tests (installed only when missing and when run as root).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; fi; \
	fi

run: install
	$(VENV)/bin/streamlit run dashboard.py --server.port $(PORT)

test: install-dev chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

data: $(VENV)/.runtime
	KSG_RAW_DIR=$(RAW) $(PY) -m databuild

bench: install-dev chromium
	$(PY) -m bench

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) static/vendor .cache
