"""Everything a person reads, formatted one way: numbers, means, dates, times, stars and labels.

The documents, the CLI, the Prefect artifacts and the messages all format through this module, so
a mean reads the same everywhere: two decimals, rounded half-up from the exact value, with the
Vietnamese decimal comma (553/8 = 69.125 -> "69,13"). Results keep numbers as numbers (a mean
is an exact ``Fraction``, a date a ``date``); they become text only here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from ocop.errors import DocumentError
from ocop.rules.campaign import SIMPLE_DENOMINATOR, simple_fraction

# --- labels -----------------------------------------------------------------------------------------

DOCUMENT_STATUS = {"draft": "Dự thảo", "approved": "Đã duyệt", "issued": "Đã ban hành",
                   "replaced": "Đã thay thế", "cancelled": "Đã hủy"}
REGISTRATION_STATUS = {"registered": "Chưa kiểm tra", "eligible": "Đủ điều kiện",
                       "needs_supplement": "Cần bổ sung", "ineligible": "Không đủ điều kiện"}
# the commune's pre-assessment of one criterion (1489); the values its list offers and reads back
PRE_ASSESSMENT = {True: "Đạt", False: "Không đạt"}
OUTCOME = {"referred": "Đề nghị cấp trên", "recognised": "Đề nghị công nhận", "none": "—"}
WEEKDAY = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
# the administrative unit of a campaign's level, as a sentence writes it ("cấp huyện");
# a heading writes it in capitals (level_heading)
LEVEL_UNIT = {"commune": "xã", "district": "huyện", "province": "tỉnh"}
COUNCIL_ROLE = {"chair": "Chủ tịch Hội đồng", "vice_chair": "Phó Chủ tịch Hội đồng", "member": "Ủy viên"}
SECRETARIAT_ROLE = {"head": "Tổ trưởng", "member": "Thành viên"}
# registration kind (ocop.rules.dossier FIRST, UPGRADE, REEVALUATION) -> its name; the names are also the
# values the registration workbook offers and reads back
REGISTRATION_KIND = {"first": "Lần đầu", "upgrade": "Nâng hạng", "reevaluation": "Đánh giá lại"}
# producer type code -> its name; the codes are the values the registration workbook offers
PRODUCER_KIND = {"DN": "doanh nghiệp", "HTX": "hợp tác xã", "THT": "tổ hợp tác", "HKD": "hộ kinh doanh"}
# the one form of address of every document, mid-sentence too ("các Ông/Bà có tên tại Điều 1")
ADDRESS = "Ông/Bà"
OVERDUE = "QUÁ HẠN"
STAR = "★"


def outcome_proposal(outcome: str, refers_to: str, recogniser: str) -> str:
    """What a council's result proposes, naming who decides (the council only proposes): "Đề nghị Sở Nông nghiệp
    và Phát triển nông thôn đánh giá, phân hạng", "Đề nghị UBND huyện Lục Nam công nhận". Documents write this; the
    short OUTCOME label is for the terminal and the UI. A product neither referred nor recognised:
    ocop.rules.outcome.no_outcome_text."""
    return {"referred": f"Đề nghị {refers_to} đánh giá, phân hạng", "recognised": f"Đề nghị {recogniser} công nhận"}[
        outcome]


def council_stars_note(level_name: str) -> str:
    """What the stars a council gives are: its evaluation, a proposal (UBND or the level above decides)."""
    return f"(kết quả đánh giá của Hội đồng {level_name})"


def join_and(items: list[str]) -> str:
    """"A", "A và B", "A, B và C": a list as a sentence names it."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


# --- numbers ----------------------------------------------------------------------------------------


