"""Collect stage on the bad-workbook corpus (tests/data/registrations), folders, --partial, 10,000 rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from ocop import progress
from ocop.errors import InputError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Producer, Product, Registration
from ocop.services import stages
from tests.conftest import SAMPLE

CODE = "luc-nam-2020"
CORPUS = Path(__file__).resolve().parents[1] / "data" / "registrations"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
HEADER = ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"]


def _count(url: str, model=Registration) -> int:
    with unit_of_work(url) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def campaign(settings):
    stages.set_up(settings, SAMPLE / "campaign.toml")
    return settings


def test_the_corpus_lists_every_workbook() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in CORPUS.glob("*.xlsx"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_workbook_gives_exactly_its_errors_and_stores_nothing(campaign, name: str) -> None:
    with pytest.raises(InputError) as err:
        stages.collect(campaign, CODE, CORPUS / name)
    assert str(err.value).splitlines()[0] == EXPECTED[name]["message"]
    assert err.value.problems == EXPECTED[name]["problems"]
    assert (_count(campaign.database_url), _count(campaign.database_url, Product)) == (0, 0)
    assert not list(CORPUS.glob("*.loi.xlsx"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_with_partial_each_bad_workbook_stores_its_valid_rows_and_lists_the_rest(campaign, name: str,
                                                                                 tmp_path: Path) -> None:
    shutil.copy(CORPUS / name, tmp_path / name)
    expected = EXPECTED[name]["partial"]
    errors = tmp_path / name.replace(".xlsx", ".loi.xlsx")
    if expected is None:  # a wrong header or no row at all: refused even with --partial
        with pytest.raises(InputError):
            stages.collect(campaign, CODE, tmp_path / name, partial=True)
        assert _count(campaign.database_url) == 0 and not errors.exists()
        return
    result = stages.collect(campaign, CODE, tmp_path / name, partial=True)
    assert (result.new, result.rejected, list(result.problems)) == (
        expected["stored"], expected["errors"], EXPECTED[name]["problems"])
    assert _count(campaign.database_url) == expected["stored"]
    rows = list(load_workbook(errors).active.iter_rows(values_only=True))
    assert rows[0][-1] == "Lỗi" and len(rows) == 1 + expected["errors"] and all(r[-1] for r in rows[1:])


def test_partial_stores_the_valid_rows_and_writes_the_rest_beside_the_input(campaign, tmp_path: Path) -> None:
    name = "dong-trong-va-gop-o.xlsx"
    shutil.copy(CORPUS / name, tmp_path / name)
    result = stages.collect(campaign, CODE, tmp_path / name, partial=True)
    assert (result.rows, result.new, result.rejected) == (6, 2, 4)
    assert list(result.problems) == EXPECTED[name]["problems"]
    errors = tmp_path / "dong-trong-va-gop-o.loi.xlsx"
    assert result.error_files == (str(errors),)
    with unit_of_work(campaign.database_url) as s:
        assert sorted(s.scalars(select(Product.code))) == ["BS-01", "BS-05"]
    ws = load_workbook(errors).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == [*HEADER, "Lỗi"]
    assert [r[0] for r in rows[1:]] == ["BS-02", "BS-03", "BS-04", "Thôn Đồng Vành"]
    merged = "dòng 7–9, cột 'Tên chủ thể': các ô D7:D9 được gộp, cần bỏ gộp ô và ghi giá trị ở từng dòng."
    assert [r[-1] for r in rows[1:4]] == [merged] * 3
    # corrected (producer written on each row, the section row deleted), the error workbook imports as it is
    wb = load_workbook(errors)
    ws = wb.active
    for r in (2, 3, 4):
        ws.cell(r, 4, "HTX Bảo Sơn")
    ws.delete_rows(5)
    wb.save(errors)
    again = stages.collect(campaign, CODE, errors)
    assert (again.rows, again.new) == (3, 3)
    assert _count(campaign.database_url) == 5


def test_partial_with_a_broken_header_is_refused(campaign, tmp_path: Path) -> None:
    shutil.copy(CORPUS / "thieu-cot.xlsx", tmp_path / "thieu-cot.xlsx")
    with pytest.raises(InputError, match="tệp thiếu cột bắt buộc"):
        stages.collect(campaign, CODE, tmp_path / "thieu-cot.xlsx", partial=True)
    assert _count(campaign.database_url) == 0 and not (tmp_path / "thieu-cot.loi.xlsx").exists()


def test_text_dates_and_numbers_are_read(campaign, tmp_path: Path) -> None:
    from datetime import date

    shutil.copy(CORPUS / "ngay-so-dang-chu.xlsx", tmp_path / "d.xlsx")
    result = stages.collect(campaign, CODE, tmp_path / "d.xlsx", partial=True)
    assert (result.new, result.rejected) == (2, 4)
    with unit_of_work(campaign.database_url) as s:
        regs = {r.product.code: r for r in s.scalars(select(Registration))}
    assert (regs["101"].kind, regs["101"].certificate_date, regs["101"].certificate_stars) == (
        "upgrade", date(2018, 11, 5), 3)
    assert (regs["101"].registered_on, regs["101"].set_code) == (date(2020, 6, 1), "1")
    assert (regs["102"].kind, regs["102"].certificate_date, regs["102"].registered_on) == (
        "reevaluation", date(2017, 5, 20), date(2020, 6, 1))


def test_nfd_and_spaces_are_stored_nfc_and_match_the_campaign_communes(campaign, tmp_path: Path) -> None:
    shutil.copy(CORPUS / "unicode-nfd.xlsx", tmp_path / "n.xlsx")
    stages.collect(campaign, CODE, tmp_path / "n.xlsx", partial=True)
    with unit_of_work(campaign.database_url) as s:
        producers = {(p.name, p.commune) for p in s.scalars(select(Producer))}
        names = set(s.scalars(select(Product.name)))
    assert producers == {("Hợp tác xã Na Huyền Sơn", "Huyền Sơn"), ("Công ty CP Nông lâm Trường Sơn", "Trường Sơn")}
    assert names == {"Na dai Huyền Sơn", "Mít tố nữ Trường Sơn"}


def test_a_folder_stores_each_good_file_and_reports_the_same_product_across_communes(campaign, tmp_path: Path) -> None:
    folder = tmp_path / "dang-ky"
    shutil.copytree(CORPUS / "thu-muc", folder)
    (folder / "~$xa-bao-dai.xlsx").write_bytes(b"lock")  # an office lock file is skipped
    seen: list[tuple[str, int, int]] = []
    with progress.reporting(lambda *step: seen.append(step)):  # what a flow shows as a progress bar
        result = stages.collect(campaign, CODE, folder)
    assert seen == [("Tệp phiếu đăng ký", 1, 2), ("Tệp phiếu đăng ký", 2, 2)]
    files = {f.file: f for f in result.files}
    assert (files["xa-bao-dai.xlsx"].new, files["xa-bao-dai.xlsx"].refused) == (2, False)
    assert files["xa-bao-son.xlsx"].refused and files["xa-bao-son.xlsx"].problems == [
        "xa-bao-son.xlsx, sheet 'Đăng ký', dòng 2, cột 'Tên sản phẩm': sản phẩm 'Mật ong bạc hà' của "
        "'HKD Lê Văn Dũng' đã có ở tệp xa-bao-dai.xlsx, dòng 2 (xã Bảo Đài) (đăng ký trùng)."]
    assert _count(campaign.database_url) == 2
    # later, the second commune's file alone: the product is already registered from Bảo Đài
    with pytest.raises(InputError) as err:
        stages.collect(campaign, CODE, folder / "xa-bao-son.xlsx")
    assert err.value.problems == [
        "xa-bao-son.xlsx, sheet 'Đăng ký', dòng 2, cột 'Tên sản phẩm': sản phẩm 'Mật ong bạc hà' của "
        "'HKD Lê Văn Dũng' đã đăng ký ở xã Bảo Đài (tệp xa-bao-dai.xlsx, dòng 2) (đăng ký trùng)."]
    again = stages.collect(campaign, CODE, folder)  # re-importing: nothing new or changed
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


def test_a_corrected_file_updates_what_it_matches_and_keeps_what_it_does_not_say(campaign, tmp_path: Path) -> None:
    def write(rows: list[list], extra: list[str] = ()) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.append(HEADER + list(extra))
        for row in rows:
            ws.append(row)
        wb.save(tmp_path / "xa.xlsx")
        return tmp_path / "xa.xlsx"

    items = ["Phiếu đăng ký", "Mẫu sản phẩm"]
    first = write([["", "Chè Khe Rỗ", 1, "HTX Chè", "HTX", "Bình Sơn", "Không", "Có", "Không"]], items)
    assert stages.collect(campaign, CODE, first).new == 1
    assert stages.collect(campaign, CODE, first).unchanged == 1
    # the commune confirms; the old 7-column form does not touch the declared dossier
    fixed = write([["", "chè khe  rỗ", "01", "htx chè", "HTX", "xã Bình Sơn", "Có"]])
    result = stages.collect(campaign, CODE, fixed)
    assert (result.new, result.updated) == (0, 1)
    with unit_of_work(campaign.database_url) as s:
        reg = s.scalars(select(Registration)).one()
        assert (reg.commune_confirmed, reg.dossier, reg.product.name) == (
            True, {"phieu_dang_ky": True, "mau_san_pham": False}, "chè khe rỗ")
        assert reg.product.code == "SP000001"


def test_ten_thousand_rows_with_three_bad_ones(campaign, tmp_path: Path) -> None:
    communes = ["Bảo Đài", "Bảo Sơn", "Cẩm Lý", "Đan Hội", "Huyền Sơn"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đăng ký")
    ws.append([*HEADER, "Ngày đăng ký", "Phiếu đăng ký"])
    for i in range(10_000):
        row = [f"P{i:05d}", f"Sản phẩm {i}", 1, f"Chủ thể {i // 2}", "HKD", communes[i % 5], "Có", "01/06/2020", "Có"]
        if i == 4_321:
            row[2] = "27"
        if i == 7_000:
            row[7] = "31/06/2020"
        if i == 9_998:
            row[0] = "P00007"
        ws.append(row)
    wb.save(tmp_path / "lon.xlsx")
    with pytest.raises(InputError) as err:
        stages.collect(campaign, CODE, tmp_path / "lon.xlsx")
    w = "lon.xlsx, sheet 'Đăng ký'"
    assert err.value.problems == [
        f"{w}, dòng 4323, cột 'Bộ sản phẩm': giá trị '27' không phải bộ sản phẩm của 1048/2019, cần mã bộ "
        "(ví dụ 1, 07, 26a) hoặc tên bộ.",
        f"{w}, dòng 7002, cột 'Ngày đăng ký': giá trị '31/06/2020' không phải ngày, cần ngày dạng dd/mm/yyyy.",
        f"{w}, dòng 10000, cột 'Mã sản phẩm': sản phẩm 'Sản phẩm 9998' của 'Chủ thể 4999' đã có ở dòng 9 "
        "(xã Cẩm Lý) (đăng ký trùng).",
    ]
    assert _count(campaign.database_url) == 0
    result = stages.collect(campaign, CODE, tmp_path / "lon.xlsx", partial=True)
    assert (result.rows, result.new, result.rejected) == (10_000, 9_997, 3)
    assert _count(campaign.database_url) == 9_997
    again = stages.collect(campaign, CODE, tmp_path / "lon.xlsx", partial=True)
    assert (again.new, again.updated, again.unchanged, again.rejected) == (0, 0, 9_997, 3)


def test_the_rows_an_import_adds_are_found_when_their_ids_are_below_the_highest(campaign, tmp_path: Path) -> None:
    """Rows restored with their ids leave PostgreSQL's sequences behind them: the ids an import's
    new rows get are then below the table's highest, and the rows are found by their keys."""
    with unit_of_work(campaign.database_url) as s:
        s.add(Producer(id=1_000_000, name="HTX Chè Cũ", name_key="htx chè cũ", kind="HTX", commune="Bảo Đài"))
        s.flush()
        s.add(Product(id=1_000_000, producer_id=1_000_000, code="CU-01", name="Chè cũ", name_key="chè cũ"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Đăng ký"
    ws.append(HEADER)
    ws.append(["LN-01", "Mật ong", 1, "HKD An", "HKD", "Bảo Đài", "Có"])
    ws.append(["LN-02", "Gà đồi", 1, "HKD Bình", "HKD", "Bảo Sơn", "Có"])
    wb.save(tmp_path / "xa.xlsx")
    assert stages.collect(campaign, CODE, tmp_path / "xa.xlsx").new == 2
    with unit_of_work(campaign.database_url) as s:
        registered = {(r.product.code, r.product.name, r.product.producer.name, r.product.producer.commune)
                      for r in s.scalars(select(Registration))}
    assert registered == {("LN-01", "Mật ong", "HKD An", "Bảo Đài"), ("LN-02", "Gà đồi", "HKD Bình", "Bảo Sơn")}
