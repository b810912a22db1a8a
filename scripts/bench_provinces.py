"""Benchmark: many provinces' whole campaigns submitted at once to one server and its work-pool workers (issue 15).

    .venv/bin/python scripts/bench_provinces.py --provinces 34 --products 470 --workers 2 [--db URL]
    .venv/bin/python scripts/bench_provinces.py --provinces 4 --products 100 --workers 1,2   # the scaling

For each worker count given, on a fresh installation:

- makes every province's inputs (not timed): a campaign file from the Bắc Ninh 2026 sample (148+1489)
  with the province's own code, name, People's Committee, communes and commune signers, a registration
  workbook per commune with the communes' pre-assessment, and the 7 members' itemised scores
  (scripts/bench_national.py's generator); the communes have the same names in every province, as many
  real ones do;
- creates two fresh PostgreSQL databases on the server ``--db`` names, the project's and Prefect's;
- starts what ``ocop server`` starts (flows/server.py): ONE Prefect server on Prefect's database, the
  process work pool ``ocop-pool`` and the deployments, and N process workers (separate processes, as
  separate machines would be; each ``--limit`` runs at a time), PDFs off (OCOP_PDF=off);
- submits every province's whole plan (the deployment ``chay-ca-ke-hoach``) at once, ``run_deployment(...,
  timeout=0)``, and waits for them;
- reports runs completed / failed / crashed, wall seconds from the first submission to the last run's end,
  products per second, the runs' durations, the peak memory of the server, workers and runs together,
  the "database is locked" and ERROR lines of the runs' logs (read from Prefect's API) and of the server's
  and workers' own output, and checks every province's register: the same documents with the same numbers
  in each (no province numbers in another's series);
- stops everything and drops the databases and the temporary folder (``--keep DIR`` keeps the files).

One line per worker count, then the comparison:

    provinces: workers=N limit=L provinces=P products=T completed=C failed=F crashed=X seconds=S
               products_per_s=R errors=E locked=K registers_equal=yes

Invented data throughout. The machine's load (``uptime``) goes with every figure: other work on it shows.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_national import communes_for, make_inputs, write_campaign

from flows import server as srv
from flows.deployments import POOL
from flows.params import CampaignFiles

CAMPAIGN = "Đánh giá, phân hạng sản phẩm OCOP - cả kế hoạch/chay-ca-ke-hoach"
# The 34 provinces and centrally-run cities since 12/6/2025 (Nghị quyết 202/2025/QH15).
PROVINCES = ["Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
             "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
             "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
             "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau",
             "An Giang"]
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LOCKED = "database is locked"


@dataclass(frozen=True)
class Province:
    number: int
    name: str
    code: str
    files: CampaignFiles


def make_provinces(folder: Path, count: int, products: int) -> list[Province]:
    """Every province's inputs; the same invented products (seed) in each, under its own codes and producers."""
    out = []
    for k in range(1, count + 1):
        name = PROVINCES[(k - 1) % len(PROVINCES)] + ("" if k <= len(PROVINCES) else f" {k}")
        code = f"bench-{k:02d}-2026"
        here = folder / code
        made = make_inputs(here, products, prefix=f"T{k:02d}", producers=f" ({name})", one_score_file=True)
        campaign = write_campaign(here, communes_for(products), code=code, province=name)
        out.append(Province(k, name, code, CampaignFiles(campaign_file=str(campaign),
                                                         registrations_file=str(made.registrations),
                                                         scores_file=str(made.scores[0]))))
    return out


