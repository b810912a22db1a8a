"""Record-scores stage: import members' score sheets (per criterion or part totals), all or nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import TypedDict, TypeVar

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, joinedload, object_session
from sqlalchemy.orm.util import identity_key

from ocop.errors import InputError, RulesError, ScoringError
from ocop.inputs import Column, Row, bad_value, locate, parse_int, read_rows, text_argument, where
from ocop.persistence.models import Campaign, Person, Registration, ScoreChange, ScoreItem, ScoreSheet
from ocop.present import quoted  # "present" names the members present in set_attendance
from ocop.rules import limits
from ocop.rules.campaign import end_before_start
from ocop.rules.criteria import CriteriaSet, Criterion, load_sets
from ocop.rules.editions import get_edition
from ocop.services.campaigns import council
from ocop.services.results import freeze
from ocop.text import fold

PRODUCT = Column("ma_san_pham", "Mã sản phẩm", limit=limits.PRODUCT_CODE)
MEMBER = Column("thanh_vien", "Thành viên", limit=limits.PERSON_NAME)
CRITERION = Column("tieu_chi", "Tiêu chí", required=False, limit=limits.CRITERION_CODE)
POINTS = Column("diem", "Điểm", required=False)
PART_A = Column("phan_a", "Phần A", required=False)
PART_B = Column("phan_b", "Phần B", required=False)
PART_C = Column("phan_c", "Phần C", required=False)
COLUMNS = (PRODUCT, MEMBER, CRITERION, POINTS, PART_A, PART_B, PART_C)
PARTS = {"A": PART_A, "B": PART_B, "C": PART_C}
T = TypeVar("T")
SHEETS_PER_ROUND = 500  # sheets compared and written per round trip: bounds memory and IN lists


@dataclass
class SheetIn:
    """One member's sheet for one product as read from the file."""

    registration: Registration
    member: Person
    first_row: int
    items: dict[str, int] = field(default_factory=dict)
    parts: dict[str, int] | None = None

    @property
    def key(self) -> tuple[int, int]:
        """(product, member): a sheet's identity."""
        return self.registration.product_id, self.member.id


@dataclass(frozen=True)
class ScoresSummary:
    file: str
    sheets: int
    new: int
    replaced: int
    unchanged: int


@dataclass(frozen=True)
class Known:
    """What rows are checked against, read once per import (a member's workbook checks each of its
    sheets on its own, against the same)."""

    sets: dict[str, CriteriaSet]
    members: dict[str, Person]  # by folded name
    regs: dict[str, Registration]  # by folded product code

    @classmethod
    def of(cls, session: Session, campaign: Campaign) -> Known:
        regs = session.scalars(
            select(Registration).where(Registration.campaign_id == campaign.id)
            .options(joinedload(Registration.product))
        )
        return cls(load_sets(get_edition(campaign.edition_code).criteria_dir),
                   {fold(p.name): p for p in council(campaign)}, {fold(r.product.code or ""): r for r in regs})


