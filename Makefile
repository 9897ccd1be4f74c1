# Neural networks from scratch in NumPy: build, test and grade from one place.
#   make build      set up .venv, release every chapter, build the HTML book
#   make test       set up .venv, run the whole test suite (what CI runs)
#   make benchmark  print timing figures against the course's budgets
#   make notebooks  (authors) regenerate exercise cells and stored outputs

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# nbgrader shells out to alembic and starts kernels by name: this venv first.
export PATH := $(BIN):$(PATH)
export PYTHONHASHSEED := 0

.PHONY: build test benchmark notebooks release book clean

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip==24.3.1" "setuptools==80.9.0"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

build: release book

release: $(VENV)/.installed
	$(BIN)/nnfs-grade release

book: release
	$(BIN)/python tools/build_book.py

test: $(VENV)/.installed
	$(BIN)/python -m pytest tests chapters/ch*/ch*.ipynb

benchmark: $(VENV)/.installed
	$(BIN)/python tools/benchmark.py

notebooks: $(VENV)/.installed
	$(BIN)/python tools/sync_exercises.py
	$(BIN)/python tools/execute_notebooks.py

clean:
	rm -rf _build book release autograded feedback gradebook.db