@contextmanager
def databases(admin_url: str) -> Iterator[tuple[str, str]]:
    """Two fresh databases on the server at ``admin_url``, (the project's psycopg URL, Prefect's asyncpg URL);
    dropped afterwards, whoever still holds a connection."""
    import psycopg
    from sqlalchemy.engine import make_url

    tag = uuid.uuid4().hex[:8]
    names = (f"ocop_bench_{tag}", f"ocop_bench_prefect_{tag}")
    base = make_url(admin_url)
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (base.set(drivername="postgresql+psycopg", database=names[0]).render_as_string(hide_password=False),
               base.set(drivername="postgresql+asyncpg", database=names[1]).render_as_string(hide_password=False))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class TreeMemory:
    """Peak resident memory of this process's descendants (server, workers, their flow runs), sampled each 0.5 s."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * self._page
        mine, total = {os.getpid()}, 0
        grew = True
        while grew:
            grew = False
            for pid, parent in parents.items():
                if parent in mine and pid not in mine:
                    mine.add(pid)
                    total += rss[pid]
                    grew = True
        return total

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, self._sample())

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Outcome:
    workers: int
    limit: int
    provinces: int
    products: int
    states: Counter[str]
    seconds: float
    run_seconds: list[float]
    waited: list[float]  # seconds from submission to the run's start
    errors: int  # ERROR (and above) lines in the runs' logs, from the API
    locked: int  # "database is locked" in the runs' logs, from the API
    file_errors: int  # ERROR lines and tracebacks in the server's and workers' own output
    file_locked: int
    registers_equal: bool
    documents: int
    peak_mb: float
    load: str
    cpu_seconds: float  # the server's, workers' and runs' CPU time, from the server's start to its stop
    machine_busy: float  # share of the machine's CPU time busy (anyone's) while the runs ran
    at_once: int  # most runs running at the same time
    problems: list[str]

    def line(self) -> str:
        return (f"provinces: workers={self.workers} limit={self.limit} provinces={self.provinces} "
                f"products={self.products} completed={self.states['COMPLETED']} failed={self.states['FAILED']} "
                f"crashed={self.states['CRASHED']} seconds={self.seconds:.1f} "
                f"products_per_s={self.products / self.seconds:.2f} cpu_s={self.cpu_seconds:.0f} "
                f"errors={self.errors + self.file_errors} "
                f"locked={self.locked + self.file_locked} registers_equal={'yes' if self.registers_equal else 'NO'}")


def read_logs(ids: list[Any]) -> tuple[int, int, list[str]]:
    """(ERROR lines, "database is locked" lines, the first few of either) of the runs' logs on the API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    errors = locked = 0
    shown: list[str] = []
    offset = 0
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)), limit=200, offset=offset)
            for log in page:
                bad = log.level >= 40
                lock = LOCKED in log.message
                errors += bad
                locked += lock
                if (bad or lock) and len(shown) < 5:
                    shown.append(log.message.splitlines()[0][:300])
            if len(page) < 200:
                return errors, locked, shown
            offset += len(page)


FILE_ERROR = re.compile(r"\|\s*(ERROR|CRITICAL)\s*\||^Traceback ", re.MULTILINE)


def read_files(folder: Path) -> tuple[int, int, list[str]]:
    """The same counts in the server's and workers' own output (a crashed run's traceback lands there)."""
    errors = locked = 0
    shown: list[str] = []
    for path in sorted(folder.glob("*.log")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            bad = bool(FILE_ERROR.search(line))
            lock = LOCKED in line
            errors += bad
            locked += lock
            if (bad or lock) and len(shown) < 5:
                shown.append(f"{path.name}: {line[:300]}")
    return errors, locked, shown


def registers(database_url: str, codes: list[str]) -> tuple[bool, int, list[str]]:
    """Every province issued the same documents under the same numbers (their data has the same shape):
    (all equal, documents in all, the differences of the first province that differs)."""
    from sqlalchemy import select

    from ocop.persistence.db import unit_of_work
    from ocop.persistence.models import Campaign, Document

    with unit_of_work(database_url) as s:
        rows = s.execute(select(Campaign.code, Document.kind, Document.number, Document.status)
                         .join(Campaign, Campaign.id == Document.campaign_id)).all()
    by_code: dict[str, Counter[tuple[str, int | None, str]]] = {c: Counter() for c in codes}
    for code, kind, number, status in rows:
        if code in by_code:  # subjects name the province's own products and producers: kinds and numbers compare
            by_code[code][(kind, number, status)] += 1
    first = by_code[codes[0]]
    for code in codes[1:]:
        if by_code[code] != first:
            diff = sorted((by_code[code] - first).elements())[:3] + sorted((first - by_code[code]).elements())[:3]
            return False, len(rows), [f"{code} differs from {codes[0]}: {diff}"]
    return True, len(rows), []


def wait_all(ids: list[Any], timeout: float) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    end = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)),
                                         limit=len(ids))
            done = [r for r in runs if r.state is not None and r.state.is_final()]
            if len(done) == len(ids):
                return runs
            if time.monotonic() > end:
                raise TimeoutError(f"{len(ids) - len(done)} of {len(ids)} runs not finished after {timeout:.0f} s")
            time.sleep(2)


