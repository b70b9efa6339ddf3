# Flowlens — the two commands a newcomer needs are `make demo` and `make test`; the rest are building blocks.
# Every target finds a JDK 21+ by itself (bin/lib.sh) and keeps its runtime state in .stack/ (git-ignored).
SHELL := /bin/bash
MVN := bin/mvn.sh
# make up DB=postgres: the services on PostgreSQL (started by bin/stack.sh) instead of embedded H2
DB ?= $(or $(FLOWLENS_DB),h2)
export FLOWLENS_DB := $(DB)
# make up ES=cluster: Elasticsearch as three nodes (bin/stack.sh ES_NODES=3) instead of one; any other value (or none)
# leaves ES_NODES as the environment has it, 1 by default
ifeq ($(ES),cluster)
export ES_NODES := 3
endif
# make up DB=postgres INSTANCES=2: two JVMs per service behind HAProxy on the usual ports (bin/services.sh)
INSTANCES ?= $(or $(FLOWLENS_SERVICE_INSTANCES),1)
export FLOWLENS_SERVICE_INSTANCES := $(INSTANCES)

.PHONY: help build test test-steps test-coverage scale-test up down status run stop health demo traffic-demo contract-test \
	docker-build docker-up docker-down chaos-demo smoke-test load-test stress-test spike-test soak-test bench bench-startup \
	bench-console bench-pipeline kibana-setup \
	analytics alerts-check retention up-secured

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

build: ## compile, generate code from the contracts, package the services (no tests)
	$(MVN) -q install -DskipTests

test: ## the whole suite: static checks, unit, in-process HTTP, contract and end-to-end tests against real backends
	bin/timed.sh make-test $(MAKE) --no-print-directory test-steps

# -T 1C: modules that do not depend on each other build and test side by side, one thread per core (108 -> 85 s for
# everything before system-tests on 2 cores, perf/results/PROFILES.md "The system tests in two lanes")
test-steps: # make test's steps (bin/timed.sh records how long a green run took; make bench reports it)
	bin/stack.sh install
	shellcheck bin/*.sh bin/flowlens .ci/run
	$(MVN) -T 1C install

scale-test: ## the scale system tests (PostgreSQL, two instances behind HAProxy, an Elasticsearch cluster) with their longer variants (a rolling restart), ~6 min
	bin/stack.sh install
	$(MVN) install -DskipTests -q
	$(MVN) verify -pl system-tests -Dit.test='Postgres*,*Instances*,*Cluster*' -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dflowlens.test.scale=true

test-coverage: ## the suite with a JaCoCo report per module (target/site/jacoco/index.html)
	bin/stack.sh install
	$(MVN) install -Pcoverage

up: build ## start Elasticsearch, the span indexer, Jaeger and the four services (installs what is missing; DB=postgres for PostgreSQL, ES=cluster for three ES nodes)
	bin/stack.sh up
	bin/services.sh start

down: stop ## stop the services and the backends this project started
	bin/stack.sh down

status: ## each component, its port and health
	-bin/stack.sh status
	bin/services.sh status

run: build ## start only the four services (traces are exported to the OTLP endpoint if one listens)
	bin/services.sh start

stop: ## stop the four services
	bin/services.sh stop

health: ## /health of each service
	bin/services.sh health

demo: up ## start everything, run full flows and print one trace as a waterfall
	bin/demo.sh

traffic-demo: ## a short bounded k6 run of the realistic mix against the running stack
	DURATION=15s MAX_RATE=5 bin/perf.sh load

contract-test: ## schemathesis against the running services' contracts (make up first)
	bin/contract-test.sh

docker-build: ## build the four service images (needs a Docker engine)
	docker compose build

docker-up: ## the whole stack in containers: ES, Kibana, Jaeger with UI, PostgreSQL, the four services
	docker compose up -d --wait

docker-down: ## stop and remove the containers (volumes are kept)
	docker compose down

chaos-demo: ## switch faults on in turn (latency, timeout, errors, slow database) and show answers and traces
	bin/chaos-demo.sh


smoke-test: ## k6 smoke (every endpoint once) against the running stack (make up)
	bin/perf.sh smoke

load-test: ## k6 load: ramping arrival rate of the realistic mix, ~2.5 min; HTML report in perf/results/
	bin/perf.sh load

stress-test: ## k6 stress: full flows stepped up until the thresholds break (expected to fail; see the knee)
	bin/perf.sh stress

spike-test: ## k6 spike: quiet, a burst, quiet again
	bin/perf.sh spike

soak-test: ## k6 soak: steady mix for DURATION (default 10m)
	bin/perf.sh soak

bench: ## issue 15's figures in one run: startup and RSS, tracing overhead with the services pinned to one core, span ingest; writes perf/results/BENCHMARKS.md, benchmarks.json's summary and HISTORY.md (~20–30 min); stops the backends afterwards unless they were running before
	$(MVN) -q install -DskipTests
	bin/with-stack.sh bin/bench.py

bench-startup: ## only the startup/footprint part of make bench: AOT cache vs none, one service vs four, RSS after load (~10 min)
	$(MVN) -q install -DskipTests
	bin/bench.py startup

bench-console: ## time the web console's views in headless Chromium (100-span trace, dashboard over 10 000 spans); writes BENCHMARKS.md's "Console view load"; stops the backends afterwards unless they were running before
	$(MVN) -q install -DskipTests -pl observability/console -am
	bin/with-stack.sh bin/bench.py console

bench-pipeline: ## what the tracing pipeline costs per span (Jaeger, indexer, Elasticsearch CPU; bytes on disk) under real flows; regenerates docs/SCALING.md's sizing table (~7–10 min: runs until the figures stop falling); stops the stack afterwards unless it was running before
	$(MVN) -q install -DskipTests
	bin/with-stack.sh --services bin/bench.py pipeline

kibana-setup: ## import the Kibana data view, saved searches and dashboards (compose/kibana/saved-objects) into the Kibana of make docker-up
	bin/kibana-setup.sh

analytics: ## span analytics over flowlens-spans-* (REPORT=errors|latency|volume|slowest|dependencies|business|consistency, WINDOW=15m)
	bin/flowlens analytics $(or $(REPORT),errors) --window $(or $(WINDOW),15m)

alerts-check: ## evaluate the alert rules (RULES=file, default built-in); exit 1 when one fires
	bin/flowlens alerts check $(if $(RULES),--rules $(RULES))

retention: ## delete daily span indices older than DAYS (default 7); DRY_RUN=1 only lists
	bin/flowlens retention --days $(or $(DAYS),7) $(if $(DRY_RUN),--dry-run)

up-secured: build ## like up, with Elasticsearch security on (users and passwords outside the repo, see stack/README.md)
	FLOWLENS_ES_SECURITY=on bin/stack.sh up
	FLOWLENS_ES_SECURITY=on bin/services.sh start
