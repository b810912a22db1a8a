"""A real Prefect server with two process workers, as in production.

The module starts `prefect server` on a free loopback port (its database on PostgreSQL when
OCOP_TEST_DATABASE_URL is set, else SQLite), registers the deployments as `ocop server` does,
starts two process workers, triggers runs through the API and stops every process it started.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from flows.params import CampaignFiles
from tests.conftest import BACKENDS, PG_URL, SAMPLE, pg_schema_url

POOL = "ocop-pool"
CAMPAIGN = "Đánh giá, phân hạng sản phẩm OCOP - cả kế hoạch/chay-ca-ke-hoach"
REMINDERS = "Nhắc hạn kế hoạch/nhac-han"


def stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM an `ocop server`/`serve` started in its own process group; SIGKILL and fail after 60 s."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory):
    """(api URL, folder of the server's and workers' logs); everything stopped afterwards."""
    from flows import server

    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    api = server.api_url("127.0.0.1", port)
    # each test names its own database and folder: the operator's --allow-storage-parameters
    env = {**server.environment(api, allow_storage=True), "PREFECT_HOME": str(home / "home")}
    with ExitStack() as stack:
        if PG_URL:  # Prefect's own database on PostgreSQL too, as in production
            env["PREFECT_API_DATABASE_CONNECTION_URL"] = stack.enter_context(prefect_database())
        proc = server.start_server("127.0.0.1", port, env, home / "server.log")
        stack.callback(server.stop, proc)
        stack.enter_context(server.connected(api))
        server.ensure_pool(POOL, home)
        server.register(POOL)
        for name in ("w1", "w2"):  # one run at a time each: two campaigns need both workers
            worker = server.start_worker(POOL, name, env, limit=1, log=home / f"worker-{name}.log")
            stack.callback(server.stop_worker, worker)
        yield api, home


# Processes that spin the CPU while the two campaigns run: the server must hold on a busy machine.
# Three per core: on 2 cores, six made Prefect's SQLite fail ("database is locked") before
# flows/prefect_server.py (README, "Prefect's database on SQLite").
CPU_BURNERS = int(os.environ.get("OCOP_TEST_CPU_BURNERS") or 3 * (os.cpu_count() or 1))


@pytest.fixture
def cpu_load():
    """CPU_BURNERS processes running `while True: pass` for the test's duration, killed afterwards."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(CPU_BURNERS)]
    try:
        yield len(burners)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait(10)


