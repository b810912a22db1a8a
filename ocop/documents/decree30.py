"""Presentation rules of Decree 30/2020/NĐ-CP (Phụ lục I) in one place.

Used by the template builder (page set-up, sizes), the renderer's callers (numbers, dates,
signature lines) and the conformance checker (allowed ranges, fixed texts, regexes).
"""

from __future__ import annotations

import re
from datetime import date

from ocop import present
from ocop.errors import DocumentError

# --- page -------------------------------------------------------------------------------------
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGINS_MM = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}   # what the builder uses
MARGIN_RANGES_MM = {"top": (20.0, 25.0), "bottom": (20.0, 25.0),
                    "left": (30.0, 35.0), "right": (15.0, 20.0)}         # what the checker allows
HEADER_DISTANCE_MM = 10.0            # page number sits in the top margin
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]             # 165
TEXT_WIDTH_LANDSCAPE_MM = PAGE_HEIGHT_MM - MARGINS_MM["left"] - MARGINS_MM["right"]  # 252

# --- font and sizes (pt) --------------------------------------------------------------------
FONT = "Times New Roman"
SIZE_BODY = 14
SIZE_BODY_COMPACT = 13     # the smallest body size the Decree allows: one-page notices
SIZE_CO_QUAN = 13          # cơ quan chủ quản (regular) and cơ quan ban hành (bold)
SIZE_QUOC_HIEU = 13
SIZE_TIEU_NGU = 14
SIZE_SO = 13
SIZE_DATE = 14
SIZE_TITLE = 14            # tên loại and trích yếu
SIZE_SIGNATURE = 14
SIZE_NOI_NHAN = 12
SIZE_RECIPIENT = 11
SIZE_PAGE_NUMBER = 13
SIZE_TABLE = 12            # ordinary tables
SIZE_TABLE_SMALL = 11      # criteria sheet, results table
FIRST_LINE_INDENT_MM = 12.7
SPACING_AFTER_PT = 6
LINE_SPACING = 1.15        # Decree: single to 1.5 lines
LINE_SPACING_COMPACT = 1.0  # one-page notices

# allowed ranges for the checker
RANGE_QUOC_HIEU = (12, 13)
RANGE_TIEU_NGU = (13, 14)
RANGE_CO_QUAN = (12, 13)
RANGE_SO = (13, 13)
RANGE_DATE = (13, 14)
RANGE_NOI_NHAN = (12, 12)
RANGE_RECIPIENT = (11, 11)
RANGE_PAGE_NUMBER = (13, 14)

# --- fixed texts ------------------------------------------------------------------------------
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
NOI_NHAN = "Nơi nhận:"
# a decision's effect clause, an article of its own before the execution article (as QĐ ban hành Quy chế has it)
EFFECT_CLAUSE = "Quyết định này có hiệu lực kể từ ngày ký."
TIEU_NGU_RULE_MM = 57.0    # measured width of TIEU_NGU at 14 pt bold (Liberation Serif = TNR metrics)
ISSUER_RULE_MM = 22.0      # under the issuer: 1/3-1/2 of its line
TITLE_RULE_MM = 40.0       # under the trích yếu: 1/3-1/2 of its line

# Phụ lục III: type abbreviations (Công văn has none)
TYPE_CODES = {
    "Nghị quyết": "NQ", "Quyết định": "QĐ", "Chỉ thị": "CT", "Quy chế": "QC", "Quy định": "QyĐ",
    "Thông cáo": "TC", "Thông báo": "TB", "Hướng dẫn": "HD", "Chương trình": "CTr",
    "Kế hoạch": "KH", "Phương án": "PA", "Đề án": "ĐA", "Dự án": "DA", "Báo cáo": "BC",
    "Biên bản": "BB", "Tờ trình": "TTr", "Hợp đồng": "HĐ", "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN", "Bản thỏa thuận": "BTT", "Giấy ủy quyền": "GUQ", "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT", "Giấy nghỉ phép": "GNP", "Phiếu gửi": "PG", "Phiếu chuyển": "PC",
    "Phiếu báo": "PB", "Bản sao y": "SY", "Bản trích sao": "TrS", "Bản sao lục": "SL",
}

# what a type code names, for citing a document ("Biên bản số …"); certificates are not in Phụ lục III
TYPE_NAMES = {code: name for name, code in TYPE_CODES.items()} | {"GCN": "Giấy chứng nhận"}


def type_name(code: str | None) -> str:
    """The kind of document a type code stands for ("BB" -> "Biên bản"); "Văn bản" when unknown."""
    return TYPE_NAMES.get(code or "", "Văn bản")


DRAFT_NUMBER = "     "     # blank number left for the văn thư to fill in on a draft

# "ngày 07 tháng 01 năm 2020": day 01-31 with zero, month 01/02 with zero, 3-12 without
_DAY = r"(?:0[1-9]|[12][0-9]|3[01])"
_MONTH = r"(?:0[12]|[3-9]|1[0-2])"
DATE_RE = re.compile(rf"ngày {_DAY} tháng {_MONTH} năm \d{{4}}")
PLACE_DATE_RE = re.compile(rf"^[^,]+, {DATE_RE.pattern}$")
LOOSE_PLACE_DATE_RE = re.compile(r"^[^,]+, ngày .* tháng .* năm .*$")
# a certificate numbered with its decision adds its row: "Số: 21-01/GCN-UBND" (certificate_symbol)
NUMBER_RE = re.compile(r"^Số: (?:0[1-9]|[1-9]\d+| +)(?:-\d{2,})?/[^\s/]+$")
CERTIFICATE_TYPE = "GCN"


