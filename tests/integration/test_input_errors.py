"""Every file a user hands in that cannot be read is an OcopError naming it, never a traceback:
score files, member score workbooks, registration files and folders, and the campaign TOML,
each missing, a folder, corrupt, another kind of file renamed, binary, or of a wrong kind."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document as Docx
from openpyxl import Workbook
from sqlalchemy import func, select

from ocop.errors import InputError, OcopError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Registration
from ocop.services import stages
from ocop.services.campaigns import get_campaign
from ocop.services.council import member_workbooks as scores_workbook
from tests.conftest import SAMPLE

CODE = "luc-nam-2020"
SCORES_HEADER = ["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"]
REG_HEADER = ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"]
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # the header of an Excel 97-2003 (.xls) file


def _workbook(path: Path, header: list[str], rows: int = 400) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for i in range(rows):
        ws.append([f"X-{i}", f"Giá trị dòng {i}", 1, "Chủ thể", "HKD", "Xã", "Có"][: len(header)])
    wb.save(path)
    return path.read_bytes()


def _windows_1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it (base letters and combining tone marks): not UTF-8."""
    out = b""
    for char in text:
        marks = unicodedata.normalize("NFD", char)
        for cut in range(len(marks), 0, -1):  # the longest precomposed head the code page has
            try:
                out += unicodedata.normalize("NFC", marks[:cut]).encode("cp1258") + marks[cut:].encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return out


def _docx(path: Path) -> bytes:
    doc = Docx()
    doc.add_paragraph("Phiếu đăng ký sản phẩm OCOP")
    doc.save(path)
    return path.read_bytes()


# Each fault: (file name, how to make it at the path, what the first line of the message says)
Make = Callable[[Path], None]


def _scratch(path: Path, name: str) -> Path:
    """Where a source file is made before its bytes are copied (a hidden folder importers skip)."""
    folder = path.parent / ".src"
    folder.mkdir(exist_ok=True)
    return folder / name


def _bytes(data: bytes | Callable[[Path], bytes]) -> Make:
    def make(path: Path) -> None:
        path.write_bytes(data(_scratch(path, "src" + path.suffix)) if callable(data) else data)
    return make