class _Reader:
    """Validates rows into sheets, collecting every problem before anything is stored."""

    def __init__(self, known: Known, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self.sets, self.members, self.regs = known.sets, known.members, known.regs
        self.sheets: dict[tuple[int, int], SheetIn] = {}
        # what a product code or a member's name as written resolves to, and what is wrong with it:
        # every row of a sheet repeats them
        self._products: dict[str, tuple[Registration | None, str]] = {}
        self._people: dict[str, tuple[Person | None, str]] = {}
        self._criteria: dict[str, dict[str, Criterion]] = {}  # by set code, then by criterion code

    def add(self, row: Row) -> None:
        reg, member = self._registration(row), self._member(row)
        if reg is None or member is None:
            return
        criteria = self.sets[reg.set_code]
        sheet = self.sheets.get((reg.id, member.id))
        if sheet is None:
            sheet = self.sheets[(reg.id, member.id)] = SheetIn(reg, member, row.number)
        if code := row.text(CRITERION.key):
            self._criterion_row(row, criteria, sheet, code)
        else:
            self._parts_row(row, criteria, sheet)

    def _resolved(self, row: Row, column: Column, known: dict[str, tuple[T, str]],
                  resolve: Callable[[str], tuple[T, str]]) -> T:
        """The cell's value resolved once per text as written (``known``), its problem noted at each row."""
        raw = row.values.get(column.key)
        found = known.get(raw) if isinstance(raw, str) else None
        if found is None:
            found = resolve(row.text(column.key))
            if isinstance(raw, str):
                known[raw] = found
        value, why = found
        if why:
            self.problems.append(f"{where(self.path, row.number, column, row.sheet)}: {why}")
        return value

    def _registration(self, row: Row) -> Registration | None:
        return self._resolved(row, PRODUCT, self._products, self._product)

    def _product(self, code: str) -> tuple[Registration | None, str]:
        reg = self.regs.get(fold(code))
        if reg is None:
            return None, f"mã '{code}' không có trong danh sách đăng ký."
        if reg.status != "eligible":
            return None, f"sản phẩm '{code}' không đủ điều kiện đưa ra Hội đồng ({reg.reason or reg.status})."
        try:
            self.sets[reg.set_code].require_verified()
        except RulesError as exc:
            return None, str(exc)
        return reg, ""

    def _member(self, row: Row) -> Person | None:
        return self._resolved(row, MEMBER, self._people, self._person)

    def _person(self, name: str) -> tuple[Person | None, str]:
        member = self.members.get(fold(name))
        if member is None:
            names = ", ".join(p.name for p in self.members.values())
            return None, f"'{name}' không phải thành viên Hội đồng (thành viên: {names})."
        if not member.attended:
            return None, f"'{member.name}' vắng mặt tại phiên họp, phiếu không được tính."
        return member, ""

    def _int(self, row: Row, column: Column) -> int | None:
        """A whole-number cell; a problem is recorded otherwise."""
        raw = row.values.get(column.key)
        value = parse_int(raw)
        if value is None:
            at = where(self.path, row.number, column, row.sheet)
            self.problems.append(f"{at}: ô trống, cần một số nguyên." if raw is None else
                                 bad_value(at, raw, "không phải số nguyên"))
        return value

    def _criterion_row(self, row: Row, criteria: CriteriaSet, sheet: SheetIn, code: str) -> None:
        index = self._criteria.get(sheet.registration.set_code)
        if index is None:
            index = self._criteria[sheet.registration.set_code] = {c.code: c for c in criteria.criteria}
        criterion = index.get(code)
        if criterion is None:
            self.problems.append(f"{where(self.path, row.number, CRITERION, row.sheet)}: bộ {criteria.code} không có "
                                 f"tiêu chí '{code}'.")
            return
        points = self._int(row, POINTS)
        if points is None:
            return
        if not criterion.allows(points):
            allowed = ", ".join(str(o.points) for o in criterion.options)
            self.problems.append(f"{where(self.path, row.number, POINTS, row.sheet)}: {points} điểm không phải một lựa "
                                 f"chọn của tiêu chí {code} (các mức: {allowed}).")
        elif criterion.code in sheet.items:
            self.problems.append(f"{locate(self.path.name, row.sheet, row.number)}: tiêu chí {code} của "
                                 f"'{sheet.member.name}' cho sản phẩm này đã có ở dòng trước.")
        else:
            sheet.items[criterion.code] = points

    def _parts_row(self, row: Row, criteria: CriteriaSet, sheet: SheetIn) -> None:
        if sheet.parts is not None:
            self.problems.append(f"{locate(self.path.name, row.sheet, row.number)}: phiếu của '{sheet.member.name}' "
                                 f"cho sản phẩm này đã có ở dòng {sheet.first_row}.")
            return
        parts = {}
        for part, col in PARTS.items():
            value = self._int(row, col)
            if value is not None and not 0 <= value <= criteria.parts[part]:
                self.problems.append(f"{where(self.path, row.number, col, row.sheet)}: {value} ngoài khoảng "
                                     f"0–{criteria.parts[part]}.")
            elif value is not None:
                parts[part] = value
        if len(parts) == 3:
            sheet.parts = parts

    def finish(self) -> list[SheetIn]:
        for sheet in self.sheets.values():
            criteria = self.sets[sheet.registration.set_code]
            who = f"phiếu của '{sheet.member.name}' cho sản phẩm '{sheet.registration.product.code}'"
            if sheet.items and sheet.parts is not None:
                self.problems.append(f"{self.path.name}: {who} vừa có điểm từng tiêu chí vừa có điểm từng phần; chỉ "
                                     "dùng một cách.")
            elif sheet.items:
                missing = [c.code for c in criteria.criteria if c.code not in sheet.items]
                if missing:
                    self.problems.append(f"{self.path.name}: {who} (từ dòng {sheet.first_row}) thiếu tiêu chí "
                                         f"{', '.join(missing)}.")
        if self.problems:
            raise InputError(f"{self.path.name}: {len(self.problems)} lỗi, không lưu phiếu nào.", self.problems)
        if not self.sheets:
            raise InputError(f"{self.path.name}: tệp không có phiếu đánh giá nào.")
        return list(self.sheets.values())


class _Totals(TypedDict):
    """A sheet's stored totals: the ScoreSheet columns they set."""

    part_a: int
    part_b: int
    part_c: int
    total: int
    mode: str


def _totals(sheet: SheetIn, criteria: CriteriaSet) -> _Totals:
    if sheet.parts is not None:
        a, b, c = sheet.parts["A"], sheet.parts["B"], sheet.parts["C"]
    else:
        sums: defaultdict[str, int] = defaultdict(int)
        for criterion in criteria.criteria:
            sums[criterion.part] += sheet.items[criterion.code]
        a, b, c = sums["A"], sums["B"], sums["C"]
    return {"part_a": a, "part_b": b, "part_c": c, "total": a + b + c,
            "mode": "parts" if sheet.parts is not None else "criteria"}


def score(session: Session, campaign: Campaign, path: Path, reason: str = "") -> ScoresSummary:
    """Store every sheet in the file, or none if any row is wrong (see :func:`store_rows`)."""
    rows = read_rows(path, COLUMNS, alternatives=[("tieu_chi", "diem"), ("phan_a", "phan_b", "phan_c")])
    return store_rows(session, campaign, path, rows, reason)


@dataclass(frozen=True, slots=True)
class _Stored:
    """A sheet as stored: what a sheet of the file is compared with."""

    id: int
    mode: str
    part_a: int
    part_b: int
    part_c: int
    total: int
    revision: int
    items: dict[str, int]

    def same(self, totals: _Totals, items: dict[str, int]) -> bool:
        return (self.mode, self.part_a, self.part_b, self.part_c, self.total) == (
            totals["mode"], totals["part_a"], totals["part_b"], totals["part_c"], totals["total"]) \
            and self.items == items


@dataclass(frozen=True, slots=True)
class _Replaced:
    """What a replacement keeps of the stored sheet (not its items: they are no longer needed)."""

    id: int
    total: int
    revision: int


@dataclass(frozen=True, slots=True)
class _Write:
    """A sheet of the file that changes what is stored: new (``old`` None) or replacing ``old``."""

    sheet: SheetIn
    totals: _Totals
    source: str
    old: _Replaced | None

    @property
    def key(self) -> tuple[int, int]:
        return self.sheet.key


def _stored(session: Session, campaign: Campaign, sheets: list[SheetIn]) -> dict[tuple[int, int], _Stored]:
    """The stored sheets (with their items) of these sheets' products and members: one query, plain rows."""
    keys = {s.key for s in sheets}
    query = (
        select(ScoreSheet.id, ScoreSheet.product_id, ScoreSheet.member_id, ScoreSheet.mode, ScoreSheet.part_a,
               ScoreSheet.part_b, ScoreSheet.part_c, ScoreSheet.total, ScoreSheet.revision,
               ScoreItem.criterion_code, ScoreItem.points)
        .outerjoin(ScoreItem, ScoreItem.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.product_id.in_(sorted({p for p, _ in keys})),
               ScoreSheet.member_id.in_(sorted({m for _, m in keys})))
    )
    out: dict[tuple[int, int], _Stored] = {}
    for row in session.execute(query):
        key = (row.product_id, row.member_id)
        if key not in keys:
            continue  # another member's sheet of one of these products
        stored = out.get(key)
        if stored is None:
            stored = out[key] = _Stored(row.id, row.mode, row.part_a, row.part_b, row.part_c, row.total, row.revision,
                                        {})
        if row.criterion_code is not None:
            stored.items[row.criterion_code] = row.points
    return out


def _chunked(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), SHEETS_PER_ROUND):
        yield items[start:start + SHEETS_PER_ROUND]


