"""The registration form's columns and the reading of one row into a registration.

The first seven columns are the original input file's (README, "Input files"); the others are
optional, so old files still load, and the workbook template (``ocop registrations template``)
has them all. A value a column does not accept is a problem naming the file, sheet, row,
column, the value and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ocop import present
from ocop.inputs import NO, YES, Column, Table, bad_value, checked_text, parse_date
from ocop.persistence.models import Campaign
from ocop.rules import limits
from ocop.rules.criteria import load_sets
from ocop.rules.dossier import FIRST, ITEMS, REEVALUATION, UPGRADE
from ocop.rules.editions import get_edition
from ocop.text import fold

CODE = Column("ma_san_pham", "Mã sản phẩm", required=False, limit=limits.PRODUCT_CODE)
NAME = Column("ten_san_pham", "Tên sản phẩm", limit=limits.PRODUCT_NAME)
SET = Column("bo_san_pham", "Bộ sản phẩm")
PRODUCER = Column("ten_chu_the", "Tên chủ thể", limit=limits.PRODUCER_NAME)
TYPE = Column("loai_hinh", "Loại hình")
COMMUNE = Column("xa", "Xã", limit=limits.COMMUNE)
CONFIRMED = Column("xac_nhan_xa", "Xác nhận UBND xã")
ADDRESS = Column("dia_chi", "Địa chỉ", required=False, limit=limits.ADDRESS)
REPRESENTATIVE = Column("nguoi_dai_dien", "Người đại diện", required=False, limit=limits.PERSON_NAME)
PHONE = Column("dien_thoai", "Điện thoại", required=False, limit=limits.PHONE)
KIND = Column("hinh_thuc_dang_ky", "Hình thức đăng ký", required=False)
CERT_NUMBER = Column("so_giay_chung_nhan_ocop", "Số giấy chứng nhận OCOP", required=False,
                     limit=limits.CERTIFICATE_NUMBER)
CERT_DATE = Column("ngay_cap_giay_chung_nhan", "Ngày cấp giấy chứng nhận", required=False)
CERT_STARS = Column("hang_sao_da_dat", "Hạng sao đã đạt", required=False)
REGISTERED_ON = Column("ngay_dang_ky", "Ngày đăng ký", required=False)
ITEM_COLUMNS = tuple(Column(key, header, required=False) for key, header in ITEMS.items())
COLUMNS = (CODE, NAME, SET, PRODUCER, TYPE, COMMUNE, CONFIRMED, ADDRESS, REPRESENTATIVE, PHONE, KIND,
           CERT_NUMBER, CERT_DATE, CERT_STARS, REGISTERED_ON, *ITEM_COLUMNS)

PRODUCER_TYPES = {
    "dn": "DN", "doanh nghiệp": "DN", "công ty": "DN",
    "htx": "HTX", "hợp tác xã": "HTX",
    "tht": "THT", "tổ hợp tác": "THT",
    "hkd": "HKD", "hộ kinh doanh": "HKD", "hộ sản xuất": "HKD",
}  # fmt: skip
KINDS = {fold(v): k for k, v in present.REGISTRATION_KIND.items()} | {
    "lan dau": FIRST, "nang hang": UPGRADE, "danh gia lai": REEVALUATION, "công nhận lại": REEVALUATION}
COMMUNE_PREFIXES = ("xã ", "thị trấn ", "tt. ", "tt ", "phường ")
PRE_ASSESSED_KEY = "so_bo_{}"  # the column of the commune's n-th pre-assessed criterion (1489)
_MET = {fold(v): k for k, v in present.PRE_ASSESSMENT.items()} | {
    "dat": True, "co": True, "x": True, "khong dat": False, "chua dat": False, "khong": False}
_STARS = re.compile(r"^([1-5])(?:[.,]0+)?\s*(?:sao|★)?$")
TEXTS_KEPT = 2000  # distinct texts of a column whose check is remembered (a name is seen once; "Có" 10,000 times)
_MOBILE = re.compile(r"[1-9]\d{8}")
_YES_NO = dict.fromkeys(NO, False) | dict.fromkeys(YES, True)  # parse_yes_no's words, folded


@dataclass(frozen=True)
class FormContext:
    """What a row is checked against: the edition's sets and the campaign's communes."""

    edition: str
    sets: dict[str, str]  # folded code / name / "code - name" -> set code; "" where ambiguous
    set_names: dict[str, str]  # set code -> name
    communes: dict[str, str]  # folded name (with and without "xã", "thị trấn") -> canonical name
    place: str  # "xã, thị trấn của huyện Lục Nam", "xã, phường của tỉnh Bắc Ninh"
    registered: tuple[date, date]  # the plausible registration dates: the year before the campaign's, and its own
    certified_by: date  # the latest plausible date of an earlier certificate: the evaluation deadline
    # the criteria the commune pre-assesses and reports in its list (1489, a province campaign); () otherwise
    pre_assessed: tuple[str, ...] = ()

    @property
    def pre_assessment_columns(self) -> tuple[Column, ...]:
        """One column per pre-assessed criterion, headed by the criterion as the edition names it."""
        return tuple(Column(PRE_ASSESSED_KEY.format(i), name) for i, name in enumerate(self.pre_assessed, 1))

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every column a registration file of the campaign may have."""
        return (*COLUMNS, *self.pre_assessment_columns)


