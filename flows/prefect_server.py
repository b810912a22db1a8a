"""``prefect server start`` whose own SQLite database holds under several workers.

Run as ``python -m flows.prefect_server server start --host H --port P`` (flows.server does).
With Prefect's database on PostgreSQL (PREFECT_SERVER_DATABASE_CONNECTION_URL=postgresql+asyncpg://…)
this is exactly ``prefect server start``.

Why, on SQLite: Prefect 3.9.1 opens its server's transactions ``BEGIN DEFERRED`` unless the caller
asks for a row lock. A deferred transaction that reads, then writes, cannot take the write lock if
another connection committed in between: SQLite fails it at once with "database is locked"
(SQLITE_BUSY_SNAPSHOT), whatever the busy timeout (60 s) and although the journal is WAL. Measured:
with two workers running two campaigns under CPU load, the worker-channel heartbeat
(``prefect.server.utilities.worker_channel._persist_worker_channel_heartbeat``: SELECT the work pool,
then INSERT … ON CONFLICT the worker) failed that way and dropped the worker's channel. Prefect fixed
the same pattern in ``mark_deployments_ready`` by beginning it IMMEDIATE (PrefectHQ/prefect#23051).

The fix here: through Prefect's own injection point for the database configuration
(``prefect.server.database.dependencies.MODELS_DEPENDENCIES``, what ``temporary_database_config``
sets), every transaction the server begins on SQLite is ``BEGIN IMMEDIATE``: it takes the write lock
first, waiting up to the busy timeout, so no transaction can find its snapshot stale. This is the
rule the project's own database follows (ocop.persistence.db). SQLite has one writer at a time
anyway; the cost is that read-only transactions queue behind writes, milliseconds at an office's
volume.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from prefect.server.database.configurations import AioSqliteConfiguration
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction


class ImmediateSqliteConfiguration(AioSqliteConfiguration):
    """Prefect's SQLite configuration (WAL, busy timeout 60 s) with every transaction IMMEDIATE."""

    @asynccontextmanager
    async def begin_transaction(
        self, session: AsyncSession, with_for_update: bool = False
    ) -> AsyncGenerator[AsyncSessionTransaction, None]:
        async with super().begin_transaction(session, with_for_update=True) as transaction:
            yield transaction


def install() -> bool:
    """Inject the configuration when Prefect's database is SQLite; True if it was."""
    from prefect.server.database.dependencies import MODELS_DEPENDENCIES
    from prefect.server.utilities.database import get_dialect
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL

    url = PREFECT_API_DATABASE_CONNECTION_URL.value()
    if get_dialect(url).name != "sqlite":
        return False
    MODELS_DEPENDENCIES["database_config"] = ImmediateSqliteConfiguration(connection_url=url)
    return True


def main() -> None:
    from prefect.cli import app

    install()
    app()


if __name__ == "__main__":
    sys.argv[0] = "prefect"
    main()
