"""The rank flow during and at the end of the meeting: without an end time it issues the summary table
and says, in its artifact, that the minutes wait; its *Giờ kết thúc phiên họp* field closes the meeting
and the minutes state that time."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from tests.conftest import SAMPLE, docx_text

CODE = "luc-nam-2020"


def test_the_rank_flow_closes_the_meeting_at_the_end_time_it_is_given(prefect_api: str, tmp_path: Path) -> None:
    from prefect.artifacts import Artifact

    from flows.params import Storage
    from flows.stages import rank
    from ocop.services import stages
    from ocop.settings import Settings

    out, url = tmp_path / "out", f"sqlite:///{tmp_path / 'ocop.db'}"
    settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=out, database_url=url)
    campaign = tmp_path / "campaign.toml"
    campaign.write_text((SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace("end_time = 11:30:00\n", ""),
                        encoding="utf-8")
    stages.prepare_database(settings)
    stages.set_up(settings, campaign)
    stages.collect(settings, CODE, SAMPLE / "registrations.csv")
    stages.verify(settings, CODE)
    stages.score(settings, CODE, SAMPLE / "scores.csv")
    storage = Storage(db_url=url, out_dir=str(out))

    during = rank(CODE, storage=storage)
    assert "chờ giờ kết thúc phiên họp" in during.waiting
    summary = Artifact.get(f"{CODE}-tom-tat-xep-hang")
    assert summary is not None and "chờ giờ kết thúc phiên họp" in str(summary.data)
    assert not [d for d in stages.documents(settings, CODE) if d.kind == "bien_ban_hop_hoi_dong"]

    ended = rank(CODE, storage=storage, meeting_end=time(11, 40))
    assert ended.waiting == ""
    [minutes] = [d for d in stages.documents(settings, CODE) if d.kind == "bien_ban_hop_hoi_dong"]
    assert "Cuộc họp kết thúc vào hồi 11 giờ 40 phút cùng ngày./." in docx_text(minutes.file)
