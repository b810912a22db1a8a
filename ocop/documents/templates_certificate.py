"""Template of the Giấy chứng nhận sản phẩm OCOP: A4 landscape, framed, centred, with the
Decree 30 header (issuer | quốc hiệu, 'Số: …/GCN-UBND') and the place/date line above the
signature; a certificate has no Nơi nhận."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.table import _Cell

from ocop.documents import decree30 as D
from ocop.documents.templates_blocks import C, L, header_block, replaces, signature_block, signer
from ocop.documents.templates_ooxml import new_document, page_border, para

RIGHT_MM = 20.0        # widest right margin allowed: the frame is as centred as possible
WIDTH_MM = D.PAGE_HEIGHT_MM - D.MARGINS_MM["left"] - RIGHT_MM


def _validity(cell: _Cell) -> None:
    para(cell, "", size=14)
    para(cell, "Được công nhận theo {{ quyet_dinh }}.", size=14, after=4)
    para(cell, "Giấy chứng nhận có giá trị đến {{ hieu_luc_den }}.", size=14, italic=True)
    replaces(cell, size=13, align=L)


def _signature(cell: _Cell) -> None:
    para(cell, "{{ dia_danh_ngay }}", size=D.SIZE_DATE, italic=True, align=C, after=3)
    signer(cell, "chu_ky.dong", "chu_ky.ho_ten", "chu_ky.chuc_vu")


def giay_chung_nhan() -> DocxDocument:
    doc = new_document("Giấy chứng nhận sản phẩm OCOP", "Giấy chứng nhận", landscape=True,
                       margins={"right": RIGHT_MM})
    page_border(doc.sections[0])
    header_block(doc, numbered=True, dated=False, widths=(92.0, WIDTH_MM - 92.0))
    para(doc, "GIẤY CHỨNG NHẬN", size=32, bold=True, align=C, before=14, keep=True)
    para(doc, "SẢN PHẨM OCOP ĐẠT HẠNG {{ sao }} SAO", size=20, bold=True, align=C, keep=True)
    para(doc, "{{ sao_ky_hieu }}", size=28, align=C, after=6, keep=True)
    para(doc, "{{ ten_san_pham|upper }}", size=24, bold=True, align=C, after=6, keep=True)
    for label, value in (("Chủ thể: ", "{{ chu_the }}"), ("Địa chỉ: ", "{{ dia_chi }}"),
                         ("Bộ sản phẩm: ", "{{ bo_san_pham }}"),
                         ("Điểm đánh giá trung bình: ", "{{ diem_tb }} điểm")):
        para(doc, label, (value, {"bold": True}), size=15, align=C, after=3, keep=True)
    signature_block(doc, left=_validity, right=_signature, widths=(WIDTH_MM - 110.0, 110.0))
    return doc
