"""The signer approves from the Prefect UI: the stage pauses for the typed form and resumes."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest

from ocop.services.paperwork.use_cases import SignOffResult
from tests.conftest import SAMPLE


def _wait_paused(name: str, timeout: float = 90):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    with get_client(sync_client=True) as client:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))
            if runs and runs[0].state.is_paused():
                return runs[0]
            time.sleep(0.3)
    raise TimeoutError(name)


def test_set_up_pauses_for_sign_off_and_issues_on_resume(tmp_path: Path) -> None:
    from prefect.flow_runs import resume_flow_run

    from flows.params import PlanFile, SignOffOptions, Storage
    from flows.stages import set_up
    from ocop.services import stages
    from ocop.settings import Settings

    campaign = tmp_path / "campaign.toml"
    campaign.write_text((SAMPLE / "campaign.toml").read_text(encoding="utf-8")
                        .replace('sign_off = "auto"', 'sign_off = "manual"'), encoding="utf-8")
    url, name, out = f"sqlite:///{tmp_path / 'ocop.db'}", f"sign-off-{uuid.uuid4().hex[:8]}", {}
    run = set_up.with_options(flow_run_name=name)
    worker = threading.Thread(target=lambda: out.setdefault("result", run(
        PlanFile(campaign_file=str(campaign)), SignOffOptions(wait=True, timeout=120),
        Storage(db_url=url, out_dir=str(tmp_path)))),
        daemon=True)  # a failed assertion must not leave the session waiting on a paused run
    worker.start()
    paused = _wait_paused(name)
    settings = Settings.from_env({}, out_dir=tmp_path, database_url=url)
    # the Quy chế decision and the plan wait for the council decision's number and date
    assert [d.kind for d in stages.documents(settings, "luc-nam-2020")] == ["qd_thanh_lap_hoi_dong"]
    with pytest.raises(RuntimeError):  # the server validates the form: no such authority prefix
        resume_flow_run(paused.id, run_input={"ho_ten": "Nguyễn Văn Tuấn", "tham_quyen": "XY."})
    resume_flow_run(paused.id, run_input={"duyet": True, "ho_ten": "Nguyễn Văn Tuấn", "chuc_vu": "CHỦ TỊCH",
                                          "tham_quyen": "", "ghi_chu": "Đồng ý ban hành"})
    # second round: the Quy chế decision, citing the council decision; third: the plan, citing both
    for _ in range(2):
        time.sleep(1)
        paused = _wait_paused(name)
        resume_flow_run(paused.id, run_input={"duyet": True, "ghi_chu": "Đồng ý ban hành"})
    worker.join(120)
    result = out["result"]
    # one form per round: QĐ thành lập, QĐ ban hành Quy chế, Kế hoạch
    assert result.sign_off == SignOffResult(pending=(), issued=("18/QĐ-UBND", "01/QĐ-HĐOCOP", "19/KH-UBND"),
                                            note="Đồng ý ban hành")
    docs = {d.kind: d for d in stages.documents(settings, "luc-nam-2020")}
    assert {d.status for d in docs.values()} == {"issued"}
    assert docs["qd_thanh_lap_hoi_dong"].signer == "Nguyễn Văn Tuấn"
    assert docs["ke_hoach"].signer == "Lương Thế Tuấn"  # nobody named: the plan's designated signer
