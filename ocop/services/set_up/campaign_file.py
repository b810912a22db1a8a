"""The campaign file (TOML): the plan's data a clerk writes once a year."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from ocop import present
from ocop.errors import InputError
from ocop.inputs import read_text
from ocop.rules import limits
from ocop.rules.campaign import (
    DEFAULT_MEETING_TIME,
    CampaignRules,
    end_before_start,
    input_fields,
    simple_fraction,
)
from ocop.rules.campaign import Signer as SignerData
from ocop.text import fold, forbidden_character, nfc

Role = Literal["chair", "vice_chair", "member", "head"]


_MAX_NUMBER = 99999  # the largest first number of a series
MAX_ROUND = 12  # rounds in one year: an office holds one or two


def _text(value: str, limit: int) -> str:
    """A text of the file, NFC; a ValueError when it holds a character no input may hold or is
    longer than ``limit`` characters (ocop.rules.limits)."""
    bad = forbidden_character(value)
    if bad is not None:
        raise ValueError(f"có ký tự không hợp lệ '{present.quoted(bad)}' (ký tự điều khiển hoặc không phải chữ), "
                         "cần xoá ký tự đó")
    text = nfc(value)
    if len(text) > limit:
        raise ValueError(f"dài {len(text)} ký tự, tối đa {limit} ký tự")
    return text


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    # the longest text each field (or each text of a list field) takes; any other: a paragraph
    limits: ClassVar[dict[str, int]] = {}

    @field_validator("*", mode="before")
    @classmethod
    def _nfc(cls, value: object, info: ValidationInfo) -> object:
        limit = cls.limits.get(info.field_name or "", limits.PARAGRAPH)
        if isinstance(value, str):
            return _text(value, limit)
        if isinstance(value, list):
            return [_text(v, limit) if isinstance(v, str) else v for v in value]
        return value


class PersonIn(_Model):
    limits: ClassVar[dict[str, int]] = {"name": limits.PERSON_NAME, "position": limits.TITLE}
    name: str = Field(min_length=2)
    role: Role
    position: str = Field(min_length=2)


class Deadlines(_Model):
    verification: date
    evaluation: date
    referral: date

    @model_validator(mode="after")
    def _in_order(self) -> Deadlines:
        if self.verification > self.evaluation:
            raise ValueError(f"hạn kiểm tra hồ sơ (verification, {present.date_short(self.verification)}) sau hạn "
                             f"đánh giá (evaluation, {present.date_short(self.evaluation)}), cần kiểm tra hồ sơ trước")
        if self.referral < self.evaluation:
            raise ValueError(f"hạn đề nghị cấp trên (referral, {present.date_short(self.referral)}) trước hạn "
                             f"đánh giá (evaluation, {present.date_short(self.evaluation)}), cần đánh giá trước")
        return self


class Meeting(_Model):
    limits: ClassVar[dict[str, int]] = {"venue": limits.TITLE}
    date: dt.date
    time: dt.time = DEFAULT_MEETING_TIME
    venue: str
    invitation_date: dt.date | None = None
    # when the meeting ended, for a campaign run unattended (the sample); otherwise `ocop meeting close --at`
    end_time: dt.time | None = None

    @field_validator("end_time")
    @classmethod
    def _ends_after_start(cls, value: dt.time | None, info: ValidationInfo) -> dt.time | None:
        start = info.data.get("time")
        if value is not None and start is not None and value <= start:
            raise ValueError(end_before_start(value, start))
        return value


def _input_model(cls: type) -> type[_Model]:
    """The pydantic input model of a dataclass in ocop.rules.campaign: its names, types, defaults, bounds."""
    # pydantic types field definitions as Any; a **dict of anything narrower also meets create_model's own keywords
    fields: dict[str, Any] = {
        name: (kind, Field(default, **bounds)) for name, (kind, default, bounds) in input_fields(cls).items()}
    return create_model(cls.__name__, __base__=_Model, __doc__=cls.__doc__, **fields)


# The [rules] table and a signer: defined once, in ocop.rules.campaign.
if TYPE_CHECKING:  # built at run time, so the type checker knows them by their base class
    Rules: TypeAlias = _Model
    Signer: TypeAlias = _Model
else:
    Rules = _input_model(CampaignRules)
    Signer = _input_model(SignerData)
    Signer.limits = {"name": limits.PERSON_NAME, "title": limits.BODY, "head_title": limits.BODY,
                     "collective": limits.BODY, "post": limits.TITLE}


class Signers(_Model):
    """Who signs for whom: the issuer is required and stands in for a council or office the file leaves out."""

    issuer: Signer  # the People's Committee
    council: Signer | None = None  # the council's chair
    office: Signer | None = None  # the agriculture office


class LegalBasis(_Model):
    """A text the campaign's documents cite (a plan of the province or the district, a decision):
    cited by a document only from its date, and once even where the edition cites it too."""

    limits: ClassVar[dict[str, int]] = {"kind": limits.PLACE, "number": limits.DOCUMENT_NUMBER,
                                        "issuer": limits.BODY}
    kind: str = Field(min_length=2)  # "Kế hoạch", "Quyết định"
    number: str = Field(pattern=r"^[0-9]+(/[^/\s]+)+$")  # "2077/KH-UBND"
    date: dt.date
    issuer: str = Field(min_length=2)  # "Chủ tịch UBND tỉnh Bắc Giang"
    title: str = ""  # what follows the issuer: "về Tổ chức đánh giá và phân hạng sản phẩm OCOP …"


class Responsibility(_Model):
    limits: ClassVar[dict[str, int]] = {"unit": limits.BODY}
    unit: str
    tasks: list[str]


class Plan(_Model):
    """The plan document (Kế hoạch) itself: its date and the texts that are the office's own."""

    date: dt.date
    purposes: list[str] = []
    requirements: list[str] = []
    budget: str = ""
    # section II.4 (Lễ công bố, trao chứng nhận và vinh danh); a general sentence when left out
    ceremony: str = ""
    responsibilities: list[Responsibility] = []
    recipients: list[str] = []
    electronic_recipients: list[str] = []