def store_rows(session: Session, campaign: Campaign, path: Path, rows: list[Row], reason: str = "",
               known: Known | None = None) -> ScoresSummary:
    """Validate and store sheets; ``path`` names the source in messages.

    Until the meeting closes, a member's new sheet replaces the old one and the change is logged;
    with a ``reason`` the change is a re-scoring, which the minutes list (the spread rule asks
    for one). After close, sheets are locked: only a re-scoring with a reason changes them.

    Only the stored sheets of the file's products and members are read, a batch at a time, as
    plain rows; sheets and items are written with set-based statements: the cost of an import
    follows the file, not the campaign.
    """
    reason = text_argument("--reason", reason, limits.PARAGRAPH)
    reader = _Reader(known or Known.of(session, campaign), path)
    for line in rows:
        reader.add(line)
    sheets = reader.finish()
    closed = campaign.meeting_status == "closed"
    if closed and not reason.strip():
        raise ScoringError(
            "Phiên họp đã kết thúc, phiếu đánh giá đã khóa: muốn sửa phải chấm lại và ghi lý do (--reason).")
    unchanged = 0
    writes: list[_Write] = []
    for batch in _chunked(sheets):
        existing = _stored(session, campaign, batch)
        for sheet in batch:
            totals = _totals(sheet, reader.sets[sheet.registration.set_code])
            old = existing.get(sheet.key)
            if old is not None and old.same(totals, sheet.items):
                unchanged += 1
            elif old is None and closed:
                raise ScoringError(f"Phiên họp đã kết thúc: không nhận phiếu mới của '{sheet.member.name}' "
                                   f"cho sản phẩm '{sheet.registration.product.code}'.")
            else:
                writes.append(_Write(sheet, totals, f"{path.name}:{sheet.first_row}",
                                     None if old is None else _Replaced(old.id, old.total, old.revision)))
    # before anything is written: products whose sheets change
    freeze.refuse_score_change(session, campaign, {w.key[0] for w in writes})
    for part in _chunked(writes):
        _write(session, campaign, part, reason)
    _forget(session, writes)
    new = sum(w.old is None for w in writes)
    if campaign.meeting_status == "planned" and writes:
        campaign.meeting_status = "open"
    session.flush()
    return ScoresSummary(path.name, len(sheets), new, len(writes) - new, unchanged)


