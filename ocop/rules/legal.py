"""Legal instruments as dated data, and how a document cites them on its date.

Every text a document cites — the OCOP decisions and their amendments, the Law on Local
Government, the province's and the district's plans, the campaign's own documents — is an
:class:`Instrument` with a number, a date, an issuer and a title. A document cites only what
exists on its date: 1048/QĐ-TTg is cited "được sửa đổi, bổ sung bởi Quyết định số 781/QĐ-TTg
ngày 08/6/2020" only from 08/6/2020. The national texts are data in ``data/legal/instruments.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from ocop import present
from ocop.errors import RulesError

DATA_FILE = Path(__file__).parent / "data" / "legal" / "instruments.toml"
LAW = "Luật"


@dataclass(frozen=True)
class Instrument:
    """One legal or administrative text, as a document cites it."""

    kind: str  # "Quyết định", "Luật", "Kế hoạch", "Biên bản"
    number: str  # "1048/QĐ-TTg", "77/2015/QH13", "2077/KH-UBND"
    issued_on: date
    issuer: str  # "Thủ tướng Chính phủ", "Chủ tịch UBND tỉnh Bắc Giang"
    title: str = ""  # what follows the issuer ("ban hành Bộ tiêu chí …"); a law's name ("Tổ chức chính quyền …")
    in_force_from: date | None = None  # when later than the issue date
    amends: str = ""  # the number of the text this one amends
    replaces: tuple[str, ...] = ()  # numbers of the texts this one replaces once in force
    competence: bool = False  # a Law on Local Government: the competence basis of the chair's decisions

    @property
    def in_force(self) -> date:
        return self.in_force_from or self.issued_on

    def reference(self) -> str:
        """Kind, number and date: 'Quyết định số 781/QĐ-TTg ngày 08/6/2020';
        a law by name: 'Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19 tháng 6 năm 2015'."""
        if self.kind == LAW:
            return f"{LAW} {self.title} số {self.number} {present.date_long(self.issued_on)}"
        return f"{self.kind} số {self.number} ngày {present.date_numeric(self.issued_on)}"

    def full(self) -> str:
        """The reference with issuer and title: '… ngày 21/8/2019 của Thủ tướng Chính phủ ban hành …'."""
        if self.kind == LAW:
            return self.reference()
        return " ".join(p for p in (self.reference(), f"của {self.issuer}", self.title) if p)

    def short(self) -> str:
        """The reference with the issuer, without the title: '… ngày 21/8/2019 của Thủ tướng Chính phủ'."""
        return self.reference() if self.kind == LAW else f"{self.reference()} của {self.issuer}"

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Instrument:
        """From data (the legal data file, or a campaign's stored ``legal_bases``)."""
        issued = raw["date"]
        force = raw.get("in_force_from")
        return cls(
            kind=str(raw["kind"]), number=str(raw["number"]),
            issued_on=issued if isinstance(issued, date) else date.fromisoformat(str(issued)),
            issuer=str(raw["issuer"]), title=str(raw.get("title", "")),
            in_force_from=None if force is None else force if isinstance(force, date) else date.fromisoformat(force),
            amends=str(raw.get("amends", "")), replaces=tuple(raw.get("replaces", ())),
            competence=bool(raw.get("competence", False)),
        )

    def to_mapping(self) -> dict[str, str]:
        """As a campaign stores it (the keys of the campaign file's ``[[legal_bases]]``)."""
        return {"kind": self.kind, "number": self.number, "date": self.issued_on.isoformat(),
                "issuer": self.issuer, "title": self.title}


@dataclass(frozen=True)
class Citation:
    """What a document writes after "Căn cứ", and every number it cites (for "none twice")."""

    text: str
    numbers: tuple[str, ...]


@cache
def instruments() -> dict[str, Instrument]:
    """The national texts, keyed by number."""
    try:
        raw = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
        found = [Instrument.from_mapping(r) for r in raw["instrument"]]
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"Tệp văn bản pháp lý {DATA_FILE.name} không hợp lệ: {exc}") from exc
    known = {i.number: i for i in found}
    for i in found:
        for other in (i.amends, *i.replaces):
            if other and other not in known:
                raise RulesError(f"Tệp {DATA_FILE.name}: {i.number} dẫn chiếu văn bản {other} không có trong tệp.")
    return known


def instrument(number: str) -> Instrument:
    try:
        return instruments()[number]
    except KeyError:
        raise RulesError(f"Không có văn bản pháp lý số '{number}' trong {DATA_FILE.name}.") from None


def exists(inst: Instrument, on: date) -> bool:
    """Issued on or before ``on``: a document may cite it."""
    return inst.issued_on <= on


def replaced(inst: Instrument, on: date) -> bool:
    """Replaced on ``on`` by a text then in force."""
    return any(inst.number in other.replaces and other.in_force <= on for other in instruments().values())


def amendments(number: str, on: date) -> list[Instrument]:
    """The amendments of a text that exist on ``on``, oldest first."""
    return sorted((i for i in instruments().values() if i.amends == number and exists(i, on)),
                  key=lambda i: i.issued_on)


def cite(inst: Instrument, on: date, short: bool = False) -> Citation | None:
    """How a document dated ``on`` cites ``inst`` with the amendments that exist by then; None before it exists.

    A law lists its amending laws after it ("…; Luật sửa đổi, bổ sung … ngày …"); any other text says
    ", được sửa đổi, bổ sung bởi Quyết định số 781/QĐ-TTg ngày 08/6/2020" (short: "(sửa đổi bởi …)").
    """
    if not exists(inst, on):
        return None
    text = inst.short() if short else inst.full()
    changes = amendments(inst.number, on)
    if changes and inst.kind == LAW:
        text += "".join(f"; {a.reference()}" for a in changes)
    elif changes:
        refs = ", ".join(a.reference() for a in changes)
        text += f" (sửa đổi bởi {refs})" if short else f", được sửa đổi, bổ sung bởi {refs}"
    return Citation(text, (inst.number, *(a.number for a in changes)))


def competence(on: date) -> Citation | None:
    """The Law on Local Government in force on ``on``, with its amendments then (None before 2015's law)."""
    laws = [i for i in instruments().values() if i.competence and i.in_force <= on and not replaced(i, on)]
    if not laws:
        return None
    return cite(max(laws, key=lambda i: i.in_force), on)


def unique(citations: list[Citation | None]) -> list[Citation]:
    """The citations in order, each text cited once: a citation whose numbers were all cited already is dropped."""
    seen: set[str] = set()
    out = []
    for c in citations:
        if c is None or set(c.numbers) <= seen:
            continue
        seen.update(c.numbers)
        out.append(c)
    return out
