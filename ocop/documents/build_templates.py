"""Build the Decree 30 DOCX templates: ``python -m ocop.documents.build_templates [DIR]``.

The generated files are committed and may be edited by a clerk in Word afterwards; each docxtpl
tag is typed as one run (``{%p %}``/``{%tr %}``/``{%tc %}`` tags in their own paragraph, row or
cell). Builds are reproducible: fixed core-properties dates and zip timestamps.

Layout of the builder:

- ``templates_ooxml``: low-level python-docx/OOXML helpers (page set-up, paragraphs, tables);
- ``templates_blocks``: shared blocks (header, title, signatures, Nơi nhận, data tables);
- ``templates_council``: QĐ thành lập Hội đồng, Giấy mời, Biên bản, Tờ trình;
- ``templates_scoring``: Phiếu đánh giá, Bảng tổng hợp;
- ``templates_plan``: Kế hoạch, QĐ ban hành Quy chế (with the Quy chế attached);
- ``templates_results``: Thông báo kiểm tra hồ sơ, QĐ công nhận, Thông báo kết quả, Báo cáo của UBND xã;
- ``templates_certificate``: Giấy chứng nhận sản phẩm OCOP.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Pt

from ocop.documents.templates_certificate import giay_chung_nhan
from ocop.documents.templates_council import (
    bien_ban_hop_hoi_dong,
    giay_moi_hop_hoi_dong,
    qd_thanh_lap_hoi_dong,
    to_trinh_de_nghi_tinh,
)
from ocop.documents.templates_ooxml import para, save_reproducible
from ocop.documents.templates_plan import ke_hoach, qd_ban_hanh_quy_che
from ocop.documents.templates_results import (
    bao_cao_danh_gia_so_bo,
    qd_cong_nhan,
    thong_bao_ket_qua,
    thong_bao_kiem_tra_ho_so,
)
from ocop.documents.templates_scoring import bang_tong_hop, phieu_danh_gia
from ocop.settings import packaged

DEFAULT_DIR = packaged("ocop.templates")  # the repository's templates/ (setup.py installs it as ocop.templates)

TEMPLATES: dict[str, Callable[[], DocxDocument]] = {f.__name__: f for f in (
    ke_hoach, qd_thanh_lap_hoi_dong, qd_ban_hanh_quy_che, thong_bao_kiem_tra_ho_so,
    giay_moi_hop_hoi_dong, phieu_danh_gia, bang_tong_hop, bien_ban_hop_hoi_dong,
    to_trinh_de_nghi_tinh, qd_cong_nhan, giay_chung_nhan, thong_bao_ket_qua, bao_cao_danh_gia_so_bo)}


def build(out_dir: Path = DEFAULT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, make in TEMPLATES.items():
        path = out_dir / f"{name}.docx"
        doc = make()
        end = para(doc, "", size=2)         # Word wants a paragraph after the last table
        end.paragraph_format.line_spacing = Pt(2)
        save_reproducible(doc, path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for path in build(Path(args[0]) if args else DEFAULT_DIR):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