def _truncated(header: list[str]) -> Make:
    def make(path: Path) -> None:
        data = _workbook(_scratch(path, "good.xlsx"), header)
        path.write_bytes(data[: len(data) // 2])
    return make


def _mkdir(path: Path) -> None:
    path.mkdir()


def _nothing(path: Path) -> None:
    pass


def _table_faults(header: list[str]) -> list:
    return [
        pytest.param("phieu.xlsx", _nothing, r"^Không tìm thấy tệp '.*phieu\.xlsx'\.$", id="missing"),
        pytest.param("phieu.xlsx", _mkdir, r"^'.*phieu\.xlsx' là một thư mục, cần một tệp", id="directory"),
        pytest.param("phieu.xlsx", _bytes(os.urandom(3000)),
                     r"^Tệp 'phieu\.xlsx' không đọc được: không phải tệp Excel \(\.xlsx\) hợp lệ", id="random-bytes"),
        pytest.param("phieu.xlsx", _truncated(header),
                     r"^Tệp 'phieu\.xlsx' không đọc được: không phải tệp Excel \(\.xlsx\) hợp lệ", id="truncated-zip"),
        pytest.param("phieu.xlsx", _bytes(b""), r"^Tệp 'phieu\.xlsx' không đọc được: tệp rỗng", id="empty"),
        pytest.param("phieu.xlsx", _bytes(_docx),
                     r"^Tệp 'phieu\.xlsx' không đọc được: đây là tệp Word \(\.docx\)", id="renamed-docx"),
        pytest.param("phieu.xlsx", _bytes(PDF), r"^Tệp 'phieu\.xlsx' không đọc được: đây là tệp PDF", id="renamed-pdf"),
        pytest.param("phieu.xlsx", _bytes(OLE2),
                     r"^Tệp 'phieu\.xlsx' không đọc được: đây là tệp Excel 97–2003 \(\.xls\)", id="renamed-xls"),
        pytest.param("phieu.xls", _bytes(OLE2),
                     r"^Tệp 'phieu\.xls' không đọc được: tệp Excel 97–2003 \(\.xls\) không được hỗ trợ, "
                     r"cần mở bằng Excel và lưu lại dạng \.xlsx\.$", id="xls"),
        pytest.param("phieu.csv", _bytes(os.urandom(64) + b"\x00" * 64 + os.urandom(64)),
                     r"^Tệp 'phieu\.csv' không đọc được: không phải tệp văn bản CSV", id="binary-csv"),
        pytest.param("phieu.csv", _bytes(_windows_1258(",".join(header))),
                     r"^Tệp 'phieu\.csv' không đọc được: không phải văn bản CSV mã UTF-8", id="csv-not-utf8"),
        pytest.param("phieu.csv", _bytes(lambda p: _workbook(p, header)),
                     r"^Tệp 'phieu\.csv' không đọc được: đây là tệp Excel \(\.xlsx\) được đặt đuôi '\.csv'",
                     id="xlsx-named-csv"),
        pytest.param("phieu.txt", _bytes(",".join(header).encode()),
                     r"^Tệp 'phieu\.txt' không đọc được: chỉ nhận tệp \.xlsx hoặc \.csv \(tệp này là '\.txt'\)\.$",
                     id="wrong-extension"),
        pytest.param("phieu.pdf", _bytes(PDF), r"^Tệp 'phieu\.pdf' không đọc được: chỉ nhận tệp", id="pdf"),
    ]


def _check(err: pytest.ExceptionInfo, name: str, pattern: str) -> None:
    assert isinstance(err.value, OcopError)
    first = str(err.value).splitlines()[0]
    assert name in first
    assert re.search(pattern, first), first
    assert first == unicodedata.normalize("NFC", first)
    for english in ("zip file", "No such file", "Errno", "codec", "workbook part", "Traceback"):
        assert english not in str(err.value)


@pytest.fixture
def campaign(settings):
    stages.set_up(settings, SAMPLE / "campaign.toml")
    return settings


@pytest.mark.parametrize(("name", "make", "pattern"), _table_faults(SCORES_HEADER))
def test_a_score_file_that_cannot_be_read_is_an_input_error_naming_it(campaign, tmp_path: Path,
                                                                       name: str, make: Make, pattern: str) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(InputError) as err:
        stages.score(campaign, CODE, path)
    _check(err, name, pattern)


MEMBER_FAULTS = [p for p in _table_faults(SCORES_HEADER) if p.values[0].endswith(".xlsx")]


@pytest.mark.parametrize(("name", "make", "pattern"), MEMBER_FAULTS)
def test_a_member_workbook_that_cannot_be_read_is_an_input_error_naming_it(campaign, tmp_path: Path,
                                                                           name: str, make: Make, pattern: str) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(InputError) as err:
        scores_workbook.is_member_workbook(path)
    _check(err, name, pattern)
    with unit_of_work(campaign.database_url) as s, pytest.raises(InputError) as err:
        scores_workbook.import_member_workbook(s, get_campaign(s, CODE), path)
    _check(err, name, pattern)


def test_a_member_workbook_whose_sheet_is_cut_short_is_an_input_error(sample_campaign,
                                                                        tmp_path: Path) -> None:
    """The zip is whole but a sheet's XML stops half-way: the error comes while the sheet is streamed."""
    import zipfile

    campaign = sample_campaign
    good = Path(stages.scores_templates(campaign, CODE, tmp_path / "tpl", None)[0])
    cut = tmp_path / "cat-ngang.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(cut, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item == "xl/worksheets/sheet2.xml" else data)
    with pytest.raises(InputError) as err:
        stages.score(campaign, CODE, cut)
    _check(err, "cat-ngang.xlsx", r"^Tệp 'cat-ngang\.xlsx' không đọc được: không phải tệp Excel \(\.xlsx\) hợp lệ")


@pytest.mark.parametrize(("name", "make", "pattern"), _table_faults(REG_HEADER))
def test_a_registration_file_that_cannot_be_read_is_an_input_error_naming_it(
        campaign, tmp_path: Path, name: str, make: Make, pattern: str) -> None:
    path = tmp_path / name
    make(path)
    if path.is_dir():  # a folder is a valid registration input: an empty one is the error
        pattern = r"^Thư mục '.*phieu\.xlsx' không có tệp \.xlsx hoặc \.csv nào\.$"
    for partial in (False, True):
        with pytest.raises(InputError) as err:
            stages.collect(campaign, CODE, path, partial=partial)
        _check(err, name, pattern)
    assert not list(tmp_path.glob("*.loi.xlsx"))


IN_FOLDER = [p for p in _table_faults(REG_HEADER) if p.id not in ("missing", "directory", "wrong-extension", "pdf")]


@pytest.mark.parametrize(("name", "make", "pattern"), IN_FOLDER)
def test_in_a_registration_folder_a_file_that_cannot_be_read_is_refused_by_name(campaign, tmp_path: Path,
                                                                                 name: str, make: Make,
                                                                                 pattern: str) -> None:
    folder = tmp_path / "dang-ky"
    folder.mkdir()
    make(folder / name)
    (folder / "xa-bao-son.csv").write_text(
        ",".join(REG_HEADER) + "\nBS-01,Mật ong hoa vải,1,HKD Nguyễn Văn Bảo,HKD,Bảo Sơn,Có\n", encoding="utf-8")
    result = stages.collect(campaign, CODE, folder)
    by_file = {f.file: f for f in result.files}
    assert sorted(by_file) == sorted([name, "xa-bao-son.csv"])
    assert by_file[name].refused and not by_file["xa-bao-son.csv"].refused
    assert name in by_file[name].message
    assert re.search(pattern, by_file[name].message), by_file[name].message
    with unit_of_work(campaign.database_url) as s:
        assert s.scalar(select(func.count()).select_from(Registration)) == 1


@pytest.mark.parametrize(("make", "pattern"), [
    pytest.param(_nothing, r"^Không tìm thấy tệp '.*dang-ky'\.$", id="missing"),
    pytest.param(_mkdir, r"^Thư mục '.*dang-ky' không có tệp \.xlsx hoặc \.csv nào\.$", id="empty"),
])
def test_a_registration_folder_that_is_missing_or_empty_is_an_input_error(campaign, tmp_path: Path,
                                                                          make: Make, pattern: str) -> None:
    make(tmp_path / "dang-ky")
    with pytest.raises(InputError) as err:
        stages.collect(campaign, CODE, tmp_path / "dang-ky")
    _check(err, "dang-ky", pattern)


CAMPAIGN_FAULTS = [
    pytest.param("ke-hoach.toml", _nothing, r"^Không tìm thấy tệp '.*ke-hoach\.toml'\.$", id="missing"),
    pytest.param("ke-hoach.toml", _mkdir, r"^'.*ke-hoach\.toml' là một thư mục, cần một tệp \.toml\.$", id="directory"),
    pytest.param("ke-hoach.toml", _bytes(os.urandom(64) + b"\x00" * 64),
                 r"^Tệp 'ke-hoach\.toml' không đọc được: không phải tệp văn bản", id="binary"),
    pytest.param("ke-hoach.toml", _bytes(_windows_1258('code = "ha-bac"\ndistrict = "Hà Bắc"\n')),
                 r"^Tệp 'ke-hoach\.toml' không đọc được: không phải văn bản mã UTF-8", id="not-utf8"),
    pytest.param("ke-hoach.toml", _bytes(_docx), r"^Tệp 'ke-hoach\.toml' không đọc được: đây là tệp Word \(\.docx\)",
                 id="renamed-docx"),
    pytest.param("ke-hoach.toml", _bytes(PDF), r"^Tệp 'ke-hoach\.toml' không đọc được: đây là tệp PDF",
                 id="renamed-pdf"),
    pytest.param("ke-hoach.toml", _bytes(b"code = \"luc-nam\"\n[council\nname = 1\n"),
                 r"^Tệp 'ke-hoach\.toml' không đọc được: không phải tệp TOML hợp lệ \(lỗi cú pháp ở dòng 2, cột 9\)\.$",
                 id="invalid-toml"),
    pytest.param("ke-hoach.xlsx", lambda p: _workbook(p, REG_HEADER, 1) and None,
                 r"^Tệp 'ke-hoach\.xlsx' không đọc được: chỉ nhận tệp \.toml \(tệp này là '\.xlsx'\)\.$",
                 id="wrong-extension"),
]


@pytest.mark.parametrize(("name", "make", "pattern"), CAMPAIGN_FAULTS)
def test_a_campaign_file_that_cannot_be_read_is_an_input_error_naming_it(settings, tmp_path: Path,
                                                                         name: str, make: Make, pattern: str) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(InputError) as err:
        stages.set_up(settings, path)
    _check(err, name, pattern)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
@pytest.mark.parametrize("name", ["phieu.csv", "phieu.xlsx"])
def test_a_file_without_read_permission_is_an_input_error(campaign, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    _workbook(path, SCORES_HEADER, 1) if name.endswith(".xlsx") else path.write_text(",".join(SCORES_HEADER))
    path.chmod(0)
    try:
        with pytest.raises(InputError) as err:
            stages.score(campaign, CODE, path)
        _check(err, name, rf"^Tệp '{name}' không đọc được: không có quyền đọc tệp\.$")
    finally:
        path.chmod(0o600)


def test_a_good_csv_with_a_title_row_above_the_header_still_reads(campaign, tmp_path: Path) -> None:
    """The one header finder: a title line above the header is allowed for every table."""
    path = tmp_path / "dang-ky.csv"
    path.write_text("Danh sách đăng ký xã Bảo Sơn\n" + ",".join(REG_HEADER)
                    + "\nBS-01,Mật ong hoa vải,1,HKD Nguyễn Văn Bảo,HKD,Bảo Sơn,Có\n", encoding="utf-8")
    assert stages.collect(campaign, CODE, path).new == 1


def test_a_folder_file_that_breaks_off_mid_way_leaves_no_trace_in_the_others(campaign, tmp_path: Path) -> None:
    """Rows read before the break are not taken as registered: the same product in a later file is new."""
    import zipfile

    folder = tmp_path / "dang-ky"
    folder.mkdir()
    row = ["BS-01", "Mật ong hoa vải", "1", "HKD Nguyễn Văn Bảo", "HKD", "Bảo Sơn", "Có"]
    wb = Workbook()
    wb.active.append(REG_HEADER)
    wb.active.append(row)
    for i in range(3000):
        wb.active.append([f"X-{i}", f"Sản phẩm {i}", "1", f"Chủ thể {i}", "HKD", "Bảo Sơn", "Có"])
    wb.save(tmp_path / "whole.xlsx")
    with zipfile.ZipFile(tmp_path / "whole.xlsx") as src, zipfile.ZipFile(folder / "a-hong.xlsx", "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item == "xl/worksheets/sheet1.xml" else data)
    (folder / "b-bao-son.csv").write_text(",".join(REG_HEADER) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    result = stages.collect(campaign, CODE, folder)
    broken, good = result.files
    assert broken.file == "a-hong.xlsx" and broken.refused
    assert broken.message.startswith("Tệp 'a-hong.xlsx' không đọc được: không phải tệp Excel (.xlsx) hợp lệ")
    assert (good.file, good.new, good.problems) == ("b-bao-son.csv", 1, [])


# A campaign file that reads but says something the rules refuse: (edit of the sample, the one problem reported)
CAMPAIGN_CONTENT_FAULTS = [
    pytest.param(("role = \"vice_chair\"", "role = \"chair\""),
                 "ke-hoach.toml, mục 'council': Hội đồng phải có đúng một Chủ tịch (role = \"chair\"); tệp có 2",
                 id="two-chairs"),
    pytest.param(("role = \"chair\"", "role = \"member\""),
                 "ke-hoach.toml, mục 'council': Hội đồng phải có đúng một Chủ tịch (role = \"chair\"); tệp có 0",
                 id="no-chair"),
    pytest.param(("edition = \"1048/2019\"", "edition = \"999/2030\""),
                 "ke-hoach.toml, mục 'edition': không có văn bản pháp lý này; "
                 "các mã hợp lệ: 1048/2019, 148/2023+1489/2025, 148/2023 (giá trị: '999/2030')",
                 id="unknown-edition"),
    pytest.param(('edition = "1048/2019"\nlevel = "district"', 'edition = "148/2023+1489/2025"\nlevel = "commune"'),
                 "ke-hoach.toml, mục 'level': theo 148/2023+1489/2025, cấp xã không chấm điểm, phân hạng sản phẩm; "
                 "hãy lập kế hoạch ở cấp có Hội đồng đánh giá",
                 id="level-that-does-not-score"),
    pytest.param(("[signers.issuer]", "[signers.chair]"), None, id="no-issuer-signer"),
]


@pytest.mark.parametrize(("edit", "problem"), CAMPAIGN_CONTENT_FAULTS)
def test_a_campaign_file_the_rules_refuse_is_an_input_error_naming_the_file_and_the_key(
        settings, tmp_path: Path, edit: tuple[str, str], problem: str | None) -> None:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    assert edit[0] in text
    path = tmp_path / "ke-hoach.toml"
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        stages.set_up(settings, path)
    assert str(err.value).startswith("ke-hoach.toml: tệp kế hoạch có lỗi.\n")
    expected = [problem] if problem else [
        "ke-hoach.toml, mục 'signers.issuer': thiếu mục bắt buộc",
        "ke-hoach.toml, mục 'signers.chair': mục không được hỗ trợ"]
    assert err.value.problems == expected
    with pytest.raises(OcopError, match="chưa có kế hoạch nào"):
        stages.documents(settings, None)
