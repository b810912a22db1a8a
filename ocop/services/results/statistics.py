"""Statistics across every campaign in the database: counts and mean scores by year and round,
commune, product set and stars, from the results the rank stage stored (nothing is re-ranked).

One GROUP BY query reads the finest grain — campaign × commune × product set × stars — and the
dimensions are rolled up from it in memory (a few thousand groups for the whole country). Read-only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ocop import present
from ocop.errors import NotFoundError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Campaign, Producer, Product, Registration, Result
from ocop.rules.criteria import CriteriaSet, load_sets
from ocop.rules.editions import get_edition
from ocop.rules.outcome import RECOGNISED, REFERRED
from ocop.settings import Settings
from ocop.text import fold

STARS = (5, 4, 3, 2, 1)  # the order a ranking lists them (present.star_counts)


@dataclass(frozen=True, slots=True)
class Tally:
    """Products of a group: registered, evaluated (with a stored result), recognised at the level,
    referred to the next level; the sum of the evaluated products' means; evaluated products per star."""

    registered: int = 0
    evaluated: int = 0
    recognised: int = 0
    referred: int = 0
    points: float = 0.0
    stars: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # 1★ … 5★

    @property
    def mean(self) -> float | None:
        """The mean of the evaluated products' mean scores; None when none was evaluated."""
        return self.points / self.evaluated if self.evaluated else None

    def star(self, n: int) -> int:
        return self.stars[n - 1]

    def __add__(self, other: Tally) -> Tally:
        s, o = self.stars, other.stars
        return Tally(self.registered + other.registered, self.evaluated + other.evaluated,
                     self.recognised + other.recognised, self.referred + other.referred,
                     self.points + other.points, (s[0] + o[0], s[1] + o[1], s[2] + o[2], s[3] + o[3], s[4] + o[4]))


@dataclass(frozen=True, slots=True)
class CampaignStats:
    code: str
    name: str
    issuing_body: str
    year: int
    round: int
    edition: str
    ranked: bool  # the rank stage has stored results
    tally: Tally


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """One year and round (đợt), over every issuing body's campaign of it."""

    year: int
    round: int
    campaigns: int
    tally: Tally

    @property
    def label(self) -> str:
        return present.year_round(self.year, self.round)


@dataclass(frozen=True, slots=True)
class CommuneStats:
    district: str
    commune: str
    tally: Tally


@dataclass(frozen=True, slots=True)
class SetStats:
    """A product set (bộ sản phẩm) of one criteria edition; ``editions``: the campaigns' editions using it."""

    code: str
    name: str
    editions: tuple[str, ...]
    tally: Tally

    @property
    def label(self) -> str:
        return f"Bộ {self.code} - {self.name}"

    @property
    def decreed_label(self) -> str:
        """The label with the decision whose sheet it is, where a chart has no editions column: set 1 of
        1048 and set 1 of 148 are different sheets ("Bộ 1 (QĐ 1048) - Rau, củ, quả, hạt tươi")."""
        numbers = sorted({get_edition(e).instrument.split("/")[0] for e in self.editions}, key=int)
        return f"Bộ {self.code} (QĐ {', '.join(numbers)}) - {self.name}"


@dataclass(frozen=True, slots=True)
class StarStats:
    stars: int
    products: int
    share: float  # of the evaluated products, 0–1
    mean: float | None
    recognised: int
    referred: int


@dataclass(frozen=True, slots=True)
class Statistics:
    campaigns: tuple[CampaignStats, ...]
    periods: tuple[PeriodStats, ...]
    communes: tuple[CommuneStats, ...]
    sets: tuple[SetStats, ...]
    stars: tuple[StarStats, ...]  # 5★ first
    total: Tally = field(default_factory=Tally)

    @property
    def districts(self) -> int:
        return len({c.district for c in self.communes})


@dataclass(frozen=True, slots=True)
class _Cell:
    """One group of the query: a campaign's products of one commune, set and star (None: no result)."""

    campaign_id: int
    commune: str
    set_code: str
    stars: int | None
    tally: Tally


