# One entry point for every chore. `make run` builds everything, `make test` tests it.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SOURCES ?= ../shared/seeds
OUT    ?= build
BENCH_SIZES ?= 1000,10000
BENCH_ARGS  ?=

.PHONY: help run test install lint bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed  ## create .venv and install jakkg with its test extras

run: install  ## build the whole knowledge graph from data/ into build/
	$(BIN)/jakkg build --data data --sources $(SOURCES) --out $(OUT)
	$(BIN)/jakkg validate $(OUT)/jakdm.ttl --format turtle --output $(OUT)/validation-report.ttl
	$(BIN)/jakkg coverage --sources $(SOURCES) --output $(OUT)/coverage.txt --missing-only
	$(BIN)/jakkg stats $(OUT)/jakdm.trig
	$(BIN)/jakkg reason --in $(OUT)/jakdm.trig --out $(OUT)
	$(BIN)/jakkg graph --out $(OUT)
	$(BIN)/jakkg draw --out $(OUT)
	$(BIN)/jakkg query drug-targets --build $(OUT) --format csv --output $(OUT)/drug-targets.csv
	$(BIN)/jakkg query improvements --build $(OUT) --format csv --output $(OUT)/improvements.csv

test: install  ## run the test suite
	$(BIN)/pytest

lint: install  ## ruff on src/ and tests/
	$(BIN)/pip install --quiet ruff && $(BIN)/ruff check src tests

bench: run  ## print speed figures: reasoning as claims grow, the query library on each engine, every stage at 1k and 10k claims (BENCH_SIZES=1000,10000,100000: also 100k)
	$(BIN)/python benchmarks/reason.py --data data --sources $(SOURCES)
	$(BIN)/python benchmarks/queries.py --build $(OUT)
	$(BIN)/python benchmarks/scale.py --sizes $(BENCH_SIZES) --sources $(SOURCES) $(BENCH_ARGS)

clean:  ## remove build outputs
	rm -rf $(OUT)
