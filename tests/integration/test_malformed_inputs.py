"""A corpus of malformed inputs, built in code from the sample: registration files (CSV and XLSX),
score files (CSV and XLSX, criteria and part totals), members' score workbooks, campaign files and
document templates. Each is handed to its use case (ocop.services.stages) and must be refused with
its own message — file, row, column and the value, control characters shown escaped — as an
OcopError, never a traceback, and leave no trace: the same row count in every table and the same
files on disk. On SQLite, and on PostgreSQL when OCOP_TEST_DATABASE_URL is set.

One campaign per backend serves the whole module (set up, registrations imported and verified,
a member's score workbook written): a refused input changes nothing, which every case checks.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document as Docx
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula
from sqlalchemy import func, select

from ocop.errors import OcopError
from ocop.persistence.db import engine_for, migrate, unit_of_work
from ocop.persistence.models import Base, Producer, Product
from ocop.rules.campaign import Signer
from ocop.services import stages
from ocop.settings import Settings
from tests.conftest import BACKENDS, REPO, SAMPLE, pg_schema_url

CODE = "luc-nam-2020"
MEMBER = "Trần Thị Hoa"
REG = ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"]
ROW = ["X-01", "Mật ong rừng Lục Sơn", "1", "HKD Nguyễn Văn An", "HKD", "Lục Sơn", "Có"]
OPTIONAL = ["Địa chỉ", "Người đại diện", "Điện thoại", "Hình thức đăng ký", "Số giấy chứng nhận OCOP",
            "Ngày cấp giấy chứng nhận", "Hạng sao đã đạt", "Ngày đăng ký"]
FULL = ["Thôn Đồng Vành", "Nguyễn Văn An", "0912345678", "Nâng hạng", "12/GCN-UBND", "15/03/2019", "3", "20/06/2020"]
PARTS = ["Mã sản phẩm", "Thành viên", "Phần A", "Phần B", "Phần C"]
SHEET = ["LN-01", MEMBER, 20, 20, 20]
CRITERIA = ["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"]
CHAR = "(ký tự điều khiển hoặc không phải chữ), cần xoá ký tự đó."
FORMULA = "cần giá trị (dán giá trị thay cho công thức)."
STRAY = "không thuộc cột nào, cần xoá giá trị hoặc đặt tiêu đề cho cột."
LONG = "ậ" * 60  # how a long value of "ậ" is quoted: its first 60 characters


# --- the campaign each case runs against --------------------------------------------------------


@dataclass(frozen=True)
class World:
    settings: Settings
    base: Path
    workbook: Path  # a member's score workbook from `ocop scores template`


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp(f"corpus-{request.param}")

    def ready(url: str) -> World:
        settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=base / "out", database_url=url)
        stages.set_up(settings, SAMPLE / "campaign.toml")
        stages.collect(settings, CODE, SAMPLE / "registrations.csv")
        stages.verify(settings, CODE)
        [workbook] = stages.scores_templates(settings, CODE, base / "phieu", MEMBER)
        return World(settings, base, Path(workbook))

    if request.param == "sqlite":
        url = f"sqlite:///{base / 'ocop.db'}"
        migrate(url)
        yield ready(url)
        engine_for(url).dispose()
    else:
        with pg_schema_url() as url:
            yield ready(url)


def counts(url: str) -> dict[str, int]:
    with unit_of_work(url) as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


def files(*folders: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for f in folders if f.exists()
            for p in f.rglob("*") if p.is_file()}


# --- how inputs are written ---------------------------------------------------------------------


def excel_escape(value: Any) -> Any:
    """A text as Excel writes it into an XLSX file: a character XML cannot carry as _xHHHH_."""
    if isinstance(value, str):
        return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", lambda m: f"_x{ord(m.group()):04X}_",
                      value)
    return value


def table(path: Path, rows: list[list[Any]], sheet: str | None = None) -> Path:
    """``rows`` as a CSV file (UTF-8) or a workbook (its first sheet named ``sheet``)."""
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
        return path
    wb = Workbook()
    ws = wb.active
    if sheet:
        ws.title = sheet
    for row in rows:
        ws.append([excel_escape(v) for v in row])
    wb.save(path)
    return path


def raw(data: bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path
    return make


@dataclass(frozen=True)
class Case:
    id: str
    run: str  # "collect", "score", "set_up", "schedule"
    name: str  # the input's file name
    make: Callable[[Path], Path]  # writes the input at the path, returns what the use case is given
    expected: str  # a line of the message, as the clerk reads it


def where(name: str, row: int | None = None, column: str | None = None, sheet: str | None = None) -> str:
    text = f"{name}, sheet '{sheet}'" if sheet else name
    text += f", dòng {row}" if row is not None else ""
    return text + (f", cột '{column}'" if column else "")


# --- registrations --------------------------------------------------------------------------------


def registrations() -> Iterator[Case]:
    for fmt in ("csv", "xlsx"):
        name = f"dang-ky.{fmt}"
        sheet = "Đăng ký" if fmt == "xlsx" else None

        def case(id_: str, rows: list[list[Any]], expected: str, *, name: str = name,
                 fmt: str = fmt, sheet: str | None = sheet) -> Case:
            return Case(f"registrations-{fmt}-{id_}", "collect", name,
                        lambda p, rows=rows, sheet=sheet: table(p, rows, sheet), expected)

        def cell(column: str, value: Any, *, wide: bool = False) -> list[list[Any]]:
            header = REG + OPTIONAL if wide else REG
            row = (ROW + FULL) if wide else list(ROW)
            row[header.index(column)] = value
            return [header, row]

        at = lambda row, column, name=name, sheet=sheet: where(name, row, column, sheet)  # noqa: E731
        # characters no input may hold, in every kind of text column; shown escaped
        for id_, column, value, shown, bad, wide in [
            ("nul", "Tên sản phẩm", "Mật ong\x00 rừng", "Mật ong\\x00 rừng", "\\x00", False),
            ("bel", "Tên sản phẩm", "Mật ong rừng\x07", "Mật ong rừng\\x07", "\\x07", False),
            ("esc", "Tên chủ thể", "\x1b[31mHKD An\x1b[0m", "\\x1b[31mHKD An\\x1b[0m", "\\x1b", False),
            ("del", "Xã", "Lục\x7fSơn", "Lục\\x7fSơn", "\\x7f", False),
            ("c1-csi", "Địa chỉ", "Thôn\x9b2J Đông", "Thôn\\x9b2J Đông", "\\x9b", True),
            ("vertical-tab", "Tên sản phẩm", "Vải\x0bthiều", "Vải\\x0bthiều", "\\x0b", False),
            ("form-feed", "Mã sản phẩm", "X\x0c01", "X\\x0c01", "\\x0c", False),
            ("unit-separator", "Tên sản phẩm", "Na\x1fdai", "Na\\x1fdai", "\\x1f", False),
            ("backspace", "Người đại diện", "Nguyễn\x08 An", "Nguyễn\\x08 An", "\\x08", True),
            ("noncharacter", "Tên sản phẩm", "Gà\ufdd0đồi", "Gà\\ufdd0đồi", "\\ufdd0", False),
            ("noncharacter-ffff", "Tên chủ thể", "HKD\uffff An", "HKD\\uffff An", "\\uffff", False),
        ]:
            yield case(id_, cell(column, value, wide=wide),
                       f"{at(2, column)}: giá trị '{shown}' có ký tự không hợp lệ '{bad}' {CHAR}")
        if fmt == "xlsx":  # a lone surrogate cannot be UTF-8: only Excel's escape can carry one
            yield case("lone-surrogate", cell("Tên chủ thể", "HKD \ud800An"),
                       f"{at(2, 'Tên chủ thể')}: giá trị 'HKD \\ud800An' có ký tự không hợp lệ '\\ud800' {CHAR}")
        else:
            yield Case("registrations-csv-lone-surrogate", "collect", name, raw(
                ",".join(REG).encode()
                + b"\nX-01,M\xed\xa0\x80t ong,1,HKD An,HKD,L\xe1\xbb\xa5c S\xc6\xa1n,C\xc3\xb3\n"),
                "Tệp 'dang-ky.csv' không đọc được: không phải văn bản CSV mã UTF-8, cần lưu lại dạng 'CSV UTF-8'.")
        # every text column's length limit (ocop.rules.limits), one character over and far over
        for id_, column, limit, wide in [
            ("code", "Mã sản phẩm", 20, False), ("name", "Tên sản phẩm", 200, False),
            ("producer", "Tên chủ thể", 200, False), ("commune", "Xã", 100, False),
            ("address", "Địa chỉ", 300, True), ("representative", "Người đại diện", 100, True),
            ("phone", "Điện thoại", 20, True), ("certificate-number", "Số giấy chứng nhận OCOP", 60, True),
        ]:
            for n in (limit + 1, 5000):
                shown = "ậ" * n if n <= 60 else f"{LONG}… ({n} ký tự)"
                yield case(f"{id_}-{n}-characters", cell(column, "ậ" * n, wide=wide),
                           f"{at(2, column)}: giá trị '{shown}' dài {n} ký tự, tối đa {limit} ký tự.")
        yield case("code-80-characters", cell("Mã sản phẩm", "LN-" + "0" * 77),
                   f"{at(2, 'Mã sản phẩm')}: giá trị 'LN-{'0' * 57}… (80 ký tự)' dài 80 ký tự, tối đa 20 ký tự.")
        # values outside the header's columns
        yield case("extra-field", [REG, [*ROW, "thừa"]],
                   f"{where(name, 2, None, sheet)}, cột 'H' (ô thứ 8, nhiều hơn 7 cột của dòng tiêu đề): giá trị "
                   f"'thừa' {STRAY}")
        yield case("extra-fields-only", [REG, ROW, [*[""] * 7, "", "ghi thêm"]],
                   f"{where(name, 3, None, sheet)}, cột 'I' (ô thứ 9, nhiều hơn 7 cột của dòng tiêu đề): giá trị "
                   f"'ghi thêm' {STRAY}")
        yield case("value-under-a-blank-header", [[*REG, "", "Địa chỉ"], [*ROW, "Thôn Đông", "Thôn Tây"]],
                   f"{where(name, 2, None, sheet)}, cột 'H' (ô dưới một tiêu đề trống): giá trị 'Thôn Đông' {STRAY}")
        # dates a registration cannot carry
        cert = "Ngày cấp giấy chứng nhận"
        expected_cert = "cần ngày cấp của giấy chứng nhận đã có, không sau hạn đánh giá của kế hoạch (từ 01/01/2013 " \
                        "đến 30/10/2020)."
        for id_, value, shown in [("2099", "01/01/2099", "01/01/2099"), ("1900", "15/03/1900", "15/03/1900"),
                                  ("after-the-evaluation", "02/11/2020", "02/11/2020")]:
            yield case(f"certificate-dated-{id_}", cell(cert, value, wide=True),
                       f"{at(2, cert)}: giá trị '{shown}' không hợp lý, {expected_cert}")
        if fmt == "xlsx":
            yield case("certificate-dated-2099-as-an-excel-date", cell(cert, datetime(2099, 1, 1), wide=True),
                       f"{at(2, cert)}: giá trị '01/01/2099' không hợp lý, {expected_cert}")
        for id_, value in [("2099", "20/06/2099"), ("1999", "20/06/1999")]:
            yield case(f"registered-in-{id_}", cell("Ngày đăng ký", value, wide=True),
                       f"{at(2, 'Ngày đăng ký')}: giá trị '{value}' không hợp lý, cần ngày đăng ký trong năm của kế "
                       "hoạch hoặc năm trước (từ 01/01/2019 đến 31/12/2020).")
        yield case("no-such-date", cell("Ngày đăng ký", "31/02/2020", wide=True),
                   f"{at(2, 'Ngày đăng ký')}: giá trị '31/02/2020' không phải ngày, cần ngày dạng dd/mm/yyyy.")
        yield case("stars", cell("Hạng sao đã đạt", "7", wide=True),
                   f"{at(2, 'Hạng sao đã đạt')}: giá trị '7' không hợp lệ, cần số sao từ 3 đến 5.")
        # values of a list, and required values
        yield case("producer-type", cell("Loại hình", "XYZ"),
                   f"{at(2, 'Loại hình')}: giá trị 'XYZ' không hợp lệ, cần DN, HTX, THT hoặc HKD.")
        yield case("set", cell("Bộ sản phẩm", "99"),
                   f"{at(2, 'Bộ sản phẩm')}: giá trị '99' không phải bộ sản phẩm của 1048/2019, cần mã bộ (ví dụ 1, "
                   "07, 26a) hoặc tên bộ.")
        yield case("commune", cell("Xã", "Hà Nội"),
                   f"{at(2, 'Xã')}: giá trị 'Hà Nội' không phải xã, thị trấn của huyện Lục Nam, cần một tên trong "
                   "danh sách xã của kế hoạch.")
        yield case("confirmation", cell("Xác nhận UBND xã", "Chắc chắn"),
                   f"{at(2, 'Xác nhận UBND xã')}: giá trị 'Chắc chắn' không hợp lệ, cần 'Có' hoặc 'Không'.")
        yield case("empty-name", cell("Tên sản phẩm", ""), f"{at(2, 'Tên sản phẩm')}: ô trống, cần tên sản phẩm.")
        yield case("twice-in-the-file", [REG, ROW, ROW],
                   f"{at(3, 'Mã sản phẩm')}: sản phẩm 'Mật ong rừng Lục Sơn' của 'HKD Nguyễn Văn An' đã có ở dòng 2 "
                   "(đăng ký trùng).")
        # the header
        yield case("missing-column", [REG[:-2], ROW[:-2]],
                   f"{where(name, 1, None, sheet)} (tiêu đề): thiếu cột 'Xã' (hoặc 'xa').")
        yield case("header-with-a-control-character", [[*REG, "Ghi\x07 chú"], [*ROW, "x"]],
                   f"{where(name, 1, None, sheet)} (tiêu đề), cột H: giá trị 'Ghi\\x07 chú' có ký tự không hợp lệ "
                   f"'\\x07' {CHAR}")
        yield case("unknown-column", [[*REG, "Ghi chép"], [*ROW, "x"]],
                   f"{where(name, 1, None, sheet)} (tiêu đề): cột H 'Ghi chép' không có trong mẫu, cần đổi tên "
                   "cột theo mẫu (xem sheet 'Hướng dẫn') hoặc xoá cột.")
        yield case("repeated-column", [[*REG, "Tên sản phẩm"], [*ROW, "Mật ong"]],
                   f"{where(name, 1, None, sheet)} (tiêu đề): cột H 'Tên sản phẩm' trùng với cột B 'Tên sản phẩm', "
                   "cần xoá một trong hai cột.")
        yield case("header-only", [REG], f"{where(name, None, None, sheet)}: tệp không có dòng đăng ký nào.")
    # what only a workbook holds: formulas and merged cells
    name, sheet = "dang-ky.xlsx", "Đăng ký"
    for id_, value, shown in [("formula", '=B3&" sấy"', '=B3&" sấy"'), ("formula-if", '=IF(TRUE,"Có","Không")',
                                                                       '=IF(TRUE,"Có","Không")')]:
        rows = [REG, list(ROW)]
        rows[1][1] = value
        yield Case(f"registrations-xlsx-{id_}", "collect", name, lambda p, rows=rows: table(p, rows, sheet),
                   f"{where(name, 2, 'Tên sản phẩm', sheet)}: ô chứa công thức '{shown}', {FORMULA}")

    def array_formula(p: Path) -> Path:
        table(p, [REG, ROW], sheet)
        wb = load_workbook(p)
        wb.active["G2"] = ArrayFormula("G2", '=IF(TRUE,"Có","Không")')
        wb.save(p)
        return p
    yield Case("registrations-xlsx-array-formula", "collect", name, array_formula,
               f"{where(name, 2, 'Xác nhận UBND xã', sheet)}: ô chứa công thức '=IF(TRUE,\"Có\",\"Không\")', {FORMULA}")

    def merged(p: Path) -> Path:
        table(p, [REG, ROW, ["X-02", "Gà đồi", "1", "HKD Nguyễn Văn An", "HKD", "Lục Sơn", "Có"]], sheet)
        wb = load_workbook(p)
        wb.active.merge_cells("D2:D3")
        wb.save(p)
        return p
    yield Case("registrations-xlsx-merged-cells", "collect", name, merged,
               f"{name}, sheet 'Đăng ký', dòng 2–3, cột 'Tên chủ thể': các ô D2:D3 được gộp, cần bỏ gộp ô và ghi giá "
               "trị ở từng dòng.")
    # files that are not what they say
    text = ",".join(REG) + "\n" + ",".join(ROW) + "\n"
    for id_, data, expected in [
        ("windows-1258", text.encode("cp1258", "replace"),
         "không phải văn bản CSV mã UTF-8, cần lưu lại dạng 'CSV UTF-8'"),
        ("utf-16", text.encode("utf-16"), "văn bản mã UTF-16 (Unicode Text), cần lưu lại dạng 'CSV UTF-8'"),
        ("binary", bytes(range(256)) * 16, "không phải tệp văn bản CSV (có ký tự nhị phân)"),
        ("gzip", gzip.compress(text.encode()), "không phải văn bản CSV mã UTF-8, cần lưu lại dạng 'CSV UTF-8'"),
        ("pdf", b"%PDF-1.4\n%%EOF\n", "đây là tệp PDF được đặt đuôi '.csv', không phải tệp CSV"),
    ]:
        yield Case(f"registrations-csv-{id_}", "collect", "dang-ky.csv", raw(data),
                   f"Tệp 'dang-ky.csv' không đọc được: {expected}.")
    yield Case("registrations-xlsx-truncated", "collect", "dang-ky.xlsx",
               lambda p: raw(table(p, [REG, ROW], "Đăng ký").read_bytes()[:700])(p),
               "Tệp 'dang-ky.xlsx' không đọc được: không phải tệp Excel (.xlsx) hợp lệ (tệp hỏng hoặc chưa chép hết).")
    yield Case("registrations-csv-empty", "collect", "dang-ky.csv", raw(b""), "dang-ky.csv: tệp trống, cần một dòng "
                                                                              "tiêu đề.")


# --- score files ----------------------------------------------------------------------------------


def score_files() -> Iterator[Case]:
    for fmt in ("csv", "xlsx"):
        name = f"diem.{fmt}"
        sheet = "Sheet" if fmt == "xlsx" else None

        def case(id_: str, rows: list[list[Any]], expected: str, *, name: str = name, fmt: str = fmt) -> Case:
            return Case(f"scores-{fmt}-{id_}", "score", name, lambda p, rows=rows: table(p, rows), expected)

        def parts(column: str, value: Any) -> list[list[Any]]:
            row = list(SHEET)
            row[PARTS.index(column)] = value
            return [PARTS, row]

        def criterion(column: str, value: Any) -> list[list[Any]]:
            row = ["LN-01", MEMBER, "1.1", 3]
            row[CRITERIA.index(column)] = value
            return [CRITERIA, row]

        at = lambda row, column, name=name, sheet=sheet: where(name, row, column, sheet)  # noqa: E731
        for id_, rows, column, shown, bad in [
            ("member-nul", parts("Thành viên", "Trần\x00 Thị Hoa"), "Thành viên", "Trần\\x00 Thị Hoa", "\\x00"),
            ("member-esc", parts("Thành viên", "\x1b]0;x\x07Trần Thị Hoa"), "Thành viên", "\\x1b]0;x\\x07Trần Thị Hoa",
             "\\x1b"),
            ("code-bel", parts("Mã sản phẩm", "LN-01\x07"), "Mã sản phẩm", "LN-01\\x07", "\\x07"),
            ("member-noncharacter", parts("Thành viên", "Trần Thị Hoa\ufdd1"), "Thành viên", "Trần Thị Hoa\\ufdd1",
             "\\ufdd1"),
            ("criterion-del", criterion("Tiêu chí", "1.1\x7f"), "Tiêu chí", "1.1\\x7f", "\\x7f"),
            ("points-bel", criterion("Điểm", "3\x07"), "Điểm", "3\\x07", "\\x07"),
        ]:
            yield case(id_, rows, f"{at(2, column)}: giá trị '{shown}' có ký tự không hợp lệ '{bad}' {CHAR}")
        for id_, rows, column, limit, n in [
            ("member-101-characters", parts("Thành viên", "ậ" * 101), "Thành viên", 100, 101),
            ("member-5000-characters", parts("Thành viên", "ậ" * 5000), "Thành viên", 100, 5000),
            ("code-21-characters", parts("Mã sản phẩm", "ậ" * 21), "Mã sản phẩm", 20, 21),
            ("code-80-characters", parts("Mã sản phẩm", "ậ" * 80), "Mã sản phẩm", 20, 80),
            ("criterion-11-characters", criterion("Tiêu chí", "ậ" * 11), "Tiêu chí", 10, 11),
        ]:
            shown = "ậ" * min(n, 60) + (f"… ({n} ký tự)" if n > 60 else "")
            yield case(id_, rows, f"{at(2, column)}: giá trị '{shown}' dài {n} ký tự, tối đa {limit} ký tự.")
        yield case("extra-field", [PARTS, [*SHEET, 5]],
                   f"{where(name, 2, None, sheet)}, cột 'F' (ô thứ 6, nhiều hơn 5 cột của dòng tiêu đề): giá trị '5' "
                   f"{STRAY}")
        yield case("value-under-a-blank-header", [[*PARTS, "", "Ghi chú"], [*SHEET, "?", ""]],
                   f"{where(name, 2, None, sheet)}, cột 'F' (ô dưới một tiêu đề trống): giá trị '?' {STRAY}")
        yield case("points-not-a-number", parts("Phần A", "hai mươi"),
                   f"{at(2, 'Phần A')}: giá trị 'hai mươi' không phải số nguyên.")
        yield case("part-over-its-maximum", parts("Phần B", 99), f"{at(2, 'Phần B')}: 99 ngoài khoảng 0–25.")
        yield case("not-a-member", parts("Thành viên", "Nguyễn Văn Lạ"),
                   f"{at(2, 'Thành viên')}: 'Nguyễn Văn Lạ' không phải thành viên Hội đồng (thành viên: Lương Thế "
                   "Tuấn, Nguyễn Văn Hùng, Trần Thị Hoa, Phạm Đức Thắng, Vũ Thị Lan, Hoàng Minh Đức, Đỗ Văn Quyết).")
        yield case("not-registered", parts("Mã sản phẩm", "LN-99"),
                   f"{at(2, 'Mã sản phẩm')}: mã 'LN-99' không có trong danh sách đăng ký.")
        yield case("not-eligible", parts("Mã sản phẩm", "LN-12"),
                   f"{at(2, 'Mã sản phẩm')}: sản phẩm 'LN-12' không đủ điều kiện đưa ra Hội đồng (Phiếu đăng ký chưa "
                   "có xác nhận của UBND xã.).")
        yield case("not-an-option", criterion("Điểm", 4),
                   f"{at(2, 'Điểm')}: 4 điểm không phải một lựa chọn của tiêu chí 1.1 (các mức: 1, 2, 3).")
        yield case("missing-column", [PARTS[:2], SHEET[:2]],
                   f"{where(name, 1, None, sheet)} (tiêu đề): cần có đủ các cột ['Tiêu chí', 'Điểm'] hoặc ['Phần A', "
                   "'Phần B', 'Phần C'].")
    rows = [PARTS, list(SHEET)]
    rows[1][2] = "=10+10"
    yield Case("scores-xlsx-formula", "score", "diem.xlsx", lambda p: table(p, rows),
               f"{where('diem.xlsx', 2, 'Phần A', 'Sheet')}: ô chứa công thức '=10+10', {FORMULA}")
    yield Case("scores-csv-binary", "score", "diem.csv", raw(b"\x00\x01\x02" * 50),
               "Tệp 'diem.csv' không đọc được: không phải tệp văn bản CSV (có ký tự nhị phân).")


# --- a member's score workbook (from `ocop scores template`) ----------------------------------------


def member_workbooks() -> Iterator[Case]:
    def edited(cells: dict[str, Any], *, drop_rows: tuple[int, int] | None = None) -> Callable[[Path], Path]:
        def make(p: Path) -> Path:
            wb = load_workbook(p.parent.parent / "template.xlsx")
            ws = wb["LN-01"]
            for ref, value in cells.items():
                ws[ref] = excel_escape(value)
            if drop_rows:
                ws.delete_rows(*drop_rows)
            wb.save(p)
            return p
        return make

    name, sheet = "phieu.xlsx", "LN-01"
    for id_, cells, expected in [
        ("points-bel", {"E7": "3\x07"}, f"{where(name, 7, 'Điểm', sheet)}: giá trị '3\\x07' có ký tự không hợp lệ "
                                        f"'\\x07' {CHAR}"),
        ("points-formula", {"E7": "=1+2"}, f"{where(name, 7, 'Điểm', sheet)}: ô chứa công thức '=1+2', {FORMULA}"),
        ("member-nul", {"E7": 3, "B2": "Trần Thị\x00 Hoa"},
         f"{where(name, 2, 'Thành viên', sheet)}: giá trị 'Trần Thị\\x00 Hoa' có ký tự không hợp lệ '\\x00' {CHAR}"),
        ("code-80-characters", {"E7": 3, "B3": "ậ" * 80},
         f"{where(name, 3, 'Mã sản phẩm', sheet)}: giá trị '{LONG}… (80 ký tự)' dài 80 ký tự, tối đa 20 ký tự."),
        ("criterion-esc", {"E7": 3, "A7": "\x1b1.1"},
         f"{where(name, 7, 'Tiêu chí', sheet)}: giá trị '\\x1b1.1' có ký tự không hợp lệ '\\x1b' {CHAR}"),
        ("points-not-an-option", {"E7": 9},
         f"{where(name, 7, 'Điểm', sheet)}: 9 điểm không phải một lựa chọn của tiêu chí 1.1 (các mức: 1, 2, 3)."),
        ("points-not-a-number", {"E7": "ba"}, f"{where(name, 7, 'Điểm', sheet)}: giá trị 'ba' không phải số nguyên."),
        ("criteria-missing", {"E7": 3}, f"{name}, sheet 'LN-01': phiếu của '{MEMBER}' cho sản phẩm 'LN-01' (từ dòng 7) "
                                        "thiếu tiêu chí"),
    ]:
        yield Case(f"workbook-{id_}", "score", name, edited(cells), expected)
    yield Case("workbook-member-row-deleted", "score", name, edited({"E7": 3}, drop_rows=(2, 2)),
               f"{where(name, 3, 'Mã sản phẩm', sheet)}: giá trị 'Bộ 1 - Rau, củ, quả, hạt tươi' dài 29 ký tự, tối đa "
               "20 ký tự.")


# --- campaign files -----------------------------------------------------------------------------


def campaign_files() -> Iterator[Case]:
    sample = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")

    def edit(*pairs: tuple[str, str]) -> Callable[[Path], Path]:
        def make(p: Path) -> Path:
            text = sample
            for old, new in pairs:
                assert old in text, old
                text = text.replace(old, new, 1)
            p.write_text(text, encoding="utf-8")
            return p
        return make

    name = "campaign.toml"
    key = lambda k, text: f"{name}, mục '{k}': {text}"  # noqa: E731
    district = 'district = "Lục Nam"'
    member = 'name = "Trần Thị Hoa"'
    for id_, pairs, expected in [
        ("bel-escape", [(district, 'district = "Lục\\u0007 Nam"')],
         key("district", f"có ký tự không hợp lệ '\\x07' {CHAR[:-1]} (giá trị: 'Lục\\x07 Nam')")),
        ("esc-in-a-member", [(member, 'name = "Trần Thị Hoa\\u001b[2J"')],
         key("council.2.name", f"có ký tự không hợp lệ '\\x1b' {CHAR[:-1]} (giá trị: 'Trần Thị Hoa\\x1b[2J')")),
        ("nul-in-a-commune", [('"Bảo Đài", ', '"Bảo\\u0000Đài", ')],
         key("communes", f"có ký tự không hợp lệ '\\x00' {CHAR[:-1]}")),
        ("noncharacter", [('venue = "Hội trường', 'venue = "\\uFDD0Hội trường')],
         key("meeting.venue", f"có ký tự không hợp lệ '\\ufdd0' {CHAR[:-1]}")),
        ("c1-in-a-task", [("Thanh quyết toán kinh phí", "Thanh quyết\\u009b toán kinh phí")],
         key("plan.responsibilities.0.tasks", f"có ký tự không hợp lệ '\\x9b' {CHAR[:-1]}")),
        ("district-500-characters", [(district, f'district = "{"ậ" * 500}"')],
         key("district", f"dài 500 ký tự, tối đa 100 ký tự (giá trị: '{LONG}… (500 ký tự)')")),
        ("name-5000-characters", [('name = "Kế hoạch tổ chức', f'name = "{"ậ" * 5000}Kế hoạch tổ chức')],
         key("name", "dài 5075 ký tự, tối đa 300 ký tự")),
        ("member-101-characters", [(member, f'name = "{"ậ" * 101}"')],
         key("council.2.name", "dài 101 ký tự, tối đa 100 ký tự")),
        ("position-301-characters", [('position = "Trưởng phòng Y tế"', f'position = "{"ậ" * 301}"')],
         key("council.5.position", "dài 301 ký tự, tối đa 300 ký tự")),
        ("commune-101-characters", [('"Bảo Đài", ', f'"{"ậ" * 101}", ')],
         key("communes", "dài 101 ký tự, tối đa 100 ký tự")),
        ("signer-101-characters", [('name = "Nguyễn Văn Hùng"\ntitle', f'name = "{"ậ" * 101}"\ntitle')],
         key("signers.office.name", "dài 101 ký tự, tối đa 100 ký tự")),
        ("issuer-code-21-characters", [('issuer_code = "UBND"', f'issuer_code = "{"U" * 21}"')],
         key("issuer_code", "dài 21 ký tự, tối đa 20 ký tự")),
        ("paragraph-3001-characters", [('budget = "', f'budget = "{"ậ" * 3001}')],
         key("plan.budget", "dài 3207 ký tự, tối đa 3000 ký tự")),
        ("verification-after-evaluation", [("verification = 2020-07-05", "verification = 2020-11-05")],
         key("deadlines", "hạn kiểm tra hồ sơ (verification, 05/11/2020) sau hạn đánh giá (evaluation, 30/10/2020), "
                          "cần kiểm tra hồ sơ trước")),
        ("referral-before-evaluation", [("referral = 2020-11-05", "referral = 2020-10-05")],
         key("deadlines", "hạn đề nghị cấp trên (referral, 05/10/2020) trước hạn đánh giá (evaluation, 30/10/2020), "
                          "cần đánh giá trước")),
        ("meeting-after-evaluation", [("date = 2020-10-20", "date = 2020-11-20")],
         key("meeting.date", "ngày họp Hội đồng 20/11/2020 sau hạn đánh giá (deadlines.evaluation, 30/10/2020), cần "
                             "họp trước hạn")),
        ("invitation-after-meeting", [("invitation_date = 2020-10-15", "invitation_date = 2020-10-25")],
         key("meeting.invitation_date", "ngày giấy mời 25/10/2020 sau ngày họp 20/10/2020, cần mời trước ngày họp")),
        ("numbering-negative", [("UBND = 18", "UBND = -3")],
         key("numbering", "số đầu tiên của sổ 'UBND' là -3, cần một số từ 1 đến 99999")),
        ("numbering-zero", [("UBND = 18", "UBND = 0")],
         key("numbering", "số đầu tiên của sổ 'UBND' là 0, cần một số từ 1 đến 99999")),
        ("numbering-huge", [("UBND = 18", "UBND = 99999999999999999999")],
         key("numbering", "số đầu tiên của sổ 'UBND' là 99999999999999999999, cần một số từ 1 đến 99999")),
        ("numbering-unknown-series", [("UBND = 18", "UBNDD = 18")],
         key("numbering.UBNDD", "không phải sổ văn bản của kế hoạch, cần UBND, NN hoặc HĐOCOP")),
        ("member-twice", [('name = "Hoàng Minh Đức"', 'name = "Trần Thị Hoa"')],
         key("council", "thành viên bị lặp: Trần Thị Hoa; mỗi người chỉ ghi một lần")),
        ("member-twice-other-case", [('name = "Hoàng Minh Đức"', 'name = "trần thị  hoa"')],
         key("council", "thành viên bị lặp: Trần Thị Hoa, trần thị hoa; mỗi người chỉ ghi một lần")),
        ("secretariat-member-twice", [('name = "Nguyễn Thị Mai"', 'name = "Lê Quang Huy"')],
         key("secretariat", "thành viên bị lặp: Lê Quang Huy; mỗi người chỉ ghi một lần")),
        ("decision-in-1920", [("council_decision_date = 2020-01-07", "council_decision_date = 1920-01-07")],
         key("council_decision_date", "ngày 07/01/1920 không hợp lý cho kế hoạch năm 2020, cần từ 01/01/2019 đến "
                                      "31/12/2021")),
        ("referral-in-2099", [("referral = 2020-11-05", "referral = 2099-11-05"),
                              ("referral_date = 2020-11-02", "referral_date = 2020-11-04")],
         key("deadlines.referral", "ngày 05/11/2099 không hợp lý cho kế hoạch năm 2020, cần từ 01/01/2019 đến "
                                   "31/12/2021")),
        ("legal-basis-in-1990", [("date = 2020-05-18", "date = 1990-05-18")],
         key("legal_bases.0.date", "ngày 18/05/1990 không hợp lý, cần từ 01/01/2013 đến 31/12/2021")),
        ("year-1800", [("year = 2020", "year = 1800")], key("year", "giá trị quá nhỏ (giá trị: 1800)")),
        ("unknown-key", [("year = 2020", "year = 2020\nnam = 2020")], key("nam", "mục không được hỗ trợ")),
        ("missing-deadline", [("evaluation = 2020-10-30\n", "")], key("deadlines.evaluation", "thiếu mục bắt buộc")),
    ]:
        yield Case(f"campaign-{id_}", "set_up", name, edit(*pairs), expected)
    for id_, data, expected in [
        ("random-bytes", bytes(range(256)) * 8, "không phải tệp văn bản (có ký tự nhị phân)"),
        ("png", b"\x89PNG\r\n\x1a\n" + bytes(64), "không phải tệp văn bản (có ký tự nhị phân)"),
        ("gzip", gzip.compress(sample.encode()), "không phải tệp văn bản (có ký tự nhị phân)"),
        ("utf-16", sample.encode("utf-16"), "không phải tệp văn bản (có ký tự nhị phân)"),
        ("windows-1258", sample.encode("cp1258", "replace"), "không phải văn bản mã UTF-8, cần lưu lại với mã UTF-8"),
        ("zip", b"PK\x05\x06" + bytes(18), "đây là tệp nén ZIP, không phải tệp văn bản"),
        ("literal-bel", sample.replace('district = "Lục Nam"', 'district = "Lục\x07Nam"').encode(),
         "không phải tệp TOML hợp lệ (lỗi cú pháp ở dòng 9, cột 16)"),
        ("surrogate-escape", sample.replace('district = "Lục Nam"', 'district = "\\uD800"').encode(),
         "không phải tệp TOML hợp lệ (lỗi cú pháp ở dòng 9, cột 19)"),
    ]:
        yield Case(f"campaign-{id_}", "set_up", name, raw(data), f"Tệp '{name}' không đọc được: {expected}.")
    yield Case("campaign-empty", "set_up", name, raw(b""), key("code", "thiếu mục bắt buộc"))


# --- document templates a clerk replaced ------------------------------------------------------------


def templates() -> Iterator[Case]:
    invitation = "giay_moi_hop_hoi_dong"

    def template(*paragraphs: str) -> Callable[[Path], Path]:
        def make(p: Path) -> Path:
            doc = Docx()
            for text in paragraphs:
                doc.add_paragraph(text)
            doc.save(p / f"{invitation}.docx")
            return p
        return make

    for id_, make, expected in [
        ("syntax-error", template("Kính mời {{ ten_hoi_dong"), f"Mẫu văn bản '{invitation}' có thẻ Jinja sai cú pháp"),
        ("unknown-variable", template("Kính mời {{ khong_co_bien_nay }}"),
         f"Mẫu văn bản '{invitation}': thiếu dữ liệu cho biến 'khong_co_bien_nay'"),
        ("python-internals", template("{{ ''.__class__.__mro__ }}"),
         f"Mẫu văn bản '{invitation}' dùng thao tác không được phép"),
        ("leftover-tag", template("Số { { so_ky_hieu } }"), f"Mẫu văn bản '{invitation}': còn thẻ chưa xử lý"),
        ("endless-loop", template("{% for i in range(10**9) %}x{% endfor %}"), f"Mẫu văn bản '{invitation}'"),
        ("pdf-renamed", lambda p: raw(b"%PDF-1.4\n%%EOF\n")(p / f"{invitation}.docx").parent,
         f"Mẫu văn bản '{invitation}' không phải tệp DOCX hợp lệ"),
        ("empty", lambda p: raw(b"")(p / f"{invitation}.docx").parent,
         f"Mẫu văn bản '{invitation}' không phải tệp DOCX hợp lệ"),
        ("missing", lambda p: (p / f"{invitation}.docx").unlink() or p, f"Không tìm thấy mẫu văn bản '{invitation}'"),
    ]:
        yield Case(f"template-{id_}", "schedule", "templates", make, expected)


# --- texts given on the command line or in a run form ------------------------------------------


def arguments() -> Iterator[Case]:
    sheet = lambda p: table(p, [PARTS, SHEET])  # noqa: E731  # a valid sheet: the reason is refused
    yield Case("argument-reason-esc", "score-reason", "diem.csv", sheet,
               f"Tham số '--reason': giá trị 'Chấm lại\\x1b[2J' có ký tự không hợp lệ '\\x1b' {CHAR}")
    yield Case("argument-reason-5000-characters", "score-reason-long", "diem.csv", sheet,
               f"Tham số '--reason': giá trị '{LONG}… (5000 ký tự)' dài 5000 ký tự, tối đa 3000 ký tự.")
    yield Case("argument-findings-nul", "inspect", "-", lambda p: p,
               f"Tham số '--findings': giá trị 'Đạt\\x00' có ký tự không hợp lệ '\\x00' {CHAR}")
    yield Case("argument-inspector-101-characters", "inspect-long", "-", lambda p: p,
               f"Tham số '--inspector': giá trị '{LONG}… (101 ký tự)' dài 101 ký tự, tối đa 100 ký tự.")
    yield Case("argument-absent-esc", "attendance", "-", lambda p: p,
               "Không phải thành viên Hội đồng: 'Vũ Thị Lan\\x1b[2J'.")
    yield Case("argument-reopening-reason-esc", "reopen", "-", lambda p: p,
               f"Tham số '--reason': giá trị 'Sai sót\\x1b]0;x' có ký tự không hợp lệ '\\x1b' {CHAR}")
    yield Case("argument-venue-bel", "schedule-venue", "-", lambda p: p,
               f"Tham số '--venue': giá trị 'Hội trường\\x07' có ký tự không hợp lệ '\\x07' {CHAR}")
    yield Case("argument-correction-reason-esc", "collect-reason", "dk.csv", lambda p: p,
               f"Tham số '--reason': giá trị 'Sửa tên\\x1b[2J' có ký tự không hợp lệ '\\x1b' {CHAR}")
    yield Case("argument-signer-bel", "approve", "-", lambda p: p,
               f"Tham số '--signer': giá trị 'Lương Thế Tuấn\\x07' có ký tự không hợp lệ '\\x07' {CHAR}")
    yield Case("argument-cancel-reason-nul", "cancel", "-", lambda p: p,
               f"Tham số '--reason': giá trị 'Sai\\x00' có ký tự không hợp lệ '\\x00' {CHAR}")


CASES = [*registrations(), *score_files(), *member_workbooks(), *campaign_files(), *templates(), *arguments()]


def test_the_corpus_is_large_and_every_case_named_once() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) >= 100 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_malformed_input_is_refused_with_its_message_and_leaves_no_trace(world: World, tmp_path: Path,
                                                                          case: Case) -> None:
    settings = world.settings
    folder = tmp_path / "input"
    folder.mkdir()
    if case.run == "schedule":  # a copy of the templates, one replaced
        for docx in (REPO / "templates").glob("*.docx"):
            (folder / docx.name).write_bytes(docx.read_bytes())
    elif case.id.startswith("workbook-"):
        (tmp_path / "template.xlsx").write_bytes(world.workbook.read_bytes())
    given = case.make(folder if case.run == "schedule" else folder / case.name)
    before, on_disk = counts(settings.database_url), files(settings.out_dir, folder)
    with pytest.raises(OcopError) as refused:  # anything else is a traceback
        if case.run == "collect":
            stages.collect(settings, CODE, given)
        elif case.run == "score":
            stages.score(settings, CODE, given)
        elif case.run == "set_up":
            stages.set_up(settings, given)
        elif case.run.startswith("score-reason"):
            stages.score(settings, CODE, given, reason="ậ" * 5000 if case.run.endswith("long") else "Chấm lại\x1b[2J")
        elif case.run.startswith("inspect"):
            long = case.run.endswith("long")
            stages.record_inspection(settings, CODE, "LN-01", datetime(2020, 6, 25).date(),
                                     ["ậ" * 101 if long else "Lê Quang Huy"], "Đạt" if long else "Đạt\x00")
        elif case.run == "attendance":
            stages.attendance(settings, CODE, absent=["Vũ Thị Lan\x1b[2J"], present=[])
        elif case.run == "reopen":
            stages.reopen(settings, CODE, "Nguyễn Văn Hùng", "Sai sót\x1b]0;x")
        elif case.run == "schedule-venue":
            stages.schedule(settings, CODE, venue="Hội trường\x07")
        elif case.run == "collect-reason":
            stages.collect(settings, CODE, SAMPLE / "registrations.csv", reason="Sửa tên\x1b[2J")
        elif case.run == "approve":
            stages.approve_documents(settings, CODE, [], Signer("Lương Thế Tuấn\x07", "CHỦ TỊCH"))
        elif case.run == "cancel":
            issued = next(d for d in stages.documents(settings, CODE) if d.status == "issued")
            stages.cancel_document(settings, CODE, issued.id, "Sai\x00")
        else:
            stages.schedule(dataclasses.replace(settings, templates_dir=given), CODE)
    message = str(refused.value)
    assert case.expected in message, message
    assert "Traceback" not in message and "\x1b" not in message and "\x07" not in message and "\x00" not in message
    assert counts(settings.database_url) == before
    assert files(settings.out_dir, folder) == on_disk


def test_a_formula_like_text_is_stored_as_text_and_written_back_as_text(sample_campaign: Settings,
                                                                         tmp_path: Path) -> None:
    """'=', '+', '-' and '@' first: text, in a CSV file or in a workbook's text cell; stored as written,
    and written as text cells to the verify stage's lists (never a formula)."""
    rows = [[*REG, "Điện thoại"],
            ["F-01", "=1+2 Mật ong", "1", "@HKD Nguyễn Văn An", "HKD", "Lục Sơn", "Có", "+84912345678"],
            ["F-02", "-Gà đồi-", "1", "+HTX Gà", "HTX", "Lục Sơn", "Có", "=0912345678"]]
    path = table(tmp_path / "cong-thuc.xlsx", rows, "Đăng ký")
    wb = load_workbook(path)
    for ref in ("B2", "H3"):  # text cells, as Excel keeps '=… typed after an apostrophe
        wb.active[ref].data_type = "s"
    wb.save(path)
    csv_path = table(tmp_path / "cong-thuc.csv", [REG, ["F-03", "=SUM(A1:A9)", "1", "@Chè", "HKD", "Lục Sơn", "Có"]])
    assert stages.collect(sample_campaign, CODE, path).new == 2
    assert stages.collect(sample_campaign, CODE, csv_path).new == 1
    with unit_of_work(sample_campaign.database_url) as s:
        names = dict(s.execute(select(Product.code, Product.name).where(Product.code.like("F-%"))).all())
        phones = dict(s.execute(select(Producer.name, Producer.phone).where(
            Producer.name.in_(["@HKD Nguyễn Văn An", "+HTX Gà"]))).all())
    assert names == {"F-01": "=1+2 Mật ong", "F-02": "-Gà đồi-", "F-03": "=SUM(A1:A9)"}
    assert phones == {"@HKD Nguyễn Văn An": "+84912345678", "+HTX Gà": "=0912345678"}
    lists = load_workbook(stages.verify(sample_campaign, CODE).lists)["Đủ điều kiện"]
    cells = {row[1].value: row[2] for row in lists.iter_rows(min_row=2) if str(row[1].value).startswith("F-")}
    assert {code: (c.value, c.data_type) for code, c in cells.items()} == {
        "F-01": ("=1+2 Mật ong", "s"), "F-02": ("-Gà đồi-", "s"), "F-03": ("=SUM(A1:A9)", "s")}


def test_a_partial_import_copies_a_refused_row_with_control_characters_to_the_error_workbook(
        sample_campaign: Settings, tmp_path: Path) -> None:
    """The refused row goes to the error workbook as it was (control characters as Excel's escapes,
    a formula-like text as text); corrected, it imports as it is."""
    path = table(tmp_path / "xa.csv", [REG, ["P-01", "Mật ong\x07 rừng", "1", "=HKD An", "HKD", "Lục Sơn", "Có"],
                                       ["P-02", "Gà đồi", "1", "=HKD An", "HKD", "Lục Sơn", "Có"]])
    result = stages.collect(sample_campaign, CODE, path, partial=True)
    assert (result.new, result.rejected) == (1, 1)
    [error_file] = result.error_files
    ws = load_workbook(error_file).active
    assert [(c.value, c.data_type) for c in ws[2]][1:4] == [
        ("Mật ong_x0007_ rừng", "s"), ("1", "s"), ("=HKD An", "s")]
    assert "có ký tự không hợp lệ '\\x07'" in ws["H2"].value
    ws["B2"] = "Mật ong rừng"
    ws.parent.save(error_file)
    assert stages.collect(sample_campaign, CODE, Path(error_file)).new == 1
