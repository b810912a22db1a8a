"""A mean on an exact tie reads the same everywhere: 8 members totalling 553 give 69.125, which
`ocop rank`, the rank run's artifact and the documents all print "69,13" (half-up from the exact
value, decimal comma), where formatting the float 69.125 would give "69.12"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLE, docx_text

OCOP = str(Path(sys.executable).parent / "ocop")
CODE = "tie-2020"
MEMBERS = ["Lương Thế Tuấn", "Nguyễn Văn Hùng", "Trần Thị Hoa", "Phạm Đức Thắng", "Vũ Thị Lan",
           "Hoàng Minh Đức", "Đỗ Văn Quyết", "Bùi Thị Mai"]
EIGHTH = """[[council]]
name = "Bùi Thị Mai"
role = "member"
position = "Trưởng phòng Tư pháp"

"""




def _campaign(tmp_path: Path) -> Path:
    """The sample campaign with an eighth council member, so that a mean can be k/8."""
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace(
        'code = "luc-nam-2020"', f'code = "{CODE}"')
    first_secretary = text.index("[[secretariat]]")
    path = tmp_path / "tie.toml"
    path.write_text(text[:first_secretary] + EIGHTH + text[first_secretary:], encoding="utf-8")
    return path


def _files(tmp_path: Path) -> tuple[Path, Path]:
    registrations = tmp_path / "dang-ky.csv"
    registrations.write_text("Mã sản phẩm,Tên sản phẩm,Bộ sản phẩm,Tên chủ thể,Loại hình,Xã,Xác nhận UBND xã\n"
                             "T-01,Na dai Huyền Sơn,1,Hợp tác xã Na Huyền Sơn,HTX,Huyền Sơn,Có\n", encoding="utf-8")
    scores = tmp_path / "diem.csv"
    # seven members 69 (25 + 20 + 24), one 70 (25 + 20 + 25): 553 / 8 = 69.125; part C 193 / 8 = 24.125
    rows = [f"T-01,{m},25,20,{25 if i == 7 else 24}" for i, m in enumerate(MEMBERS)]
    scores.write_text("Mã sản phẩm,Thành viên,Phần A,Phần B,Phần C\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return registrations, scores


def test_a_mean_on_a_tie_prints_69_13_in_the_cli_the_artifact_and_the_documents(prefect_api: str,
                                                                               tmp_path: Path) -> None:
    from prefect.artifacts import Artifact

    from ocop.services import stages
    from ocop.settings import Settings

    out = tmp_path / "out"
    url = f"sqlite:///{tmp_path / 'ocop.db'}"
    settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=out, database_url=url)
    stages.prepare_database(settings)
    registrations, scores = _files(tmp_path)
    stages.set_up(settings, _campaign(tmp_path))
    stages.collect(settings, CODE, registrations)
    stages.verify(settings, CODE)
    stages.schedule(settings, CODE)
    assert stages.score(settings, CODE, scores).new == 8

    env = {**os.environ, "PREFECT_API_URL": prefect_api, "OCOP_PDF": "off", "OCOP_DATABASE_URL": "",
           "OCOP_OUT_DIR": ""}
    ranked = subprocess.run([OCOP, "rank", "-c", CODE, "--db", url, "--out", str(out)], env=env,
                            capture_output=True, text=True, timeout=180)
    assert ranked.returncode == 0, ranked.stdout + ranked.stderr
    line = next(x for x in ranked.stdout.splitlines() if x.startswith("T-01"))
    assert " 69,13 " in line and "69.12" not in ranked.stdout and "3★" in line

    table = {r["Mã"]: r for r in json.loads(Artifact.get(f"{CODE}-xep-hang").data)}
    assert table["T-01"]["Điểm TB"] == "69,13"

    docs = {d.kind: d for d in stages.documents(settings, CODE) if d.status == "issued"}
    summary, minutes = docx_text(docs["bang_tong_hop"].file), docx_text(docs["bien_ban_hop_hoi_dong"].file)
    assert "24,13" in summary  # part C's mean (193/8), a tie too
    for text in (summary, minutes):
        assert "69,13" in text and "69,12" not in text and "69.12" not in text
