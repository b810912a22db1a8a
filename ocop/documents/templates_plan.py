"""Templates of the planning and set-up stage: the Kế hoạch (regenerates the founding plan from
data) and the council's Quyết định ban hành Quy chế hoạt động with the Quy chế attached."""

from __future__ import annotations

from docx.document import Document as DocxDocument

from ocop.documents import decree30 as D
from ocop.documents.templates_blocks import (
    C,
    articles,
    body,
    decision_opening,
    header_block,
    recipients_and_copies,
    signature_block,
    title_block,
)
from ocop.documents.templates_ooxml import new_document, new_section, para, rule, tag


def ke_hoach() -> DocxDocument:
    """KẾ HOẠCH: căn cứ + lời mở, roman-numbered sections (I. MỤC ĐÍCH, YÊU CẦU …) of
    subsections (optional bold heading + paragraphs), closing line, Nơi nhận + Bản điện tử."""
    doc = new_document("Kế hoạch tổ chức đánh giá, phân hạng sản phẩm OCOP", "Kế hoạch")
    header_block(doc, numbered=True)
    title_block(doc, "KẾ HOẠCH", "{{ trich_yeu }}")
    body(doc, "{{ can_cu }}", before=12)
    body(doc, "{{ loi_mo }}")
    tag(doc, "{%p for s in phan %}")
    body(doc, ("{{ s.so }}. {{ s.ten|upper }}", {"bold": True}), before=6, keep=True)
    tag(doc, "{%p for m in s.muc %}")
    tag(doc, "{%p if m.tieu_de %}")
    body(doc, ("{{ m.tieu_de }}", {"bold": True}), keep=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for d in m.doan %}")
    body(doc, "{{ d }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    body(doc, "{{ ket_thuc|ket_thuc }}")
    signature_block(doc, left=recipients_and_copies)
    return doc


def _quy_che(doc: DocxDocument) -> None:
    """The attached QUY CHẾ on its own section (page numbers restart at 1, none on its page 1).
    The '(Ban hành kèm theo Quyết định số …)' line takes the decision's own number, so that a
    draft and the issued document always cite the number printed on the decision."""
    new_section(doc)
    header_block(doc, numbered=False, dated=False)
    para(doc, "QUY CHẾ", size=D.SIZE_TITLE, bold=True, align=C, before=18, keep=True)
    para(doc, "{{ quy_che_trich_yeu }}", size=D.SIZE_TITLE, bold=True, align=C, keep=True)
    para(doc, "(Ban hành kèm theo Quyết định số {{ so_ky_hieu }} {{ kem_theo }})", size=D.SIZE_TITLE,
         italic=True, align=C, keep=True)
    rule(doc, D.TITLE_RULE_MM, D.TEXT_WIDTH_MM, before=3)
    tag(doc, "{%p for c in chuong %}")
    tag(doc, "{%p set chuong_cuoi = loop.last %}")
    para(doc, "{{ c.so }}", bold=True, align=C, before=12, keep=True)
    para(doc, "{{ c.ten|upper }}", bold=True, align=C, after=6, keep=True)
    tag(doc, "{%p for d in c.dieu %}")
    tag(doc, "{%p set dieu_cuoi = chuong_cuoi and loop.last %}")
    body(doc, ("Điều {{ d.so }}. {{ d.ten }}", {"bold": True}), keep=True)
    tag(doc, "{%p for k in d.khoan %}")
    tag(doc, "{%p if dieu_cuoi and loop.last %}")      # the Quy chế's last paragraph goes with the signature
    body(doc, "{{ k }}", keep=True)
    tag(doc, "{%p else %}")
    body(doc, "{{ k }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    signature_block(doc, left=None)


def qd_ban_hanh_quy_che() -> DocxDocument:
    """QUYẾT ĐỊNH of the council (…/QĐ-HĐOCOP) issuing its Quy chế hoạt động, then the Quy chế."""
    doc = new_document("Quyết định ban hành Quy chế hoạt động của Hội đồng đánh giá, phân hạng "
                       "sản phẩm OCOP", "Quyết định")
    header_block(doc, numbered=True)
    title_block(doc, "QUYẾT ĐỊNH", "{{ trich_yeu }}")
    decision_opening(doc)
    articles(doc, "dieu")
    signature_block(doc)
    _quy_che(doc)
    return doc