@contextmanager
def prefect_database():
    """A PostgreSQL database of its own for Prefect's server (its asyncpg URL), dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"ocop_prefect_{uuid.uuid4().hex[:10]}"
    admin = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def lang_giang(folder: Path) -> dict[str, str]:
    """A second district's campaign: other code, issuing body, producers and product codes."""
    folder.mkdir(parents=True, exist_ok=True)
    toml = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    (folder / "campaign.toml").write_text(
        toml.replace("luc-nam-2020", "lang-giang-2020").replace("Lục Nam", "Lạng Giang"), encoding="utf-8")
    rows = (SAMPLE / "registrations.csv").read_text(encoding="utf-8").splitlines()
    out = [rows[0]]
    for row in rows[1:]:
        cells = row.split(",")
        cells[0] = cells[0].replace("LN-", "LG-")
        cells[3] = f"{cells[3]} Lạng Giang"
        out.append(",".join(cells))
    (folder / "registrations.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    scores = (SAMPLE / "scores.csv").read_text(encoding="utf-8").replace("LN-", "LG-")
    (folder / "scores.csv").write_text(scores, encoding="utf-8")
    return CampaignFiles.in_folder(folder).model_dump()


def wait_all(api: str, ids: list, timeout: float = 600):
    from prefect.client.orchestration import get_client

    from flows.server import connected

    end = time.monotonic() + timeout
    with connected(api), get_client(sync_client=True) as client:
        while time.monotonic() < end:
            runs = [client.read_flow_run(i) for i in ids]
            if all(r.state.is_final() for r in runs):
                return runs
            time.sleep(1)
    raise TimeoutError(f"runs not finished after {timeout} s: {[r.state.type for r in runs]}")


def solo_register(url: str, out: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """The sample campaign run by the services alone, with no Prefect: (kind, subject) → (number, hash)."""
    from ocop.services import stages
    from ocop.settings import Settings

    settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=out, database_url=url)
    stages.prepare_database(settings)
    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.set_up(settings, SAMPLE / "campaign.toml")  # the plan cites the decisions issued above
    stages.collect(settings, None, SAMPLE / "registrations.csv")
    stages.verify(settings, None)
    stages.schedule(settings, None)
    stages.score(settings, None, SAMPLE / "scores.csv")
    stages.issue_score_sheets(settings, None)
    stages.rank(settings, None)
    stages.refer(settings, None)
    return register_of(settings, "luc-nam-2020")


def register_of(settings, code: str) -> dict[tuple[str, str], tuple[str, str]]:
    from ocop.services import stages

    return {(d.kind, d.subject): (d.symbol, d.sha256) for d in stages.documents(settings, code)
            if d.status == "issued"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_workers_run_two_campaigns_at_once(prefect_server, cpu_load, backend: str, tmp_path: Path) -> None:
    import json

    from prefect.artifacts import Artifact
    from prefect.deployments import run_deployment

    from flows.server import connected
    from ocop.settings import Settings

    api, _ = prefect_server
    with ExitStack() as stack:
        url = stack.enter_context(pg_schema_url()) if backend == "postgresql" else f"sqlite:///{tmp_path / 'ocop.db'}"
        out = tmp_path / "out"
        storage = {"db_url": url, "out_dir": str(out)}
        sample = CampaignFiles.in_folder(SAMPLE).model_dump()
        with connected(api):
            runs = [run_deployment(CAMPAIGN, parameters={"files": files, "storage": storage}, timeout=0)
                    for files in (sample, lang_giang(tmp_path / "lang-giang"))]
        a, b = wait_all(api, [r.id for r in runs])
        assert a.state.is_completed() and b.state.is_completed(), (a.state.message, b.state.message)
        assert (a.name, b.name) == ("luc-nam-2020", "lang-giang-2020")  # as the UI lists them
        # both ran at the same time, on different workers
        assert a.start_time < b.end_time and b.start_time < a.end_time
        logs = "".join(p.read_text(errors="replace") for p in prefect_server[1].glob("*.log"))
        assert "database is locked" not in logs and "Traceback" not in logs

        settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=out, database_url=url)
        luc_nam, lg = register_of(settings, "luc-nam-2020"), register_of(settings, "lang-giang-2020")
        # each district numbers in its own registers: the same numbers, no document of the other
        assert luc_nam[("to_trinh_de_nghi_tinh", "")][0] == lg[("to_trinh_de_nghi_tinh", "")][0] == "20/TTr-UBND"
        assert not any("LG-" in subject for _, subject in luc_nam) and any("LG-" in s for _, s in lg)
        # the worker's run writes exactly the documents a run with no Prefect at all writes: the same
        # kinds, numbers and bytes. (A dossier notice's subject is its producer's row id, which depends
        # on which of the two campaigns stored its producers first, so documents are compared by
        # kind, number and SHA-256, not by subject.)
        alone = solo_register(f"sqlite:///{tmp_path / 'alone.db'}", tmp_path / "alone")
        assert sorted((kind, *doc) for (kind, _), doc in luc_nam.items()) == sorted(
            (kind, *doc) for (kind, _), doc in alone.items())

        with connected(api):
            ranking = {r["Mã"]: r for r in json.loads(Artifact.get("luc-nam-2020-xep-hang").data)}
            other = {r["Mã"]: r for r in json.loads(Artifact.get("lang-giang-2020-xep-hang").data)}
        assert ranking["LN-01"]["Điểm TB"] == other["LG-01"]["Điểm TB"] == "91,71"
        assert set(ranking) == {f"LN-{i:02d}" for i in range(1, 12)}


def test_reminders_are_scheduled_and_run_through_the_api(prefect_server, tmp_path: Path) -> None:
    """A week before the 30/10 deadline, with no sheet handed in: the reminder names who is missing what."""
    import json

    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    from flows.server import connected
    from ocop.services import stages
    from ocop.settings import Settings

    api, _ = prefect_server
    url = f"sqlite:///{tmp_path / 'ocop.db'}"
    settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=tmp_path, database_url=url)
    stages.prepare_database(settings)
    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.collect(settings, None, SAMPLE / "registrations.csv")
    stages.verify(settings, None)
    stages.schedule(settings, None)
    with connected(api), get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(REMINDERS)
        [schedule] = deployment.schedules
        assert (schedule.schedule.cron, schedule.schedule.timezone, schedule.active) == (
            "30 7 * * 1-5", "Asia/Ho_Chi_Minh", True)
        run = run_deployment(REMINDERS, timeout=0, parameters={
            "campaign": "luc-nam-2020", "reminders": {"on": "2020-10-23"}, "storage": {"db_url": url}})
    [done] = wait_all(api, [run.id], timeout=300)
    assert done.state.is_completed(), done.state.message
    with connected(api):
        from prefect.artifacts import Artifact

        table = json.loads(Artifact.get("luc-nam-2020-nhac-han").data)
    evaluation = [row for row in table if row["Hạn"].startswith("Hoàn thành đánh giá")]
    assert evaluation and all(row["Tình trạng"] == "còn 5 ngày làm việc" for row in evaluation)
    missing = [row["Chi tiết"] for row in evaluation if "Phiếu đánh giá" in row["Việc còn mở"]]
    assert len(missing) == 7 and any(m.startswith("Vũ Thị Lan: 11 phiếu — LN-01, LN-02") for m in missing)


