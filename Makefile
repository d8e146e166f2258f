# store-checker: the two commands a new user needs are `make audit` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Exact versions and hashes of every runtime and dev dependency, pip and setuptools (`make lock`).
LOCK   := requirements-lock.txt

.PHONY: audit test lint bench install lock test-latest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Everything from the lock (pip and setuptools too), then the project itself on top, editable and
# built with the locked setuptools; pip check fails when the lock does not meet pyproject.toml.
$(STAMP): $(BIN)/python $(LOCK) pyproject.toml setup.py
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

install: $(STAMP)

## Audit the bundled fixture store over HTTP and write reports/audit-*.xlsx.
## Exit code 1 only means "findings at or above --fail-on": expected for the demo store.
audit: $(STAMP)
	$(BIN)/checker audit --serve fixtures/store --config fixtures/checker.toml --today 2026-11-23 || [ $$? -eq 1 ]

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check checker rules tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## Refresh the lock to the newest releases pyproject.toml allows, for Python >= 3.11 on every
## platform (one file; pip picks the lines and wheels for its machine). uv, pinned here, is
## installed into a venv of its own. `make lock UPGRADE=PKG[==VER]` moves one package only and
## keeps every other pin (also the way to lock a dependency newly added to pyproject.toml).
UV_VENV    ?= .venv-uv
UV_VERSION ?= 0.13.9
UPGRADE    ?=
lock:
	[ -x $(UV_VENV)/bin/python ] || $(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV_VENV)/bin/uv pip compile pyproject.toml requirements-build.in --extra dev --extra ocr \
	    --universal --python-version 3.11 --generate-hashes --custom-compile-command 'make lock' \
	    $(if $(UPGRADE),$(addprefix --upgrade-package ,$(UPGRADE)),--upgrade) -o $(LOCK)

## The tests once against the newest releases pyproject.toml allows, in a venv of their own made
## anew each time, all output in build/test-latest.log. Prints one line: how those releases differ
## from the lock, and a WARNING if the tests fail there. Succeeds either way: it is an early warning
## for the next `make lock`, not a verdict on the code, which `make test` gives from the lock.
LATEST     ?= .venv-latest
LATEST_LOG ?= build/test-latest.log
test-latest:
	@rm -rf $(LATEST) && mkdir -p $(dir $(LATEST_LOG)) && $(PYTHON) -m venv $(LATEST)
	@echo "test-latest: the newest releases into $(LATEST), tests with them (log: $(LATEST_LOG))"
	@if ! { $(LATEST)/bin/python -m pip install --upgrade pip setuptools && \
	        $(LATEST)/bin/python -m pip install --upgrade --upgrade-strategy eager -e '.[dev,ocr]'; } >$(LATEST_LOG) 2>&1; then \
	    echo "WARNING: the newest releases do not install (see $(LATEST_LOG))"; exit 0; fi; \
	newer=$$($(LATEST)/bin/python .ci/newer_than_lock.py $(LOCK)); \
	if $(LATEST)/bin/python -m pytest -q -p no:cacheprovider >>$(LATEST_LOG) 2>&1; then \
	    echo "test-latest: the tests pass against the newest releases (vs the lock: $$newer)"; \
	else \
	    failing=$$(sed -n 's/^\(FAILED\|ERROR\) \([^ ]*\).*/\2/p' $(LATEST_LOG) | head -3 | paste -sd ' '); \
	    echo "WARNING: tests fail against the newest releases: $$newer (failing: $${failing:-see log}; log: $(LATEST_LOG))"; \
	fi

clean:
	rm -rf $(VENV) $(LATEST) $(UV_VENV) build *.egg-info .pytest_cache .ruff_cache