def place_date(place: str, d: date) -> str:
    """'Lục Nam, ngày 07 tháng 01 năm 2020'."""
    place = place.strip()
    if not place:
        raise DocumentError("Thiếu địa danh cho dòng địa danh, ngày tháng năm.")
    return f"{place}, {present.date_long(d)}"


def number_symbol(number: int | None, type_code: str | None, issuer_code: str) -> str:
    """Số, ký hiệu: (18, 'QĐ', 'UBND') -> '18/QĐ-UBND'; Công văn (12, None, 'UBND-NN') ->
    '12/UBND-NN'; a draft (None, ...) keeps the number blank: '     /QĐ-UBND'."""
    issuer = (issuer_code or "").strip()
    code = (type_code or "").strip()
    if not issuer or " " in issuer or " " in code:
        raise DocumentError(f"Ký hiệu văn bản không hợp lệ: loại '{code}', cơ quan '{issuer}'.")
    if number is None:
        num = DRAFT_NUMBER
    elif isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise DocumentError(f"Số văn bản phải là số nguyên từ 1 trở lên, nhận được: {number!r}.")
    else:
        num = f"{number:02d}"
    return f"{num}/{code}-{issuer}" if code else f"{num}/{issuer}"


def certificate_symbol(decision_symbol: str, row: int) -> str:
    """The number of the certificate on row ``row`` of the decision that recognises it: the
    decision's number, the row, the certificate type and the decision's issuer, so the decision
    lists exactly the numbers printed on its certificates ('21/QĐ-UBND', 1 -> '21-01/GCN-UBND';
    a draft decision '     /QĐ-UBND' -> '     -01/GCN-UBND'). Used as the Jinja filter 'so_gcn'."""
    number, _, rest = decision_symbol.partition("/")
    issuer = rest.partition("-")[2] if "-" in rest else rest
    if not rest or not issuer or not (number.strip().isdigit() or not number.strip()):
        raise DocumentError(f"Số, ký hiệu quyết định không hợp lệ để đánh số giấy chứng nhận: '{decision_symbol}'.")
    if isinstance(row, bool) or not isinstance(row, int) or row < 1:
        raise DocumentError(f"Số thứ tự giấy chứng nhận phải là số nguyên từ 1 trở lên, nhận được: {row!r}.")
    return f"{number}-{row:02d}/{CERTIFICATE_TYPE}-{issuer}"


AUTHORITY_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")


def signature_lines(authority: str | None, title: str, collective: str | None = None,
                    *, head_title: str | None = None) -> list[str]:
    """Upper-case lines above the signer's name (ô 7a-7b).

    authority: None, or one of AUTHORITY_PREFIXES;
    title: the signer's own position ("PHÓ CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "CHỦ TỊCH HỘI ĐỒNG");
    collective: a collective body the signature is on behalf of -> first line "TM. <collective>"
        (required with "TM.", optional on top of "KT."/"Q.");
    head_title: the head the signer signs for with "KT.", "TL.", "TUQ." ("CHỦ TỊCH"); for "KT."
        it defaults to the title without "PHÓ " (PHÓ CHỦ TỊCH -> CHỦ TỊCH).

    ("KT.", "PHÓ CHỦ TỊCH", "ỦY BAN NHÂN DÂN") -> ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    ("KT.", "PHÓ CHỦ TỊCH") -> ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    (None, "CHỦ TỊCH HỘI ĐỒNG") -> ["CHỦ TỊCH HỘI ĐỒNG"]
    ("TL.", "CHÁNH VĂN PHÒNG", head_title="CHỦ TỊCH") -> ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
    """
    title = " ".join((title or "").split()).upper()
    if not title:
        raise DocumentError("Thiếu chức vụ của người ký.")
    prefix = None if authority is None else authority.strip().upper()
    if prefix == "":
        prefix = None
    if prefix is not None and prefix not in AUTHORITY_PREFIXES:
        raise DocumentError(f"Thẩm quyền ký '{authority}' không hợp lệ; chỉ dùng: "
                            f"{', '.join(AUTHORITY_PREFIXES)}.")
    body = " ".join((collective or "").split()).upper()
    head = " ".join((head_title or "").split()).upper()
    lines = [f"TM. {body}"] if body else []
    if prefix == "TM." and not body:
        raise DocumentError("Ký 'TM.' phải ghi tên tập thể (ví dụ: ỦY BAN NHÂN DÂN).")
    if prefix in ("TM.", None):
        return [*lines, title]
    if prefix == "Q.":
        return [*lines, f"Q. {title}"]
    if prefix == "KT." and not head:
        head = title[4:] if title.startswith("PHÓ ") else ""
    if not head:
        raise DocumentError(f"Ký '{prefix}' phải ghi chức vụ của người đứng đầu (head_title).")
    if prefix in ("TL.", "TUQ.") and body:
        raise DocumentError(f"Ký '{prefix}' không đi kèm 'TM. {body}'.")
    return [*lines, f"{prefix} {head}", title]


def ends_document(text: str) -> str:
    """Final paragraph of the content ends with './.' (used as the Jinja filter 'ket_thuc')."""
    text = text.rstrip()
    while text.endswith(("./.", ".", ";", ",")):
        text = text[:-3] if text.endswith("./.") else text[:-1]
        text = text.rstrip()
    return text + "./."
