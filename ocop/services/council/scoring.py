"""Record-scores stage: import members' score sheets (per criterion or part totals), all or nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import TypedDict

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, joinedload, object_session

from ocop.errors import InputError, RulesError, ScoringError
from ocop.inputs import Column, Row, bad_value, locate, parse_int, read_rows, text_argument, where
from ocop.persistence.models import Campaign, Person, Registration, ScoreChange, ScoreItem, ScoreSheet
from ocop.present import quoted  # "present" names the members present in set_attendance
from ocop.rules import limits
from ocop.rules.campaign import end_before_start
from ocop.rules.criteria import CriteriaSet, load_sets
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


@dataclass
class SheetIn:
    """One member's sheet for one product as read from the file."""

    registration: Registration
    member: Person
    first_row: int
    items: dict[str, int] = field(default_factory=dict)
    parts: dict[str, int] | None = None


@dataclass(frozen=True)
class ScoresSummary:
    file: str
    sheets: int
    new: int
    replaced: int
    unchanged: int


class _Reader:
    """Validates rows into sheets, collecting every problem before anything is stored."""

    def __init__(self, session: Session, campaign: Campaign, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self.sets = load_sets(get_edition(campaign.edition_code).criteria_dir)
        self.members = {fold(p.name): p for p in council(campaign)}
        regs = session.scalars(
            select(Registration).where(Registration.campaign_id == campaign.id)
            .options(joinedload(Registration.product))
        )
        self.regs = {fold(r.product.code or ""): r for r in regs}
        self.sheets: dict[tuple[int, int], SheetIn] = {}

    def add(self, row: Row) -> None:
        reg, member = self._registration(row), self._member(row)
        if reg is None or member is None:
            return
        criteria = self.sets[reg.set_code]
        sheet = self.sheets.setdefault((reg.id, member.id), SheetIn(reg, member, row.number))
        if row.text(CRITERION.key):
            self._criterion_row(row, criteria, sheet)
        else:
            self._parts_row(row, criteria, sheet)

    def _registration(self, row: Row) -> Registration | None:
        code = row.text(PRODUCT.key)
        reg = self.regs.get(fold(code))
        if reg is None:
            self.problems.append(f"{where(self.path, row.number, PRODUCT, row.sheet)}: mã '{code}' không có trong danh "
                                 "sách đăng ký.")
        elif reg.status != "eligible":
            self.problems.append(f"{where(self.path, row.number, PRODUCT, row.sheet)}: sản phẩm '{code}' không đủ điều "
                                 f"kiện đưa ra Hội đồng ({reg.reason or reg.status}).")
        else:
            try:
                self.sets[reg.set_code].require_verified()
                return reg
            except RulesError as exc:
                self.problems.append(f"{where(self.path, row.number, PRODUCT, row.sheet)}: {exc}")
        return None

    def _member(self, row: Row) -> Person | None:
        name = row.text(MEMBER.key)
        member = self.members.get(fold(name))
        if member is None:
            names = ", ".join(p.name for p in self.members.values())
            self.problems.append(f"{where(self.path, row.number, MEMBER, row.sheet)}: '{name}' không phải thành viên "
                                 f"Hội đồng (thành viên: {names}).")
        elif not member.attended:
            self.problems.append(f"{where(self.path, row.number, MEMBER, row.sheet)}: '{member.name}' vắng mặt tại "
                                 "phiên họp, phiếu không được tính.")
            return None
        return member

    def _int(self, row: Row, column: Column) -> int | None:
        """A whole-number cell; a problem is recorded otherwise."""
        raw = row.values.get(column.key)
        value = parse_int(raw)
        if value is None:
            at = where(self.path, row.number, column, row.sheet)
            self.problems.append(f"{at}: ô trống, cần một số nguyên." if raw is None else
                                 bad_value(at, raw, "không phải số nguyên"))
        return value

    def _criterion_row(self, row: Row, criteria: CriteriaSet, sheet: SheetIn) -> None:
        code = row.text(CRITERION.key)
        try:
            criterion = criteria.criterion(code)
        except RulesError:
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


def store_rows(session: Session, campaign: Campaign, path: Path, rows: list[Row], reason: str = "") -> ScoresSummary:
    """Validate and store sheets; ``path`` names the source in messages.

    Until the meeting closes, a member's new sheet replaces the old one and the change is logged;
    with a ``reason`` the change is a re-scoring, which the minutes list (the spread rule asks
    for one). After close, sheets are locked: only a re-scoring with a reason changes them.
    """
    reason = text_argument("--reason", reason, limits.PARAGRAPH)
    reader = _Reader(session, campaign, path)
    for line in rows:
        reader.add(line)
    sheets = reader.finish()
    closed = campaign.meeting_status == "closed"
    if closed and not reason.strip():
        raise ScoringError(
            "Phiên họp đã kết thúc, phiếu đánh giá đã khóa: muốn sửa phải chấm lại và ghi lý do (--reason).")
    existing = {
        (s.product_id, s.member_id): s
        for s in session.scalars(
            select(ScoreSheet).where(ScoreSheet.campaign_id == campaign.id)
            .options(joinedload(ScoreSheet.items))
        ).unique()
    }
    new = replaced = unchanged = 0
    stale: list[int] = []
    touched: set[int] = set()  # products whose sheets change
    written: list[tuple[ScoreSheet, dict[str, int]]] = []
    changes: list[ScoreChange] = []
    for sheet in sheets:
        totals = _totals(sheet, reader.sets[sheet.registration.set_code])
        key = (sheet.registration.product_id, sheet.member.id)
        row = existing.get(key)
        source = f"{path.name}:{sheet.first_row}"
        if row is not None:
            same = all(getattr(row, k) == v for k, v in totals.items()) and {
                i.criterion_code: i.points for i in row.items} == sheet.items
            if same:
                unchanged += 1
                continue
            changes.append(ScoreChange(
                campaign_id=campaign.id, product_id=key[0], member_id=key[1], kind="rescore" if reason else "replace",
                old_total=row.total, new_total=totals["total"], reason=reason.strip(), source=source))
            stale.append(row.id)
            for k, v in totals.items():
                setattr(row, k, v)
            row.source, row.revision = source, row.revision + 1
            replaced += 1
        elif closed:
            raise ScoringError(f"Phiên họp đã kết thúc: không nhận phiếu mới của '{sheet.member.name}' "
                               f"cho sản phẩm '{sheet.registration.product.code}'.")
        else:
            row = ScoreSheet(campaign_id=campaign.id, product_id=key[0], member_id=key[1], source=source, **totals)
            session.add(row)
            new += 1
        touched.add(key[0])
        written.append((row, sheet.items))
    freeze.refuse_score_change(session, campaign, touched)  # before anything is written
    if stale:
        session.execute(delete(ScoreItem).where(ScoreItem.sheet_id.in_(stale)))
    session.add_all(changes)
    session.flush()  # one round trip assigns the ids of every new sheet
    items = [{"sheet_id": row.id, "criterion_code": c, "points": p}
             for row, chosen in written for c, p in chosen.items()]
    if items:
        session.execute(insert(ScoreItem), items)
    for row, _ in written:
        session.expire(row, ["items"])
    if campaign.meeting_status == "planned" and (new or replaced):
        campaign.meeting_status = "open"
    session.flush()
    return ScoresSummary(path.name, len(sheets), new, replaced, unchanged)


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
