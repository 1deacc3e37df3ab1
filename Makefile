# The book's commands. `make book` builds the site, `make test` runs every test;
# both set up a virtual environment first (./.venv, unless one is active).

SHELL := /bin/bash
PYTHON ?= python3
ifdef VIRTUAL_ENV
VENV := $(VIRTUAL_ENV)
else
VENV := .venv
endif
PY := $(VENV)/bin/python
STAMP := $(VENV)/.nnbook-installed
HELPERS := $(wildcard helpers/pyproject.toml helpers/nnbook/*.py)
PORT ?= 8000
# Pytest's own options can be added: make test PYTEST_ARGS="-k sync -x"
PYTEST_ARGS ?=
# make test-gpu uses the Python that has CUDA torch on a GPU machine and never makes
# a venv; its dry run (DRY_RUN=1) uses this project's venv on the CPU.
ifdef DRY_RUN
GPU_PYTHON ?= $(PY)
else
GPU_PYTHON ?= python3
endif

.PHONY: help install chromium book test outputs student serve test-gpu clean

help:
	@echo "make book       build the site into _build/html (sets up .venv first)"
	@echo "make test       run every test: helpers, notebooks (nbval), exercises, site"
	@echo "make outputs    re-execute every notebook in place on the CPU"
	@echo "make student    write the student edition to _build/student/"
	@echo "make serve      serve _build/html on http://127.0.0.1:$(PORT)"
	@echo "make test-gpu   run every notebook on a CUDA GPU (DRY_RUN=1: on the CPU)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt $(HELPERS) | $(PY)
	set -o pipefail; $(PY) -m pip install --quiet -r requirements.txt 2>&1 \
	  | { grep -v "^WARNING: Location" || true; }
	touch $(STAMP)

install: $(STAMP)

# The browser tests drive a real headless Chromium: Debian's package, installed here
# when missing (as root); elsewhere install it yourself or set CHROMIUM=/path/to/chrome.
chromium:
	@if [ -n "$$CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-dejavu-core fonts-wqy-microhei >/dev/null; \
	else \
	  echo "The browser tests need Chromium: install it (sudo apt-get install chromium)"; \
	  echo "or set CHROMIUM=/path/to/chrome"; exit 1; \
	fi

book: $(STAMP)
	$(VENV)/bin/jupyter-book build . --all --builder html -W -n --keep-going

test: $(STAMP) chromium
	NNBOOK_DEVICE=cpu $(PY) -m pytest $(PYTEST_ARGS)

outputs: $(STAMP)
	NNBOOK_DEVICE=cpu $(PY) tools/execute.py --timings book/_data/cpu-times.json

student: $(STAMP)
	$(PY) tools/student.py --out _build/student

serve: book
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

test-gpu: $(if $(DRY_RUN),$(STAMP))
	$(GPU_PYTHON) tools/test_gpu.py $(if $(DRY_RUN),--dry-run)

clean:
	rm -rf _build .pytest_cache
