"""A real Prefect API for flow tests: prefect_test_harness, once per test session.

The harness starts a server on a fresh temporary database and stops it (draining logs and
events) when the session ends, so no server outlives the tests. Heartbeats are off: in
Prefect 3.9 each sync flow otherwise waits ~1 s for its heartbeat thread (notes/prefect.md).
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def prefect_api():
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120), \
            temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield PREFECT_API_URL.value()
