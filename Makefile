# SAQ Portal — entry points. `make demo` runs the portal locally; `make test` is what CI runs.
SHELL := /bin/bash
RUFF := .venv/bin/ruff

.PHONY: help setup demo test lint fmt bench

help:
	@echo "make setup   install system packages (if missing), .venv, static/vendor assets, .mo files"
	@echo "make demo    setup + migrate + seed_demo + runserver on 127.0.0.1:$${PORT:-8000} (SQLite)"
	@echo "make test    setup --test + PostgreSQL/Redis + lint + checks + pytest (PYTEST_ARGS=...)"
	@echo "make bench   every bench in bench/, then the load run: gunicorn + locust, 20,000 applications (LOAD_SCALE=0.1: quick)"
	@echo "make lint    ruff check + ruff format --check + bandit"
	@echo "make fmt     ruff check --fix + ruff format"

setup:
	bash scripts/setup.sh

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh $(PYTEST_ARGS)

bench:
	bash scripts/bench.sh

lint:
	$(RUFF) check .
	$(RUFF) format --check .
	.venv/bin/bandit -c pyproject.toml -r . -q -lll

fmt:
	$(RUFF) check --fix .
	$(RUFF) format .
