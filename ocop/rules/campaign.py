"""A campaign's own rules and settings, typed, each default defined once. Standard library only.

The campaign file's ``[rules]`` table is :class:`CampaignRules`: every rule, its type, its
default and its bounds are declared here and nowhere else. ``ocop.services.set_up.campaign_file``
builds its pydantic input model from these dataclasses (same names, types, defaults and bounds),
so a bad value is refused when the file is read; the validated values are stored as JSON in
``Campaign.file_data`` and read back through :meth:`CampaignRules.from_mapping` and
:meth:`CampaignDetails.from_mapping`. A key an older stored campaign lacks reads as its default.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from fractions import Fraction
from typing import Any, Literal, TypedDict, Unpack, get_origin, get_type_hints

from ocop.errors import InputError

SignOff = Literal["auto", "manual"]
LateRegistrations = Literal["flag", "reject"]
Authority = Literal["", "TM.", "KT.", "Q.", "TL.", "TUQ."]
DEFAULT_MEETING_TIME = time(8, 0)  # the council meets at 08:00 unless the campaign file or --time says otherwise
# A share (the quorum) is a simple fraction when its denominator is at most this: 2/3, 3/4, 5/7.
SIMPLE_DENOMINATOR = 10
_FRACTION_TEXT = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def simple_fraction(x: Fraction | float | int | str) -> Fraction:
    """The share a value stands for, as the rules apply it and the documents state it.

    '2/3' and 2/3 are 2/3; a decimal of three or more places that is a simple fraction (denominator up
    to SIMPLE_DENOMINATOR) rounded to those places is that fraction — 0.6667 and 0.667 are 2/3, 0.714
    is 5/7 —, so a clerk's 0.6667 is applied and printed as the 2/3 it means; any other value is taken
    exactly (0.67 stays 67/100, 0.75 is 3/4). A text that is neither a number nor 'a/b' is a ValueError.
    """
    if isinstance(x, str):
        written = _FRACTION_TEXT.match(x)
        if written is None:
            return simple_fraction(float(x))  # ValueError for anything else
        if int(written.group(2)) == 0:
            raise ValueError(x)
        return Fraction(int(written.group(1)), int(written.group(2)))
    value = Fraction(str(x)) if isinstance(x, float) else Fraction(x)  # a float as written: 0.6667
    places = next((k for k in range(18) if (value * 10**k).denominator == 1), None)
    if places is not None and places < 3:
        return value
    tolerance = max(Fraction(1, 2 * 10**places), Fraction(1, 10**9)) if places is not None else Fraction(1, 10**9)
    for d in range(1, SIMPLE_DENOMINATOR + 1):
        near = Fraction(round(value * d), d)
        if abs(near - value) < tolerance:
            return near
    return value


def end_before_start(end: time, start: time) -> str:
    """Why an end time is refused: a meeting (one day, as the minutes record it) ends after it starts."""
    from ocop import present  # here, not at the top: ocop.present imports this module

    return f"giờ kết thúc {present.clock(end)} phải sau giờ bắt đầu {present.clock(start)}"


class Bounds(TypedDict, total=False):
    """A field's bounds, checked on input."""

    ge: float
    gt: float
    le: float
    lt: float


def _bounds(**bounds: Unpack[Bounds]) -> dict[str, Bounds]:
    """A field's bounds (``ge``/``gt``/``le``/``lt``), checked on input."""
    return {"bounds": bounds}


@dataclass(frozen=True)
class CampaignRules:
    """The campaign file's ``[rules]`` table: local rules of the dossier check, council and sign-off."""

    # Dossier check (ocop.rules.dossier): a registration without the commune's confirmation is ineligible.
    require_commune_confirmation: bool = True
    # "manual": numbered documents wait as drafts for their signer's approval (CLI or Prefect UI);
    # "auto": the designated signer's approval is recorded at once (the sample campaign).
    sign_off: SignOff = "manual"
    # Local council rules written into the Quy chế (domain.md §3.3): maximum spread between
    # members' totals before the council must discuss and re-score, in points.
    max_spread: float = field(default=10, metadata=_bounds(ge=0, le=100))
    # Quorum: at least this fraction of the members (rounded up), and the chair when required; read
    # through simple_fraction, so 0.6667 is the 2/3 it stands for (the campaign file may write "2/3").
    quorum_fraction: float = field(default=2 / 3, metadata=_bounds(gt=0, le=1))
    # Dossier check: working days after the dossier-check notice to send a missing item;
    # registrations dated after the verification deadline are flagged or rejected.
    supplement_working_days: int = field(default=5, metadata=_bounds(ge=1, le=60))
    late_registrations: LateRegistrations = "flag"
    quorum_requires_chair: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "quorum_fraction", float(simple_fraction(self.quorum_fraction)))

    @property
    def auto_sign_off(self) -> bool:
        return self.sign_off == "auto"

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> CampaignRules:
        """The rules as stored; a missing (or null) key takes its default, an unknown key is ignored."""
        return cls(**_read(cls, raw or {}))