def commune_keys(name: str) -> set[str]:
    key = fold(name)
    return {key} | {key[len(p):] for p in COMMUNE_PREFIXES if key.startswith(p)}


def form_context(campaign: Campaign) -> FormContext:
    sets = load_sets(get_edition(campaign.edition_code).criteria_dir)
    lookup: dict[str, str] = {}
    by_number: dict[str, list[str]] = {}
    for s in sets.values():
        for key in (s.code, s.code.lstrip("0"), f"{s.number:02d}" if s.code == str(s.number) else s.code,
                    f"{s.code} - {s.name}"):
            lookup[fold(key)] = s.code
        name = fold(s.name)
        lookup[name] = "" if name in lookup and lookup[name] != s.code else s.code
        by_number.setdefault(str(s.number), []).append(s.code)
    for number, codes in by_number.items():
        if len(codes) > 1:
            lookup[number] = lookup[number.zfill(2)] = ""
    communes: dict[str, str] = {}
    for name in campaign.details.communes:
        for key in commune_keys(name):
            communes[key] = name
    below = get_edition(campaign.edition_code).pre_assessing(campaign.level)
    return FormContext(campaign.edition_code, lookup, {s.code: s.name for s in sets.values()}, communes,
                       f"{present.commune_units(campaign.district)} của "
                       f"{present.locality(campaign.level, campaign.district, campaign.province)}",
                       (date(campaign.year - 1, 1, 1), date(campaign.year, 12, 31)),
                       campaign.deadline_evaluation, below.pre_assessed_criteria if below else ())


@dataclass(slots=True)
class ParsedRegistration:
    """One valid row. ``registration`` and ``producer`` hold only the columns the file has."""

    row: int
    code: str | None
    name: str
    producer: str
    commune: str
    registration: dict[str, Any] = field(default_factory=dict)
    producer_values: dict[str, Any] = field(default_factory=dict)
    code_key: str | None = field(init=False)
    pn_key: tuple[str, str] = field(init=False)  # producer and product name folded: the same product in any commune
    producer_key: tuple[str, str] = field(init=False)  # producer and commune folded: the producer's key

    def __post_init__(self) -> None:
        self.code_key = fold(self.code) if self.code else None
        self.pn_key = fold(self.producer), fold(self.name)
        self.producer_key = self.pn_key[0], fold(self.commune)


