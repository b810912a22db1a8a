"""Engine, sessions, migrations and the unit of work every service runs in."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Text, cast, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from ocop import faults

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# PostgreSQL advisory lock key held while migrating (any 64-bit number the application owns: "ocop" in ASCII)
MIGRATION_LOCK = 0x6F636F70


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # SQLAlchemy, not the driver, begins transactions: see _sqlite_begin
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # WAL lets a reader (the CLI listing documents) and a writer (a flow) work side by side.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    """Take the write lock when a transaction begins, waiting up to busy_timeout for it.

    A deferred transaction that reads and then writes fails at once with "database is locked"
    when another process committed in between; two stages of two campaigns running on two
    workers would hit that. IMMEDIATE makes writers queue instead (SQLAlchemy's documented recipe).
    """
    conn.exec_driver_sql("BEGIN IMMEDIATE")


@cache
def engine_for(url: str) -> Engine:
    """One engine per database URL for the life of the process."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


# `revision = '0007'` and `down_revision: str | None = "0006"`, as Alembic's templates write them
_REVISION = re.compile(r"^(down_revision|revision)(?:\s*:[^=\n]*)?\s*=\s*(?:'([^']*)'|\"([^\"]*)\"|None)\s*$",
                       re.MULTILINE)


@cache
def head_revision() -> str | None:
    """The newest migration's revision, read from the migration files without importing Alembic:
    the one revision no other migration names as its down_revision. None when that is not one
    (a branch, a merge): then `migrate` leaves the question to Alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for kind, single, double in _REVISION.findall(script.read_text(encoding="utf-8")):
            if single or double:
                (revisions if kind == "revision" else parents).add(single or double)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at; None when it has no Alembic version yet."""
    with engine_for(url).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return None if version is None else str(version)


def migrate(url: str, out_dir: Path | None = None) -> tuple[str, ...]:
    """Bring the database at ``url`` to the latest schema (idempotent). A database already at the
    head revision is only read (Alembic, slow to import and run, is not used then).

    ``out_dir``, the documents folder, lets migration 0008 store the register's paths relative to
    it; returns the paths it had to leave absolute (outside that folder), which are also logged.
    """
    head = head_revision()
    if head is not None and current_revision(url) == head:
        return ()
    from alembic import command

    engine = engine_for(url)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several flow runs may find a fresh database at once (34 provinces submitted together): one
            # migrates, the others wait here, then find the head revision inside the lock and do nothing.
            # (Without it the second CREATE TABLE fails on PostgreSQL's catalog. SQLite's writers already
            # queue: BEGIN IMMEDIATE.)
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        if out_dir is not None:
            cfg.attributes["out_dir"] = out_dir
        command.upgrade(cfg, "head")
    outside = tuple(cfg.attributes.get("outside", ()))
    if outside:
        logging.getLogger("ocop").warning(
            "%d register path(s) outside the documents folder %s stay absolute: %s", len(outside), out_dir,
            ", ".join(outside[:20]))
    return outside


@contextmanager
def unit_of_work(url: str) -> Iterator[Session]:
    """A session whose work is committed together, or rolled back together on any error."""
    session = sessionmaker(engine_for(url), expire_on_commit=False)()
    try:
        yield session
        faults.reach("commit")
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def json_text(column: Any) -> Any:
    """A JSON column selected as its text (labelled with its name), for :class:`JsonValues`."""
    return cast(column, Text).label(column.key)


class JsonValues:
    """JSON texts decoded once each: 10,000 registrations share a few dozen dossiers, and the
    driver's decoding of every row costs as much as the query. Equal texts give the same value
    object: read it, never change it."""

    def __init__(self) -> None:
        self.decoded: dict[str, Any] = {}

    def __call__(self, text: str | None) -> Any:
        if text is None:
            return None
        if text not in self.decoded:
            self.decoded[text] = json.loads(text)
        return self.decoded[text]
