# The two commands of a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# the port `make run` serves on: PORT=…, else QMS_PORT=…, else 8080
PORT   ?= $(or $(QMS_PORT),8080)

.PHONY: run test test-postgres lint bench install browser services clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,postgres,redis,usb,serial,gevent]'
	@touch $@

install: $(STAMP)

## serve the product on embedded SQLite with demo data (first run prints the admin password)
run: install
	$(BIN)/qms init --demo
	QMS_PORT=$(PORT) $(BIN)/qms serve

## Debian's chromium drives the browser tests (Playwright never downloads a browser)
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
	  || { $$SUDO apt-get update -q >/dev/null && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; }

## PostgreSQL, Redis and Mosquitto for the tests that use them: started, or installed then started
services:
	@bash scripts/ensure-services.sh

## every test: unit, API, property, concurrency, crash, browser, several processes
test: install browser services
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

## the storage tests again on PostgreSQL (QMS_TEST_POSTGRES_URL)
test-postgres: install services
	$(BIN)/python -m pytest -q -m storage --db=postgres

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install services
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/bench_speed.py
	$(BIN)/python bench/bench_issue.py
	$(BIN)/python bench/bench_print.py
	$(BIN)/python bench/bench_display.py
	$(BIN)/python bench/bench_announce.py
	$(BIN)/python bench/bench_reports.py
	$(BIN)/python bench/bench_devices.py
	$(BIN)/python bench/bench_fuzz.py --examples 50
	$(BIN)/python bench/bench_profile.py --out bench/profiles

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