class RowReader:
    """Checks the rows of one open table against the form, collecting problems per row."""

    def __init__(self, table: Table, context: FormContext) -> None:
        self.table, self.context = table, context
        self.present = list(table.positions)  # in the file's column order
        self.positions = list(table.positions.items())
        self.limits = {key: col.limit for key, col in table.columns.items()}
        # per column, the text of a text cell already found right (yes/no, sets, communes repeat)
        self.texts: dict[str, dict[str, str]] = {key: {} for key in self.present}
        self.communes: dict[str, str | None] = {}  # a commune as written -> its name in the plan (None: not one)
        self.pre = [(col.key, col.header) for col in context.pre_assessment_columns]
        self.items = [col.key for col in ITEM_COLUMNS if col.key in self.present]

    def values(self, raw: Sequence[Any]) -> dict[str, Any] | None:
        """The row's cells by column key (blank text as None); None for an empty row."""
        n = len(raw)
        values = {}
        empty = True
        for key, i in self.positions:
            value = raw[i] if i < n else None
            if value is not None:
                if isinstance(value, str) and not value.strip():
                    value = None
                else:
                    empty = False
            values[key] = value
        return None if empty else values

    def read(self, number: int, cells: dict[str, Any]) -> tuple[ParsedRegistration | None, list[str]]:
        """A row's registration (``cells`` from :meth:`values`), or its problems."""
        problems: list[str] = []
        where = self.table.where
        text: dict[str, str] = {}  # each cell's text (cell_text): NFC, trimmed, so folding it is casefold()
        limits, texts = self.limits, self.texts
        for key, value in cells.items():
            if value is None:
                text[key] = ""
                continue
            if type(value) is str and (known := texts[key].get(value)) is not None:
                text[key] = known
                continue
            text[key], fault = checked_text(value, limits[key])
            if fault is not None:
                problems.append(f"{where(number, key)}: {fault}")
            elif type(value) is str and len(texts[key]) < TEXTS_KEPT:
                texts[key][value] = text[key]
        if problems:
            return None, problems
        for col in (NAME, SET, PRODUCER, TYPE, COMMUNE):
            if col.key in text and not text[col.key]:
                problems.append(f"{where(number, col.key)}: ô trống, cần {col.header.lower()}.")
        ctx = self.context
        set_text = text.get(SET.key, "")
        set_code = ctx.sets.get(set_text.casefold()) if set_text else None
        if set_text and not set_code:
            ambiguous = set_code == ""
            problems.append(bad_value(
                where(number, SET.key), set_text,
                "có nhiều phương án, cần ghi rõ mã bộ (ví dụ 26a hoặc 26b)" if ambiguous else
                f"không phải bộ sản phẩm của {ctx.edition}, cần mã bộ (ví dụ 1, 07, 26a) hoặc tên bộ"))
        type_text = text.get(TYPE.key, "")
        producer_type = PRODUCER_TYPES.get(type_text.casefold().split(" - ")[0])
        if type_text and producer_type is None:
            problems.append(bad_value(where(number, TYPE.key), type_text, "không hợp lệ, cần DN, HTX, THT hoặc HKD"))
        commune = text.get(COMMUNE.key, "")
        if commune and ctx.communes:
            if commune not in self.communes:
                self.communes[commune] = next((ctx.communes[k] for k in commune_keys(commune) if k in ctx.communes),
                                              None)
            canonical = self.communes[commune]
            if canonical is None:
                problems.append(bad_value(where(number, COMMUNE.key), commune, f"không phải {ctx.place}, cần một tên "
                                          "trong danh sách xã của kế hoạch"))
            commune = canonical or commune
        confirmed = self._yes_no(number, CONFIRMED.key, text, problems)
        reg: dict[str, Any] = {}
        if set_code:
            reg["set_code"] = set_code
        if confirmed is not None:
            reg["commune_confirmed"] = confirmed
        self._optional(number, text, cells, reg, problems)
        if problems:
            return None, problems
        producer = {"kind": producer_type}
        for col, attr in ((ADDRESS, "address"), (REPRESENTATIVE, "representative"), (PHONE, "phone")):
            if col.key in text:
                producer[attr] = text[col.key]
        if PHONE.key in text and _MOBILE.fullmatch(text[PHONE.key]):
            producer["phone"] = "0" + text[PHONE.key]  # a mobile number typed as a number lost its 0
        return ParsedRegistration(number, text.get(CODE.key) or None, text.get(NAME.key, ""),
                                  text.get(PRODUCER.key, ""), commune, reg, producer), []

    def _yes_no(self, number: int, key: str, text: dict[str, str], problems: list[str]) -> bool | None:
        if key not in text:
            return None
        value = _YES_NO.get(text[key].casefold())  # parse_yes_no of a cell's text
        if value is None and not text[key] and key != CONFIRMED.key:
            return False
        if value is None:
            problems.append(bad_value(self.table.where(number, key), text[key], "không hợp lệ, cần 'Có' hoặc 'Không'"))
        return value

    def _optional(self, number: int, text: dict[str, str], cells: dict[str, Any], reg: dict[str, Any],
                  problems: list[str]) -> None:
        where = self.table.where
        if KIND.key in text:
            kind = KINDS.get(text[KIND.key].casefold()) if text[KIND.key] else FIRST
            if kind is None:
                problems.append(bad_value(where(number, KIND.key), text[KIND.key],
                                          "không hợp lệ, cần 'Lần đầu', 'Nâng hạng' hoặc 'Đánh giá lại'"))
            reg["kind"] = kind
        if CERT_NUMBER.key in text:
            reg["certificate_number"] = text[CERT_NUMBER.key] or None
        ctx = self.context
        first, last = ctx.registered
        plausible = {CERT_DATE.key: (limits.EARLIEST_CERTIFICATE, ctx.certified_by, "ngày cấp của giấy chứng nhận "
                                     "đã có, không sau hạn đánh giá của kế hoạch"),
                     REGISTERED_ON.key: (first, last, "ngày đăng ký trong năm của kế hoạch hoặc năm trước")}
        for col, attr in ((CERT_DATE, "certificate_date"), (REGISTERED_ON, "registered_on")):
            if col.key in text:
                value = cells[col.key]
                parsed = parse_date(text[col.key] if isinstance(value, str) else value) if value is not None else None
                low, high, what = plausible[col.key]
                if value is not None and parsed is None:
                    problems.append(bad_value(where(number, col.key), text[col.key],
                                              "không phải ngày, cần ngày dạng dd/mm/yyyy"))
                elif parsed is not None and not low <= parsed <= high:
                    problems.append(bad_value(where(number, col.key), text[col.key],
                                              f"không hợp lý, cần {what} (từ {present.date_short(low)} đến "
                                              f"{present.date_short(high)})"))
                reg[attr] = parsed
        if CERT_STARS.key in text:
            m = _STARS.match(text[CERT_STARS.key].casefold())
            if text[CERT_STARS.key] and (m is None or int(m.group(1)) < 3):
                problems.append(bad_value(where(number, CERT_STARS.key), text[CERT_STARS.key],
                                          "không hợp lệ, cần số sao từ 3 đến 5"))
            reg["certificate_stars"] = int(m.group(1)) if m else None
        if self.pre:
            met = {}
            for key, criterion in self.pre:
                value = _MET.get(text.get(key, "").casefold())
                if value is None:
                    problems.append(bad_value(where(number, key), text.get(key, ""),
                                              "cần 'Đạt' hoặc 'Không đạt' (kết quả đánh giá sơ bộ của UBND xã)"))
                met[criterion] = bool(value)
            reg["pre_assessment"] = met
        if self.items:  # _yes_no of each item, a Có or Không looked up here (eleven cells a row)
            dossier = {}
            for key in self.items:
                value = _YES_NO.get(text[key].casefold())
                if value is None:  # blank (not submitted) or a problem: _yes_no says which
                    value = self._yes_no(number, key, text, problems)
                dossier[key] = value
            reg["dossier"] = dossier
