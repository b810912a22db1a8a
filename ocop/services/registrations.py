"""Collect stage: import producers' registrations from a CSV/XLSX file, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop.errors import InputError, RulesError
from ocop.inputs import Column, Row, parse_yes_no, read_rows, where
from ocop.persistence.models import Campaign, Producer, Product, Registration
from ocop.rules.criteria import CriteriaSet, load_set, load_sets
from ocop.rules.editions import get_edition
from ocop.text import fold

CODE = Column("ma_san_pham", "Mã sản phẩm", required=False)
NAME = Column("ten_san_pham", "Tên sản phẩm")
SET = Column("bo_san_pham", "Bộ sản phẩm")
PRODUCER = Column("ten_chu_the", "Tên chủ thể")
KIND = Column("loai_hinh", "Loại hình")
COMMUNE = Column("xa", "Xã")
CONFIRMED = Column("xac_nhan_xa", "Xác nhận UBND xã")
COLUMNS = (CODE, NAME, SET, PRODUCER, KIND, COMMUNE, CONFIRMED)

KINDS = {
    "dn": "DN", "doanh nghiệp": "DN",
    "htx": "HTX", "hợp tác xã": "HTX",
    "tht": "THT", "tổ hợp tác": "THT",
    "hkd": "HKD", "hộ kinh doanh": "HKD", "hộ sản xuất": "HKD",
}  # fmt: skip


@dataclass(frozen=True)
class ParsedRegistration:
    row: int
    code: str | None
    name: str
    set_code: str
    producer: str
    kind: str
    commune: str
    confirmed: bool

    @property
    def identity(self) -> tuple:
        return ("code", fold(self.code)) if self.code else (
            "name", fold(self.producer), fold(self.commune), fold(self.name))


@dataclass(frozen=True)
class ImportSummary:
    file: str
    rows: int
    new: int
    updated: int
    unchanged: int


def resolve_set(sets: dict[str, CriteriaSet], value: str) -> CriteriaSet:
    """A criteria set from its number/code ("1", "01", "11a") or its Vietnamese name."""
    by_name = {fold(s.name): s for s in sets.values()}
    if fold(value) in by_name:
        return by_name[fold(value)]
    candidates = [s for s in sets.values() if str(s.number) == value.lstrip("0")]
    if len(candidates) > 1:
        names = "; ".join(f"{s.code}: {s.name}" for s in candidates)
        raise RulesError(f"bộ {value} có nhiều phương án, cần ghi rõ mã ({names})")
    if len(candidates) == 1:
        return candidates[0]
    return load_set(next(iter(sets.values())).edition_dir, value)


def _parse(path: Path, rows: list[Row], sets: dict[str, CriteriaSet]) -> list[ParsedRegistration]:
    problems: list[str] = []
    parsed: list[ParsedRegistration] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        before = len(problems)
        for col in (NAME, SET, PRODUCER, KIND, COMMUNE):
            if not row.text(col.key):
                problems.append(f"{where(path, row.number, col)}: ô trống, cần {col.header.lower()}.")
        kind = KINDS.get(fold(row.text(KIND.key)))
        if row.text(KIND.key) and kind is None:
            problems.append(
                f"{where(path, row.number, KIND)}: '{row.text(KIND.key)}' không hợp lệ, "
                "cần DN, HTX, THT hoặc HKD."
            )
        confirmed = parse_yes_no(row, CONFIRMED, path, problems)
        set_code = ""
        if row.text(SET.key):
            try:
                set_code = resolve_set(sets, row.text(SET.key)).code
            except RulesError as exc:
                problems.append(f"{where(path, row.number, SET)}: {exc}")
        if len(problems) > before:
            continue
        item = ParsedRegistration(
            row.number, row.text(CODE.key) or None, row.text(NAME.key), set_code,
            row.text(PRODUCER.key), kind or "", row.text(COMMUNE.key), bool(confirmed))
        if item.identity in seen:
            problems.append(
                f"{path.name}, dòng {row.number}: sản phẩm '{item.name}' của '{item.producer}' "
                f"đã có ở dòng {seen[item.identity]} (đăng ký trùng)."
            )
            continue
        seen[item.identity] = row.number
        parsed.append(item)
    if problems:
        raise InputError(f"{path.name}: {len(problems)} lỗi, không lưu dòng nào.", problems)
    if not parsed:
        raise InputError(f"{path.name}: tệp không có dòng đăng ký nào.")
    return parsed


def import_registrations(session: Session, campaign: Campaign, path: Path) -> ImportSummary:
    """Store every registration in the file, or none if any row is wrong.

    A product is matched by its code, or else by producer, commune and product name after
    normalisation, so re-importing a corrected file updates rows instead of duplicating them.
    """
    sets = load_sets(get_edition(campaign.edition_code).criteria_dir)
    items = _parse(path, read_rows(path, COLUMNS), sets)
    producers = _upsert_producers(session, items)
    products = _upsert_products(session, items, producers)
    existing = {
        r.product_id: r
        for r in session.scalars(select(Registration).where(Registration.campaign_id == campaign.id))
    }
    new = updated = unchanged = 0
    for item in items:
        product = products[item.identity]
        reg = existing.get(product.id)
        values = {"set_code": item.set_code, "commune_confirmed": item.confirmed}
        if reg is None:
            session.add(Registration(campaign_id=campaign.id, product_id=product.id,
                                     source=f"{path.name}:{item.row}", status="registered", **values))
            new += 1
        elif any(getattr(reg, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(reg, k, v)
            reg.status, reg.reason, reg.source = "registered", "", f"{path.name}:{item.row}"
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return ImportSummary(path.name, len(items), new, updated, unchanged)


def _upsert_producers(session: Session, items: list[ParsedRegistration]) -> dict[tuple, Producer]:
    keys = {(fold(i.producer), fold(i.commune)) for i in items}
    names = sorted({k[0] for k in keys})
    found = {
        (p.name_key, fold(p.commune)): p
        for p in session.scalars(select(Producer).where(Producer.name_key.in_(names)))
    }
    for item in items:
        key = (fold(item.producer), fold(item.commune))
        producer = found.get(key)
        if producer is None:
            producer = Producer(name=item.producer, name_key=key[0], kind=item.kind,
                                commune=item.commune)
            session.add(producer)
            found[key] = producer
        elif producer.kind != item.kind:
            producer.kind = item.kind
    session.flush()
    return {k: found[k] for k in keys}


def _upsert_products(
    session: Session, items: list[ParsedRegistration], producers: dict[tuple, Producer]
) -> dict[tuple, Product]:
    codes = [i.code for i in items if i.code]
    by_code = {p.code: p for p in session.scalars(select(Product).where(Product.code.in_(codes)))}
    producer_ids = [p.id for p in producers.values()]
    by_name = {
        (p.producer_id, p.name_key): p
        for p in session.scalars(select(Product).where(Product.producer_id.in_(producer_ids)))
    }
    result: dict[tuple, Product] = {}
    for item in items:
        producer = producers[(fold(item.producer), fold(item.commune))]
        product = by_code.get(item.code) if item.code else None
        product = product or by_name.get((producer.id, fold(item.name)))
        if product is None:
            product = Product(producer_id=producer.id, code=item.code, name=item.name,
                              name_key=fold(item.name))
            session.add(product)
        else:
            product.name, product.name_key = item.name, fold(item.name)
            product.producer_id = producer.id
            product.code = item.code or product.code
        by_name[(producer.id, fold(item.name))] = product
        result[item.identity] = product
    session.flush()
    for product in result.values():
        if product.code is None:
            product.code = f"SP{product.id:06d}"
    session.flush()
    return result
