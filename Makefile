# Two commands for a fresh clone: `make demo` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml setup.py | cksum | cut -d' ' -f1)
OUT ?= out

.PHONY: install demo lint test server ui-check system-deps templates docs bench bench-national wheel clean

$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/ocop demo --out $(OUT)

# ruff (style, import order, bugbear…) over the whole tree,
# mypy --strict over ocop/, flows/, deployments/ (pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check ocop flows tests scripts deployments
	$(BIN)/mypy

# The suite in TEST_WORKERS processes (pytest-xdist), one test file per process at a time so a file's
# module fixtures stay together; TEST_WORKERS=0 runs it in this process. Files are handed out in
# collection order, the slowest first (tests/conftest.py SLOW_FIRST), not xdist's default of the
# files with most tests first, which left the slow ones to run alone at the end.
TEST_WORKERS ?= 2
test: lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The office's dashboard: Prefect server on 127.0.0.1:4200, deployments, a worker (Ctrl+C stops all).
server: $(STAMP)
	$(BIN)/ocop server --out $(OUT)

# Headless Chromium opens a finished campaign run in the Prefect UI and saves screenshots (not in `make test`).
ui-check: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[ui]'
	@command -v chromium >/dev/null || (command -v apt-get >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null) \
		|| (echo "ui-check needs Debian's chromium: apt-get install chromium" && exit 1)
	$(BIN)/python scripts/ui_check.py --out docs/ui

# LibreOffice (PDF copies) and poppler from Debian, for the PDF tests and `make demo`'s PDFs;
# without them PDFs are reported unavailable and their tests skip. Needs root and apt-get.
system-deps:
	@if command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then echo "LibreOffice and poppler present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui \
			fonts-liberation fonts-liberation2 poppler-utils >/dev/null && echo "LibreOffice and poppler installed"; \
	else echo "system-deps: run as root on Debian, or install LibreOffice and poppler yourself"; exit 1; fi

templates: $(STAMP)
	$(BIN)/python -m ocop.documents.build_templates

# PNG pages of each kind of document (demo and a 148/2023 campaign) into docs/documents/; needs LibreOffice, poppler.
docs: $(STAMP)
	$(BIN)/python scripts/render_docs.py --out $(OUT)/render-docs

# A national-size year end to end (scripts/bench_national.py): NATIONAL products through every stage, PDFs off,
# then the PDF cost measured on the campaign's own documents. CI runs it at 300 after the tests.
NATIONAL ?= 300
bench-national: $(STAMP)
	$(BIN)/python scripts/bench_national.py --products $(NATIONAL) --pdf-sample 60

bench: $(STAMP)
	$(MAKE) --no-print-directory bench-national
	$(BIN)/python scripts/bench_documents.py --count 1000
	$(BIN)/python scripts/bench_registrations.py --rows 10000
	@if command -v soffice >/dev/null; then $(BIN)/python scripts/bench_signing.py --count 30 --rounds 3; \
	else echo "bench_signing: skipped (LibreOffice is not installed: make system-deps)"; fi
	$(BIN)/python scripts/bench_ranking.py --products 15000
	$(BIN)/python scripts/bench_cli.py --runs 5

# The wheel an office installs (README: Installing the package): dist/ocop-<version>-py3-none-any.whl.
# Built offline with the dev extras' setuptools; build/ is removed first so no stale module slips in.
wheel: $(STAMP)
	rm -rf build dist
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --no-index --wheel-dir dist .
	@ls dist/*.whl

clean:
	rm -rf $(OUT) .pytest_cache .pytest-prefect build dist
