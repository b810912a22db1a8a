"""A member's print pack joins sheets of one template; anything else is refused, naming the file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ocop.documents.pack import pack
from ocop.errors import DocumentError

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_a_pack_holds_each_document_in_a_section_numbered_from_one(tmp_path: Path) -> None:
    sheet = TEMPLATES / "phieu_danh_gia.docx"
    out = pack([sheet, sheet, sheet], tmp_path / "in-phieu.docx")
    with zipfile.ZipFile(sheet) as z:
        one = z.read("word/document.xml").decode()
    with zipfile.ZipFile(out) as z:
        joined = z.read("word/document.xml").decode()
    assert joined.count("<w:tbl>") == 3 * one.count("<w:tbl>")
    assert joined.count("<w:sectPr") == 3 and joined.count('w:start="1"') == 3


def test_nothing_or_another_template_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="Không có văn bản nào"):
        pack([], tmp_path / "x.docx")
    sheet = TEMPLATES / "phieu_danh_gia.docx"
    other = tmp_path / "khac.docx"          # the same body, other styles: joined it would print wrongly
    with zipfile.ZipFile(sheet) as zin, zipfile.ZipFile(other, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            zout.writestr(name, data.replace(b"Times New Roman", b"Arial") if name == "word/styles.xml" else data)
    with pytest.raises(DocumentError, match=r"khac\.docx' không cùng mẫu"):
        pack([sheet, other], tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()
