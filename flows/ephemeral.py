"""The temporary Prefect server of a CLI command, tied to the command's life, and the runs a
killed command left behind.

Without PREFECT_API_URL, Prefect would start its own temporary server (a uvicorn subprocess) and
stop it at exit; a command killed with SIGKILL never reaches that exit and leaves the server
running. So the CLI starts the same server itself (Prefect's app in ephemeral mode, no UI), as a
child that dies with its parent: on Linux the kernel sends it SIGTERM when the parent dies
(PR_SET_PDEATHSIG), and everywhere a watchdog thread in the child sees it re-parented and stops.

Every flow run a command starts is tagged with the command's process (host, pid, start time);
at the next start, runs still RUNNING or PENDING whose process is gone are set Crashed.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from flows.server import api_url, healthy
from ocop.errors import OcopError

TAG = "ocop-cli"  # the prefix of the tag naming the process that runs a flow: ocop-cli:host:pid:start
STOP_SECONDS = 5.0
WATCH_SECONDS = 0.5
# Prefect's ephemeral server runs its app with these (SubprocessASGIServer._run_uvicorn_command)
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
UVICORN_STARTUP_FAILURE = 3  # uvicorn's exit code when it cannot bind its port


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _startup_timeout() -> float:
    try:
        return float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS") or 120)
    except ValueError:
        return 120.0


def _spawn(port: int, output: IO[bytes] | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, **SERVER_ENV}
    for key in ("PREFECT_API_URL", "PREFECT_LOGGING_SETTINGS_PATH"):  # the server logs to its own stderr
        env.pop(key, None)
    # its own session: Ctrl+C in the terminal interrupts the command, which then still reports to
    # the server and stops it; the server never sees the terminal's signals
    return subprocess.Popen([sys.executable, "-m", "flows.ephemeral", str(port), str(os.getpid())], env=env,
                            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT if output else None,
                            start_new_session=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after a few seconds; always reaped."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def temporary_server(log: Path | None) -> Iterator[str]:
    """A Prefect server on a free local port for the duration, its output appended to ``log``
    (None: to this process's stderr); yields its API URL."""
    output = None
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        output = open(log, "ab")  # noqa: SIM115 - the child keeps its own copy; closed below
    try:
        process = _start(output, log)
        try:
            yield api_url("127.0.0.1", process.port)
        finally:
            stop(process.popen)
    finally:
        if output is not None:
            output.close()


@dataclass(frozen=True)
class _Started:
    popen: subprocess.Popen[bytes]
    port: int


def _start(output: IO[bytes] | None, log: Path | None) -> _Started:
    deadline = time.monotonic() + _startup_timeout()
    for _ in range(5):  # a port taken between choosing and binding it: another port
        port = _free_port()
        process = _spawn(port, output)
        try:
            while time.monotonic() < deadline:
                if healthy(api_url("127.0.0.1", port), timeout=1.0):
                    return _Started(process, port)
                if process.poll() is not None:
                    break
                time.sleep(0.1)
            else:
                raise OcopError(f"Máy chủ Prefect tạm thời không khởi động được sau {_startup_timeout():.0f} giây"
                                + (f"; xem nhật ký {log}" if log else "") + ".")
        except BaseException:
            stop(process)
            raise
        if process.returncode != UVICORN_STARTUP_FAILURE:
            break
    raise OcopError(f"Máy chủ Prefect tạm thời dừng ngay khi khởi động (mã {process.returncode})"
                    + (f"; xem nhật ký {log}" if log else "") + ".")


def drain() -> None:
    """Send Prefect's queued logs and events to the server before it stops (as
    prefect_test_harness does), so nothing is lost or retried against a stopped server."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=STOP_SECONDS * 2)
    EventsWorker.drain_all(timeout=STOP_SECONDS * 2)


# --- the child: Prefect's server app, stopping when its parent is gone ---------------------------

PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)  # uvicorn stops gracefully on it
        time.sleep(STOP_SECONDS * 2)
        os._exit(1)

    threading.Thread(target=watch, name="ocop-parent-watch", daemon=True).start()


def _serve(port: int, parent: int) -> None:
    _die_with(parent)
    import uvicorn

    uvicorn.run("prefect.server.api.server:create_app", factory=True, host="127.0.0.1", port=port,
                log_level="error", lifespan="on")


# --- runs left RUNNING by a killed command ---------------------------------------------------------


def _started(pid: int) -> str | None:
    """The process's start time (clock ticks since boot, Linux) so a reused pid is not mistaken
    for it; None where /proc is not available. A zombie counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return "zombie" if fields[0] == "Z" else fields[19]


def process_tag() -> str:
    return f"{TAG}:{socket.gethostname()}:{os.getpid()}:{_started(os.getpid()) or ''}"


def _gone(tag: str) -> bool:
    """Whether the process a run's tag names has ended (only said of this host's processes)."""
    _, host, pid, started = tag.split(":", 3)
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    now = _started(int(pid))
    return now == "zombie" or bool(started and now and now != started)


@dataclass(frozen=True)
class CrashedRun:
    flow: str
    run: str
    started: datetime | None


def mark_crashed_runs() -> tuple[CrashedRun, ...]:
    """Set Crashed the flow runs (and their task runs) still RUNNING or PENDING whose command's
    process has ended; returns the top-level ones (not the subflows of a whole-plan run), oldest first."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        FlowRunFilterState,
        FlowRunFilterStateType,
        TaskRunFilter,
        TaskRunFilterState,
        TaskRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    unfinished = [StateType.RUNNING, StateType.PENDING]
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=unfinished))))
        crashed = [run for run in runs
                   if any(tag.startswith(f"{TAG}:") and tag.count(":") >= 3 and _gone(tag) for tag in run.tags)]
        if not crashed:
            return ()
        message = "Tiến trình lệnh ocop đã dừng đột ngột (bị tắt hoặc mất điện)."
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id for run in crashed])),
            task_run_filter=TaskRunFilter(state=TaskRunFilterState(type=TaskRunFilterStateType(any_=unfinished))))
        for task in tasks:
            client.set_task_run_state(task.id, Crashed(message=message), force=True)
        names = {}
        for run in crashed:
            client.set_flow_run_state(run.id, Crashed(message=message), force=True)
            if run.flow_id not in names:
                names[run.flow_id] = client.read_flow(run.flow_id).name
        crashed.sort(key=lambda run: run.start_time or run.created or datetime.now(UTC))
        subflows = {task.id for task in tasks}  # a subflow run's parent task run is one of these
        return tuple(CrashedRun(names[run.flow_id], run.name, run.start_time) for run in crashed
                     if run.parent_task_run_id not in subflows)


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