def _cells(session: Session, campaign_ids: list[int] | None) -> list[_Cell]:
    result = Result.__table__.alias("r")  # joined on the registration's campaign and product
    query = (
        select(Registration.campaign_id, Producer.commune, Registration.set_code, result.c.stars,
               func.count(Registration.id), func.count(result.c.id),
               func.sum(case((result.c.outcome == RECOGNISED, 1), else_=0)),
               func.sum(case((result.c.outcome == REFERRED, 1), else_=0)),
               func.sum(result.c.mean))
        .join(Product, Product.id == Registration.product_id)
        .join(Producer, Producer.id == Product.producer_id)
        .outerjoin(result, (result.c.campaign_id == Registration.campaign_id)
                   & (result.c.product_id == Registration.product_id))
        .group_by(Registration.campaign_id, Producer.commune, Registration.set_code, result.c.stars)
    )
    if campaign_ids is not None:
        query = query.where(Registration.campaign_id.in_(campaign_ids))
    cells = []
    for campaign_id, commune, set_code, stars, registered, evaluated, recognised, referred, points in \
            session.execute(query):
        per_star = tuple(int(evaluated) if stars == n else 0 for n in range(1, 6))
        tally = Tally(int(registered), int(evaluated), int(recognised or 0), int(referred or 0), float(points or 0),
                      per_star)  # type: ignore[arg-type]  # five counts
        cells.append(_Cell(campaign_id, commune, set_code, stars, tally))
    return cells


K = TypeVar("K", bound=Hashable)


def _roll_up(cells: Iterable[_Cell], key: Callable[[_Cell], K]) -> dict[K, Tally]:
    out: dict[K, Tally] = defaultdict(Tally)
    for cell in cells:
        out[key(cell)] += cell.tally
    return out


@cache
def _sets(criteria_dir: str) -> dict[str, CriteriaSet]:
    return load_sets(criteria_dir)


def statistics(session: Session, code: str | None = None) -> Statistics:
    """Every campaign's statistics, or one campaign's (``code``), from the stored results."""
    query = select(Campaign).order_by(Campaign.year, Campaign.round, Campaign.code)
    if code is not None:
        query = query.where(Campaign.code == code)
    campaigns = session.scalars(query).all()
    if code is not None and not campaigns:
        raise NotFoundError(f"Không có kế hoạch (chiến dịch) mã '{code}' trong cơ sở dữ liệu.")
    by_id = {c.id: c for c in campaigns}
    cells = _cells(session, None if code is None else list(by_id))
    per_campaign = _roll_up(cells, lambda c: c.campaign_id)
    ranked = {c.campaign_id for c in cells if c.stars is not None}
    campaign_rows = tuple(
        CampaignStats(c.code, c.name, c.issuing_body, c.year, c.round, c.edition_code, c.id in ranked,
                      per_campaign.get(c.id, Tally()))
        for c in campaigns)

    periods: dict[tuple[int, int], list[Campaign]] = defaultdict(list)
    for c in campaigns:
        periods[(c.year, c.round)].append(c)
    period_rows = tuple(
        PeriodStats(year, n, len(members), sum((per_campaign.get(c.id, Tally()) for c in members), Tally()))
        for (year, n), members in sorted(periods.items()))

    communes = _roll_up(cells, lambda c: (by_id[c.campaign_id].district, c.commune))
    commune_rows = tuple(sorted(
        (CommuneStats(district, commune, t) for (district, commune), t in communes.items()),
        key=lambda r: (-r.tally.registered, -r.tally.evaluated, fold(r.district), fold(r.commune))))

    criteria_of = {c.id: get_edition(c.edition_code).criteria_dir for c in campaigns}
    sets = _roll_up(cells, lambda c: (criteria_of[c.campaign_id], c.set_code))
    editions: dict[tuple[str, str], set[str]] = defaultdict(set)
    for cell in cells:
        editions[(criteria_of[cell.campaign_id], cell.set_code)].add(by_id[cell.campaign_id].edition_code)
    set_rows = []
    for (criteria, set_code), tally in sets.items():
        known = _sets(criteria).get(set_code)
        set_rows.append((criteria, known.number if known else 0, set_code,
                         SetStats(set_code, known.name if known else "(không rõ)", tuple(sorted(editions[
                             (criteria, set_code)])), tally)))
    set_rows.sort(key=lambda r: (r[0], r[1], r[2]))

    total = sum(per_campaign.values(), Tally())
    star_tallies = _roll_up((c for c in cells if c.stars is not None), lambda c: c.stars)
    star_rows = tuple(
        StarStats(n, t.evaluated, t.evaluated / total.evaluated if total.evaluated else 0.0, t.mean, t.recognised,
                  t.referred)
        for n in STARS for t in [star_tallies.get(n, Tally())])
    return Statistics(campaign_rows, period_rows, commune_rows, tuple(r[3] for r in set_rows), star_rows, total)


def campaign_statistics(settings: Settings, code: str) -> Statistics:
    """One campaign's statistics (the rank run's charts), read-only."""
    with unit_of_work(settings.database_url) as s:
        stats = statistics(s, code)
        s.rollback()  # read-only: nothing loaded here is ever written back
        return stats
