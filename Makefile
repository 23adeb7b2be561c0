# twitchscope: two commands on a fresh machine.
#   make demo  - set up .venv, simulate the built-in example night, read it back, score it, report.
#   make test  - set up the system pieces the tests use (scripts/setup_system.sh: chromium, Pango
#                and fonts, PostgreSQL; installed and started when root, else named with the
#                command to install them), .venv with the test extras, then ruff (lint and
#                format check), mypy and pytest.
#                Each step says how long it took.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := demo_output

.PHONY: demo test system lint typecheck pytest bench fuzz clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[web]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	@t0=$$(date +%s); $(BIN)/python -m pip install --quiet -e '.[test]' \
	  && echo "make: pip install of the test extras took $$(( $$(date +%s) - t0 )) s"
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	bash scripts/demo.sh $(BIN) $(DEMO)

# System packages and services of the tests (see the script's header); quick when in place.
system:
	bash scripts/setup_system.sh

lint: $(VENV)/.installed-test
	@t0=$$(date +%s); $(BIN)/ruff check src tests benchmarks \
	  && $(BIN)/ruff format --check src tests benchmarks \
	  && echo "make: ruff took $$(( $$(date +%s) - t0 )) s"

typecheck: $(VENV)/.installed-test
	@t0=$$(date +%s); $(BIN)/mypy && echo "make: mypy took $$(( $$(date +%s) - t0 )) s"

# --durations: the slowest tests, to keep make test well inside CI's time.
pytest: $(VENV)/.installed-test
	$(BIN)/pytest -q --durations=15

test: system lint typecheck pytest

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
