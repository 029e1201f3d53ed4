# Colis: `make demo` runs the floor, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test install bench docs clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

demo: $(INSTALLED)
	$(VENV)/bin/colis-demo

test: $(INSTALLED)
	$(PY) -m pytest -v -p no:cacheprovider $(PYTEST_ARGS)

docs: $(INSTALLED)
	$(PY) -m tools.gen_docs

bench: $(INSTALLED)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var/ instance/ *.egg-info