def _write(session: Session, campaign: Campaign, writes: list[_Write], reason: str) -> None:
    """Store a batch of new and replacing sheets, log the replacements, write the sheets' items."""
    ids: dict[tuple[int, int], int] = {}
    replaced = [(w, w.old) for w in writes if w.old is not None]
    if replaced:
        session.execute(update(ScoreSheet), [
            {"id": old.id, **w.totals, "source": w.source, "revision": old.revision + 1} for w, old in replaced])
        session.execute(delete(ScoreItem).where(ScoreItem.sheet_id.in_([old.id for _, old in replaced])))
        session.execute(insert(ScoreChange), [
            {"campaign_id": campaign.id, "product_id": w.key[0], "member_id": w.key[1],
             "kind": "rescore" if reason else "replace", "old_total": old.total, "new_total": w.totals["total"],
             "reason": reason.strip(), "source": w.source}
            for w, old in replaced])
        ids.update((w.key, old.id) for w, old in replaced)
    new = [w for w in writes if w.old is None]
    db = session.connection()  # plain executemany: the ORM's bulk bookkeeping doubles the time of many rows
    if new:
        made = db.execute(
            insert(ScoreSheet).returning(ScoreSheet.id, ScoreSheet.product_id, ScoreSheet.member_id),
            [{"campaign_id": campaign.id, "product_id": w.key[0], "member_id": w.key[1], "source": w.source,
              "revision": 1, **w.totals} for w in new])
        ids.update(((row.product_id, row.member_id), row.id) for row in made)
    items = [{"sheet_id": ids[w.key], "criterion_code": c, "points": p}
             for w in writes for c, p in w.sheet.items.items()]
    if items:
        db.execute(insert(ScoreItem), items)


