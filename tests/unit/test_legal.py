"""Legal instruments as dated data: a document cites only what exists on its date, each text once."""

from __future__ import annotations

from datetime import date

import pytest

from ocop.rules import legal
from ocop.rules.editions import get_edition

PLAIN_1048 = ("Quyết định số 1048/QĐ-TTg ngày 21/8/2019 của Thủ tướng Chính phủ ban hành Bộ tiêu chí đánh giá, "
              "phân hạng sản phẩm Chương trình mỗi xã một sản phẩm")
WITH_781 = PLAIN_1048 + ", được sửa đổi, bổ sung bởi Quyết định số 781/QĐ-TTg ngày 08/6/2020"


@pytest.mark.parametrize(("on", "expected"), [
    (date(2020, 1, 7), PLAIN_1048),  # QĐ 18/QĐ-UBND: before 781
    (date(2020, 6, 7), PLAIN_1048),  # the day before 781
    (date(2020, 6, 8), WITH_781),  # 781's own date
    (date(2020, 10, 20), WITH_781),  # the council's meeting
])
def test_1048_is_cited_with_781_only_from_08_6_2020(on: date, expected: str) -> None:
    edition = get_edition("1048/2019")
    assert edition.title_on(on) == expected
    citation = edition.citation(on)
    assert citation is not None and citation.text == expected


def test_the_short_form_follows_the_same_dates() -> None:
    edition = get_edition("1048/2019")
    assert edition.short_title_on(date(2020, 5, 26)) == (
        "Quyết định số 1048/QĐ-TTg ngày 21/8/2019 của Thủ tướng Chính phủ")
    assert edition.short_title_on(date(2020, 10, 20)) == (
        "Quyết định số 1048/QĐ-TTg ngày 21/8/2019 của Thủ tướng Chính phủ "
        "(sửa đổi bởi Quyết định số 781/QĐ-TTg ngày 08/6/2020)")


def test_148_is_cited_with_1489_only_from_06_7_2025() -> None:
    edition = get_edition("148/2023+1489/2025")
    assert "1489" not in edition.title_on(date(2025, 7, 5))
    assert edition.title_on(date(2025, 7, 6)).endswith(
        ", được sửa đổi, bổ sung bởi Quyết định số 1489/QĐ-TTg ngày 06/7/2025")


def test_nothing_is_cited_before_it_exists() -> None:
    assert get_edition("1048/2019").citation(date(2019, 8, 20)) is None
    basis = legal.Instrument("Kế hoạch", "2077/KH-UBND", date(2020, 5, 18), "Chủ tịch UBND tỉnh Bắc Giang",
                             "về Tổ chức đánh giá và phân hạng sản phẩm OCOP tỉnh Bắc Giang năm 2020")
    assert legal.cite(basis, date(2020, 1, 7)) is None
    found = legal.cite(basis, date(2020, 5, 26))
    assert found is not None and found.text == (
        "Kế hoạch số 2077/KH-UBND ngày 18/5/2020 của Chủ tịch UBND tỉnh Bắc Giang về Tổ chức đánh giá và phân "
        "hạng sản phẩm OCOP tỉnh Bắc Giang năm 2020")


@pytest.mark.parametrize(("on", "law"), [
    (date(2019, 11, 21), "Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19 tháng 6 năm 2015"),
    (date(2020, 1, 7), "Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19 tháng 6 năm 2015; "
                       "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền "
                       "địa phương số 47/2019/QH14 ngày 22 tháng 11 năm 2019"),
    (date(2025, 3, 1), "Luật Tổ chức chính quyền địa phương số 65/2025/QH15 ngày 19 tháng 02 năm 2025"),
    (date(2025, 7, 1), "Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025"),
])
def test_the_competence_basis_is_the_law_on_local_government_in_force(on: date, law: str) -> None:
    found = legal.competence(on)
    assert found is not None and found.text == law
    assert legal.competence(date(2015, 6, 18)) is None


def test_a_text_cited_twice_is_cited_once() -> None:
    on = date(2020, 10, 20)
    edition = get_edition("1048/2019").citation(on)
    listed = legal.Instrument("Quyết định", "781/QĐ-TTg", date(2020, 6, 8), "Thủ tướng Chính phủ")
    plan = legal.Instrument("Kế hoạch", "200/KH-UBND", date(2019, 12, 18), "Chủ tịch UBND huyện Lục Nam")
    found = legal.unique([edition, legal.cite(listed, on), legal.cite(plan, on), legal.cite(plan, on)])
    assert [c.numbers for c in found] == [("1048/QĐ-TTg", "781/QĐ-TTg"), ("200/KH-UBND",)]
