# One command each on a fresh machine: the venv is created and the project
# installed into it whenever pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Two test processes (pytest-xdist, whole files per process): 388 s against 603 s in one process, one run after
# the other on this 2-core machine while other jobs shared it; 291 s from a fresh clone.
# make test TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2

.PHONY: run test bench lint format clean oxt

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) build.py

test: $(STAMP)
	$(PY) -m pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

oxt: $(STAMP)
	$(PY) -m udfs.calc_addin dist/CEO_Model.oxt

bench: $(STAMP)
	$(PY) bench.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) dist .pytest_cache .ruff_cache .hypothesis