def _exact(x: Fraction | Decimal | int | float) -> Fraction:
    if isinstance(x, bool):
        raise TypeError(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError(x)
        return Fraction(str(x))  # the number as written: 84.4286, not its binary neighbour
    if isinstance(x, Decimal) and not x.is_finite():
        raise ValueError(x)
    return Fraction(x)


def number(x: Fraction | Decimal | int | float, places: int = 2) -> str:
    """84.4286 -> '84,43'; 1234.5 -> '1.234,50'; Fraction(553, 8) -> '69,13' (comma decimal, dot
    thousands, rounded half-up from the exact value)."""
    try:
        value = _exact(x)
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise DocumentError(f"Không định dạng được số: {x!r}.") from exc
    scaled = abs(value) * 10 ** places
    rounded = math.floor(scaled + Fraction(1, 2))
    q = Decimal(rounded).scaleb(-places)
    text = f"{q:,.{places}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("-" if value < 0 and rounded else "") + text


def mean(x: Fraction | Decimal | int | float) -> str:
    """A mean of points: two decimals, half-up from the exact value, decimal comma ('69,13')."""
    return number(x, 2)


def points(x: Fraction | Decimal | int | float) -> str:
    """Points, a threshold or a limit as a sentence says them, without trailing zeros: 50 -> '50',
    7.5 -> '7,5', 69.125 -> '69,13' (at most two decimals, half-up)."""
    text = number(x, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def mandatory_mark(star: int) -> str:
    """The mark of an option a product must reach for a star (148's mandatory options): '(*) bắt buộc từ 3★'."""
    return f"(*) bắt buộc từ {star}{STAR}"


# what the mark means, printed once on a score sheet that has marked options
MANDATORY_LEGEND = ("(*) bắt buộc từ N★: tiêu chí phải đạt ít nhất mức này thì sản phẩm mới được xếp từ N sao trở "
                    "lên, dù tổng điểm đủ.")


def note_marks(numbers: list[int]) -> str:
    """The marks of a table row's numbered notes, printed under the table: [1, 3] -> '(1), (3)'."""
    return ", ".join(f"({n})" for n in numbers)


def count(n: int) -> str:
    """A count in an administrative sentence, two digits at least: 9 -> '09' ('gồm 09 thành viên',
    'ít nhất 02 ngày làm việc'), 12 -> '12'."""
    return f"{n:02d}"


def fraction(x: Fraction | Decimal | int | float) -> str:
    """A share as the rules apply it (ocop.rules.campaign.simple_fraction): '2/3' for 2/3, 0.6667 or "2/3",
    '3/4', '5/7'; otherwise a percentage, '67%' for 0.67, '100%' for 1 — so a quorum stated on paper is
    the one the code applies, never a rounded '66,67%'."""
    try:
        if isinstance(x, bool):
            raise TypeError(x)
        share = simple_fraction(x if isinstance(x, (Fraction, float, int)) else Fraction(x))
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise DocumentError(f"Không định dạng được tỉ lệ: {x!r}.") from exc
    if 1 < share.denominator <= SIMPLE_DENOMINATOR:
        return f"{share.numerator}/{share.denominator}"
    return f"{points(share * 100)}%"


def stars(n: int) -> str:
    """'3 sao'."""
    return f"{n} sao"


def round_name(n: int) -> str:
    """'đợt 2': a campaign's round within its year."""
    return f"đợt {n}"


def year_round(year: int, n: int) -> str:
    """'2020 - đợt 2': a campaign's year and round, as a report's row or a chart's bar names them."""
    return f"{year} - {round_name(n)}"


def star_range(low: int, high: int) -> str:
    """A band of stars as a sentence says it: '3 sao' (3, 3), 'từ 3 đến 5 sao' (3, 5)."""
    return stars(low) if low == high else f"từ {low} đến {stars(high)}"


def star_symbols(n: int) -> str:
    """'★★★' for 3 (the certificate)."""
    return STAR * n


def star_counts(counts: dict[int, int]) -> str:
    """'1 × 5★, 3 × 4★, 6 × 3★, 0 × 2★, 0 × 1★'."""
    return ", ".join(f"{counts.get(s, 0)} × {s}{STAR}" for s in range(5, 0, -1))


def star_counts_text(counts: dict[int, int]) -> str:
    """The same counts as a sentence says them: '1 sản phẩm 5 sao, 3 sản phẩm 4 sao, …, 0 sản phẩm 1 sao'."""
    return ", ".join(f"{counts.get(s, 0)} sản phẩm {stars(s)}" for s in range(5, 0, -1))


# --- labels that depend on a value ------------------------------------------------------------------


def near_edge_flag(bound: float) -> str:
    """A flag for the council: the mean lies within a point of a band edge: 'sát ngưỡng 70 điểm'."""
    return f"sát ngưỡng {points(bound)} điểm"


def leave_one_out_flag(member: str, n: int) -> str:
    """A flag for the council: one member's sheet decides the star (rising or falling without it):
    'nếu không tính phiếu đánh giá của ông/bà Vũ Thị Lan thì sản phẩm đạt 3 sao'."""
    return f"nếu không tính phiếu đánh giá của ông/bà {member} thì sản phẩm đạt {stars(n)}"


def commune_units(district: str) -> str:
    """What a campaign's communes are called together: "xã, thị trấn" inside a district (before 1/7/2025),
    "xã, phường" under a province of the two-level local government (no district, no thị trấn)."""
    return "xã, thị trấn" if district else "xã, phường"


def commune_name(commune: str) -> str:
    """A commune as a sentence names it: 'Gia Bình' -> 'xã Gia Bình'; 'phường Chũ' stays."""
    units = ("xã ", "phường ", "thị trấn ", "đặc khu ")
    return commune if commune.casefold().startswith(units) else f"xã {commune}"


def locality(level: str, district: str, province: str) -> str:
    """The campaign's own area in a sentence: "huyện Lục Nam", "tỉnh Bắc Ninh"."""
    return f"{LEVEL_UNIT[level]} {district if level == 'district' else province}"


def address(*parts: str) -> str:
    """An address from the parts a campaign knows, left out where empty: "Huyền Sơn, Lục Nam, Bắc Giang",
    "phường Chũ, Bắc Ninh" (no district since 1/7/2025)."""
    return ", ".join(p for p in parts if p)


def commune_in(commune: str, district: str) -> str:
    """A commune as a campaign's documents name it: bare inside a district ('Huyền Sơn', the district's own
    usage), with its unit under the two-level local government, where no district follows it ('xã Phù Lãng',
    'phường Chũ')."""
    return commune if district else commune_name(commune)


def producer_address(commune: str, district: str, province: str = "") -> str:
    """Where a producer is: 'Huyền Sơn, Lục Nam, Bắc Giang' inside a district; 'xã Phù Lãng, tỉnh Bắc Ninh'
    under the two-level local government (no empty district: never ', , Bắc Ninh')."""
    if district:
        return address(commune, district, province)
    return address(commune_name(commune), f"tỉnh {province}" if province else "")


def level_heading(level: str) -> str:
    """The unit of a level in a heading: 'HUYỆN'."""
    return LEVEL_UNIT[level].upper()


def deadline_status(working_days_left: int) -> str:
    """A reminder's status: 'còn 5 ngày làm việc'; 0 (the first working day after the deadline): 'QUÁ HẠN'."""
    return OVERDUE if working_days_left == 0 else f"còn {working_days_left} ngày làm việc"


def certificate_status(days_left: int) -> str:
    """A certificate's standing on a day, ``days_left`` after it to its last valid day: 'còn 362 ngày',
    'hết hiệu lực cuối ngày hôm nay' (0), 'đã hết hạn 3 ngày' (expired since three days)."""
    if days_left > 0:
        return f"còn {days_left} ngày"
    return "hết hiệu lực cuối ngày hôm nay" if days_left == 0 else f"đã hết hạn {-days_left} ngày"


def certificate_ref(number: str, issued_on: date) -> str:
    """'Giấy chứng nhận số 20-01/GCN-UBND ngày 30/10/2024'."""
    return f"Giấy chứng nhận số {number} ngày {date_short(issued_on)}"


# --- values quoted in messages ----------------------------------------------------------------------

QUOTE_LIMIT = 60  # characters of a value a message quotes


def quoted(value: str, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message quotes it, on one line and harmless to a terminal: tabs, line breaks,
    control characters, lone surrogates and noncharacters escaped (``\\x07``, ``\\n``, ``\\ud800``),
    and a longer value cut after ``limit`` characters with its length ("Mật ong… (5000 ký tự)").
    Stricter than :func:`terminal`, which keeps a whole line's tabs and line breaks."""
    cut = value if len(value) <= limit else value[:limit]
    text = "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape", "backslashreplace").decode()
                   for ch in cut)
    return text if cut is value else f"{text}… ({len(value)} ký tự)"


# --- dates and times --------------------------------------------------------------------------------


def date_short(d: date) -> str:
    """'07/01/2020'."""
    return f"{d:%d/%m/%Y}"


def _month(d: date) -> str:
    # Decree 30/2020/NĐ-CP, Phụ lục I: a day below 10 and the months January and February take a leading zero
    return f"{d.month:02d}" if d.month < 3 else str(d.month)


def date_numeric(d: date) -> str:
    """A date in figures as the founding plan writes it, by Decree 30's leading-zero rule (the day
    below 10 and January, February take a leading zero): '05/7/2020', '30/10/2020', '16/01/2020'."""
    return f"{d.day:02d}/{_month(d)}/{d.year}"


def date_long(d: date) -> str:
    """'ngày 07 tháng 01 năm 2020', 'ngày 29 tháng 6 năm 2019' (Decree 30 leading-zero rule)."""
    return f"ngày {d.day:02d} tháng {_month(d)} năm {d.year}"


def date_long_capitalised(d: date) -> str:
    """``date_long`` opening a sentence: 'Ngày 20 tháng 10 năm 2020'."""
    text = date_long(d)
    return text[0].upper() + text[1:]


def clock(t: time) -> str:
    """'08:00'."""
    return f"{t:%H:%M}"


def time_long(t: time, d: date) -> str:
    """'08 giờ 00 phút, ngày 20 tháng 10 năm 2020'."""
    return f"{t.hour:02d} giờ {t.minute:02d} phút, {date_long(d)}"


def time_same_day(t: time) -> str:
    """An end time on the day a sentence has already dated: '11 giờ 30 phút cùng ngày'."""
    return f"{t.hour:02d} giờ {t.minute:02d} phút cùng ngày"


def weekday(d: date) -> str:
    """'thứ Hai' … 'Chủ nhật'."""
    return WEEKDAY[d.weekday()]


def day(d: date) -> str:
    """'23/10/2020 (thứ Sáu)'."""
    return f"{date_short(d)} ({weekday(d)})"


def document_ref(type_name: str, symbol: str, on: date) -> str:
    """A numbered document as a sentence cites it: "Biên bản số 03/BB-HĐOCOP ngày 20/10/2020"."""
    return f"{type_name} số {symbol} ngày {date_short(on)}"


def replaces(type_name: str, symbol: str, on: date) -> str:
    """The line a new version carries under its title: "Thay thế Thông báo số 04/TB-HĐOCOP ngày 20/10/2020"."""
    return f"Thay thế {document_ref(type_name, symbol, on)}"


def reopening(by: str, reason: str, on: date) -> str:
    """A recorded reopening of issued results, as the register's notes and messages say it."""
    return f"mở lại kết quả ngày {date_short(on)} theo đề nghị của {by}: {reason}"



def correction(code: str, label: str, old: str, new: str) -> str:
    """A field a corrected registration changed: "LN-01: tên sản phẩm 'Na dai Huyen Son' → 'Na dai Huyền Sơn'"."""
    return f"{code}: {label[:1].lower() + label[1:]} '{old}' → '{new}'"


def corrected(code: str, reason: str) -> str:
    """A recorded correction, as the register's notes say it: "sửa đăng ký LN-01: Tên gõ thiếu dấu"."""
    return f"sửa đăng ký {code}: {reason}"


def yes_no(value: bool) -> str:
    return "có" if value else "không"

# --- the terminal -----------------------------------------------------------------------------------

# C0 controls but tab and newline, DEL, C1 controls, the bidirectional overrides and isolates, lone surrogates
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def terminal(text: str) -> str:
    """A line for the terminal: control characters written as escapes ('\\x1b', '\\x07', '\\u202e'),
    so a name read from a file can neither move the cursor, recolour, ring nor hide what follows."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def moment(t: datetime, zone: str = "Asia/Ho_Chi_Minh") -> str:
    """An instant as an office in Vietnam reads it: '14:05 30/11/2026'."""
    local = t.astimezone(ZoneInfo(zone))
    return f"{clock(local.time())} {date_short(local.date())}"



# what `ocop documents verify` says of a file (ocop.services.paperwork.verify.FileProblem.kind)
FILE_PROBLEM = {
    "modified": "đã bị sửa (SHA-256 khác sổ văn bản)",
    "missing": "bị mất",
    "unregistered": "không có trong sổ văn bản",
    "extra": "thừa, không có trong bản kê",
    "outside": "nằm ngoài thư mục văn bản (sổ ghi đường dẫn tuyệt đối)",
    "signature": "chữ ký số không hợp lệ",
    "unsigned": "chưa được ký số",
    "unverified": "chữ ký số chưa kiểm tra được nguồn gốc: chưa cấu hình chứng thư tin cậy (OCOP_SIGNING_TRUST)",
}
VERIFY_HINT = "kiểm tra: ocop documents verify"


def file_problem(kind: str, path: str, document: str = "", detail: str = "") -> str:
    """One line of `ocop documents verify`: the file, what is wrong, the document it is."""
    about = f" — {document}" if document else ""
    more = f" ({detail})" if detail else ""
    return f"{path}: {FILE_PROBLEM[kind]}{more}{about}"


def tampered_warning(problems: Sequence[tuple[str, str]], shown: int = 3) -> str:
    """The warning a stage or `documents list` gives about issued files (kind, path) found modified or missing."""
    modified = sum(kind == "modified" for kind, _ in problems)
    missing = sum(kind == "missing" for kind, _ in problems)
    parts = [f"{n} tệp {FILE_PROBLEM[k]}" for k, n in (("modified", modified), ("missing", missing)) if n]
    names = ", ".join(path for _, path in problems[:shown]) + (", …" if len(problems) > shown else "")
    return f"Cảnh báo: văn bản đã ban hành có {' và '.join(parts)}: {names} — {VERIFY_HINT}."


def packet_manifest(campaign: str, code: str, issuer: str, title: str, symbol: str, on: date, signer: str,
                    files: list[tuple[str, str, str, date, str]]) -> str:
    """ban-ke.txt of a referral packet: what it holds, each file (name, title, symbol, date, SHA-256)."""
    lines = [
        "BẢN KÊ HỒ SƠ ĐỀ NGHỊ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP",
        "",
        f"Kế hoạch: {campaign} ({code})",
        f"Cơ quan ban hành: {issuer}",
        f"{title} số {symbol} ngày {date_short(on)}" + (f"; người ký: {signer}" if signer else ""),
        "",
        f"Hồ sơ gồm {len(files)} tệp (mã SHA-256 của từng tệp):",
    ]
    for i, (name, file_title, file_symbol, file_on, sha) in enumerate(files, 1):
        ref = f" số {file_symbol}" if file_symbol else ""
        lines += [f"{i}. {name}", f"   {file_title}{ref} ngày {date_short(file_on)}", f"   SHA-256: {sha}"]
    lines += ["", "Kiểm tra hồ sơ: ocop documents verify <tệp .zip>; hoặc tính SHA-256 của từng tệp "
              "(sha256sum, certutil -hashfile <tệp> SHA256) và so với bản kê này.", ""]
    return "\n".join(lines)


def signed_by(signers: Sequence[str]) -> str:
    """Who signed the PDFs whose signatures hold, as their certificates name them: the reader checks it
    is the office expected (a certificate of the same public CA would verify too)."""
    return "Ký số bởi: " + "; ".join(signers) + "."


def verify_summary(source: str, packet: bool, files: int, kinds: Sequence[str]) -> str:
    """The last line of `ocop documents verify`: all match, or how many files of each kind of problem."""
    what = f"hồ sơ {source}" if packet else f"thư mục {source}"
    against = "bản kê" if packet else "sổ văn bản"
    if not kinds:
        return f"Đạt: {files} tệp trong {what} khớp SHA-256 với {against}."
    counts = {k: list(kinds).count(k) for k in FILE_PROBLEM if k in kinds}
    listed = "; ".join(f"{n} tệp {FILE_PROBLEM[k]}" for k, n in counts.items())
    return f"Không đạt: {what} — {listed} (đã kiểm tra {files} tệp theo {against})."