def machine_busy(since: tuple[int, int, float] | None = None) -> tuple[int, int, float]:
    """(busy ticks, all ticks, busy share since ``since``) of the whole machine, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:]]
    idle, total = ticks[3] + ticks[4], sum(ticks[:8])
    busy = total - idle
    if since is None:
        return busy, total, 0.0
    return busy, total, (busy - since[0]) / max(1, total - since[1])


def at_once(runs: list[Any]) -> int:
    """The most runs that were running at the same instant."""
    edges = sorted([(r.start_time, 1) for r in runs if r.start_time and r.end_time]
                   + [(r.end_time, -1) for r in runs if r.start_time and r.end_time])
    running = most = 0
    for _, step in edges:
        running += step
        most = max(most, running)
    return most


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_once(provinces: list[Province], products: int, workers: int, limit: int, admin_url: str,
             folder: Path, port: int, timeout: float) -> Outcome:
    from prefect.deployments import run_deployment

    from ocop.persistence.db import engine_for

    cpu = os.times()
    logs = folder / f"logs-{workers}"
    logs.mkdir(parents=True)
    out = folder / f"out-{workers}"
    with ExitStack() as stack:
        project_url, prefect_url = stack.enter_context(databases(admin_url))
        api = srv.api_url("127.0.0.1", port)
        env = {**srv.environment(api, out, project_url), "OCOP_PDF": "off",
               "PREFECT_HOME": str(folder / f"prefect-home-{workers}"),
               "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_url}
        env.pop("PREFECT_API_DATABASE_CONNECTION_URL", None)  # the older name would win over ours
        started = time.monotonic()
        server = srv.start_server("127.0.0.1", port, srv.for_server(env, None), logs / "server.log")
        stack.callback(srv.stop, server)
        stack.enter_context(srv.connected(api))
        srv.ensure_pool(POOL, ROOT)
        srv.register(POOL)
        for i in range(workers):
            worker = srv.start_worker(POOL, f"bench-worker-{i + 1}", env, limit=limit, log=logs / f"worker-{i + 1}.log")
            stack.callback(srv.stop_worker, worker)
        print(f"  server, pool, deployments and {workers} worker(s) (limit {limit}) up in "
              f"{time.monotonic() - started:.1f} s; load {load()}", flush=True)
        memory = stack.enter_context(TreeMemory())
        busy = machine_busy()
        submitted = datetime.now(UTC)
        runs = [run_deployment(CAMPAIGN, parameters={"files": p.files.model_dump()}, timeout=0) for p in provinces]
        print(f"  {len(runs)} runs submitted in {(datetime.now(UTC) - submitted).total_seconds():.1f} s", flush=True)
        ids = [r.id for r in runs]
        finished = wait_all(ids, timeout)
        busy = machine_busy(busy)
        ends = [r.end_time for r in finished if r.end_time is not None]
        seconds = ((max(ends) if ends else datetime.now(UTC)) - submitted).total_seconds()
        states = Counter(r.state.type.value for r in finished if r.state is not None)
        run_seconds = [(r.end_time - r.start_time).total_seconds() for r in finished if r.start_time and r.end_time]
        waited = [(r.start_time - submitted).total_seconds() for r in finished if r.start_time]
        problems = [f"{r.name}: {r.state.type.value} {r.state.message or ''}"[:300]
                    for r in finished if r.state is not None and not r.state.is_completed()][:5]
        errors, locked, shown = read_logs(ids)
        peak = memory.peak / 2**20
        equal, documents, differs = registers(project_url, [p.code for p in provinces])
        stack.callback(engine_for(project_url).dispose)
    # everything stopped and waited for: their CPU time is in this process's children's
    after = os.times()
    cpu_seconds = after.children_user + after.children_system - cpu.children_user - cpu.children_system
    file_errors, file_locked, file_shown = read_files(logs)
    return Outcome(workers, limit, len(provinces), products * len(provinces), states, seconds, run_seconds, waited,
                   errors, locked, file_errors, file_locked, equal, documents, peak, load(), cpu_seconds,
                   busy[2], at_once(finished), problems + shown + file_shown + differs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--provinces", type=int, default=34)
    ap.add_argument("--products", type=int, default=470, help="products per province")
    ap.add_argument("--workers", default="2", help="process workers; several (1,2) run one installation each")
    ap.add_argument("--limit", type=int, default=1, help="runs a worker takes at a time (prefect worker --limit)")
    ap.add_argument("--db", default=ADMIN_URL,
                    help=f"the PostgreSQL server where the temporary databases are created (default {ADMIN_URL})")
    ap.add_argument("--port", type=int, default=4290)
    ap.add_argument("--timeout", type=float, default=4 * 3600, help="seconds to wait for the runs")
    ap.add_argument("--keep", type=Path, help="write the inputs, documents and logs here and keep them")
    args = ap.parse_args(argv)
    counts = [int(w) for w in args.workers.split(",")]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ocop-provinces-"))
    folder.mkdir(parents=True, exist_ok=True)
    outcomes = []
    try:
        t0 = time.perf_counter()
        provinces = make_provinces(folder / "vao", args.provinces, args.products)
        print(f"inputs: {args.provinces} provinces x {args.products} products, {len(communes_for(args.products))} "
              f"communes each, 7 members; made in {time.perf_counter() - t0:.1f} s (not counted); "
              f"{os.cpu_count()} CPUs; load {load()}", flush=True)
        for workers in counts:
            print(f"{workers} worker(s):", flush=True)
            outcome = run_once(provinces, args.products, workers, args.limit, args.db, folder, args.port,
                               args.timeout)
            outcomes.append(outcome)
            runs = sorted(outcome.run_seconds)
            print(f"  runs: {statistics.median(runs):.1f} s median ({runs[0]:.1f}-{runs[-1]:.1f}); last started "
                  f"{max(outcome.waited):.1f} s after submission; peak memory of server, workers and runs "
                  f"{outcome.peak_mb:.0f} MB; {outcome.documents} documents")
            print(f"  at most {outcome.at_once} runs at once; CPU of server, workers and runs "
                  f"{outcome.cpu_seconds:.0f} s "
                  f"({outcome.cpu_seconds / outcome.seconds:.2f} cores over the wall time); the machine "
                  f"{outcome.machine_busy:.0%} busy meanwhile (anyone's work); load {outcome.load}")
            for problem in outcome.problems:
                print(f"  ! {problem}")
            print(outcome.line(), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    if len(outcomes) > 1:
        base = outcomes[0]
        for o in outcomes[1:]:
            print(f"scaling: {o.workers} workers vs {base.workers}: {base.seconds / o.seconds:.2f}x "
                  f"({base.seconds:.1f} s -> {o.seconds:.1f} s)")
    bad = any(o.states["COMPLETED"] != o.provinces or o.errors or o.locked or o.file_errors or o.file_locked
              or not o.registers_equal for o in outcomes)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
