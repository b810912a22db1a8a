"""Members score in the Prefect UI: the run pauses for each member without sheets and resumes
when all have submitted their typed part totals."""

from __future__ import annotations

import csv
import threading
import time
import uuid
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from tests.flows.test_sign_off_flow import _wait_paused

LATE = ["Vũ Thị Lan", "Đỗ Văn Quyết"]


def _part_totals(member: str) -> dict[str, dict[str, int]]:
    from ocop.rules.criteria import load_set

    part_of = {c.code: c.part.lower() for c in load_set("qd1048-2019", "1").criteria}
    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"a": 0, "b": 0, "c": 0})
    with (SAMPLE / "scores.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Thành viên"] == member:
                totals[row["Mã sản phẩm"]][part_of[row["Tiêu chí"]]] += int(row["Điểm"])
    return totals


def _form(member: str) -> dict[str, int]:
    return {f"{code.lower().replace('-', '_')}_{p}": v for code, parts in _part_totals(member).items()
            for p, v in parts.items()}


def test_record_scores_waits_for_each_member_in_the_ui(tmp_path: Path) -> None:
    from prefect.flow_runs import resume_flow_run

    from flows.params import ScoreImport, Storage
    from flows.stages import score
    from ocop.services import stages
    from ocop.settings import Settings

    url = f"sqlite:///{tmp_path / 'ocop.db'}"
    settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=tmp_path, database_url=url)
    stages.prepare_database(settings)
    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.collect(settings, None, SAMPLE / "registrations.csv")
    stages.verify(settings, None)
    early = tmp_path / "som.csv"
    with (SAMPLE / "scores.csv").open(encoding="utf-8") as src, early.open("w", encoding="utf-8", newline="") as dst:
        rows = list(csv.reader(src))
        csv.writer(dst).writerows([rows[0]] + [r for r in rows[1:] if r[1] not in LATE])

    name, out = f"scores-{uuid.uuid4().hex[:8]}", {}
    run = score.with_options(flow_run_name=name)
    worker = threading.Thread(target=lambda: out.setdefault("result", run(
        None, ScoreImport(scores_file=str(early), wait_for_members=True, member_timeout=120),
        Storage(db_url=url, out_dir=str(tmp_path)))), daemon=True)
    worker.start()
    paused = _wait_paused(name)
    # nothing of anyone's points is printed while two members are still scoring
    assert [d for d in stages.documents(settings, None) if d.kind == "phieu_danh_gia"
            and not d.title.startswith("Phiếu đánh giá (trắng)")] == []
    too_high = {**_form(LATE[0]), "ln_01_a": 36}  # part A of set 1 is worth 35
    with pytest.raises(RuntimeError):
        resume_flow_run(paused.id, run_input=too_high)
    resume_flow_run(paused.id, run_input=_form(LATE[0]))
    time.sleep(1)
    paused = _wait_paused(name)
    resume_flow_run(paused.id, run_input=_form(LATE[1]))
    worker.join(120)
    result = out["result"]
    assert result.from_form == tuple(LATE) and result.documents.issued == 77
    ranking = {r.code: r for r in stages.rank(settings, None).ranking}
    assert ranking["LN-01"].mean == Fraction(642, 7) and ranking["LN-01"].stars == 5