def test_ocop_serve_starts_a_server_serves_the_deployments_and_stops_it(tmp_path: Path) -> None:
    """`ocop serve`: one process, no worker; with no server at the address it starts one, and
    SIGTERM stops both."""
    import os
    import subprocess
    import sys

    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    from flows import server
    from flows.server import connected
    from ocop.services import stages
    from ocop.settings import Settings

    url = f"sqlite:///{tmp_path / 'ocop.db'}"
    settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=tmp_path, database_url=url)
    stages.prepare_database(settings)
    stages.set_up(settings, SAMPLE / "campaign.toml")
    port = free_port()
    api = server.api_url("127.0.0.1", port)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from flows.cli import main; main()", "serve", "--port", str(port),
         "--db", url, "--out", str(tmp_path)],
        env={**os.environ, "PREFECT_HOME": str(tmp_path / "home")}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        end = time.monotonic() + 120
        with connected(api):
            while True:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text(errors="replace")
                if server.healthy(api):
                    with get_client(sync_client=True) as client:
                        names = {d.name for d in client.read_deployments()}
                    if "nhac-han" in names:
                        break
                assert time.monotonic() < end, "ocop serve registered no deployment in 120 s"
                time.sleep(1)
            run = run_deployment(REMINDERS, timeout=0, parameters={
                "campaign": "luc-nam-2020", "reminders": {"on": "2020-07-03"}})
        [done] = wait_all(api, [run.id], timeout=120)
        assert done.state.is_completed(), done.state.message
        assert done.deployment_id is not None and done.work_pool_name is None  # served, not from a pool
    finally:
        stop_group(proc)
        log.close()
    assert not server.healthy(api)  # the server it started is gone with it


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    with socket.socket() as busy:  # something else listens where the server should
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-c", "from flows.cli import main; main()", "server", "--port", str(port),
             "--out", str(tmp_path)], env={**os.environ, "PREFECT_HOME": str(tmp_path / "home")},
            capture_output=True, text=True, timeout=180)
    assert result.returncode == 1
    assert f"Lỗi: Máy chủ Prefect dừng ngay khi khởi động (mã 1); cổng {port} có thể đang bị" in result.stderr
    assert "Traceback" not in result.stderr
