"""Corrections: a re-imported row with a registered product's code updates it, logged and reported;
once documents about it are issued, a reason is needed and the stage issues new versions."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from ocop import present
from ocop.errors import CorrectionError, InputError, ScoringError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Document, Product, Registration, RegistrationChange
from ocop.services import stages
from tests.conftest import SAMPLE, docx_text

CODE = "luc-nam-2020"
HEADER = ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"]
FIXED = "Na dai Huyền Sơn"
TYPO = "Na dai Huyen Son"


def _sample_rows() -> list[list[str]]:
    return list(csv.reader((SAMPLE / "registrations.csv").open(encoding="utf-8")))[1:]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    return path


def _ln01(name: str = FIXED, producer: str = "Hợp tác xã Na Huyền Sơn") -> list[str]:
    return ["LN-01", name, "1", producer, "HTX", "Huyền Sơn", "Có"]


def _product(settings, code: str = "LN-01") -> tuple[str, str]:
    with unit_of_work(settings.database_url) as s:
        product = s.scalars(select(Product).where(Product.code == code)).one()
        return product.name, product.producer.name


def _log(settings) -> list[tuple[str, str, str, str, str]]:
    with unit_of_work(settings.database_url) as s:
        return [(c.field, c.old, c.new, c.reason, c.source)
                for c in s.scalars(select(RegistrationChange).order_by(RegistrationChange.id))]


def _notices(settings) -> list[Document]:
    with unit_of_work(settings.database_url) as s:
        docs = list(s.scalars(select(Document).where(Document.kind == "thong_bao_kiem_tra_ho_so")
                              .order_by(Document.id)))
        s.expunge_all()
        return docs


@pytest.fixture
def typo(settings, tmp_path: Path):
    """The sample imported from a file whose LN-01 carries a name typed without diacritics."""
    stages.set_up(settings, SAMPLE / "campaign.toml")
    rows = [_ln01(TYPO) if r[0] == "LN-01" else r for r in _sample_rows()]
    stages.collect(settings, CODE, _write(tmp_path / "dang-ky.csv", rows))
    return settings


def test_a_corrected_row_before_verify_updates_the_product_logs_and_reports_it(typo, tmp_path: Path) -> None:
    result = stages.collect(typo, CODE, _write(tmp_path / "sua.csv", [_ln01()]))  # another file, one row
    assert (result.new, result.updated, result.unchanged) == (0, 0, 1)  # the registration's own fields held
    assert [str(c) for c in result.changes] == ["LN-01: tên sản phẩm 'Na dai Huyen Son' → 'Na dai Huyền Sơn'"]
    assert [str(c) for c in result.files[0].changes] == [str(c) for c in result.changes]
    assert _product(typo) == (FIXED, "Hợp tác xã Na Huyền Sơn")
    assert _log(typo) == [("Tên sản phẩm", TYPO, FIXED, "", "sua.csv")]
    # identical again: nothing changes, nothing logged
    again = stages.collect(typo, CODE, tmp_path / "sua.csv")
    assert (again.new, again.updated, again.unchanged, again.changes) == (0, 0, 1, ())
    assert len(_log(typo)) == 1


def test_a_corrected_producer_and_confirmation_are_reported_per_field(typo, tmp_path: Path) -> None:
    row = _ln01(TYPO, "HTX Na Huyền Sơn")
    row[6] = "Không"
    result = stages.collect(typo, CODE, _write(tmp_path / "sua.csv", [row]))
    assert result.updated == 1
    assert [str(c) for c in result.changes] == [
        "LN-01: tên chủ thể 'Hợp tác xã Na Huyền Sơn' → 'HTX Na Huyền Sơn'",
        "LN-01: xác nhận UBND xã 'có' → 'không'"]
    with unit_of_work(typo.database_url) as s:
        reg = s.scalars(select(Registration).join(Product).where(Product.code == "LN-01")).one()
        assert (reg.commune_confirmed, reg.status) == (False, "registered")


def test_the_code_is_the_key_and_cannot_be_corrected(typo, tmp_path: Path) -> None:
    row = _ln01(TYPO)
    row[0] = "LN-99"
    with pytest.raises(CorrectionError) as err:
        stages.collect(typo, CODE, _write(tmp_path / "sua.csv", [row]))
    assert str(err.value) == (
        "sua.csv, dòng 2, cột 'Mã sản phẩm': mã sản phẩm không sửa được (mã là khóa của sản phẩm): sản phẩm "
        "'Na dai Huyen Son' của 'Hợp tác xã Na Huyền Sơn' đã đăng ký với mã 'LN-01', dòng này ghi 'LN-99'. "
        "Ghi lại mã 'LN-01' để sửa sản phẩm này.")
    assert _product(typo) == (TYPO, "Hợp tác xã Na Huyền Sơn") and _log(typo) == []
    with unit_of_work(typo.database_url) as s:
        assert s.scalars(select(Product).where(Product.code == "LN-99")).first() is None


def test_a_code_of_another_product_with_another_name_and_producer_is_still_refused(typo, tmp_path: Path) -> None:
    row = ["LN-01", "Gạo nếp cái hoa vàng", "1", "HTX Gạo Bảo Sơn", "HTX", "Bảo Sơn", "Có"]
    with pytest.raises(InputError) as err:
        stages.collect(typo, CODE, _write(tmp_path / "xa.csv", [row]))
    assert "mã 'LN-01' đã dùng cho một sản phẩm khác" in err.value.problems[0]


def test_after_verify_a_correction_needs_a_reason_then_verify_replaces_the_notice(typo, tmp_path: Path) -> None:
    stages.verify(typo, CODE)
    old = next(d for d in _notices(typo) if TYPO in docx_text(typo.out_dir / d.file_path))
    fixed = _write(tmp_path / "sua.csv", [_ln01()])
    with pytest.raises(CorrectionError) as err:
        stages.collect(typo, CODE, fixed)
    assert str(err.value) == (
        f"Đã ban hành văn bản về sản phẩm LN-01 (Thông báo số {old.symbol} ngày "
        f"{present.date_short(old.issued_on)}): sửa đăng ký cần ghi lý do (--reason \"Lý do\"); sau khi sửa, "
        "chạy lại các bước đã chạy để ban hành văn bản thay thế.")
    assert _product(typo)[0] == TYPO and _log(typo) == []  # nothing stored

    reason = "Tên sản phẩm gõ thiếu dấu"
    result = stages.collect(typo, CODE, fixed, reason=reason)
    assert [str(c) for c in result.changes] == ["LN-01: tên sản phẩm 'Na dai Huyen Son' → 'Na dai Huyền Sơn'"]
    assert _log(typo) == [("Tên sản phẩm", TYPO, FIXED, reason, "sua.csv")]
    before = {d.id for d in _notices(typo)}
    summary = stages.verify(typo, CODE).documents
    assert summary.replaced == 1
    notices = _notices(typo)
    new = next(d for d in notices if d.id not in before)
    replaced = next(d for d in notices if d.id == old.id)
    assert (new.version, new.status, replaced.status, replaced.replaced_by_id) == (2, "issued", "replaced", new.id)
    assert new.symbol != old.symbol
    assert replaced.note == (f"Thay bằng Thông báo số {new.symbol} ngày {present.date_short(new.issued_on)}; "
                             f"sửa đăng ký LN-01: {reason}")
    text = docx_text(typo.out_dir / new.file_path)
    assert FIXED in text and TYPO not in text
    assert f"Thay thế Thông báo số {old.symbol} ngày {present.date_short(old.issued_on)}" in text
    assert all(d.status == "issued" for d in notices if d.id not in (old.id, new.id))  # the others untouched


def test_after_the_results_are_issued_a_correction_needs_a_reopening(typo, tmp_path: Path) -> None:
    stages.verify(typo, CODE)
    stages.schedule(typo, CODE)
    stages.score(typo, CODE, SAMPLE / "scores.csv")
    stages.rank(typo, CODE)
    with pytest.raises(ScoringError) as err:
        stages.collect(typo, CODE, _write(tmp_path / "sua.csv", [_ln01()]), reason="Tên gõ thiếu dấu")
    assert "không sửa được đăng ký của sản phẩm LN-01" in str(err.value)
    assert "ocop meeting reopen" in str(err.value)
    assert _product(typo)[0] == TYPO


def test_a_corrected_producer_name_after_verify_replaces_its_notice(typo, tmp_path: Path) -> None:
    stages.verify(typo, CODE)
    old = next(d for d in _notices(typo) if TYPO in docx_text(typo.out_dir / d.file_path))
    fixed = _write(tmp_path / "sua.csv", [_ln01(TYPO, "Hợp tác xã Na dai Huyền Sơn")])
    result = stages.collect(typo, CODE, fixed, reason="Tên hợp tác xã theo giấy đăng ký")
    assert [str(c) for c in result.changes] == [
        "LN-01: tên chủ thể 'Hợp tác xã Na Huyền Sơn' → 'Hợp tác xã Na dai Huyền Sơn'"]
    assert _product(typo) == (TYPO, "Hợp tác xã Na dai Huyền Sơn")
    assert stages.verify(typo, CODE).documents.replaced == 1
    new = next(d for d in _notices(typo) if d.replaced_by_id is None and d.subject == old.subject and d.id != old.id)
    assert next(d for d in _notices(typo) if d.id == old.id).replaced_by_id == new.id
    text = docx_text(typo.out_dir / new.file_path)
    assert "Hợp tác xã Na dai Huyền Sơn" in text and "Hợp tác xã Na Huyền Sơn" not in text
    assert f"Thay thế Thông báo số {old.symbol}" in text


def test_after_a_reopening_a_corrected_name_is_issued_anew_by_rank(typo, tmp_path: Path) -> None:
    stages.verify(typo, CODE)
    stages.schedule(typo, CODE)
    stages.score(typo, CODE, SAMPLE / "scores.csv")
    stages.rank(typo, CODE)
    stages.reopen(typo, CODE, "Lương Thế Tuấn", "Tên sản phẩm LN-01 gõ thiếu dấu", dt.date(2020, 11, 10))
    stages.collect(typo, CODE, _write(tmp_path / "sua.csv", [_ln01()]), reason="Tên gõ thiếu dấu")
    stages.rank(typo, CODE)
    with unit_of_work(typo.database_url) as s:
        notices = list(s.scalars(select(Document).where(Document.kind == "thong_bao_ket_qua",
                                                        Document.subject == "LN-01").order_by(Document.id)))
        assert [d.status for d in notices] == ["replaced", "issued"]
        assert "sửa đăng ký LN-01: Tên gõ thiếu dấu" in notices[0].note
        text = docx_text(typo.out_dir / notices[1].file_path)
    assert FIXED in text and f"Thay thế Thông báo số {notices[0].symbol}" in text
