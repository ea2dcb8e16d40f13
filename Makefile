# Two commands: `make run` (demo app on localhost:8501) and `make test` (lint, the whole suite on SQLite,
# then the tests that use the database again on PostgreSQL).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
# The tests run on pytest-xdist workers, one per CPU (TEST_WORKERS=0: all in one process). A whole test file
# goes to one worker, so what a file builds once (a module fixture) is built once.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

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

lint: $(VENV)/.dev  ## ruff on everything; mypy, strict, on metrics/, ui/, pages/ and app.py ([tool.mypy] in pyproject.toml)
	$(PY) -m ruff check .
	$(PY) -m mypy

test: lint
	@echo "== make test 1/2: the whole suite on SQLite / 전체 시험: SQLite =="
	$(PYTEST)
	@echo "== make test 2/2: the tests that use the database, on PostgreSQL / 데이터베이스 시험: PostgreSQL =="
	$(PYTEST) -m db --backend=postgresql

demo: $(VENV)/.runtime
	$(PY) -m metrics demo

bench: $(VENV)/.dev  ## every benchmark; their figures go into docs/performance.md and docs/report.md
	$(PY) bench/bench_ingest.py --backends sqlite,postgresql
	$(PY) bench/bench_scorecard.py --backends sqlite,postgresql
	$(PY) bench/bench_bounded.py
	$(PY) bench/bench_report.py

screenshots: $(VENV)/.dev  ## docs/screenshots (Korean, English, the printed scorecard) and the demo report
	$(PY) bench/screenshots.py
	$(PY) bench/screenshots.py --lang en
	$(PY) bench/report_demo.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
