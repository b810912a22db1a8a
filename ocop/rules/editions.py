"""Legal editions (1048/2019, 148/2023, 148 as amended by 1489/2025) loaded from TOML data.

A campaign pins one edition by its code; nothing in the code branches on a year.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from ocop import present
from ocop.errors import RulesError
from ocop.rules import legal

DATA_DIR = Path(__file__).parent / "data" / "editions"


@dataclass(frozen=True)
class Level:
    """What one administrative level does under an edition."""

    key: str  # "commune" | "district" | "province"
    name: str  # "cấp huyện"
    scores: bool  # the level's council scores and ranks products
    recognises: tuple[int, ...]  # stars this level recognises itself
    refers_at: float | None  # mean at or above which a product goes up a level
    refers_to: str  # who receives the referral
    pre_assessed_criteria: tuple[str, ...] = ()
    # what the level issues when it only pre-assesses (1489's commune): its report, none for a scoring level
    report: CommuneReport | None = None


@dataclass(frozen=True)
class CommuneReport:
    """The document a pre-assessing level (1489: the commune) sends up with its list of products."""

    type_code: str  # "BC"
    title: str  # its trích yếu
    sends_to: str  # whom the commune sends it to: "Sở Nông nghiệp và Môi trường"


@dataclass(frozen=True)
class Edition:
    """One legal basis for scoring and procedure."""

    code: str
    instrument: str  # the number of the decision it is, in ocop/rules/data/legal ("1048/QĐ-TTg")
    in_force_from: date
    in_force_until: date | None
    criteria_dir: str
    dossier_lead_working_days: int
    mandatory_criteria: bool
    certificate_months: int
    star_lower_bounds: tuple[float, ...]
    max_points: float
    parts: dict[str, int]
    part_titles: dict[str, str]
    levels: dict[str, Level] = field(default_factory=dict)
    source: str = ""

    def citation(self, on: date) -> legal.Citation | None:
        """The decision as a document dated ``on`` cites it, with the amendments that exist by then."""
        return legal.cite(legal.instrument(self.instrument), on)

    def title_on(self, on: date) -> str:
        """The full citation in running text on ``on`` (the decision alone where it is later than ``on``)."""
        found = self.citation(on)
        return found.text if found else legal.instrument(self.instrument).full()

    def short_title_on(self, on: date) -> str:
        """'Quyết định số 1048/QĐ-TTg ngày 21/8/2019 của Thủ tướng Chính phủ (sửa đổi bởi …)' on ``on``."""
        found = legal.cite(legal.instrument(self.instrument), on, short=True)
        return found.text if found else legal.instrument(self.instrument).short()

    def pre_assessing(self, level: str) -> Level | None:
        """The level below ``level`` that pre-assesses its products and reports them (1489: the commune
        under a province), or None where the edition has no such step."""
        below = self.levels.get("commune")
        if level == "province" and "district" not in self.levels and below is not None and below.report:
            return below
        return None

    def level(self, key: str) -> Level:
        """The level a campaign runs at; refused if the edition has no such level (1489: no district)."""
        try:
            return self.levels[key]
        except KeyError:
            names = ", ".join(lv.name for lv in self.levels.values())
            raise RulesError(
                f"Văn bản {self.code} không có cấp '{key}' (các cấp theo văn bản này: {names})."
            ) from None


def _level(key: str, raw: dict[str, Any]) -> Level:
    return Level(
        key=key,
        name=raw["name"],
        scores=bool(raw["scores"]),
        recognises=tuple(int(s) for s in raw.get("recognises", [])),
        refers_at=float(raw["refers_at"]) if "refers_at" in raw else None,
        refers_to=raw.get("refers_to", ""),
        pre_assessed_criteria=tuple(raw.get("pre_assessed_criteria", [])),
        report=CommuneReport(**raw["report"]) if "report" in raw else None,
    )


def _parse(path: Path) -> Edition:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        parts = {k: int(v["points"]) for k, v in raw["parts"].items()}
        edition = Edition(
            code=raw["code"],
            instrument=legal.instrument(raw["instrument"]).number,
            in_force_from=raw["in_force_from"],
            in_force_until=raw.get("in_force_until"),
            criteria_dir=raw["criteria_dir"],
            dossier_lead_working_days=int(raw["dossier_lead_working_days"]),
            mandatory_criteria=bool(raw["mandatory_criteria"]),
            certificate_months=int(raw["certificate_months"]),
            star_lower_bounds=tuple(float(x) for x in raw["star_lower_bounds"]),
            max_points=float(raw["max_points"]),
            parts=parts,
            part_titles={k: v["title"] for k, v in raw["parts"].items()},
            levels={k: _level(k, v) for k, v in raw["levels"].items()},
            source=path.name,
        )
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"Tệp văn bản pháp lý {path.name} không hợp lệ: {exc}") from exc
    if sum(parts.values()) != edition.max_points:
        raise RulesError(
            f"Tệp {path.name}: tổng điểm các phần {sum(parts.values())} khác {present.points(edition.max_points)}."
        )
    return edition


@cache
def editions() -> dict[str, Edition]:
    """Every shipped edition, keyed by its code ("1048/2019", "148/2023", "148/2023+1489/2025")."""
    found = (_parse(p) for p in sorted(DATA_DIR.glob("*.toml")))
    return {e.code: e for e in found}


def get_edition(code: str) -> Edition:
    """The edition with this code, or a Vietnamese error listing the known codes."""
    try:
        return editions()[code.strip()]
    except KeyError:
        known = ", ".join(editions())
        raise RulesError(f"Không có văn bản pháp lý '{code}'. Các mã hợp lệ: {known}.") from None