def _forget(session: Session, writes: list[_Write]) -> None:
    """The bulk UPDATE bypasses the session: replaced sheets it holds are read again when next used."""
    for w in writes:
        if w.old is not None and (held := session.identity_map.get(identity_key(ScoreSheet, w.old.id))) is not None:
            session.expire(held)


@dataclass(frozen=True)
class Progress:
    """How many present members have submitted, per product: counts only, never scores."""

    code: str
    name: str
    submitted: int
    present: int
    missing: list[str]


def progress(session: Session, campaign: Campaign) -> list[Progress]:
    """Submission status for the secretariat: who is still missing, without any member's points."""
    present = [p for p in council(campaign) if p.attended]
    have: dict[int, set[int]] = defaultdict(set)
    for product_id, member_id in session.execute(
        select(ScoreSheet.product_id, ScoreSheet.member_id).where(ScoreSheet.campaign_id == campaign.id)
    ):
        have[product_id].add(member_id)
    regs = session.scalars(
        select(Registration).where(Registration.campaign_id == campaign.id, Registration.status == "eligible")
        .options(joinedload(Registration.product))
    ).all()
    out = []
    for reg in sorted(regs, key=lambda r: r.product.code or ""):
        got = have.get(reg.product_id, set())
        missing = [p.name for p in present if p.id not in got]
        out.append(Progress(reg.product.code or "", reg.product.name, len(present) - len(missing), len(present),
                            missing))
    return out


def set_attendance(campaign: Campaign, absent: list[str], present: list[str]) -> list[str]:
    """Record who attended the meeting (everyone by default); refused once the meeting has closed."""
    if campaign.meeting_status == "closed":
        raise ScoringError("Phiên họp đã kết thúc: không sửa được danh sách có mặt.")
    members = {fold(p.name): p for p in council(campaign)}
    unknown = [n for n in [*absent, *present] if fold(n) not in members]
    if unknown:
        raise InputError("Không phải thành viên Hội đồng: " + ", ".join(f"'{quoted(n)}'" for n in unknown) + ".")
    change = [n for n in absent if members[fold(n)].attended] + [n for n in present if not members[fold(n)].attended]
    session = object_session(campaign)
    if change and session is not None:
        freeze.refuse_attendance_change(session, campaign)
    for name in absent:
        members[fold(name)].attended = False
    for name in present:
        members[fold(name)].attended = True
    return [p.name for p in members.values() if not p.attended]


def close_meeting(campaign: Campaign, at: time | None = None) -> time:
    """End the session at ``at`` (the end time the minutes state; the campaign file's meeting.end_time
    when not given): from now on sheets are locked and a change needs a recorded re-scoring.
    Closing again with another time corrects the end time."""
    end = at or campaign.meeting_end_time
    if end is None:
        raise InputError("Cần giờ kết thúc phiên họp để ghi vào biên bản: ocop meeting close --at HH:MM "
                         "(ví dụ --at 11:30).")
    start = campaign.meeting_time
    if start is not None and end <= start:
        raise InputError(f"Không kết thúc phiên họp: {end_before_start(end, start)}.")
    campaign.meeting_status, campaign.meeting_end_time = "closed", end
    return end
