# `make demo` and `make test` bootstrap .venv themselves on a fresh machine.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The first Python 3.11+ on the PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)

.PHONY: demo test test-fast test-clocks lint bench serve clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/slotkeeper db upgrade
	$(BIN)/slotkeeper demo-data
	@echo "Serving the demo on http://127.0.0.1:8000 (API docs at /docs); Ctrl-C stops it."
	$(BIN)/slotkeeper serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Domain and API tests spread over every core (half the time on two cores); the server
# and browser tests, which start their own processes and race them, one at a time.
test: lint
	$(BIN)/pytest -n auto tests/domain tests/api
	$(BIN)/pytest tests/server tests/web

# The inner loop: domain tests and the API tests on SQLite, over every core (under 2 minutes).
test-fast: $(STAMP)
	$(BIN)/pytest -q -n auto tests/domain tests/api -m "not postgres"

# The server and browser tests under five shifted clocks (Debian's faketime, by one offset
# that the test process, the servers it starts and Chromium all share): a Monday 00:30 and
# a Friday 23:50 in New York, the night London's clocks go forward, New Year's Eve in UTC,
# and a Tuesday 11:00 in New York, while the test salon is open (times are close at hand).
CLOCKS := "America/New_York|2026-12-07 00:30:00" "America/New_York|2026-12-04 23:50:00" \
	"Europe/London|2027-03-28 00:50:00" "UTC|2026-12-31 23:30:00" \
	"America/New_York|2026-12-08 11:00:00"
test-clocks: $(STAMP)
	@command -v faketime >/dev/null || { echo "needs faketime (apt-get install faketime)"; exit 1; }
	@for c in $(CLOCKS); do \
		tz="$${c%%|*}"; at="$${c#*|}"; \
		shift=$$(( $$(TZ="$$tz" date -d "$$at" +%s) - $$(date +%s) )); \
		echo "== TZ=$$tz, clock starting at $$at (shifted $$shift s)"; \
		TZ="$$tz" faketime -f "$$(printf %+d $$shift)" $(BIN)/pytest -q tests/server tests/web \
			|| exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
