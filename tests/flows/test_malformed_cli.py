"""Malformed inputs as a clerk meets them on the command line: one Vietnamese "Lỗi:" message naming
file, row, column and value (control characters escaped, never sent to the terminal), exit code 1.
That nothing is stored, on either database, the corpus checks (tests/integration/test_malformed_inputs.py,
which calls the use cases)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLE

OCOP = str(Path(sys.executable).parent / "ocop")
CHAR = "(ký tự điều khiển hoặc không phải chữ), cần xoá ký tự đó."


def test_a_control_character_and_an_extra_field_are_refused_with_one_message_each(prefect_api: str,
                                                                                 tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "OCOP_DATABASE_URL": "", "OCOP_OUT_DIR": "", "OCOP_PDF": "off"}

    def ocop(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([OCOP, *args, "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True,
                              timeout=180)

    assert ocop("campaign", "create", str(SAMPLE / "campaign.toml")).returncode == 0
    bad = tmp_path / "dang-ky.csv"
    bad.write_text("Mã sản phẩm,Tên sản phẩm,Bộ sản phẩm,Tên chủ thể,Loại hình,Xã,Xác nhận UBND xã\n"
                   "X-01,Mật ong\x1b[2J rừng,1,HKD Nguyễn Văn An,HKD,Lục Sơn,Có\n"
                   "X-02,Gà đồi,1,HKD Nguyễn Văn An,HKD,Lục Sơn,Có,thừa\n", encoding="utf-8")
    result = ocop("registrations", "import", str(bad))
    assert result.returncode == 1
    assert "Lỗi: dang-ky.csv: 2 lỗi, không lưu dòng nào." in result.stderr
    assert (f"  - dang-ky.csv, dòng 2, cột 'Tên sản phẩm': giá trị 'Mật ong\\x1b[2J rừng' có ký tự không hợp lệ "
            f"'\\x1b' {CHAR}") in result.stderr
    assert ("  - dang-ky.csv, dòng 3, cột 'H' (ô thứ 8, nhiều hơn 7 cột của dòng tiêu đề): giá trị 'thừa' không "
            "thuộc cột nào, cần xoá giá trị hoặc đặt tiêu đề cho cột.") in result.stderr
    assert "\x1b" not in result.stdout + result.stderr

    twice = tmp_path / "ke-hoach.toml"
    twice.write_text((SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace(
        'name = "Hoàng Minh Đức"', 'name = "Trần Thị Hoa"'), encoding="utf-8")
    result = ocop("campaign", "create", str(twice))
    assert result.returncode == 1
    assert ("Lỗi: ke-hoach.toml: tệp kế hoạch có lỗi.\n  - ke-hoach.toml, mục 'council': thành viên bị lặp: Trần Thị "
            "Hoa; mỗi người chỉ ghi một lần") in result.stderr
