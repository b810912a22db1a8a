"""Commands that answer at once: read-only commands import neither Prefect nor the libraries only
writing needs; a database at the head revision is not handed to Alembic; a stage reports to the
office's running server when one answers; a long batch shows a progress bar in a terminal."""

from __future__ import annotations

import ast
import io
import os
import pty
import re
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

HEAVY = ("prefect", "alembic", "docx", "docxtpl", "openpyxl")


def _run_in_a_fresh_process(argv: list[str], env: dict[str, str]) -> tuple[str, list[str]]:
    """Run `ocop argv` in a new Python process; its output and which of HEAVY it imported."""
    code = ("import sys\nfrom flows.cli import main\n"
            f"sys.argv = ['ocop', *{argv!r}]\n"
            "try:\n    main()\nfinally:\n"
            f"    print('IMPORTED', sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    output, _, imported = done.stdout.rpartition("IMPORTED ")
    return output, ast.literal_eval(imported)


def test_read_only_commands_import_no_prefect_alembic_docx_or_openpyxl(sample_campaign) -> None:
    env = {**os.environ, "OCOP_DATABASE_URL": "", "OCOP_OUT_DIR": ""}
    where = ["--db", sample_campaign.database_url, "--out", str(sample_campaign.out_dir)]
    listed, imported = _run_in_a_fresh_process(["documents", "list", *where], env)
    assert "văn bản." in listed and "Thông báo" in listed  # the register, with the verification notices
    assert imported == []
    _, imported = _run_in_a_fresh_process(["scores", "status", *where], env)
    assert imported == []


def test_a_database_at_the_head_revision_is_not_handed_to_alembic(tmp_path: Path) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from ocop.persistence.db import MIGRATIONS, current_revision, engine_for, head_revision, migrate

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()
    url = f"sqlite:///{tmp_path / 'ocop.db'}"
    assert current_revision(url) is None
    migrate(url)  # a new database: Alembic creates the schema
    assert current_revision(url) == head_revision()
    engine_for(url).dispose()
    code = ("import sys\nfrom ocop.persistence.db import migrate\n"
            f"migrate({url!r})\nprint('alembic' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"


def _closed_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_a_stage_finds_the_running_server_and_falls_back_to_a_temporary_one(prefect_api: str, monkeypatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import cli

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv(cli.TEMPORARY_ENV, raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        monkeypatch.setattr(cli, "OFFICE_API", prefect_api)  # the test session's server stands for the office's
        assert cli._office_server(None) == prefect_api  # the session's server needs no credentials
        monkeypatch.setenv(cli.TEMPORARY_ENV, "1")
        assert cli._office_server(None) is None
        monkeypatch.delenv(cli.TEMPORARY_ENV)
        monkeypatch.setattr(cli, "OFFICE_API", f"http://127.0.0.1:{_closed_port()}/api")
        assert cli._office_server(None) is None
    with temporary_settings({PREFECT_API_URL: prefect_api}):  # a configured server is used as it is
        assert cli._office_server(None) == prefect_api


def _cli_runs() -> dict[str, str]:
    """The flow runs the CLI's commands reported (tagged with their process), by id: their state."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return {str(run.id): run.state_type.value if run.state_type else "" for run in client.read_flow_runs(limit=200)
                if any(tag.startswith("ocop-cli:") for tag in run.tags)}


def test_a_stage_run_again_reports_to_the_running_server(prefect_api: str, sample_campaign) -> None:
    """`ocop verify` on a verified campaign, with a server running: its flow run is on that server,
    completed, and no temporary server was started (none wrote to the command's log)."""
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "OCOP_DATABASE_URL": "", "OCOP_OUT_DIR": ""}
    where = ["--db", sample_campaign.database_url, "--out", str(sample_campaign.out_dir)]
    before = _cli_runs()
    done = subprocess.run([str(Path(sys.executable).parent / "ocop"), "verify", *where], env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Thông báo kết quả kiểm tra hồ sơ: mới 0." in done.stdout  # nothing to do
    new = {run: state for run, state in _cli_runs().items() if run not in before}
    assert list(new.values()) == ["COMPLETED"]
    log = (Path(sample_campaign.out_dir) / "ocop.log").read_text(encoding="utf-8")
    assert "Uvicorn running" not in log and "Application startup complete" not in log


def _bar(terminal: bool, pause: float) -> str:
    """What ten progress reports of a batch, ``pause`` seconds apart, draw on stderr through the
    CLI's bar (stderr a pseudo-terminal or a pipe); a bar shows after 0.3 s here (3 s in use)."""
    from flows import cli
    from ocop import progress

    master, slave = pty.openpty() if terminal else os.pipe()
    stderr = os.fdopen(slave, "w", encoding="utf-8", closefd=False)
    saved, sys.stderr = sys.stderr, stderr
    seen: list[tuple[str, int, int]] = []
    try:
        with cli._progress_bar(), progress.reporting(lambda *step: seen.append(step)):  # the flow's own listener
            for done in range(1, 11):
                time.sleep(pause)
                progress.report("Phiếu đánh giá", done, 10)
    finally:
        sys.stderr = saved
        stderr.close()
        os.close(slave)
    assert len(seen) == 10  # the flow's artifact still gets every report
    chunks = []
    with io.FileIO(master, "r", closefd=True) as out:
        while True:
            try:
                chunk = out.read(65536)
            except OSError:  # the pseudo-terminal's end
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_long_batch_shows_a_progress_bar_only_in_a_terminal(monkeypatch) -> None:
    from flows import artifacts

    monkeypatch.setattr(artifacts, "PROGRESS_AFTER", 0.3)
    drawn = _bar(terminal=True, pause=0.15)
    assert "Phiếu đánh giá" in drawn and re.search(r"\b[3-9]/10\b", drawn)
    assert _bar(terminal=True, pause=0) == ""  # a short batch: no bar
    assert _bar(terminal=False, pause=0.15) == ""  # a pipe, a log: no bar


def test_a_server_that_refuses_the_credentials_is_not_used(tmp_path: Path, monkeypatch, capsys) -> None:
    """The office's server with basic auth: found with the right credential, passed over (one
    yellow line, a temporary server) without one or with a wrong one."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import cli, server

    port = _closed_port()
    api = server.api_url("127.0.0.1", port)
    env = {**server.environment(api), "PREFECT_HOME": str(tmp_path / "prefect"),
           "PREFECT_SERVER_API_AUTH_STRING": "van-phong:mat-khau"}
    env.pop("PREFECT_API_URL")
    process = server.start_server("127.0.0.1", port, env, tmp_path / "server.log")
    try:
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
        monkeypatch.delenv(cli.TEMPORARY_ENV, raising=False)
        monkeypatch.setattr(cli, "OFFICE_API", api)
        with temporary_settings(restore_defaults={PREFECT_API_URL}):
            right = server.client_credential({server.CLIENT_AUTH_ENV: "van-phong:mat-khau"})
            assert cli._office_server(right) == api
            for wrong in (None, server.client_credential({server.CLIENT_AUTH_ENV: "van-phong:sai-mat-khau"})):
                assert cli._office_server(wrong) is None
                assert "yêu cầu đăng nhập" in capsys.readouterr().err
    finally:
        server.stop(process)
