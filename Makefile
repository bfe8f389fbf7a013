# verikit — two commands do everything: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-cluster diagrams lease-region fuzz clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,cluster]'
	touch $(STAMP)

## demo: set up .venv, install verikit, check a bundled spec, draw a counterexample
demo: $(STAMP)
	$(BIN)/verikit check specs/two_phase_commit.dsl
	$(BIN)/verikit check specs/two_phase_commit_buggy.dsl --force \
	  --diagram out/two_phase_commit_buggy.svg --trace-out out/two_phase_commit_buggy.itf.json
	@echo "open out/two_phase_commit_buggy.svg to see the counterexample as a sequence chart"

## test: lint, type-check, layer contract, then the whole test suite
test: $(STAMP) lint
	$(BIN)/pytest
	$(BIN)/verikit check specs/ > /dev/null && echo "verikit check specs/: every bundled spec as declared"
	$(BIN)/verikit query specs/ > /dev/null && echo "verikit query specs/: every timing query as declared"

lint: $(STAMP)
	$(BIN)/ruff check verikit tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

## diagrams: redraw docs/specs/img/<spec>.svg for every buggy / `expect violation` spec
diagrams: $(STAMP)
	$(BIN)/python scripts/diagrams.py

## lease-region: recompute the safe-region tables of docs/specs/lease_timing.md with Z3 (~40 s)
lease-region: $(STAMP)
	$(BIN)/python scripts/lease_region.py

## bench: the native backend against SPIN and the Python backend (bench/native.py), then the
## Python backend against a hand-written BFS of the same model (bench/run.py); each in one run
bench: $(STAMP)
	$(BIN)/python bench/native.py
	$(BIN)/python bench/run.py

## bench-cluster: TwoPhase N=9 on a local Ray cluster, 1 worker against 2, whole process and
## search alone, counts against the single-process run; bytes shipped per state (docs/cluster.md)
bench-cluster: $(STAMP)
	$(BIN)/python bench/cluster.py

## fuzz: 1,000 mutated specs through every command; exit-code histogram and each failure's seed
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz.py --cases 1000

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
