# One command runs the platform, one runs the tests; both set up what they need first.
SHELL := /bin/bash
VENV := .venv

.PHONY: setup run stop status test lint chaos bench bench-legacy clean schema

setup:
	@bash scripts/setup.sh

run: setup
	@$(VENV)/bin/khuyenhoc platform up

stop:
	@if [ -x $(VENV)/bin/khuyenhoc ]; then $(VENV)/bin/khuyenhoc platform down; fi

status:
	@$(VENV)/bin/khuyenhoc platform status

lint: setup
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/mypy

test: setup
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/mypy
	@$(VENV)/bin/pytest

# The long chaos suite (tests/chaos, CHAOS_LONG=1): every fault mid-wave on a platform of its own
# with a private broker node, then the table fault | events in flight | lost | duplicated | crashes
# (non-zero exit unless all are 0). CHAOS_HOUSEHOLDS / CHAOS_DONATIONS size each wave.
chaos: setup
	@$(VENV)/bin/python -m tests.chaos.run

# The benchmark suite (see README "Benchmarks"): each writes bench/results/<name>.json, then the
# summary (bench/results/SUMMARY.md) is copied into the README. BENCH_HOUSEHOLDS=200000 for the
# whole province; BENCH_READ_SIZES=100000,1000000 for the read pages at both sizes (seeding a
# million households takes hours on two cores); BENCH_DONATIONS=50000 for the whole burst.
BENCH_HOUSEHOLDS ?= 20000
BENCH_READ_SIZES ?= 100000
BENCH_DONATIONS ?= 5000
BENCH_REPORT_HOUSEHOLDS ?= 100000

bench: setup
	@status=0; \
	$(VENV)/bin/python -m bench.wave --households $(BENCH_HOUSEHOLDS) || status=1; \
	if [ -f bench/reads.py ]; then $(VENV)/bin/python -m bench.reads --sizes $(BENCH_READ_SIZES) || status=1; fi; \
	if [ -f bench/donations.py ]; then $(VENV)/bin/python -m bench.donations --donations $(BENCH_DONATIONS) || status=1; fi; \
	$(VENV)/bin/python -m bench.report_province --households $(BENCH_REPORT_HOUSEHOLDS) || status=1; \
	$(VENV)/bin/python -m bench.webapp_home --households $(BENCH_REPORT_HOUSEHOLDS) || status=1; \
	$(VENV)/bin/python -m bench.results --readme README.md; \
	exit $$status

# The earlier benchmarks of parts of the chain (they print figures only).
bench-legacy: setup
	@$(VENV)/bin/python -m bench.registration_flow
	@$(VENV)/bin/python -m bench.import_flow --rows 100000 --no-roll-up
	@$(VENV)/bin/python -m bench.import_flow --rows 5000
	@$(VENV)/bin/python -m bench.learning_unit_flow
	@$(VENV)/bin/python -m bench.notification_flow
	@$(VENV)/bin/python -m bench.fund_flow
	@$(VENV)/bin/python -m bench.certificate_file

clean: stop
	rm -rf .run .data

# The GraphQL contract: rewrite contracts/schema.graphql from the live schema (refuses a breaking
# change contracts/schema-changes.yaml does not declare; see contracts/README.md).
schema: setup
	@$(VENV)/bin/khuyenhoc schema export
