# Two commands on a fresh machine (Python 3.10+):
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run the whole test suite
# Each creates the virtual environment .venv when it is missing (or pyproject.toml changed).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Tests run the notebooks in quick mode (small data, few epochs); the local data folder
# ../shared/data is used when it exists, otherwise Keras downloads the data once.
export AEHELPERS_QUICK ?= 1
ifneq ($(wildcard ../shared/data),)
export AEHELPERS_DATA_DIR ?= $(abspath ../shared/data)
endif

.PHONY: lab test test-unit test-widgets7 test-browser benchmark clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "Python 3.10 or newer is needed: make PYTHON=python3.11 ..." or 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lab,test]"
	touch $(STAMP)

lab: $(STAMP)
	AEHELPERS_QUICK=0 $(BIN)/jupyter lab notebooks/

test: test-unit test-widgets7 test-browser

test-unit: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python tools/sync_notebooks.py --check
	$(BIN)/pytest

# Colab still ships ipywidgets 7: run the widget tests again against 7.7, installed beside
# the environment (not into it) and put first on the path for this one run.
WIDGETS7 := $(VENV)/ipywidgets7
test-widgets7: $(STAMP)
	test -d $(WIDGETS7) || $(BIN)/python -m pip install --quiet --no-deps --target $(WIDGETS7) "ipywidgets==7.7.*" ipython_genutils
	PYTHONPATH=$(WIDGETS7) $(BIN)/python -c 'import ipywidgets as w; assert w.__version__.startswith("7."), w.__version__; print("ipywidgets", w.__version__)'
	PYTHONPATH=$(WIDGETS7) $(BIN)/pytest tests/test_widgets.py

test-browser: $(STAMP)
	$(BIN)/pytest tests/ui

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