class CampaignFile(_Model):
    """Everything ``ocop campaign create`` needs; see ocop/sample/luc-nam-2020/campaign.toml."""

    limits: ClassVar[dict[str, int]] = {
        "name": limits.TITLE, "council_name": limits.TITLE, "edition": limits.SHORT_CODE,
        "province": limits.PLACE, "district": limits.PLACE, "place_name": limits.PLACE,
        "issuing_body": limits.BODY, "parent_body": limits.BODY, "office": limits.BODY,
        "issuer_code": limits.SHORT_CODE, "office_code": limits.SHORT_CODE, "council_code": limits.SHORT_CODE,
        "communes": limits.COMMUNE}

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    name: str
    year: int = Field(ge=2019, le=2100)
    # the round (đợt) within the year: 1, 2, … (Bắc Giang runs two); each round is a campaign of its own
    round: int = Field(1, ge=1, le=MAX_ROUND)
    edition: str
    level: Literal["commune", "district", "province"] = "district"
    province: str
    district: str
    place_name: str
    issuing_body: str
    parent_body: str = ""
    issuer_code: str
    office: str
    office_code: str
    council_name: str
    council_code: str = "HĐOCOP"
    legal_bases: list[LegalBasis] = []
    council_decision_date: date
    rules_decision_date: date | None = None
    verification_notice_date: date | None = None
    # 1489: the date of the communes' pre-assessment reports (one per commune, ``ocop pre-assess``)
    commune_report_date: date | None = None
    recognition_date: date | None = None
    referral_date: date | None = None
    plan: Plan | None = None
    deadlines: Deadlines
    meeting: Meeting | None = None
    rules: Rules = Rules()
    # the first number of each series (issuer code -> number): at least 1
    numbering: dict[str, int] = {}
    signers: Signers
    council: list[PersonIn] = Field(min_length=3)
    secretariat: list[PersonIn] = []
    # The communes (xã, thị trấn) that may register; when listed, any other commune is refused.
    communes: list[str] = []
    # 1489: who signs each commune's report (commune -> the chairman of its People's Committee)
    commune_signers: dict[str, str] = {}

    @field_validator("rules", mode="before")
    @classmethod
    def _quorum_as_written(cls, value: object) -> object:
        """rules.quorum_fraction may be written as a fraction, "2/3"; anything else unreadable is left
        for the number check, which names the key."""
        share = value.get("quorum_fraction") if isinstance(value, dict) else None
        if isinstance(value, dict) and isinstance(share, str):
            try:
                return {**value, "quorum_fraction": float(simple_fraction(share))}
            except (ValueError, ArithmeticError):
                return value
        return value

    @field_validator("council")
    @classmethod
    def _one_chair(cls, value: list[PersonIn]) -> list[PersonIn]:
        chairs = sum(p.role == "chair" for p in value)
        if chairs != 1:
            raise ValueError(f'Hội đồng phải có đúng một Chủ tịch (role = "chair"); tệp có {chairs}')
        return value

    @field_validator("council", "secretariat")
    @classmethod
    def _distinct_people(cls, value: list[PersonIn]) -> list[PersonIn]:
        names = [fold(p.name) for p in value]
        repeated = list(dict.fromkeys(p.name for p in value if names.count(fold(p.name)) > 1))
        if repeated:
            raise ValueError(f"thành viên bị lặp: {', '.join(repeated)}; mỗi người chỉ ghi một lần")
        return value

    @field_validator("numbering")
    @classmethod
    def _numbers(cls, value: dict[str, int]) -> dict[str, int]:
        for series, first in value.items():
            if not 1 <= first <= _MAX_NUMBER:
                raise ValueError(f"số đầu tiên của sổ '{present.quoted(series)}' là {first}, cần một số từ 1 đến "
                                 f"{_MAX_NUMBER}")
        return value

    def cross_problems(self) -> list[tuple[str, str]]:
        """(key, problem) for what no one key shows: the meeting before the evaluation deadline and
        its invitation before it, every date of the plan within a year of the campaign's year, a
        legal basis dated in the OCOP era, the numbered series the campaign's issuers'."""
        day = present.date_short
        problems: list[tuple[str, str]] = []
        meeting, evaluation = self.meeting, self.deadlines.evaluation
        if meeting is not None and meeting.date > evaluation:
            problems.append(("meeting.date", f"ngày họp Hội đồng {day(meeting.date)} sau hạn đánh giá "
                                             f"(deadlines.evaluation, {day(evaluation)}), cần họp trước hạn"))
        if meeting is not None and meeting.invitation_date is not None and meeting.invitation_date > meeting.date:
            problems.append(("meeting.invitation_date", f"ngày giấy mời {day(meeting.invitation_date)} sau ngày họp "
                                                        f"{day(meeting.date)}, cần mời trước ngày họp"))
        first, last = dt.date(self.year - 1, 1, 1), dt.date(self.year + 1, 12, 31)
        dated = {"council_decision_date": self.council_decision_date, "rules_decision_date": self.rules_decision_date,
                 "verification_notice_date": self.verification_notice_date,
                 "commune_report_date": self.commune_report_date,
                 "recognition_date": self.recognition_date, "referral_date": self.referral_date,
                 "plan.date": self.plan.date if self.plan else None,
                 **{f"deadlines.{k}": getattr(self.deadlines, k) for k in ("verification", "evaluation", "referral")},
                 "meeting.date": meeting.date if meeting else None,
                 "meeting.invitation_date": meeting.invitation_date if meeting else None}
        for key, when in dated.items():
            if when is not None and not first <= when <= last:
                problems.append((key, f"ngày {day(when)} không hợp lý cho kế hoạch năm {self.year}, cần từ "
                                      f"{day(first)} đến {day(last)}"))
        for i, basis in enumerate(self.legal_bases):
            if not limits.EARLIEST_CERTIFICATE <= basis.date <= last:
                problems.append((f"legal_bases.{i}.date", f"ngày {day(basis.date)} không hợp lý, cần từ "
                                                          f"{day(limits.EARLIEST_CERTIFICATE)} đến {day(last)}"))
        codes = {fold(c) for c in (self.issuer_code, self.office_code, self.council_code)}
        for series in self.numbering:
            if fold(series) not in codes:
                problems.append((f"numbering.{present.quoted(series)}", f"không phải sổ văn bản của kế hoạch, cần "
                                 f"{self.issuer_code}, {self.office_code} hoặc {self.council_code}"))
        return problems

    @field_validator("legal_bases")
    @classmethod
    def _distinct_bases(cls, value: list[LegalBasis]) -> list[LegalBasis]:
        numbers = [b.number.casefold() for b in value]
        repeated = sorted({b.number for b in value if numbers.count(b.number.casefold()) > 1})
        if repeated:
            raise ValueError(f"căn cứ bị lặp: {', '.join(repeated)}")
        return value

    @field_validator("communes")
    @classmethod
    def _distinct_communes(cls, value: list[str]) -> list[str]:
        seen = [c.casefold() for c in value]
        if len(set(seen)) != len(seen) or not all(seen):
            raise ValueError("danh sách xã có tên trống hoặc bị lặp")
        return value


