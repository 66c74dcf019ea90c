# Two commands: `make run` and `make test`. Everything else is what they need.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck djcheck pytest test-postgres bench messages clean demo system-deps venv

$(STAMP): requirements/dev.lock pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PY) not found)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade uv
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements/dev.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

messages: $(STAMP)
	$(BIN)/python scripts/compile_messages.py

run: $(STAMP) messages
	mkdir -p var
	$(BIN)/clausier migrate --no-input -v 0
	$(BIN)/clausier collectstatic --no-input -v 0
	$(BIN)/clausier demo
	CLAUSIER_MAILCATCHER=$${CLAUSIER_MAILCATCHER:-1} EMAIL_PORT=$${EMAIL_PORT:-8025} PAYMENT_HOSTED_PAGE=$${PAYMENT_HOSTED_PAGE:-test} $(BIN)/clausier run

demo: $(STAMP) messages
	$(BIN)/clausier migrate --no-input -v 0
	$(BIN)/clausier demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy clausier

djcheck: $(STAMP) messages
	$(BIN)/clausier check --fail-level WARNING
	$(BIN)/clausier makemigrations --check --dry-run

# Debian packages the tests need: Chromium for the browser tests, Pango for
# WeasyPrint's PDFs (installed when missing). The probe tests' servers are installed and started by scripts/servers,
# which the tests call themselves.
system-deps:
	@if [ -x scripts/ensure-chromium ]; then scripts/ensure-chromium; fi
	@if [ -x scripts/ensure-pdf-libs ]; then scripts/ensure-pdf-libs; fi

# pytest exits 5 when it collected nothing: say so and fail, never pass silently.
PYTEST_RUN = $(BIN)/pytest -n 2 -q $$PYTEST_ARGS; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

pytest: $(STAMP) messages system-deps
	$(PYTEST_RUN)

test: lint typecheck djcheck pytest

# The suite again on PostgreSQL; .ci/run calls it when a server answers on 127.0.0.1:5432.
# The probe engine (no Django, no database) and the browser journeys do not depend on the
# database engine: they ran once in `make test` and are not run again here.
PG_SKIP = --ignore=tests/probes --ignore=tests/browser
test-postgres: $(STAMP) messages system-deps
	export DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/clausier}; \
	PYTEST_ARGS="$(PG_SKIP)"; $(PYTEST_RUN)

bench: $(STAMP)
	@if [ -x scripts/ensure-bench-tools ]; then scripts/ensure-bench-tools; fi
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) staticfiles
