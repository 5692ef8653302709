# The two commands a newcomer needs: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: build test serve bench bench-large bench-serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP) $@

build: $(STAMP)
	$(BIN)/newsgen build

serve: $(STAMP)
	$(BIN)/newsgen serve

# Save-to-reloaded-page time of the live preview (sample site and 10,000 articles).
bench-serve: $(TEST_STAMP)
	$(BIN)/python bench/bench_serve.py

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf output .newsgen-cache
