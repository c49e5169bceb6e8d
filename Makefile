# One-command set-up: `make run` and `make test` work on a fresh machine (see README).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
RAW ?= $(or $(KSG_RAW_DIR),../shared/raw)
LEAFLET_VERSION := 1.9.4
LEAFLET_DIR := static/vendor/leaflet
AXE_VERSION := 4.14.1
AXE_DIR := static/vendor/axe-core
POLYLINE_VERSION := 1.2.1
POLYLINE_DIR := static/vendor/polyline

.PHONY: run test data bench lint format install install-dev assets chromium nginx poppler cluster \
	cluster-stop cluster-status loadgen loadgen-capacity loadgen-memory bench-cluster clean

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
assets: $(LEAFLET_DIR)/leaflet.js $(AXE_DIR)/axe.min.js $(POLYLINE_DIR)/polyline.js
$(LEAFLET_DIR)/leaflet.js:
	bash scripts/fetch_npm.sh leaflet $(LEAFLET_VERSION) $(LEAFLET_DIR) \
		dist/leaflet.js dist/leaflet.css dist/images

# @mapbox/polyline decodes the Germany-wide layer (encoded polylines) in the map frame.
$(POLYLINE_DIR)/polyline.js:
	bash scripts/fetch_npm.sh @mapbox/polyline $(POLYLINE_VERSION) $(POLYLINE_DIR) \
		src/polyline.js LICENSE

# axe-core (accessibility checks injected by the browser tests), from the npm registry as well.
$(AXE_DIR)/axe.min.js:
	bash scripts/fetch_npm.sh axe-core $(AXE_VERSION) $(AXE_DIR) axe.min.js LICENSE

# Debian's chromium for the browser tests (installed only when missing and when run as root).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; fi; \
	fi

# Debian's nginx (+ brotli modules and the brotli tool when the archive has them) for
# `make cluster` and the cluster test (installed only when missing and when run as root).
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq nginx; \
	    apt-get install -y -qq libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static brotli || true; \
	  else echo "nginx missing: run 'sudo apt-get install nginx libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static brotli'"; fi; \
	fi

# Debian's poppler-utils (pdftotext, pdftoppm) to read and render the region profile PDF in tests.
poppler:
	@if [ ! -x /usr/bin/pdftoppm ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq poppler-utils; \
	  else echo "poppler-utils missing: run 'sudo apt-get install poppler-utils' (PDF page tests will be skipped)"; fi; \
	fi

REPLICAS ?= 4
CLUSTER_PORT ?= 8080
CLUSTER_HOST ?= 127.0.0.1
# N app processes on 127.0.0.1:8601.. behind nginx on CLUSTER_HOST:CLUSTER_PORT (see README).
cluster: install nginx
	$(PY) -m deploy.cluster start --replicas $(REPLICAS) --port $(CLUSTER_PORT) --host $(CLUSTER_HOST)

cluster-stop:
	$(PY) -m deploy.cluster stop

cluster-status:
	$(PY) -m deploy.cluster status

# Protocol-level load test of one app process (no browsers): the 1/10/25/50/100 curve.
loadgen: install-dev
	$(PY) -m harness.loadgen --start --warmup --curve 1,10,25,50,100 --json bench/loadgen.json

# Sessions one process holds at p95 ≤ 3× the single-session time (doubling, then bisection).
loadgen-capacity: install-dev
	$(PY) -m harness.loadgen --start --warmup --capacity --json bench/loadgen-capacity.json

# Resident memory idle, after warm-up and after 10 rounds of 50 sessions (all closed).
loadgen-memory: install-dev
	$(PY) -m harness.loadgen --start --warmup --curve 50 --rounds 10 --settle 25 --env MALLOC_ARENA_MAX=2 \
		--json bench/loadgen-memory.json

# The shipped deployment under load: 200 sessions through nginx, a replica killed mid-run,
# 100 overview visits at once, bytes on the wire in Chromium (results in bench/cluster.json).
bench-cluster: install-dev nginx chromium
	$(PY) -m deploy.cluster_bench --replicas $(REPLICAS) --port $(CLUSTER_PORT)

run: install
	$(VENV)/bin/streamlit run dashboard.py --server.port $(PORT)

test: install-dev chromium nginx poppler
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

# All steps, or only some: make data STEPS="tour programme" (python -m databuild --list).
data: $(VENV)/.runtime
	KSG_RAW_DIR=$(RAW) $(PY) -m databuild $(STEPS)

bench: install-dev chromium
	$(PY) -m bench

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) static/vendor static/layers .cache
