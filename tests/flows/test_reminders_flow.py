"""The deadline-reminders flow and `ocop remind`: a week before the sample's 30/10/2020 deadline,
the missing score sheets in the log, a Vietnamese table artifact and the command's output."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

CODE = "luc-nam-2020"
LATE = "Vũ Thị Lan"
OCOP = str(Path(sys.executable).parent / "ocop")


@pytest.fixture
def scored(settings, tmp_path: Path):
    """The sample up to the scores, without one member's sheets (services, no Prefect)."""
    from ocop.services import stages

    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.collect(settings, CODE, SAMPLE / "registrations.csv")
    stages.verify(settings, CODE)
    stages.schedule(settings, CODE)
    rows = list(csv.reader((SAMPLE / "scores.csv").open(encoding="utf-8")))
    path = tmp_path / "diem.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(r for r in rows if r[1] != LATE)
    stages.score(settings, CODE, path)
    return settings


def _run(settings, on: date, campaign: str | None = CODE) -> dict:
    from flows.params import ReminderOptions, Storage
    from flows.reminders import remind

    storage = Storage(db_url=settings.database_url, out_dir=str(settings.out_dir))
    return remind(campaign, ReminderOptions(on=on), storage)


def test_a_week_before_the_deadline_the_table_lists_the_missing_sheets(scored) -> None:
    from prefect.artifacts import Artifact
    from prefect.serializers import JSONSerializer

    report = _run(scored, date(2020, 10, 23))
    assert JSONSerializer().loads(JSONSerializer().dumps(report)) == report
    assert report.open == 2 and report.deadlines[0].status == "còn 5 ngày làm việc"
    rows = json.loads(Artifact.get(f"{CODE}-nhac-han").data)
    sheets = [r for r in rows if r["Việc còn mở"] == "Phiếu đánh giá chưa nộp"]
    assert sheets == [{"Kế hoạch": CODE, "Hạn": "Hoàn thành đánh giá, phân hạng", "Ngày hạn": "30/10/2020",
                       "Tình trạng": "còn 5 ngày làm việc", "Việc còn mở": "Phiếu đánh giá chưa nộp",
                       "Chi tiết": f"{LATE}: 11 phiếu — " + ", ".join(f"LN-{i:02d}" for i in range(1, 12))}]
    assert [r["Việc còn mở"] for r in rows] == ["Phiếu đánh giá chưa nộp", "Chưa tổng hợp điểm, phân hạng"]
    summary = Artifact.get(f"{CODE}-tom-tat-nhac-han").data
    assert "23/10/2020 (thứ Sáu)" in summary and "còn 5 ngày làm việc: 2 việc còn mở" in summary and LATE in summary

    overdue = _run(scored, date(2020, 11, 2), campaign=None)  # every campaign: its own key
    assert overdue.overdue == 2
    rows = json.loads(Artifact.get("tat-ca-ke-hoach-nhac-han").data)
    assert {r["Tình trạng"] for r in rows} == {"QUÁ HẠN"} and len(rows) == 2

    _run(scored, date(2020, 10, 24))  # a Saturday: the table says so rather than keep the last run's rows
    assert json.loads(Artifact.get(f"{CODE}-nhac-han").data) == [
        {"Kế hoạch": CODE, "Hạn": "—", "Ngày hạn": "—", "Tình trạng": "Ngày nghỉ", "Việc còn mở": "—",
         "Chi tiết": "Ngày 24/10/2020: thứ Bảy, ngày nghỉ — không nhắc hạn."}]


def test_the_remind_command_prints_the_report_and_refuses_a_bad_date(prefect_api: str, tmp_path: Path) -> None:
    from ocop.services import stages
    from ocop.settings import Settings

    url = f"sqlite:///{tmp_path / 'ocop.db'}"
    settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=tmp_path, database_url=url)
    stages.prepare_database(settings)
    stages.set_up(settings, SAMPLE / "campaign.toml")
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "OCOP_DATABASE_URL": "", "OCOP_OUT_DIR": ""}

    def ocop(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([OCOP, *args], env=env, capture_output=True, text=True, timeout=180)

    result = ocop("remind", "--on", "2020-10-23", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "Nhắc hạn ngày 23/10/2020 (thứ Sáu): 1 việc còn mở." in result.stdout
    assert f"{CODE} — Hoàn thành đánh giá, phân hạng, hạn 30/10/2020: còn 5 ngày làm việc" in result.stdout
    assert "• Chưa lên lịch họp Hội đồng: chưa lập Giấy mời họp Hội đồng (ocop meeting schedule)" in result.stdout
    result = ocop("remind", "--on", "24/10/2020", "--days", "5", "-c", CODE, "--db", url)
    assert "Ngày 24/10/2020: thứ Bảy, ngày nghỉ — không nhắc hạn." in result.stdout
    bad = ocop("remind", "--on", "30/02/2020", "--db", url)
    assert bad.returncode == 1 and "Lỗi: Ngày '30/02/2020' không hợp lệ" in bad.stderr
