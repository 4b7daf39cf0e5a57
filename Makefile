# The two commands a new user needs: `make demo` and `make test`.
# Everything else they need (a virtualenv, pinned Python packages, Debian's
# Chromium) is installed by the targets below on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup system-deps demo lint test accuracy services-figures discover-figures bench clean

setup: $(VENV)/.installed system-deps

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

system-deps:
	./scripts/install-system-deps.sh

demo: setup
	$(VENV)/bin/portalcheck demo

# ruff over the whole tree and mypy over checks/, results/ and scoring/
# (pyproject.toml says which rules and files), the settings page up to date with crawler/settings.py.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) scripts/settings_doc.py --check

test: setup
	$(PY) -m pytest -q

accuracy: setup
	$(PY) bench/accuracy.py

services-figures: setup
	$(PY) bench/services_figures.py

discover-figures: setup
	$(PY) bench/discover_figures.py

# `make bench BENCH_ARGS="--sizes national --national-scale 0.1"`: the national sweep,
# on one machine and through two RQ workers (docs/scaling.md).
bench: setup
	./scripts/install-system-deps.sh --bench
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) portalcheck-demo results/*.db*
