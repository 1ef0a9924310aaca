# Two commands on a fresh machine:
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run the whole test suite
# Each creates the virtual environment .venv when it is missing (or pyproject.toml changed),
# with a Python TensorFlow publishes wheels for (3.10 to 3.13): python3 when it is one,
# otherwise python3.13 ... python3.10 or a pyenv Python, found by tools/find_python.sh, which
# stops with one message naming the fix when there is none. Name one: make lab PYTHON=...
# CI (.ci/run) also runs the course on Colab's stack and on Binder's:
#   make test-colab    Python 3.13 with Colab's package versions (tests/stacks/colab.sh)
#   make test-binder   environment.yml + postBuild as Binder builds them (tests/stacks/binder.sh)

PYTHON ?=
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Tests run the notebooks in quick mode (small data, few epochs); the local data folder
# ../shared/data is used when it exists, otherwise Keras downloads the data once.
export AEHELPERS_QUICK ?= 1
ifneq ($(wildcard ../shared/data),)
export AEHELPERS_DATA_DIR ?= $(abspath ../shared/data)
endif

# Jupyter refuses to start as root ("Running as root is not recommended. Use --allow-root to
# bypass.") and containers, cloud VMs and CI machines often run as root: there the README's
# first command must still open the course. The flag is given only to root.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

.PHONY: lab test test-unit test-browser test-colab test-binder test-seeds find-python benchmark clean

# An existing .venv is kept when its Python is a supported one; otherwise (missing, or made
# by an unsupported Python) it is (re)made with the Python tools/find_python.sh finds.
$(STAMP): pyproject.toml
	@if ! $(SHELL) tools/find_python.sh $(BIN)/python >/dev/null 2>&1; then \
		python=$$($(SHELL) tools/find_python.sh $(PYTHON)) || exit 1; \
		echo "$$python -m venv --clear $(VENV)"; \
		"$$python" -m venv --clear $(VENV) || exit 1; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lab,test]"
	touch $(STAMP)

# Print the Python that would build .venv (or the message saying how to get one).
find-python:
	@$(SHELL) tools/find_python.sh $(PYTHON)

lab: $(STAMP)
	AEHELPERS_QUICK=0 $(BIN)/jupyter lab $(ALLOW_ROOT) notebooks/

# Each notebook runs twice: once in tests/test_notebook_runs.py (test-unit), once in the
# browser suite. The widget tests under Colab's ipywidgets 7.7 run in make test-colab.
# make test runs the two suites side by side (tools/run_tests.sh), TensorFlow and NumPy on one
# thread in each: these small models gain little from a second thread (notebook 02: 61 s on
# two threads, 73 s on one), so two notebooks at once keep two cores busier than one, and
# both runs of a notebook compute on the same threads, hence print the same figures. The
# browser suite compares each notebook's Checks figures with the unit suite's once written.
test: $(STAMP)
	@bash tools/run_tests.sh "$(MAKE)" "$(VENV)"

# The unit tests (pyproject's testpaths); the notebooks run in tests/test_notebook_runs.py.
# A teacher checks a changed notebook alone with: .venv/bin/pytest notebooks/NN_name.ipynb
test-unit: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python tools/sync_notebooks.py --check
	$(BIN)/pytest --durations=15

test-browser: $(STAMP)
	$(BIN)/pytest tests/ui

# The stack scripts build their own environments (.venv-colab, .venv-binder) and fail with a
# message, never skip, when they cannot (for example no Python 3.13 for Colab's stack).
test-colab:
	bash tests/stacks/colab.sh

# The exercise checks' margins over five seeds, in quick and full mode (hours in all: each
# notebook runs ten times). Pick some with SEEDS_ARGS, e.g. make test-seeds SEEDS_ARGS="-k 07".
test-seeds: $(STAMP)
	$(BIN)/pytest -m seeds $(SEEDS_ARGS)

test-binder:
	bash tests/stacks/binder.sh

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .venv-colab .venv-binder build *.egg-info
