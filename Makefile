# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= urbandb.sqlite
PORT   ?= 8001

.PHONY: venv demo test bench eval clean

# The environment is rebuilt when the pins change; requirements.lock pins every package.
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The extraction modules compiled with Cython (urbandb/compiled.py), rebuilt when one changes.
# Without a C compiler the build fails with a message and they run as plain Python.
$(VENV)/.compiled: $(VENV)/.installed extract/*.py
	$(BIN)/python -m urbandb.compile || echo "the extraction modules could not be compiled; they run as plain Python, slower"
	touch $@

venv: $(VENV)/.installed $(VENV)/.compiled

demo: venv
	$(BIN)/urbandb --db $(DB) init
	$(BIN)/urbandb --db $(DB) load seeds/ corpus/
	$(BIN)/urbandb --db $(DB) serve --port $(PORT)

test: venv
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python bench/run.py

eval: venv
	$(BIN)/urbandb --db $(DB) init
	$(BIN)/urbandb --db $(DB) load seeds/ corpus/
	$(BIN)/urbandb --db $(DB) eval gold/

clean:
	rm -rf $(VENV) *.egg-info build
