"""A command killed mid-run (SIGKILL: power cut, kill -9) leaves no process behind, and the next
command marks the run it left RUNNING as crashed, says so in one Vietnamese line, and completes.

Run as a clerk runs it: the installed `ocop`, no PREFECT_API_URL (so each command starts its own
temporary Prefect server), a Prefect home of its own.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from tests.flows.test_cli import FOREIGN, OCOP


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"  # a zombie has ended


def _wait_for(condition, seconds: float, what: str) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, what
        time.sleep(0.2)


def test_a_killed_command_leaves_no_process_and_the_next_one_marks_its_run_crashed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PREFECT_API_URL", "PREFECT_LOGGING_SETTINGS_PATH", "OCOP_LOG_FILE")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), OCOP_PDF="off", OCOP_DATABASE_URL="", OCOP_OUT_DIR="",
               OCOP_TEMPORARY_SERVER="1")  # the temporary server, even where an office server runs
    out = tmp_path / "out"
    demo = subprocess.Popen([OCOP, "demo", "--out", str(out)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        # the dossier check's folder: the campaign (an earlier stage) is committed, the plan is mid-run
        _wait_for(lambda: (out / "luc-nam-2020" / "02-kiem-tra-ho-so").is_dir() or demo.poll() is not None, 240,
                  "ocop demo reached no dossier check in 240 s")
        assert demo.poll() is None, demo.communicate()
        children = _children(demo.pid)
        assert children  # its temporary Prefect server
    finally:
        demo.send_signal(signal.SIGKILL)
        demo.communicate()
    _wait_for(lambda: not any(_alive(c) for c in children), 30, "the killed command's server is still running")

    result = subprocess.run([OCOP, "remind", "--on", "23/10/2020", "--out", str(out)], env=env,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    [crashed] = result.stderr.splitlines()
    assert re.fullmatch(r"Lượt chạy 'luc-nam-2020' \(Đánh giá, phân hạng sản phẩm OCOP - cả kế hoạch, bắt đầu "
                        r"\d\d:\d\d \d\d/\d\d/\d{4}\) bị dừng đột ngột, nay ghi là gián đoạn \(Crashed\); "
                        r"chạy lại đúng lệnh đó để hoàn tất\.", crashed), crashed
    assert result.stdout.startswith("Nhắc hạn ngày 23/10/2020 (thứ Sáu): ")
    assert not FOREIGN.search(result.stdout + result.stderr), result.stdout + result.stderr
    assert "Flow run 'luc-nam-2020' - Beginning flow run" in (out / "ocop.log").read_text(encoding="utf-8")

    with sqlite3.connect(tmp_path / "prefect" / "prefect.db") as db:
        runs = db.execute("SELECT f.name, r.state_type FROM flow_run r JOIN flow f ON f.id = r.flow_id").fetchall()
        tasks = {state for (state,) in db.execute("SELECT state_type FROM task_run")}
    assert ("Đánh giá, phân hạng sản phẩm OCOP - cả kế hoạch", "CRASHED") in runs
    assert ("Nhắc hạn kế hoạch", "COMPLETED") in runs
    assert not {state for _, state in runs} & {"RUNNING", "PENDING"}, runs
    assert not tasks & {"RUNNING", "PENDING"}, tasks
