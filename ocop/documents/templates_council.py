"""Templates of the council's set-up, meeting and referral: QĐ thành lập Hội đồng, Giấy mời,
Biên bản họp Hội đồng, Tờ trình đề nghị cấp tỉnh."""

from __future__ import annotations

from docx.document import Document as DocxDocument

from ocop.documents.templates_blocks import (
    C,
    L,
    body,
    data_table,
    header_block,
    loop,
    member_table,
    signature_block,
    title_block,
    two_signers,
)
from ocop.documents.templates_ooxml import new_document, para, tag
from ocop.present import ADDRESS


def qd_thanh_lap_hoi_dong() -> DocxDocument:
    doc = new_document("Quyết định thành lập Hội đồng đánh giá, phân hạng sản phẩm OCOP",
                       "Quyết định")
    header_block(doc, numbered=True)
    title_block(doc, "QUYẾT ĐỊNH", "{{ trich_yeu }}")
    para(doc, "{{ tham_quyen|upper }}", bold=True, align=C, before=12, after=12)
    loop(doc, "cc in can_cu", "{{ cc }}", style="VB Can cu")
    para(doc, "QUYẾT ĐỊNH:", bold=True, align=C, before=6, after=12)
    body(doc, ("Điều 1. ", {"bold": True}), "Thành lập {{ ten_hoi_dong }} (sau đây gọi tắt là Hội "
         "đồng) và Tổ thư ký giúp việc Hội đồng, gồm các " + ADDRESS + " có tên sau:")
    body(doc, "1. Thành viên Hội đồng:", keep=True)
    member_table(doc, "m in thanh_vien")
    body(doc, "2. Tổ thư ký giúp việc Hội đồng:", keep=True, before=6)
    member_table(doc, "m in to_thu_ky")
    body(doc, ("Điều 2. Nhiệm vụ của Hội đồng và Tổ thư ký", {"bold": True}), before=6)
    body(doc, "1. Hội đồng: {{ nhiem_vu_hoi_dong }}")
    body(doc, "2. Tổ thư ký: {{ nhiem_vu_to_thu_ky }}")
    body(doc, ("Điều 3. ", {"bold": True}), "{{ hieu_luc }}")
    body(doc, ("Điều 4. ", {"bold": True}), "{{ dieu_thi_hanh|ket_thuc }}", keep=True)
    signature_block(doc)
    return doc


def giay_moi_hop_hoi_dong() -> DocxDocument:
    doc = new_document("Giấy mời họp Hội đồng đánh giá, phân hạng sản phẩm OCOP",
                       "Giấy mời")
    header_block(doc, numbered=True)
    title_block(doc, "GIẤY MỜI", "{{ trich_yeu }}")
    body(doc, "Trân trọng kính mời:", before=12)
    loop(doc, "m in kinh_moi", "- " + ADDRESS + " {{ m.ho_ten }}, {{ m.chuc_vu }}"
         "{{ ';' if not loop.last else '.' }}")
    body(doc, "Tới dự: {{ noi_dung }}")
    body(doc, "Chủ trì: {{ chu_tri }}")
    body(doc, "Thời gian: {{ thoi_gian }}")
    body(doc, "Địa điểm: {{ dia_diem }}")
    body(doc, "Chương trình: đánh giá, phân hạng các sản phẩm sau:", keep=True)
    data_table(doc, (12, 60, 55, 38), ("STT", "Tên sản phẩm", "Chủ thể", "Bộ sản phẩm"),
               ("{{ sp.stt }}", "{{ sp.ten_san_pham }}", "{{ sp.chu_the }}", "{{ sp.bo_san_pham }}"),
               "sp in san_pham", aligns=(C, L, L, L))
    tag(doc, "{%p if ghi_chu %}")
    body(doc, ("Ghi chú: ", {"bold": True, "italic": True}), ("{{ ghi_chu }}", {"italic": True}),
         before=6)
    tag(doc, "{%p endif %}")
    body(doc, "Rất mong quý vị tham dự đúng thời gian, địa điểm./.", before=6)
    signature_block(doc)
    return doc


