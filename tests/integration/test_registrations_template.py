"""The registration workbook (`ocop registrations template`): drop-downs, instructions, and a
filled copy that imports cleanly, also after LibreOffice has opened and saved it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ocop.services import stages
from ocop.services.registrations.workbooks import template_columns
from tests.conftest import SAMPLE

CODE = "luc-nam-2020"


@pytest.fixture
def template(settings, tmp_path: Path) -> Path:
    stages.set_up(settings, SAMPLE / "campaign.toml")
    result = stages.registration_template(settings, CODE, tmp_path / "mau" / "dang-ky.xlsx")
    assert (result.edition, result.communes) == ("1048/2019", 26)
    return Path(result.file)


def _lists(path: Path) -> dict[str, list[str]]:
    """Header of each validated column -> the values its drop-down offers (or the rule)."""
    wb = load_workbook(path)
    ws = wb["Đăng ký"]
    headers = {c.column_letter: c.value for c in ws[1]}
    found = {}
    for dv in ws.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        if dv.type == "list":
            sheet, ref = dv.formula1.split("!")
            values = [c.value for row in wb[sheet.strip("'")][ref.replace("$", "")] for c in row]
            found[headers[letter]] = values
        else:
            found[headers[letter]] = [dv.type, dv.formula1, dv.formula2]
    return found


def _fill(path: Path, out: Path) -> Path:
    wb = load_workbook(path)
    ws = wb["Đăng ký"]
    headers = [c.value for c in ws[1]]
    rows = [
        {"Tên sản phẩm": "Mật ong hoa vải Thanh Lâm", "Bộ sản phẩm": "1 - Rau, củ, quả, hạt tươi",
         "Tên chủ thể": "HTX Ong Thanh Lâm", "Loại hình": "HTX", "Xã": "Thanh Lâm", "Xác nhận UBND xã": "Có",
         "Ngày đăng ký": datetime(2020, 6, 15), "Hình thức đăng ký": "Lần đầu", "Điện thoại": "0912345678"},
        {"Mã sản phẩm": "DN-01", "Tên sản phẩm": "Vải thiều Đồi Ngô", "Bộ sản phẩm": "1 - Rau, củ, quả, hạt tươi",
         "Tên chủ thể": "Hộ kinh doanh Vũ Văn Hải", "Loại hình": "HKD", "Xã": "thị trấn Đồi Ngô",
         "Xác nhận UBND xã": "Có", "Hình thức đăng ký": "Nâng hạng", "Số giấy chứng nhận OCOP": "15/GCN-UBND",
         "Ngày cấp giấy chứng nhận": datetime(2019, 3, 1), "Hạng sao đã đạt": 3, "Ngày đăng ký": "20/06/2020"},
    ]
    items = headers[headers.index("Xác nhận UBND xã") + 1:]
    for r, values in enumerate(rows, start=2):
        values = {**dict.fromkeys(items, "Có"), **values}
        if r == 3:
            values["Mẫu sản phẩm"] = "Không"
        for header, value in values.items():
            ws.cell(r, headers.index(header) + 1, value)
    wb.save(out)
    return out


def test_the_workbook_has_vietnamese_headers_drop_downs_and_instructions(settings, template: Path) -> None:
    wb = load_workbook(template)
    assert wb.sheetnames == ["Đăng ký", "Hướng dẫn", "DanhMuc"] and wb["DanhMuc"].sheet_state == "hidden"
    headers = [c.value for c in wb["Đăng ký"][1]]
    assert headers[:6] == ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã"]
    # 1048's dossier: no self-assessment report (a 148 form), the food-safety certificate for set 1
    assert headers[15:] == ["Phiếu đăng ký", "Phương án kinh doanh", "Giới thiệu bộ máy", "Giấy đăng ký kinh doanh",
                            "Giấy chứng nhận ATTP", "Công bố chất lượng", "Phiếu kiểm nghiệm", "Nhãn sản phẩm",
                            "Câu chuyện sản phẩm", "Mẫu sản phẩm"]
    lists = _lists(template)
    assert lists["Bộ sản phẩm"] == ["1 - Rau, củ, quả, hạt tươi"]
    assert lists["Loại hình"] == ["DN", "HTX", "THT", "HKD"]
    assert lists["Xã"][0] == "Bảo Đài" and lists["Xã"][-1] == "thị trấn Lục Nam" and len(lists["Xã"]) == 26
    assert lists["Hình thức đăng ký"] == ["Lần đầu", "Nâng hạng", "Đánh giá lại"]
    assert all(lists[h] == ["Có", "Không"] for h in ["Xác nhận UBND xã", *headers[15:]])
    assert lists["Hạng sao đã đạt"] == ["whole", "3", "5"]
    assert lists["Ngày đăng ký"][0] == "date"
    guide = [c.value for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value]
    assert all(h in guide for h in headers)
    assert any("Giấy chứng nhận đăng ký hộ kinh doanh" in str(v) for v in guide)
    # the certificate's validity comes from the campaign's edition (36 months under every edition so far)
    assert "dd/mm/yyyy. Giấy chứng nhận có hiệu lực 36 tháng." in guide
    # each text column's limit, beside its instructions (the importer refuses a longer value)
    table = {row[0]: row[4] for row in wb["Hướng dẫn"].iter_rows(values_only=True) if row[0] in headers}
    assert (table["Mã sản phẩm"], table["Tên sản phẩm"], table["Tên chủ thể"], table["Xã"]) == (20, 200, 200, 100)
    assert (table["Địa chỉ"], table["Người đại diện"], table["Điện thoại"], table["Số giấy chứng nhận OCOP"]) == (
        300, 100, 20, 60)
    assert table["Bộ sản phẩm"] is None  # a value of the list


def test_the_148_workbook_lists_all_sets_and_the_self_assessment(settings, tmp_path: Path) -> None:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    campaign = tmp_path / "c.toml"
    campaign.write_text(text.replace('"1048/2019"', '"148/2023"').replace('"luc-nam-2020"', '"luc-nam-2024"'),
                        encoding="utf-8")
    stages.set_up(settings, campaign)
    path = Path(stages.registration_template(settings, "luc-nam-2024", tmp_path / "t.xlsx").file)
    lists = _lists(path)
    assert len(lists["Bộ sản phẩm"]) == 27
    assert [v.split(" - ")[0] for v in lists["Bộ sản phẩm"]][-3:] == ["25", "26a", "26b"]
    assert "Báo cáo tự đánh giá" in lists and "Giới thiệu bộ máy" not in lists


def test_a_filled_copy_imports_cleanly_and_is_verified(settings, template: Path, tmp_path: Path) -> None:
    filled = _fill(template, tmp_path / "xa-thanh-lam.xlsx")
    result = stages.collect(settings, CODE, filled)
    assert (result.rows, result.new, result.problems) == (2, 2, ())
    summary = stages.verify(settings, CODE)
    assert summary.counts == {"eligible": 1, "needs_supplement": 1}
    supplement = summary.needs_supplement[0]
    assert (supplement.code, supplement.missing, supplement.due) == ("DN-01", ("05 mẫu sản phẩm",), date(2020, 7, 10))
    assert template_columns  # the columns helper is what the benchmark fills


def _libreoffice_saved(path: Path, out: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice is not installed")
    subprocess.run([exe, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(out / "lo"), str(path)], capture_output=True, timeout=180)
    saved = out / "lo" / path.name
    if not saved.is_file():
        pytest.skip("LibreOffice Calc is not installed (libreoffice-calc-nogui)")
    return saved


def test_libreoffice_opens_the_workbook_keeps_its_drop_downs_and_its_copy_imports(settings, template: Path,
                                                                                tmp_path: Path) -> None:
    saved = _libreoffice_saved(template, tmp_path)
    assert _lists(saved) == _lists(template)
    filled = _libreoffice_saved(_fill(saved, tmp_path / "xa.xlsx"), tmp_path / "again")
    result = stages.collect(settings, CODE, filled)
    assert (result.new, result.problems) == (2, ())
    summary = stages.verify(settings, CODE)
    assert summary.counts == {"eligible": 1, "needs_supplement": 1}
    assert date(2020, 6, 15) not in [x.registered_on for x in summary.late]
