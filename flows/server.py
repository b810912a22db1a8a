"""Run the office's dashboard: a Prefect server, the deployments, and a worker (or ``serve()``).

``ocop server`` (and ``make server``): starts ``prefect server start`` unless one already answers
at the address, creates the process work pool, registers every deployment, starts the worker(s),
and stays in the foreground until Ctrl+C / SIGTERM, then stops what it started.
``ocop serve``: the same, but one process runs the flows itself (Prefect's ``serve()``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

from ocop.errors import OcopError

# Quiet, offline-friendly defaults for every process started from here (notes/prefect.md).
DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_WORKER_QUERY_SECONDS": "2",
    "PREFECT_RUNNER_POLL_FREQUENCY": "2",
}
STARTUP_TIMEOUT = 120.0


def api_url(host: str, port: int) -> str:
    return f"http://{host}:{port}/api"


def healthy(api: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=timeout) as response:
            status: int = response.status  # urlopen's response is typed Any
            return status == 200
    except (urllib.error.URLError, OSError):
        return False


def environment(api: str, out_dir: Path | None = None, database_url: str | None = None) -> dict[str, str]:
    env = {**DEFAULTS, **os.environ, "PREFECT_API_URL": api}
    if out_dir is not None:
        env["OCOP_OUT_DIR"] = str(out_dir.resolve())
    if database_url:
        env["OCOP_DATABASE_URL"] = database_url
    return env


def _spawn(args: list[str], env: dict[str, str], log: Path | None) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "prefect", *args]
    if log is None:
        return subprocess.Popen(command, env=env, start_new_session=True)
    with open(log, "ab") as out:  # the child has its own copy of the descriptor; the parent's is closed here
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """SIGTERM the process group (Prefect's server stops on it), then SIGKILL after ``timeout``."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass


def start_server(host: str, port: int, env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    """``prefect server start`` in its own process group; returns once /api/health answers."""
    server = _spawn(["server", "start", "--host", host, "--port", str(port)], env, log)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if healthy(api_url(host, port)):
            return server
        if server.poll() is not None:
            raise OcopError(f"Máy chủ Prefect dừng ngay khi khởi động (mã {server.returncode}); cổng {port} "
                            f"có thể đang bị chương trình khác dùng, thử --port khác"
                            + (f"; xem {log}" if log else "") + ".")
        time.sleep(0.5)
    stop(server)
    raise OcopError(f"Máy chủ Prefect không trả lời tại {host}:{port} sau {STARTUP_TIMEOUT:.0f} giây.")


# Prefect 3.9's process worker logs "Sending SIGINT to the process worker" on SIGTERM but, idle,
# takes 20-40 s to exit (measured): a worker is given a few seconds, then killed with its group.
WORKER_STOP_SECONDS = 5.0


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    stop(process, WORKER_STOP_SECONDS)


def start_worker(pool: str, name: str, env: dict[str, str], limit: int = 4,
                 log: Path | None = None) -> subprocess.Popen[bytes]:
    return _spawn(["worker", "start", "--pool", pool, "--type", "process", "--name", name,
                   "--limit", str(limit)], env, log)


def ensure_pool(pool: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client, suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=pool, type="process"))


def register(pool: str, working_dir: Path) -> list[str]:
    """Create or update every deployment on the server for ``pool``; returns their full names."""
    from flows.deployments import build, full_names

    for deployment in build(pool):
        deployment.job_variables = {**deployment.job_variables, "working_dir": str(working_dir.resolve())}
        deployment.apply(work_pool_name=pool)
    return full_names()


@contextmanager
def connected(api: str) -> Iterator[None]:
    """This process's Prefect client talks to ``api`` (settings read at import would miss it)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}):
        yield


@contextmanager
def server_at(host: str, port: int, env: dict[str, str], log: Path | None) -> Iterator[bool]:
    """A Prefect server at host:port for the duration: the one already there, or one started here."""
    if healthy(api_url(host, port)):
        yield False
        return
    server = start_server(host, port, env, log)
    try:
        yield True
    finally:
        stop(server)


def wait_for_signal() -> None:
    """Block until Ctrl+C or SIGTERM."""
    stopping = {"now": False}

    def handler(signum: int, frame: FrameType | None) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    while not stopping["now"]:
        time.sleep(0.5)
