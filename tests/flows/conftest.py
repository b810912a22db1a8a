"""A real Prefect API for flow tests: one subprocess server per test session.

Faster than prefect_test_harness (a migrated SQLite template is copied instead of migrating
each session) and it never leaks a server: the fixture stops it. See ../shared/notes/prefect.md §6.
"""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def _template() -> Path:
    import prefect

    path = REPO / ".pytest-prefect" / f"template-{prefect.__version__}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        env = {**os.environ, "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp}"}
        subprocess.run([sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"],
                       check=True, env=env, capture_output=True)
        tmp.rename(path)
    return path


def _drain() -> None:
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        try:
            result = APILogWorker.instance().drain()
            if inspect.isawaitable(result):
                await result
        except RuntimeError:
            pass
        result = EventsWorker.drain_all()
        if inspect.isawaitable(result):
            await result

    run_coro_as_sync(drain())


@pytest.fixture(scope="session", autouse=True)
def prefect_api(tmp_path_factory: pytest.TempPathFactory):
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_SERVER_DATABASE_CONNECTION_URL,
        PREFECT_SERVER_DATABASE_MIGRATE_ON_START,
        temporary_settings,
    )

    db = tmp_path_factory.mktemp("prefect") / "prefect.db"
    shutil.copy(_template(), db)
    with temporary_settings({PREFECT_SERVER_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{db}",
                             PREFECT_SERVER_DATABASE_MIGRATE_ON_START: False}):
        server = SubprocessASGIServer()
        server.start(timeout=90)
        try:
            with temporary_settings({PREFECT_API_URL: server.api_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
                yield server.api_url
                _drain()
        finally:
            server.stop()
