# Two commands for a fresh clone: `make demo` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
OUT ?= out

.PHONY: install demo test templates bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/ocop demo --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest

templates: $(STAMP)
	$(BIN)/python -m ocop.documents.build_templates

bench: $(STAMP)
	$(BIN)/python scripts/bench_documents.py --count 1000
	$(BIN)/python scripts/bench_registrations.py --rows 10000
	$(BIN)/python scripts/bench_ranking.py --products 15000

clean:
	rm -rf $(OUT) .pytest_cache .pytest-prefect
