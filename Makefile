# One entry point for every chore. `make run` builds everything, `make test` tests it.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SOURCES ?= ../shared/seeds
OUT    ?= build

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
	$(BIN)/jakkg stats $(OUT)/jakdm.trig
	$(BIN)/jakkg validate $(OUT)/jakdm.ttl

test: install  ## run the test suite
	$(BIN)/pytest

lint: install  ## ruff on src/ and tests/
	$(BIN)/pip install --quiet ruff && $(BIN)/ruff check src tests

clean:  ## remove build outputs
	rm -rf $(OUT)