@dataclass(frozen=True)
class Signer:
    """Who signs for a body and how: authority prefix, title, and the head's title for KT./Q.;
    ``post``: the signer's own post printed above the name where it differs from the title (a
    council's chair: "PHÓ CHỦ TỊCH UBND HUYỆN")."""

    name: str
    title: str
    authority: Authority = ""
    head_title: str = ""
    collective: str = ""
    post: str = ""

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Signer:
        return cls(**_read(cls, raw))


@dataclass(frozen=True)
class CampaignDetails:
    """The rest of a campaign file kept in ``Campaign.file_data``: dates, plan texts, numbering, signers, communes.

    Dates the file leaves out are None; each reader says which date stands in for it.
    """

    council_decision_date: date | None = None
    rules_decision_date: date | None = None
    verification_notice_date: date | None = None
    commune_report_date: date | None = None
    recognition_date: date | None = None
    referral_date: date | None = None
    invitation_date: date | None = None
    # The plan's own texts as stored (the campaign file's [plan] table); None without one.
    plan: Mapping[str, Any] | None = None
    # Where each issuer's number series continues (issuer code -> first number of the year).
    numbering: Mapping[str, int] = field(default_factory=dict)
    # "issuer", "council", "office" -> the designated signer.
    signers: Mapping[str, Signer] = field(default_factory=dict)
    # The communes that may register; empty: any commune.
    communes: tuple[str, ...] = ()
    # commune -> the chairman who signs its pre-assessment report (1489)
    commune_signers: Mapping[str, str] = field(default_factory=dict)

    def first_number(self, series: str) -> int:
        """The first number a series takes in a year: 1, unless the campaign continues an existing series."""
        return int(self.numbering.get(series, 1))

    def signer(self, who: str) -> Signer:
        """The designated signer for ``who``; the issuer's where the file names none for it."""
        found = self.signers.get(who) or self.signers.get("issuer")
        if found is None:  # stored before the campaign file required [signers.issuer]
            raise InputError(
                "Kế hoạch chưa có người ký của cơ quan ban hành (mục 'signers.issuer' của tệp kế hoạch): "
                "bổ sung mục này rồi chạy lại 'ocop campaign create TỆP'."
            )
        return found

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> CampaignDetails:
        raw = raw or {}
        dates = {f.name: date.fromisoformat(raw[f.name]) if raw.get(f.name) else None
                 for f in dataclasses.fields(cls) if f.name.endswith("_date")}
        return cls(
            **dates,
            plan=raw.get("plan") or None,
            numbering={k: int(v) for k, v in (raw.get("numbering") or {}).items()},
            signers={k: Signer.from_mapping(v) for k, v in (raw.get("signers") or {}).items()},
            communes=tuple(raw.get("communes") or ()),
            commune_signers=dict(raw.get("commune_signers") or {}),
        )


def _read(cls: type, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Each field of the dataclass from ``raw`` (or its default when missing or null), as its declared type."""
    hints = get_type_hints(cls)
    out = {}
    for f in dataclasses.fields(cls):
        value = raw.get(f.name)
        if value is None:
            if f.default is dataclasses.MISSING:
                continue  # required: the dataclass refuses it
            value = f.default
        kind = hints[f.name]
        out[f.name] = str(value) if get_origin(kind) is Literal else kind(value)
    return out


def _field_bounds(f: dataclasses.Field[Any]) -> Bounds:
    bounds: Bounds = f.metadata.get("bounds", {})  # set by _bounds
    return bounds.copy()


def input_fields(cls: type) -> dict[str, tuple[Any, Any, Bounds]]:
    """For an input validator: each field's name -> (type, default or ``...`` if required, bounds)."""
    hints = get_type_hints(cls)
    return {f.name: (hints[f.name], ... if f.default is dataclasses.MISSING else f.default,
                     _field_bounds(f)) for f in dataclasses.fields(cls)}