_MESSAGES = {
    "missing": "thiếu mục bắt buộc",
    "extra_forbidden": "mục không được hỗ trợ",
    "date_type": "cần một ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "cần một ngày dạng YYYY-MM-DD",
    "date_parsing": "cần một ngày dạng YYYY-MM-DD",
    "time_type": "cần một giờ dạng HH:MM:SS",
    "int_parsing": "cần một số nguyên",
    "int_type": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "float_parsing": "cần một số",
    "float_type": "cần một số",
    "bool_parsing": "cần true hoặc false",
    "bool_type": "cần true hoặc false",
    "literal_error": "giá trị không nằm trong danh sách cho phép",
    "string_pattern_mismatch": "chỉ gồm chữ thường không dấu, số và dấu '-'",
    "too_short": "quá ngắn hoặc quá ít phần tử",
    "string_too_short": "quá ngắn",
    "greater_than_equal": "giá trị quá nhỏ",
    "greater_than": "giá trị quá nhỏ",
    "less_than": "giá trị quá lớn",
    "less_than_equal": "giá trị quá lớn",
    "string_type": "cần một chuỗi ký tự",
    "model_type": "cần một bảng (vd. [[legal_bases]] với kind, number, date, issuer, title)",
    "model_attributes_type": "cần một bảng (vd. [[legal_bases]] với kind, number, date, issuer, title)",
}
# Messages that depend on the key as well as on the problem.
_KEY_MESSAGES = {
    ("legal_bases", "string_pattern_mismatch"): "cần số hiệu dạng '2077/KH-UBND' hoặc '77/2015/QH13'",
}


