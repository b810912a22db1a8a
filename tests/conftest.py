"""Shared fixtures: a fresh project database per test (SQLite, and PostgreSQL when configured).

Set OCOP_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run every
test that uses ``db_url`` against PostgreSQL too; each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

# Keep Prefect's home, results and telemetry out of the developer's ~/.prefect.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="ocop-prefect-home-"))
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Run logs stay on the console: a log shipped to the API after the test server has stopped made
# Prefect's log worker start an ephemeral server at interpreter exit and deadlock on a closed stream.
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
# A developer's own `ocop server` on 127.0.0.1:4200 must not receive the tests' runs: stage commands
# use a temporary (or the test session's) server; the discovery tests unset this themselves.
os.environ.setdefault("OCOP_TEMPORARY_SERVER", "1")

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "ocop" / "sample" / "luc-nam-2020"
PG_URL = os.environ.get("OCOP_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


_MIGRATED: list[Path] = []  # this process's migrated empty SQLite database, copied for each test


def migrated_sqlite(path: Path) -> str:
    """URL of an empty SQLite database at ``path`` at the head revision: a copy of one this process migrated
    (0.2 ms instead of 0.15 s of Alembic per test; the migrations themselves are tested on their own)."""
    from ocop.persistence.db import engine_for, migrate

    if not _MIGRATED:
        folder = tempfile.mkdtemp(prefix="ocop-test-db-")
        atexit.register(shutil.rmtree, folder, True)
        template = Path(folder) / "migrated.db"
        url = f"sqlite:///{template}"
        migrate(url)
        engine_for(url).dispose()  # closes the connections: the WAL is checkpointed into the file
        _MIGRATED.append(template)
    shutil.copyfile(_MIGRATED[0], path)
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    """URL of an empty, migrated database on each configured backend."""
    from ocop.persistence.db import engine_for

    if request.param == "sqlite":
        url = migrated_sqlite(tmp_path / "ocop.db")
        yield url
        engine_for(url).dispose()
        return
    with pg_schema_url() as url:
        yield url


@contextmanager
def pg_schema_url():
    """A migrated PostgreSQL schema of its own, dropped on exit (needs OCOP_TEST_DATABASE_URL)."""
    from sqlalchemy import create_engine, text

    from ocop.persistence.db import engine_for, migrate

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    try:
        migrate(url)
        yield url
    finally:
        engine_for(url).dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(db_url: str, tmp_path: Path):
    from ocop.settings import Settings

    # PDF copies are exercised by the flow tests and test_pdf; here they would only add soffice time
    return Settings.from_env({"OCOP_PDF": "off"}, out_dir=tmp_path / "out", database_url=db_url)


@pytest.fixture
def sqlite_settings(tmp_path: Path):
    """Settings on SQLite alone, PDFs on: for tests whose subject is the documents' pages, which do not
    depend on the database (the stage tests cover PostgreSQL); LibreOffice time is spent once."""
    from ocop.persistence.db import engine_for
    from ocop.settings import Settings

    url = migrated_sqlite(tmp_path / "ocop.db")
    yield Settings.from_env({"OCOP_PDF": "on"}, out_dir=tmp_path / "out", database_url=url)
    engine_for(url).dispose()


@pytest.fixture
def sample_campaign(settings):
    """The Lục Nam 2020 campaign set up, registrations imported and verified (no Prefect)."""
    from ocop.services import stages

    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.collect(settings, "luc-nam-2020", SAMPLE / "registrations.csv")
    stages.verify(settings, "luc-nam-2020")
    return settings


def docx_text(path: str | Path) -> str:
    """A rendered document's text as a reader sees it: its paragraphs, then every table cell."""
    from docx import Document as Docx

    doc = Docx(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


# The slowest files (half a minute or more each, `pytest --durations`), started first: `make test` hands whole files
# to two workers (--dist loadfile --no-loadscope-reorder) in collection order; xdist's default order, files with
# most tests first, left these to run alone at the end while the other worker sat idle (19 min). Order only.
SLOW_FIRST = (
    "tests/server/test_server_and_workers.py", "tests/integration/test_province_sample.py",
    "tests/integration/test_check_campaigns.py", "tests/flows/test_cli.py", "tests/integration/test_crash_safety.py",
    "tests/flows/test_reminders_flow.py", "tests/flows/test_campaign_flow.py", "tests/integration/test_pdf_signing.py",
    "tests/server/test_auth.py", "tests/flows/test_province_documents.py", "tests/flows/test_registrations_cli.py",
    "tests/integration/test_registrations_import.py", "tests/packaging/test_wheel.py",
    "tests/flows/test_killed_command.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(Path(str(item.path)).relative_to(REPO).as_posix(), len(rank)))
