# Bazaar: every routine task has one entry point here. `make help` lists them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PYTHON ?= python3
MANAGE := $(PY) scripts/manage.py
# the test tiers run against test resources only (tests/conftest.py sets the same defaults)
TEST_ENV := DB_SUFFIX=_test REDIS_DB=15 JWT_PRIVATE_KEY_PATH=var/test/keys/jwt_private.pem \
	JWT_PUBLIC_KEY_PATH=var/test/keys/jwt_public.pem
RABBIT_API ?= http://guest:guest@127.0.0.1:15672

.DEFAULT_GOAL := help
.PHONY: help venv check web web-api web-dev web-test rabbit-management db migrate keys seed seed-large run test test-unit \
	test-integration test-e2e test-browser test-fuzz fuzz lint format typecheck shell bench bench-web bench-recommendations bench-moderation compose-check \
	clean reconcile admin

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade 'pip<26'
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed ## create the virtualenv and install pinned packages

check: venv ## say which of RabbitMQ, PostgreSQL, Redis is down and how to start it
	@$(MANAGE) check

# -- the web app (web/): Node 20 from the machine, exact versions from web/package-lock.json ----------
WEB_SOURCES := $(shell find web/src web/admin web/public web/scripts -type f 2>/dev/null) web/index.html \
	web/vite.config.ts $(wildcard web/tsconfig*.json)

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/.built: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run --silent build
	@touch $@

web: web/dist/.built ## build the storefront, back office and API reference into web/dist (when sources changed)

web-api: venv web/node_modules/.installed ## regenerate the web client's types from the gateway's OpenAPI
	$(MANAGE) openapi var/openapi.json
	cd web && npx openapi-typescript ../var/openapi.json -o src/api/schema.d.ts

web-dev: web/node_modules/.installed ## Vite dev server with hot reload on :5173, API proxied to :8000
	@echo "  storefront http://localhost:5173   back office http://localhost:5173/admin"
	@echo "  (the API, /ws and /media are proxied to the gateway: make run in another terminal)"
	cd web && npx vite

web-test: web/node_modules/.installed ## the web app's unit tests (Vitest) and type check
	cd web && npx tsc --noEmit && npx vitest run

rabbit-management: ## enable RabbitMQ's management API (per-test vhosts need it)
	@curl -sf -o /dev/null $(RABBIT_API)/api/overview || { \
	  command -v rabbitmq-plugins >/dev/null || { echo "enable the rabbitmq_management plugin on your broker"; exit 1; }; \
	  rabbitmq-plugins enable rabbitmq_management >/dev/null; \
	  for i in $$(seq 60); do curl -sf -o /dev/null $(RABBIT_API)/api/overview && break; sleep 1; done; \
	  curl -sf -o /dev/null $(RABBIT_API)/api/overview || { echo "RabbitMQ management API did not come up"; exit 1; }; }

db: check ## create one database per service (bazaar_<service>)
	@$(MANAGE) createdb

migrate: db ## upgrade every service's database to its latest migration
	@$(MANAGE) migrate

keys: venv ## development JWT signing keys under var/keys (created once)
	@$(MANAGE) keys

seed: migrate keys ## demo users, catalog, stock and coupons
	@$(MANAGE) seed

# the password of a new account is read from ADMIN_PASSWORD or asked at a prompt (never echoed)
admin: $(if $(EMAIL),migrate keys) ## create or restore an admin: make admin EMAIL=you@example.com
	@test -n "$(EMAIL)" || { echo "usage: make admin EMAIL=you@example.com"; exit 2; }
	@$(MANAGE) admin "$(EMAIL)"

seed-large: migrate ## a million products for benchmarks: make seed-large N=1000000 [ORDERS=100000]
	$(PY) scripts/seed_large.py $(or $(N),1000000) --orders $(or $(ORDERS),0)

run: migrate keys seed web ## the whole platform on http://localhost:8000 (Ctrl-C stops it)
	@echo ""
	@echo "  Bazaar is starting on http://localhost:8000"
	@echo "    storefront   http://localhost:8000/"
	@echo "    back office  http://localhost:8000/admin   (admin@bazaar.dev / Admin-pass-1234)"
	@echo "    API docs     http://localhost:8000/api/docs"
	@echo "  readiness: curl localhost:8000/ready      stop: Ctrl-C"
	@echo ""
	@$(BIN)/honcho start -f Procfile

# the e2e and browser tiers serve web/dist, so it is built first; the web app's own tests run too
# the fuzz tier runs last, as a pytest run of its own: a fresh stack, so its writes reach no other tier
test: venv rabbit-management web web-test ## web app tests, then unit, integration, end-to-end, browser and fuzz tiers
	@$(TEST_ENV) $(MANAGE) check
	@$(TEST_ENV) $(MANAGE) createdb >/dev/null
	$(TEST_ENV) $(BIN)/pytest tests/unit tests/integration tests/e2e tests/browser
	$(TEST_ENV) $(BIN)/pytest tests/fuzz

# the unit tier checks the web client against the OpenAPI document with web/node_modules' generator
test-unit: venv web/node_modules/.installed ## unit tier only (no servers needed)
	$(TEST_ENV) $(BIN)/pytest tests/unit

test-integration: venv rabbit-management ## integration tier
	$(TEST_ENV) $(BIN)/pytest tests/integration

test-e2e: venv rabbit-management web ## end-to-end tier (starts the whole stack itself)
	$(TEST_ENV) $(BIN)/pytest tests/e2e

test-browser: venv rabbit-management web ## browser journeys in headless Chromium (Debian's chromium) on the e2e stack
	$(TEST_ENV) $(BIN)/pytest tests/browser

test-fuzz: venv rabbit-management web ## schemathesis over every API operation as each role, on a stack of its own (CI-sized)
	$(TEST_ENV) $(BIN)/pytest tests/fuzz

# every phase as every role; EXAMPLES=500 for a longer run, SEED=n for other inputs
fuzz: venv rabbit-management web ## a longer schemathesis run (EXAMPLES per operation, default 100)
	$(TEST_ENV) FUZZ_MAX_EXAMPLES=$(or $(EXAMPLES),100) FUZZ_SEED=$(or $(SEED),13) \
	  FUZZ_PHASES=examples,coverage,fuzzing,stateful FUZZ_TIMEOUT=3600 $(BIN)/pytest tests/fuzz

lint: venv ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: venv ## apply ruff's formatting and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

shell: venv ## nameko shell with the project's config (n.rpc.accounts.ping())
	$(BIN)/nameko shell --config config/bazaar.yaml

bench: venv ## run the k6 scenarios in k6/ against a running platform (make run first)
	@BASE_URL=$${BASE_URL:-http://localhost:8000} SCENARIO=$(SCENARIO) scripts/bench.sh

bench-web: venv ## storefront timings and initial JS in headless Chromium (against a running platform)
	$(PY) scripts/bench_web.py --base-url $${BASE_URL:-http://localhost:8000}

bench-recommendations: venv ## the recommendations service's own costs on seed-large data: make bench-recommendations [ORDERS=10000]
	$(PY) scripts/bench_recommendations.py --orders $(or $(ORDERS),10000)

bench-moderation: venv ## time the moderation models (text and image) on this machine
	$(PY) -m scripts.bench_moderation

reconcile: venv ## compare the payment provider's intents with orders; list every mismatch
	$(PY) scripts/reconcile.py

compose-check: ## validate docker-compose.yml
	docker-compose -f docker-compose.yml config -q

clean: ## remove the virtualenv and var/ (databases are kept)
	rm -rf $(VENV) var