def _toml_reason(exc: tomllib.TOMLDecodeError) -> str:
    """Where the TOML parser stopped, in Vietnamese (its own message is English)."""
    at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    if at:
        return f"lỗi cú pháp ở dòng {at.group(1)}, cột {at.group(2)}"
    return "lỗi cú pháp ở cuối tệp" if "end of document" in str(exc) else "lỗi cú pháp"


def load_campaign_file(path: Path) -> CampaignFile:
    """Parse and validate a campaign file; every problem is reported with its location."""
    text = read_text(path, (".toml",))
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"Tệp '{path.name}' không đọc được: không phải tệp TOML hợp lệ "
                         f"({_toml_reason(exc)}).") from exc
    try:
        spec = CampaignFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            text = _KEY_MESSAGES.get((str(err["loc"][0]), err["type"])) or _MESSAGES.get(
                err["type"], err["msg"].removeprefix("Value error, "))
            value = err.get("input")
            shown = (f" (giá trị: '{present.quoted(value)}')" if isinstance(value, str) else
                     f" (giá trị: {value!r})" if isinstance(value, (int, float)) else "")
            problems.append(f"{path.name}, mục '{loc}': {text}{shown}")
        raise InputError(f"{path.name}: tệp kế hoạch có lỗi.", problems) from None
    crossed = spec.cross_problems()
    if crossed:
        raise InputError(f"{path.name}: tệp kế hoạch có lỗi.",
                         [f"{path.name}, mục '{key}': {text}" for key, text in crossed])
    return spec
