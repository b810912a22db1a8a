"""Decree 30/2020/NĐ-CP rules: place and date line, number symbols, signature lines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ocop.documents import decree30 as D
from ocop.errors import DocumentError


def test_every_day_of_a_leap_year_matches_the_checker_regex():
    d = date(2020, 1, 1)
    while d.year == 2020:
        assert D.PLACE_DATE_RE.match(D.place_date("Lục Nam", d)), d
        d += timedelta(days=1)
    assert not D.PLACE_DATE_RE.match("Lục Nam, ngày 7 tháng 1 năm 2020")
    assert not D.PLACE_DATE_RE.match("Lục Nam, ngày 07 tháng 06 năm 2020")


def test_place_date():
    assert D.place_date(" Lục Nam ", date(2020, 1, 7)) == "Lục Nam, ngày 07 tháng 01 năm 2020"
    with pytest.raises(DocumentError):
        D.place_date("  ", date(2020, 1, 7))


@pytest.mark.parametrize(("args", "expected"), [
    ((18, "QĐ", "UBND"), "18/QĐ-UBND"),
    ((5, "QĐ", "HĐOCOP"), "05/QĐ-HĐOCOP"),
    ((1, "BB", "HĐOCOP"), "01/BB-HĐOCOP"),
    ((112, "TTr", "UBND"), "112/TTr-UBND"),
    ((12, None, "UBND-NN"), "12/UBND-NN"),
    ((None, "QĐ", "UBND"), "     /QĐ-UBND"),
])
def test_number_symbol(args, expected):
    assert D.number_symbol(*args) == expected


@pytest.mark.parametrize("bad", [0, -3, True, 2.0])
def test_number_symbol_refuses_bad_numbers(bad):
    with pytest.raises(DocumentError):
        D.number_symbol(bad, "QĐ", "UBND")


def test_number_symbol_needs_an_issuer():
    with pytest.raises(DocumentError):
        D.number_symbol(3, "QĐ", "")


def test_certificate_symbol_is_numbered_with_its_decision():
    assert D.certificate_symbol("21/QĐ-UBND", 1) == "21-01/GCN-UBND"
    assert D.certificate_symbol("104/QĐ-UBND", 12) == "104-12/GCN-UBND"
    assert D.certificate_symbol(D.number_symbol(None, "QĐ", "UBND"), 3) == "     -03/GCN-UBND"  # a draft
    assert D.NUMBER_RE.match("Số: 21-01/GCN-UBND") and D.NUMBER_RE.match("Số:      -01/GCN-UBND")
    for bad in ("", "QĐ-UBND", "ab/QĐ-UBND"):
        with pytest.raises(DocumentError):
            D.certificate_symbol(bad, 1)
    with pytest.raises(DocumentError):
        D.certificate_symbol("21/QĐ-UBND", 0)


def test_signature_lines():
    assert D.signature_lines("KT.", "PHÓ CHỦ TỊCH", "ỦY BAN NHÂN DÂN") == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert D.signature_lines("KT.", "PHÓ CHỦ TỊCH", head_title="CHỦ TỊCH") == [
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert D.signature_lines("KT.", "Phó Giám đốc") == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert D.signature_lines(None, "CHỦ TỊCH HỘI ĐỒNG") == ["CHỦ TỊCH HỘI ĐỒNG"]
    assert D.signature_lines("TL.", "CHÁNH VĂN PHÒNG", head_title="CHỦ TỊCH") == [
        "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
    assert D.signature_lines("TM.", "CHỦ TỊCH", "ỦY BAN NHÂN DÂN") == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert D.signature_lines("Q.", "GIÁM ĐỐC") == ["Q. GIÁM ĐỐC"]


@pytest.mark.parametrize("bad", ["TT.", "KT", "Thay mặt", "TM"])
def test_signature_lines_refuses_unknown_prefix(bad):
    with pytest.raises(DocumentError, match="không hợp lệ"):
        D.signature_lines(bad, "PHÓ CHỦ TỊCH", head_title="CHỦ TỊCH")


@pytest.mark.parametrize(("args", "kwargs"), [
    (("TM.", "CHỦ TỊCH"), {}),                      # TM. without the collective body
    (("TL.", "CHÁNH VĂN PHÒNG"), {}),               # TL. without the head's title
    (("KT.", "CHỦ TỊCH"), {}),                      # KT. of a non-deputy, no head given
    ((None, "  "), {}),                             # no title
])
def test_signature_lines_refuses_incomplete(args, kwargs):
    with pytest.raises(DocumentError):
        D.signature_lines(*args, **kwargs)


@pytest.mark.parametrize(("text", "expected"), [
    ("thi hành Quyết định này.", "thi hành Quyết định này./."),
    ("thi hành Quyết định này", "thi hành Quyết định này./."),
    ("thi hành Quyết định này./.", "thi hành Quyết định này./."),
])
def test_ends_document(text, expected):
    assert D.ends_document(text) == expected
