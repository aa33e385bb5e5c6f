# One command runs the platform, one runs the tests; both set up what they need first.
SHELL := /bin/bash
VENV := .venv

.PHONY: setup run stop status test lint bench clean

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

bench: setup
	@$(VENV)/bin/python -m bench.registration_flow
	@$(VENV)/bin/python -m bench.import_flow --rows 100000 --no-roll-up
	@$(VENV)/bin/python -m bench.import_flow --rows 5000
	@$(VENV)/bin/python -m bench.learning_unit_flow
	@$(VENV)/bin/python -m bench.notification_flow
	@$(VENV)/bin/python -m bench.fund_flow
	@$(VENV)/bin/python -m bench.certificate_file

clean: stop
	rm -rf .run .data
