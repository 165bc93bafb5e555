# One entry point for every chore. `make run` builds everything, `make test` tests it.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SOURCES ?= ../shared/seeds
DATA   ?= data
OUT    ?= build
JOBS   ?= 2
BENCH_SIZES ?= 1000,10000
BENCH_ARGS  ?=

# System packages (Debian), installed by `make setup` with apt-get -- as root -- when missing:
#   default-jre-headless        Java for HermiT, the OWL reasoner of `jakkg reason` (make run, tests/test_reason.py)
#   chromium chromium-driver    headless browser for the test of the interactive page (tests/test_browser.py)
#   graphviz                    Graphviz `dot`, the layered layout of `jakkg draw`'s figure and the page's first view (make run, tests)
#   libapache-jena-java         Apache Jena's SHACL engine, the second engine the shapes are tested with (tests/test_second_engine.py)
JAVA_PACKAGES    = default-jre-headless
GRAPHVIZ_PACKAGES = graphviz
JENA_PACKAGES    = libapache-jena-java
BROWSER_PACKAGES = chromium chromium-driver
APT_INSTALL      = DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends

.PHONY: help run test install setup setup-java setup-jena setup-browser setup-graphviz lint bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# $(call apt,WHAT,PACKAGES,WHY): install Debian PACKAGES unless the check WHAT passes; says what and why, needs root
define apt
	@if $(1); then echo "setup: $(2): already installed"; \
	elif [ "$$(id -u)" != 0 ]; then echo "setup: $(2) missing ($(3)); installing needs root: sudo make $@" >&2; exit 1; \
	else echo "setup: installing $(2) ($(3)) with apt-get"; \
	  apt-get update && $(APT_INSTALL) $(2); fi
endef

setup: setup-java setup-jena setup-browser setup-graphviz  ## install the system packages (Java, Jena, Chromium, Graphviz) with apt-get; needs root

setup-java:  ## install Java (default-jre-headless) for the OWL reasoner, if missing
	$(call apt,command -v java >/dev/null,$(JAVA_PACKAGES),Java runs HermiT for jakkg reason)

setup-jena: setup-java  ## install Apache Jena (libapache-jena-java), the second SHACL engine of the tests, if missing
	$(call apt,dpkg-query -W -f='$${Status}' $(JENA_PACKAGES) 2>/dev/null | grep -q 'ok installed',$(JENA_PACKAGES),Jena's SHACL engine checks the shapes in tests/test_second_engine.py)

setup-browser:  ## install chromium and chromium-driver for the browser test, if missing
	$(call apt,command -v chromium >/dev/null && command -v chromedriver >/dev/null,$(BROWSER_PACKAGES),headless browser for tests/test_browser.py)

setup-graphviz:  ## install Graphviz (dot) for the layout of jakkg draw, if missing
	$(call apt,command -v dot >/dev/null,$(GRAPHVIZ_PACKAGES),Graphviz dot lays out jakkg draw's figure)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed  ## create .venv and install jakkg with its test extras

run: install  ## build the whole knowledge graph from data/ into build/ (installs Java and Graphviz first when root)
	@$(MAKE) --no-print-directory setup-java || echo "run: no Java, so the reason stage will be skipped" >&2
	@$(MAKE) --no-print-directory setup-graphviz
	$(BIN)/jakkg stages --data $(DATA) --sources $(SOURCES) --out $(OUT) --jobs $(JOBS)

test: install setup  ## run the test suite
	$(BIN)/pytest

lint: install  ## ruff on src/ and tests/
	$(BIN)/pip install --quiet ruff && $(BIN)/ruff check src tests

bench: run  ## print speed figures: reasoning as claims grow, the query library on each engine, every stage at 1k and 10k claims (BENCH_SIZES=1000,10000,100000: also 100k)
	$(BIN)/python benchmarks/reason.py --data data --sources $(SOURCES)
	$(BIN)/python benchmarks/queries.py --build $(OUT)
	$(BIN)/python benchmarks/scale.py --sizes $(BENCH_SIZES) --sources $(SOURCES) $(BENCH_ARGS)

clean:  ## remove build outputs
	rm -rf $(OUT)
