# The book's commands. `make book` builds the site, `make test` runs every test;
# both set up a virtual environment first (./.venv, unless one is active) and
# install the lock, requirements-lock.txt, into it: every package pinned.

SHELL := /bin/bash
PYTHON ?= python3
ifdef VIRTUAL_ENV
VENV := $(VIRTUAL_ENV)
else
VENV := .venv
endif
PY := $(VENV)/bin/python
STAMP := $(VENV)/.nnbook-installed
# make otter's own environment: otter-grader (requirements-otter.txt), not in the lock
OTTER_ENV := .venv-otter
OTTER_STAMP := $(OTTER_ENV)/.nnbook-installed
HELPERS := $(wildcard helpers/pyproject.toml helpers/nnbook/*.py)
PORT ?= 8000
# Pytest's own options can be added: make test PYTEST_ARGS="-k sync -x"
PYTEST_ARGS ?=
# Test workers (pytest-xdist): one per CPU by default; JOBS=0 runs in one process.
JOBS ?= auto
# make test-claims: which torch and torchvision (lower: requirements.txt's lower
# bounds; newest: the newest release on the index; or a version such as 2.15.0).
TORCH ?= newest
TORCHVISION ?=
# make test-gpu uses the Python that has CUDA torch on a GPU machine and never makes
# a venv; its dry run (DRY_RUN=1) uses this project's venv on the CPU.
ifdef DRY_RUN
GPU_PYTHON ?= $(PY)
else
GPU_PYTHON ?= python3
endif

.PHONY: help install lock chromium book book-zh gettext test test-otter test-claims seeds outputs bench student grade grade-demo otter serve test-gpu clean

help:
	@echo "make book       build the site into _build/html, the Chinese one into _build/html/zh_CN"
	@echo "make book-zh    build only the Chinese site (from locales/zh_CN)"
	@echo "make gettext    extract the English text into the catalogues of locales/zh_CN"
	@echo "make test       run every test: helpers, notebooks (nbval), exercises, site"
	@echo "make outputs    re-execute every notebook in place on the CPU"
	@echo "make bench      time every chapter in a fresh kernel (report in reports/)"
	@echo "make lock       re-resolve requirements.txt into requirements-lock.txt"
	@echo "make seeds      re-record the per-seed tables of the MNIST-1D chapters"
	@echo "make student    write the student edition to _build/student/"
	@echo "make grade      grade a class: SUBMISSIONS=dir CHAPTER=name (out: _build/grades/)"
	@echo "make grade-demo grade a made-up class of 15 notebooks (chapter layers)"
	@echo "make otter      an otter-grader master notebook of a chapter: CHAPTER=name"
	@echo "make serve      serve _build/html on http://127.0.0.1:$(PORT)"
	@echo "make test-claims  every chapter under another torch (TORCH=lower|newest|2.x.y)"
	@echo "make test-gpu   run every notebook on a CUDA GPU (DRY_RUN=1: on the CPU)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements-lock.txt $(HELPERS) | $(PY)
	set -o pipefail; $(PY) -m pip install --quiet -r requirements-lock.txt 2>&1 \
	  | { grep -v "^WARNING: Location" || true; }
	touch $(STAMP)

install: $(STAMP)

# Re-resolve requirements.txt into requirements-lock.txt: the newest release of every
# package that fits, but for the choices in lock-constraints.txt. One lock for every
# platform and Python >= 3.10 (uv's universal resolution). Then `make outputs`.
lock: | $(PY)
	$(PY) -m pip install --quiet "uv>=0.5"
	$(VENV)/bin/uv pip compile requirements.txt --universal --python-version 3.10 \
	  --constraint lock-constraints.txt --upgrade --quiet \
	  --custom-compile-command "make lock" --output-file requirements-lock.txt

# The browser tests drive a real headless Chromium: Debian's package, installed here
# when missing (as root); elsewhere install it yourself or set CHROMIUM=/path/to/chrome.
chromium: | $(PY)
	@if $(PY) -m tools.chromium >/dev/null; then exit 0; fi; \
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
	$(PY) -m tools.i18n build-zh

# The Chinese edition (tools/i18n.py). `make gettext` extracts the English text into
# locales/zh_CN/LC_MESSAGES/ (new paragraphs untranslated, changed ones fuzzy);
# `make book-zh` builds the Chinese site into _build/html/zh_CN (strict).
gettext: $(STAMP)
	$(PY) -m tools.i18n gettext

book-zh: $(STAMP)
	$(PY) -m tools.i18n build-zh

test: $(STAMP) $(OTTER_STAMP) chromium
	NNBOOK_DEVICE=cpu $(PY) -m pytest -n $(JOBS) $(PYTEST_ARGS)

# The claims tier (tools/claims.py): a fresh environment in .venv-claims/$(TORCH)
# with that torch, every chapter run in it, every assert must hold; printed numbers
# that changed are reported. The log goes to reports/claims-torch-<version>-cpu.md.
test-claims: $(STAMP)
	$(PY) -m tools.claims --make-env .venv-claims/$(TORCH) --torch $(TORCH) \
	  $(if $(TORCHVISION),--torchvision $(TORCHVISION)) --out reports

# The per-seed tables the four MNIST-1D chapters quote, re-run with the lock
# (about 10 minutes on 2 cores); then `make outputs`.
seeds: $(STAMP)
	NNBOOK_DEVICE=cpu $(PY) -m tools.record_seeds

outputs: $(STAMP)
	NNBOOK_DEVICE=cpu $(PY) -m tools.execute --timings book/_data/cpu-times.json

# How long each chapter takes, each in a fresh kernel, one at a time, offline where a
# network namespace can be made: a benchmark, not a test. Report: reports/bench-cpu.md.
# BENCH_ARGS="--repeat 3" takes the median of three runs; "--before FILE" compares.
BENCH_ARGS ?=
bench: $(STAMP)
	NNBOOK_DEVICE=cpu $(PY) -m tools.bench $(BENCH_ARGS)

student: $(STAMP)
	$(PY) -m tools.student --out _build/student

# Grade every notebook in SUBMISSIONS against the book's chapter CHAPTER: grades.csv,
# feedback/ and summary.md in _build/grades/CHAPTER (GRADE_ARGS="--cell-timeout 60").
GRADE_ARGS ?=
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" -a -n "$(CHAPTER)" \
	  || { echo "usage: make grade SUBMISSIONS=dir CHAPTER=name"; exit 2; }
	NNBOOK_DEVICE=cpu $(PY) -m tools.grade "$(SUBMISSIONS)" --chapter "$(CHAPTER)" \
	  $(GRADE_ARGS)

grade-demo: $(STAMP)
	$(PY) -m tools.grading_class tests/grading/layers-class.yml _build/grade-demo/layers
	NNBOOK_DEVICE=cpu $(PY) -m tools.grade _build/grade-demo/layers --chapter layers \
	  --cell-timeout 10 --out _build/grades/grade-demo

# An otter-grader master notebook of CHAPTER, checked by `otter assign` (which runs
# every test against the solutions); otter lives in .venv-otter, not in the lock.
$(OTTER_STAMP): requirements-otter.txt | $(STAMP)
	$(PY) -m tools.otter --make-env $(OTTER_ENV)
	touch $(OTTER_STAMP)

otter: $(STAMP) $(OTTER_STAMP)
	@test -n "$(CHAPTER)" || { echo "usage: make otter CHAPTER=name"; exit 2; }
	$(PY) -m tools.otter "$(CHAPTER)" --out _build/otter
	cd _build/otter/$(CHAPTER) && rm -rf dist && NNBOOK_DEVICE=cpu \
	  $(abspath $(OTTER_ENV))/bin/otter assign $(CHAPTER).ipynb dist

# otter assign on every chapter with its own re-run of the tests (each chapter is
# executed again: about 4 minutes on 2 cores); `make test` re-runs two of them.
test-otter: $(STAMP) $(OTTER_STAMP)
	NNBOOK_OTTER_RUN_TESTS=all NNBOOK_DEVICE=cpu $(PY) -m pytest -n $(JOBS) tests/test_otter.py

serve: book
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

test-gpu: $(if $(DRY_RUN),$(STAMP))
	$(GPU_PYTHON) -m tools.test_gpu $(if $(DRY_RUN),--dry-run)

clean:
	rm -rf _build .pytest_cache
