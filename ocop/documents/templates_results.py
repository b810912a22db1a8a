"""Templates addressed to producers and of the recognition: Thông báo kết quả kiểm tra hồ sơ,
Quyết định công nhận kết quả đánh giá, phân hạng, Thông báo kết quả đánh giá, phân hạng."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.table import _Cell

from ocop.documents import decree30 as D
from ocop.documents.templates_blocks import (
    C,
    J,
    L,
    articles,
    body,
    data_table,
    decision_opening,
    header_block,
    loop,
    signature_block,
    title_block,
)
from ocop.documents.templates_ooxml import new_document, para, tag


def _addressed(doc: DocxDocument) -> None:
    """THÔNG BÁO heading, 'Kính gửi: …' and the opening paragraphs."""
    header_block(doc, numbered=True)
    title_block(doc, "THÔNG BÁO", "{{ trich_yeu }}", before=12)
    para(doc, "Kính gửi: {{ kinh_gui }}", size=14, align=C, before=6, after=6)
    loop(doc, "nd in noi_dung", "{{ nd }}")


def thong_bao_kiem_tra_ho_so() -> DocxDocument:
    """THÔNG BÁO of the agriculture office (…/TB-NN) to one producer: per-product result of the
    dossier check and, when needed, what to supplement by when."""
    doc = new_document("Thông báo kết quả kiểm tra hồ sơ đăng ký đánh giá, phân hạng sản phẩm OCOP",
                       "Thông báo", body_size=D.SIZE_BODY_COMPACT)
    _addressed(doc)
    data_table(doc, (12, 38, 38, 27, 50),
               ("STT", "Tên sản phẩm", "Bộ sản phẩm", "Kết quả kiểm tra", "Lý do, ghi chú"),
               ("{{ sp.stt }}", "{{ sp.ten_san_pham }}", "{{ sp.bo_san_pham }}",
                "{{ sp.ket_qua }}", "{{ sp.ly_do }}"),
               "sp in san_pham", aligns=(C, L, L, C, L))
    tag(doc, "{%p if bo_sung %}")
    body(doc, "Đề nghị chủ thể bổ sung, hoàn thiện hồ sơ theo các nội dung sau:", before=6,
         keep=True)
    data_table(doc, (12, 118, 35), ("STT", "Nội dung cần bổ sung, hoàn thiện", "Thời hạn nộp"),
               ("{{ loop.index }}", "{{ b.muc }}", "{{ b.han }}"), "b in bo_sung",
               aligns=(C, L, C))
    tag(doc, "{%p endif %}")
    body(doc, "{{ ket_thuc|ket_thuc }}", before=6)
    signature_block(doc)
    return doc


def _chu_the(cell: _Cell) -> None:
    para(cell, "{{ sp.chu_the }}", style="VB Bang nho", align=L)
    para(cell, "{{ sp.dia_chi }}", style="VB Bang nho", italic=True, align=L)


def qd_cong_nhan() -> DocxDocument:
    """QUYẾT ĐỊNH công nhận kết quả đánh giá, phân hạng (…/QĐ-UBND): Điều 1 + the recognised
    products table, then Điều 2, 3 … (validity of the certificates, execution)."""
    doc = new_document("Quyết định công nhận kết quả đánh giá, phân hạng sản phẩm OCOP",
                       "Quyết định")
    header_block(doc, numbered=True)
    title_block(doc, "QUYẾT ĐỊNH", "{{ trich_yeu }}")
    decision_opening(doc)
    body(doc, ("Điều 1. ", {"bold": True}), "{{ dieu_1 }}", keep=True)
    data_table(doc, (12, 25, 37, 24, 16, 14, 37),
               ("STT", "Tên sản phẩm", "Chủ thể, địa chỉ", "Bộ sản phẩm", "Điểm trung bình",
                "Hạng sao", "Số giấy chứng nhận"),
               ("{{ sp.stt }}", "{{ sp.ten_san_pham }}", _chu_the, "{{ sp.bo_san_pham }}",
                "{{ sp.diem_tb }}", "{{ sp.sao }}", "{{ so_ky_hieu|so_gcn(sp.stt|int) }}"),
               "sp in san_pham", style="VB Bang nho", aligns=(C, L, L, L, C, C, C))
    # why a star is below what the mean gives (a mandatory criterion), as numbered notes under the table
    tag(doc, "{%p if ghi_chu %}")
    para(doc, "Ghi chú:", size=D.SIZE_TABLE, bold=True, italic=True, before=4, keep=True)
    tag(doc, "{%p for n in ghi_chu %}")
    para(doc, "{{ n.so }} {{ n.noi_dung }}", style="VB Bang", align=J, after=2)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    para(doc, "", size=6)
    articles(doc, "dieu_khac", first=2)
    signature_block(doc)
    return doc


def thong_bao_ket_qua() -> DocxDocument:
    """THÔNG BÁO of the council (…/TB-HĐOCOP) to one producer: the product's result, the mean
    score per part and the criteria that lost the most points."""
    doc = new_document("Thông báo kết quả đánh giá, phân hạng sản phẩm OCOP", "Thông báo",
                       body_size=D.SIZE_BODY_COMPACT)   # one page: the Decree's smallest body size
    _addressed(doc)
    body(doc, "Tên sản phẩm: ", ("{{ san_pham.ten_san_pham }}", {"bold": True}),
         "; bộ sản phẩm: {{ san_pham.bo_san_pham }}.", after=2)
    body(doc, "Điểm trung bình: ", ("{{ san_pham.diem_tb }}", {"bold": True}),
         " điểm; hạng: ", ("{{ san_pham.sao }}", {"bold": True}),
         "{{ san_pham.sao_cua }}. Kết quả: {{ san_pham.ket_qua }}")
    # the part means as one sentence, not a table: the notice fits one page with its signature
    body(doc, ("Điểm trung bình theo từng phần: ", {"bold": True}),
         "{% for p in phan %}Phần {{ p.phan }} ({{ p.ten }}) {{ p.diem_tb }}/{{ p.toi_da }}"
         "{{ '; ' if not loop.last else '' }}{% endfor %}; tổng {{ san_pham.diem_tb }}/{{ diem_toi_da }} điểm.")
    tag(doc, "{%p if mat_diem %}")
    body(doc, ("Các tiêu chí bị trừ nhiều điểm nhất, cần cải thiện (điểm):", {"bold": True}), keep=True)
    data_table(doc, (12, 90, 20, 23, 20),
               ("Mã", "Tiêu chí", "Tối đa", "Trung bình", "Bị trừ"),
               ("{{ t.ma }}", "{{ t.tieu_chi }}", "{{ t.toi_da }}", "{{ t.diem_tb }}",
                "{{ t.mat }}"), "t in mat_diem", aligns=(C, L, C, C, C), style="VB Bang nho")
    tag(doc, "{%p endif %}")
    body(doc, "{{ ket_thuc|ket_thuc }}", before=6)
    signature_block(doc)
    return doc


def bao_cao_danh_gia_so_bo() -> DocxDocument:
    """BÁO CÁO of a commune's People's Committee (…/BC-UBND, 1489) to the province: its pre-assessment of
    each product it received and whether it proposes the product for evaluation."""
    doc = new_document("Báo cáo đánh giá sơ bộ sản phẩm OCOP của UBND cấp xã", "Báo cáo",
                       body_size=D.SIZE_BODY_COMPACT)
    header_block(doc, numbered=True)
    title_block(doc, "BÁO CÁO", "{{ trich_yeu }}", before=12)
    para(doc, "Kính gửi: {{ kinh_gui }}", size=14, align=C, before=6, after=6)
    loop(doc, "nd in noi_dung", "{{ nd }}")
    data_table(doc, (13, 35, 37, 30, 30, 20),
               ("STT", "Tên sản phẩm", "Chủ thể", "Bộ sản phẩm", "Kết quả đánh giá sơ bộ", "Đề nghị"),
               ("{{ sp.stt }}", "{{ sp.ten_san_pham }}", "{{ sp.chu_the }}", "{{ sp.bo_san_pham }}",
                "{{ sp.ket_qua }}", "{{ sp.de_nghi }}"),
               "sp in san_pham", style="VB Bang nho", aligns=(C, L, L, L, L, C))
    body(doc, "{{ ket_thuc|ket_thuc }}", before=6)
    signature_block(doc)
    return doc
