# The two commands a newcomer needs: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

# The checkers the theme tests run (W3C Nu HTML checker, axe-core), pinned in
# tests/tools/package-lock.json. --ignore-scripts: vnu-jar's install script would
# try to download a Java runtime; the machine's Java is used instead.
TOOLS := tests/tools
TOOLS_STAMP := $(TOOLS)/node_modules/.installed

.PHONY: build test tools serve bench bench-large bench-serve clean

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
	@echo "Its links start at the site's root: open it through a web server, not from disk:"
	@echo "  make serve   (the live preview at http://127.0.0.1:8000/)"

serve: $(STAMP)
	$(BIN)/newsgen serve

# Cold builds of 1,000 and 10,000 generated articles beside Hugo, then the incremental
# cases (no change, publish, edit, template change), one-shot and through build --watch.
# Corpora and Hugo go to bench/work/.
bench: $(STAMP)
	$(BIN)/python bench/run.py --articles 1000 --runs 3 --cold
	$(BIN)/python bench/run.py --articles 10000 --runs 3 --cold --hugo --incremental --watch
	$(BIN)/python bench/run.py --articles 10000 --runs 3 --cold --hugo --no-search

# The same at 100,000 articles: one cold build and the one-shot incremental cases,
# then three publishes and edits through build --watch (its template case is a full
# re-render, timed one-shot above).
bench-large: $(STAMP)
	$(BIN)/python bench/run.py --articles 100000 --runs 1 --cold --incremental
	$(BIN)/python bench/run.py --articles 100000 --runs 3 --watch --skip template

# Save-to-reloaded-page time of the live preview (sample site and 10,000 articles).
bench-serve: $(TEST_STAMP)
	$(BIN)/python bench/bench_serve.py

$(TOOLS_STAMP): $(TOOLS)/package.json $(TOOLS)/package-lock.json
	@command -v npm >/dev/null || { echo "make tools: npm is needed to install the HTML" \
		"checkers: apt-get install npm default-jre-headless chromium fonts-nanum nginx rsync" \
		"(or run .ci/run as root)" >&2; exit 1; }
	cd $(TOOLS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

tools: $(TOOLS_STAMP)

test: $(TEST_STAMP) $(TOOLS_STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf output .newsgen-cache
