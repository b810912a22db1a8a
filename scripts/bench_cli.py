"""Benchmark: how long the clerk waits for a command (wall time of the whole `ocop` process).

Read-only commands (``ocop documents list``, ``ocop scores status``) against the demo's database:
target under 1 s. A stage with nothing to do (``ocop verify`` run again on the finished demo):
target under 3 s when a Prefect server is running, and, for comparison, the same command
starting its temporary server (OCOP_TEMPORARY_SERVER=1). Each command runs in a cold process,
N times; the median is compared with its target, beside floors measured in the same run (a bare
Python, ``import typer``, ``import prefect``) and the machine's load, since on a busy 2-core
machine every figure grows with it.

The demo is built first in a temporary folder (``ocop demo``, ~30 s) unless --demo names a
folder holding one. The running server is Prefect's (``prefect server start`` on a free loopback
port, its own PREFECT_HOME), given to the commands through PREFECT_API_URL, as `ocop server`'s
is found at 127.0.0.1:4200 (see the README, "Commands that answer at once").

    .venv/bin/python scripts/bench_cli.py [--runs 5] [--demo out]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
OCOP = str(BIN / "ocop")
READ_TARGET = 1.0
STAGE_TARGET = 3.0
SERVER_STARTUP = 120.0


@dataclass(frozen=True, slots=True)
class Timing:
    name: str
    seconds: tuple[float, ...]
    cpu: tuple[float, ...]  # user + system CPU time of the process and its children: what load does not inflate
    target: float | None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def line(self) -> str:
        verdict = "" if self.target is None else (
            f"  target < {self.target:.0f} s: " + ("met" if self.median < self.target else "NOT met"))
        return (f"{self.name:<50} median {self.median:5.2f} s  (min {min(self.seconds):5.2f}, "
                f"max {max(self.seconds):5.2f}; CPU {statistics.median(self.cpu):5.2f} s){verdict}")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "OCOP_LOG_FILE")}
    return {**env, **extra}


def timed(name: str, command: list[str], runs: int, target: float | None, env: dict[str, str]) -> Timing:
    seconds, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        seconds.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    timing = Timing(name, tuple(seconds), tuple(cpu), target)
    print(timing.line(), flush=True)
    return timing


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(api: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=1.0) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def prefect_server(home: Path) -> Iterator[str]:
    """Prefect's server on a free loopback port with a database of its own; yields its API URL."""
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = _env(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    with open(home / "server.log", "ab") as log:
        server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
                                   str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_STARTUP
        while not _healthy(api):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"Prefect's server did not start; see {home / 'server.log'}")
            time.sleep(0.5)
        yield api
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold processes per command (median)")
    parser.add_argument("--demo", type=Path, help="a folder where `ocop demo` has run (default: run it now)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ocop-bench-cli-"))
    try:
        demo = args.demo.resolve() if args.demo else work / "demo"
        if not args.demo:
            print(f"ocop demo --out {demo} …", flush=True)
            subprocess.run([OCOP, "demo", "--out", str(demo)], env=_env(), check=True, capture_output=True)
        where = ["--db", f"sqlite:///{demo / 'ocop.db'}", "--out", str(demo)]
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
              f"(1, 5, 15 min) on {os.cpu_count()} CPUs; {args.runs} runs each", flush=True)
        python = sys.executable
        timed("floor: python -c pass", [python, "-c", "pass"], args.runs, None, _env())
        timed("floor: python -c 'import typer'", [python, "-c", "import typer"], args.runs, None, _env())
        timed("floor: import typer, sqlalchemy.orm", [python, "-c", "import typer, sqlalchemy.orm"], args.runs, None,
              _env())
        timed("floor: python -c 'import prefect'", [python, "-c", "import prefect"], args.runs, None,
              _env(DO_NOT_TRACK="1"))
        timed("ocop documents list", [OCOP, "documents", "list", *where], args.runs, READ_TARGET, _env())
        timed("ocop scores status", [OCOP, "scores", "status", *where], args.runs, READ_TARGET, _env())
        (work / "prefect").mkdir()
        with prefect_server(work / "prefect") as api:
            timed("ocop verify again, Prefect server running", [OCOP, "verify", *where], args.runs, STAGE_TARGET,
                  _env(PREFECT_API_URL=api))
        timed("ocop verify again, temporary server (no server)", [OCOP, "verify", *where], max(1, args.runs // 2),
              None, _env(OCOP_TEMPORARY_SERVER="1"))
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} at the end")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
