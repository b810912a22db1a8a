"""`ocop registrations template / import [--partial] / inspect` and `ocop verify`, as a clerk runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import SAMPLE

OCOP = str(Path(sys.executable).parent / "ocop")
CORPUS = Path(__file__).resolve().parents[1] / "data" / "registrations"


@pytest.fixture
def ocop(prefect_api: str, tmp_path: Path):
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "OCOP_DATABASE_URL": "", "OCOP_OUT_DIR": "", "OCOP_PDF": "off"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([OCOP, *args, "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True,
                              timeout=180)

    assert run("campaign", "create", str(SAMPLE / "campaign.toml")).returncode == 0
    return run


def test_template_folder_import_partial_inspection_and_verify(ocop, tmp_path: Path) -> None:
    made = ocop("registrations", "template", str(tmp_path / "mau.xlsx"))
    assert made.returncode == 0 and "1048/2019, 26 xã" in made.stdout
    assert load_workbook(tmp_path / "mau.xlsx").sheetnames[:2] == ["Đăng ký", "Hướng dẫn"]

    folder = tmp_path / "dang-ky"
    shutil.copytree(CORPUS / "thu-muc", folder)
    shutil.copy(CORPUS / "dong-trong-va-gop-o.xlsx", folder / "xa-bao-son-2.xlsx")
    first = ocop("registrations", "import", str(folder))
    assert first.returncode == 1, first.stdout + first.stderr
    assert "xa-bao-dai.xlsx: 2 dòng — mới 2, cập nhật 0, không đổi 0." in first.stdout
    assert "xa-bao-son.xlsx: không lưu — xa-bao-son.xlsx, sheet 'Đăng ký': 1 lỗi, không lưu dòng nào." in first.stderr
    assert "dòng 7–9, cột 'Tên chủ thể': các ô D7:D9 được gộp" in first.stderr

    partial = ocop("registrations", "import", str(folder), "--partial")
    assert partial.returncode == 0, partial.stdout + partial.stderr
    assert "xa-bao-son-2.xlsx: 6 dòng — mới 2, cập nhật 0, không đổi 0, lỗi 4." in partial.stdout
    assert f"Dòng lỗi: {folder / 'xa-bao-son-2.loi.xlsx'}" in partial.stdout
    assert (folder / "xa-bao-son.loi.xlsx").is_file()

    inspected = ocop("registrations", "inspect", "BS-01", "--date", "25/06/2020", "--inspector", "Lê Quang Huy",
                     "--findings", "Cơ sở sản xuất không đảm bảo vệ sinh", "--failed")
    assert inspected.returncode == 0 and "không đạt" in inspected.stdout
    verified = ocop("verify")
    assert verified.returncode == 0, verified.stderr
    assert "Kết quả kiểm tra hồ sơ: Đủ điều kiện 4, Không đủ điều kiện 1" in verified.stdout
    assert "  Bảo Sơn                         3             2            0            1" in verified.stdout
    assert "✗ BS-01 Lạc đỏ Bảo Sơn: Kiểm tra thực tế ngày 25/06/2020 không đạt" in verified.stdout
    assert "danh-sach-kiem-tra-ho-so.xlsx" in verified.stdout


def test_a_correction_is_reported_and_after_verify_needs_a_reason(ocop, tmp_path: Path) -> None:
    rows = (SAMPLE / "registrations.csv").read_text(encoding="utf-8").splitlines()
    typo = tmp_path / "dang-ky.csv"
    typo.write_text("\n".join(r.replace("Na dai Huyền Sơn", "Na dai Huyen Son") for r in rows) + "\n", encoding="utf-8")
    fixed = tmp_path / "sua.csv"
    fixed.write_text("\n".join([rows[0], rows[1], rows[2].replace("Vải thiều sớm", "Vải thiều chín sớm")]) + "\n",
                     encoding="utf-8")
    assert ocop("registrations", "import", str(typo)).returncode == 0
    assert ocop("verify").returncode == 0
    refused = ocop("registrations", "import", str(fixed))
    assert refused.returncode == 1 and refused.stderr.startswith("Lỗi: Đã ban hành văn bản về sản phẩm LN-01, LN-02 (")
    assert '--reason "Lý do"' in refused.stderr
    done = ocop("registrations", "import", str(fixed), "--reason", "Tên sản phẩm theo nhãn")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "sua.csv: 2 dòng — mới 0, cập nhật 0, không đổi 2.",
        "  Sửa LN-01: tên sản phẩm 'Na dai Huyen Son' → 'Na dai Huyền Sơn'",
        "  Sửa LN-02: tên sản phẩm 'Vải thiều sớm Bình Sơn' → 'Vải thiều chín sớm Bình Sơn'"]
    again = ocop("verify")
    assert again.returncode == 0, again.stderr