def bien_ban_hop_hoi_dong() -> DocxDocument:
    doc = new_document("Biên bản họp Hội đồng đánh giá, phân hạng sản phẩm OCOP",
                       "Biên bản")
    header_block(doc, numbered=True)
    title_block(doc, "BIÊN BẢN", "{{ trich_yeu }}")
    body(doc, "Thời gian bắt đầu: {{ thoi_gian_bat_dau }}", before=12)
    body(doc, "Địa điểm: {{ dia_diem }}")
    body(doc, ("Thành phần tham dự:", {"bold": True}))
    body(doc, "Chủ trì: " + ADDRESS + " {{ chu_tri.ho_ten }}, {{ chu_tri.chuc_vu }}")
    body(doc, "Thư ký: " + ADDRESS + " {{ thu_ky.ho_ten }}, {{ thu_ky.chuc_vu }}")
    # the count present is said once, by the quorum sentence below the lists
    body(doc, "Thành viên có mặt, gồm:", keep=True)
    data_table(doc, (12, 45, 76, 32), ("STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Vai trò"),
               ("{{ loop.index }}", "{{ m.ho_ten }}", "{{ m.chuc_vu }}", "{{ m.vai_tro }}"),
               "m in co_mat", aligns=(C, L, L, L))
    tag(doc, "{%p if vang_mat %}")
    body(doc, "Thành viên vắng mặt:", before=6)
    loop(doc, "v in vang_mat", "- {{ v.ho_ten }}, {{ v.chuc_vu }} ({{ v.vai_tro }})")
    tag(doc, "{%p else %}")
    body(doc, "Thành viên vắng mặt: Không.", before=6)
    tag(doc, "{%p endif %}")
    body(doc, "{{ nhan_xet_quorum }}")
    body(doc, ("Nội dung cuộc họp:", {"bold": True}), keep=True)
    loop(doc, "nd in noi_dung", "{{ nd }}")
    body(doc, ("Kết quả đánh giá, phân hạng:", {"bold": True}), keep=True)
    body(doc, ("Điểm của các thành viên ghi theo thứ tự: {% for tv in thanh_vien %}{{ loop.index }}"
               ". {{ tv }}{{ '; ' if not loop.last else '.' }}{% endfor %}", {"italic": True}),
         keep=True)
    data_table(doc, (12, 46, 38, 20, 17, 32),
               ("STT", "Tên sản phẩm, chủ thể", "Điểm của các thành viên", "Điểm trung bình",
                "Hạng sao", "Ghi chú"),
               ("{{ kq.stt }}", lambda c: (
                   para(c, "{{ kq.ten_san_pham }}", style="VB Bang", bold=True, align=L),
                   para(c, "{{ kq.chu_the }}", style="VB Bang", italic=True, align=L)),
                "{{ kq.diem_thanh_vien|join('; ') }}", "{{ kq.diem_tb }}", "{{ kq.sao }}",
                "{{ kq.ghi_chu }}"),
               "kq in ket_qua", aligns=(C, L, C, C, C, L))
    body(doc, ("Kết luận:", {"bold": True}), keep=True, before=6)
    loop(doc, "kl in ket_luan", "{{ kl }}")
    body(doc, "Biên bản đã được đọc lại cho các thành viên dự họp nghe và nhất trí thông qua.", before=6,
         keep=True)
    body(doc, "Cuộc họp kết thúc vào hồi {{ thoi_gian_ket_thuc }}./.", keep=True)
    two_signers(doc, (["THƯ KÝ"], "thu_ky.ho_ten"), ("chu_tri.dong", "chu_tri.ho_ten"),
                widths=(82.5, 82.5))
    return doc


def to_trinh_de_nghi_tinh() -> DocxDocument:
    doc = new_document("Tờ trình đề nghị đánh giá, phân hạng sản phẩm OCOP cấp tỉnh",
                       "Tờ trình")
    header_block(doc, numbered=True)
    title_block(doc, "TỜ TRÌNH", "{{ trich_yeu }}")
    para(doc, "Kính gửi: {{ kinh_gui }}", size=14, align=C, before=12, after=12)
    loop(doc, "cc in can_cu", "{{ cc }}")
    loop(doc, "nd in noi_dung", "{{ nd }}")
    body(doc, "Danh sách sản phẩm đề nghị đánh giá, phân hạng:", keep=True)
    data_table(doc, (12, 33, 31, 32, 25, 16, 16),
               ("STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Bộ sản phẩm", "Điểm trung bình",
                "Hạng sao"),
               ("{{ sp.stt }}", "{{ sp.ten_san_pham }}", "{{ sp.chu_the }}", "{{ sp.dia_chi }}",
                "{{ sp.bo_san_pham }}", "{{ sp.diem_tb }}", "{{ sp.sao }}"),
               "sp in san_pham", aligns=(C, L, L, L, L, C, C))
    body(doc, "Hồ sơ kèm theo:", keep=True, before=6)
    loop(doc, "h in ho_so_kem_theo", "- {{ h }}")
    body(doc, "{{ de_nghi|ket_thuc }}")
    signature_block(doc)
    return doc
