# Two commands: `make run` (demo app on localhost:8501) and `make test` (lint + whole suite).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test lint demo bench screenshots clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m metrics demo --if-empty --out data/demo
	$(PY) -m ui.serve --server.address=127.0.0.1 --server.port=$(PORT) \
		--server.headless=true --browser.gatherUsageStats=false

lint: $(VENV)/.dev
	$(PY) -m ruff check .

test: lint
	$(PY) -m pytest -q

demo: $(VENV)/.runtime
	$(PY) -m metrics demo

bench: $(VENV)/.dev
	$(PY) bench/run_all.py

screenshots: $(VENV)/.dev
	$(PY) bench/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
