# twitchscope: two commands on a fresh machine.
#   make demo  - set up .venv, simulate the built-in example night, read it back, score it, report.
#   make test  - set up .venv with the test extras, then ruff, mypy and pytest.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := demo_output

.PHONY: demo test lint typecheck pytest bench fuzz clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[web]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	bash scripts/demo.sh $(BIN) $(DEMO)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run_all.py

# The long fuzz run (not part of make test): the reader properties with many examples, then
# mutated real files through the whole command line in fresh processes (fails on a traceback,
# an internal error, a crash or a hang). FUZZ_N mutated inputs, FUZZ_SEED picks them.
FUZZ_N ?= 200
FUZZ_SEED ?= 0
fuzz: $(VENV)/.installed-test
	TWITCHSCOPE_FUZZ_EXAMPLES=500 $(BIN)/pytest -q -p no:cacheprovider tests/fuzz
	$(BIN)/python tests/fuzz/fuzz_cli.py --n $(FUZZ_N) --seed $(FUZZ_SEED)

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache fuzz_findings
