# Colis: `make demo` runs the floor, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=
# Two pytest processes (pytest-xdist), a test file each at a time: most tests wait on real
# servers, browsers and databases, so two halve the time on CI's 2 cores. TEST_PROCESSES=0: one.
TEST_PROCESSES ?= 2
FUZZ_RUNS ?= 1000000
FUZZ_INSTALLED := $(VENV)/.installed-fuzz

.PHONY: demo test install bench soak docs fuzz clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

demo: $(INSTALLED)
	$(VENV)/bin/colis-demo

test: $(INSTALLED)
	$(PY) -m pytest -v -p no:cacheprovider -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

docs: $(INSTALLED)
	$(PY) -m tools.gen_docs

bench: $(INSTALLED)
	$(PY) bench/run_all.py

# Not part of `make bench`: 200 stations for 10 minutes, p99 and server memory over time.
soak: $(INSTALLED)
	$(PY) bench/bench_soak.py --stations 200 --minutes 10

$(FUZZ_INSTALLED): $(INSTALLED)
	$(PY) -m pip install --quiet -e '.[dev,fuzz]'
	touch $(FUZZ_INSTALLED)

# Not part of `make test`: a few minutes of atheris on identify(); fails if it raised.
fuzz: $(FUZZ_INSTALLED)
	$(PY) fuzz/fuzz_identify.py -runs=$(FUZZ_RUNS)

clean:
	rm -rf $(VENV) var/ instance/ *.egg-info
