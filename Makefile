# Graphledger: `make run` serves the API on 127.0.0.1:8000, `make test` runs every test.
# Each target sets up what it needs (virtual environment, packages, both stores, migrations,
# graph constraints); a second run reuses it. Without a Docker engine the stores run natively
# from .local/ (see scripts/stores.sh); ports can be overridden with GL_PG_PORT, GL_NEO4J_PORT,
# GL_NEO4J_TEST_PORT and PORT.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
WORKERS ?= 1
GL_PG_PORT ?= 55432
GL_NEO4J_PORT ?= 57687
GL_NEO4J_TEST_PORT ?= 57688
GL_NEO4J_BENCH_PORT ?= $(shell echo $$(( $(GL_NEO4J_TEST_PORT) + 1 )))
GL_NEO4J_PASSWORD ?= graphledger-dev
export GL_PG_PORT GL_NEO4J_PORT GL_NEO4J_TEST_PORT GL_NEO4J_BENCH_PORT GL_NEO4J_PASSWORD

UV_VERSION := 0.13.9
LOCAL := .local
UV := $(LOCAL)/uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STORES := scripts/stores.sh
NODE_STAMP := node_modules/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

PG_URL := postgresql+psycopg://graphledger:graphledger@127.0.0.1:$(GL_PG_PORT)
RUN_ENV := GRAPHLEDGER_DATABASE_URL=$${GRAPHLEDGER_DATABASE_URL:-$(PG_URL)/graphledger} \
	GRAPHLEDGER_NEO4J_URI=$${GRAPHLEDGER_NEO4J_URI:-bolt://127.0.0.1:$(GL_NEO4J_PORT)} \
	GRAPHLEDGER_NEO4J_PASSWORD=$${GRAPHLEDGER_NEO4J_PASSWORD:-$(GL_NEO4J_PASSWORD)}
BENCH_ENV := GRAPHLEDGER_ENV=test \
	GRAPHLEDGER_DATABASE_URL=$(PG_URL)/graphledger_bench \
	GRAPHLEDGER_NEO4J_URI=bolt://127.0.0.1:$(GL_NEO4J_BENCH_PORT) \
	GRAPHLEDGER_NEO4J_PASSWORD=$(GL_NEO4J_PASSWORD)
TEST_ENV := GRAPHLEDGER_ENV=test \
	GRAPHLEDGER_DATABASE_URL=$(PG_URL)/graphledger_test \
	GRAPHLEDGER_NEO4J_URI=bolt://127.0.0.1:$(GL_NEO4J_TEST_PORT) \
	GRAPHLEDGER_NEO4J_PASSWORD=$(GL_NEO4J_PASSWORD)

# The web console's libraries (Cytoscape.js, Chart.js), pinned by package-lock.json and served
# from node_modules by the app; browser tests drive Debian's Chromium (no browser download).
.PHONY: bench help venv ui-deps chromium services-up services-down services-status migrate run test health-eval soak demo lint clean

help:
	@echo "make run            serve the API and the console (/ui) on 127.0.0.1:$(PORT) (WORKERS processes)"
	@echo "make test           run the whole test suite against real stores"
	@echo "make health-eval     plant 200 faults in the samples, print the report's recall (test stores)"
	@echo "make soak           a bounded mixed load (SOAK_MINUTES, SOAK_CLIENTS) with latency and memory"
	@echo "make demo           import Online Boutique and print two blast radii"
	@echo "make services-up    start PostgreSQL and Neo4j;  make services-down stops them"
	@echo "make bench          load a generated estate of SCALE CIs (default 100000) and measure;"
	@echo "                    writes bench/results.json and BENCHMARKS.md (own stores, see below)"
	@echo "make lint           ruff and mypy"

$(UV):
	@command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
	python3 -m venv $(LOCAL)/uv
	$(LOCAL)/uv/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

venv: $(VENV)/.synced

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required for the web console's libraries" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

ui-deps: $(NODE_STAMP)

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

services-up:
	$(STORES) up all

services-down:
	$(STORES) down all

services-status:
	@$(STORES) status

migrate: venv services-up
	$(RUN_ENV) $(BIN)/graphledger migrate

run: migrate ui-deps
	$(RUN_ENV) $(BIN)/graphledger serve --host 127.0.0.1 --port $(PORT) --workers $(WORKERS)

test: venv ui-deps chromium
	$(STORES) up pg
	$(STORES) up neo4j-test
	$(TEST_ENV) $(BIN)/graphledger migrate
	$(TEST_ENV) $(BIN)/pytest -q $(PYTEST_ARGS)

# The benchmark has stores of its own: the graphledger_bench database and a third Neo4j
# (GL_NEO4J_BENCH_PORT, heap GL_NEO4J_BENCH_HEAP), both emptied first; the API it measures runs
# on 127.0.0.1:$(BENCH_PORT). Never touches the data of `make run` or `make test`.
SCALE ?= 100000
BENCH_PORT ?= $(shell echo $$(( $(PORT) + 1 )))
GL_NEO4J_BENCH_HEAP ?= 2g
bench: venv
	$(STORES) up pg
	GL_NEO4J_HEAP=$(GL_NEO4J_BENCH_HEAP) GL_NEO4J_PAGECACHE_MB=$${GL_NEO4J_PAGECACHE_MB:-1024} \
		$(STORES) up neo4j-bench
	$(BENCH_ENV) $(BIN)/graphledger migrate
	$(BENCH_ENV) GL_STATE_DIR=$(LOCAL) $(BIN)/python -m graphledger.bench --scale $(SCALE) \
		--port $(BENCH_PORT) --results bench/results.json --report BENCHMARKS.md $(BENCH_ARGS)

# Runs on the test stores, which it empties first: the evaluation needs a known starting point.
health-eval: venv
	$(STORES) up pg
	$(STORES) up neo4j-test
	$(TEST_ENV) $(BIN)/graphledger migrate
	$(TEST_ENV) $(BIN)/graphledger health-eval $(HEALTH_EVAL_ARGS)

# Starts the API in the background when nothing answers on $(PORT), then runs the demo through it.
demo: migrate ui-deps
	@if ! curl -fsS -o /dev/null http://127.0.0.1:$(PORT)/health/live 2>/dev/null; then \
		echo "starting the API in the background (log: $(LOCAL)/api.log)"; \
		$(RUN_ENV) nohup setsid $(BIN)/graphledger serve --host 127.0.0.1 --port $(PORT) \
			>> $(LOCAL)/api.log 2>&1 < /dev/null & \
	fi
	$(RUN_ENV) $(BIN)/graphledger demo --base http://127.0.0.1:$(PORT)

# A bounded soak: its own API on 127.0.0.1:$(SOAK_PORT) over the test stores (never your data),
# mixed reads, writes and imports from $(SOAK_CLIENTS) clients for $(SOAK_MINUTES) minutes.
SOAK_PORT ?= 8099
SOAK_MINUTES ?= 3
SOAK_CLIENTS ?= 16
soak: venv
	$(STORES) up pg
	$(STORES) up neo4j-test
	$(TEST_ENV) $(BIN)/graphledger migrate
	@set -e; token=soak-$$(date +%s)-$$RANDOM$$RANDOM; \
	$(TEST_ENV) GRAPHLEDGER_ADMIN_TOKEN=$$token GRAPHLEDGER_RATE_LIMIT_PER_S=100000 \
		GRAPHLEDGER_RATE_LIMIT_BURST=100000 GRAPHLEDGER_LOG_LEVEL=WARNING \
		$(BIN)/graphledger serve --host 127.0.0.1 --port $(SOAK_PORT) > $(LOCAL)/soak-api.log 2>&1 & \
	pid=$$!; trap "kill $$pid 2>/dev/null" EXIT; \
	for i in $$(seq 60); do curl -fsS -o /dev/null http://127.0.0.1:$(SOAK_PORT)/health/ready && break; sleep 1; done; \
	GRAPHLEDGER_ADMIN_TOKEN=$$token $(BIN)/graphledger soak --base http://127.0.0.1:$(SOAK_PORT) \
		--minutes $(SOAK_MINUTES) --clients $(SOAK_CLIENTS) --api-pid $$pid --out $(LOCAL)/soak-results.json

lint: venv
	$(BIN)/ruff check src tests migrations
	$(BIN)/ruff format --check src tests migrations
	$(BIN)/mypy src

clean: services-down
	rm -rf $(LOCAL) $(VENV) node_modules
