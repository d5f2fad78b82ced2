# convolab: set-up, tests, demo, benchmarks. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo demo-quick test test-all bench lint format clean

# The venv is rebuilt when pyproject.toml changes; torch/torchvision come from the local pip cap.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/convolab demo

demo-quick: $(STAMP)
	$(BIN)/convolab demo --quick

# The visualizer's and the explain page's JavaScript against Python's golden vectors (Node's own runner, no npm).
test: $(STAMP)
	node --test tests/visualize/js/*.test.mjs tests/explain/js/*.test.mjs
	$(BIN)/python -m pytest -n 2 -m "not slow" -q

test-all: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build dist out runs .pytest_cache .hypothesis .ruff_cache
