"""Set-based storage of imported registrations: a few queries per file, never one per row.

The campaign's registrations are loaded once into an index, which also tells the importer when
a row is the same product as one already registered (a corrected file updates it) or a second
registration of it from another commune (reported).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from ocop.errors import CorrectionError
from ocop.inputs import locate
from ocop.persistence.models import Campaign, Producer, Product, Registration
from ocop.services.registrations import corrections
from ocop.services.registrations.corrections import Change
from ocop.services.registrations.form import CODE, ParsedRegistration
from ocop.text import fold

CHUNK = 5000  # values per IN (...) list
REG_FIELDS = ("set_code", "commune_confirmed", "kind", "certificate_number", "certificate_date",
              "certificate_stars", "registered_on", "dossier", "pre_assessment")
# id, code, name, producer_id, name_key of a stored product
_ProductRow = Row[int, str | None, str, int, str]
RESET: dict[str, object] = {"status": "registered", "reason": "", "missing": [], "due_on": None, "late": False}


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def update_by_id(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Set the values of ``rows`` ({"id": …, column: value…}) in their rows of ``model``'s table:
    one Core executemany per set of columns and chunk. The ORM's bulk update by primary key costs
    several times as much per row, and makes a statement of each run of rows alike."""
    table = model.__table__
    alike: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        alike.setdefault(tuple(row), []).append({("row_id" if k == "id" else k): v for k, v in row.items()})
    for group in alike.values():
        for part in chunks(group):
            session.execute(update(table).where(table.c.id == bindparam("row_id")), list(part))


@dataclass(slots=True)
class Entry:
    """A registration of the campaign as the index knows it."""

    reg_id: int | None
    product_id: int | None
    code_key: str | None
    pn_key: tuple[str, str]
    commune: str
    source: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def source_file(self) -> str:
        return self.source.rsplit(":", 1)[0]


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)  # what corrected rows changed, per product


class Store:
    """The campaign's registrations, indexed by product code, by producer + name, and by
    producer + commune + name."""

    def __init__(self, session: Session, campaign: Campaign, reason: str = "") -> None:
        self.session, self.campaign = session, campaign
        self.reason = reason  # why registrations whose documents are issued are corrected
        self.by_code: dict[str, Entry] = {}
        self.by_pn: dict[tuple[str, str], list[Entry]] = {}
        self.by_product: dict[int, Entry] = {}
        self.written_products: set[int] = set()  # registered products (ids) whose rows apply() wrote
        self.written_producers: set[int] = set()  # producers whose rows apply() wrote
        self.new_producers: set[int] = set()  # producers apply() added
        rows = session.execute(
            select(Registration.id, Registration.product_id, Registration.source, Product.code, Product.name,
                   Producer.name, Producer.commune, *(getattr(Registration, f) for f in REG_FIELDS))
            .join(Product, Product.id == Registration.product_id)
            .join(Producer, Producer.id == Product.producer_id)
            .where(Registration.campaign_id == campaign.id))
        for reg_id, product_id, source, code, name, producer, commune, *values in rows:
            self._add(Entry(reg_id, product_id, fold(code) if code else None, (fold(producer), fold(name)),
                            commune, source, dict(zip(REG_FIELDS, values, strict=True))))

    def _add(self, entry: Entry) -> None:
        if entry.code_key:
            self.by_code[entry.code_key] = entry
        self.by_pn.setdefault(entry.pn_key, []).append(entry)
        if entry.product_id is not None:
            self.by_product[entry.product_id] = entry

    def match(self, item: ParsedRegistration, file: str) -> tuple[Entry | None, Entry | None]:
        """(the registration this row updates, or the one it duplicates from another commune).

        By product code first: the product's key, so a row with its code corrects it (unless both its
        name and its producer differ and it comes from another file: another product given the same
        code), then by producer + commune + name, then by producer + name in another
        commune: the same product registered twice, unless it came from this very file (its
        commune corrected) or both carry different codes.
        """
        code = item.code_key
        if code and code in self.by_code:
            entry = self.by_code[code]
            if (entry.pn_key[0] != item.pn_key[0] and entry.pn_key[1] != item.pn_key[1]
                    and entry.source_file != file):
                return None, entry
            return entry, None
        for entry in self.by_pn.get(item.pn_key, []):
            if code and entry.code_key and entry.code_key != code and fold(entry.commune) != fold(item.commune):
                continue
            if fold(entry.commune) == fold(item.commune) or entry.source_file == file:
                return entry, None
            return None, entry
        return None, None

    def apply(self, items: list[tuple[ParsedRegistration, Entry | None]], file: str) -> Counts:
        """Store valid rows: producers, products, then registrations, each in bulk; what rows
        matching registered products change is checked, logged and reported (``corrections``)."""
        known = {m.product_id for _, m in items if m is not None and m.product_id is not None}
        before = corrections.snapshot(self.session, self.campaign, known)
        self.written_products, self.written_producers = set(), set()
        producers = self._producers([i for i, _ in items], self._renamed(items, before))
        products = self._products(items, producers, file)
        counts = Counts()
        new_rows: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for (item, matched), product_id in zip(items, products, strict=True):
            entry = matched if matched is not None and matched.reg_id is not None else self.by_product.get(product_id)
            source = f"{file}:{item.row}"
            if entry is None or entry.reg_id is None:
                values = {"kind": "first", "dossier": {}} | item.registration
                new_rows.append({"campaign_id": self.campaign.id, "product_id": product_id, "source": source,
                                 "status": "registered", "reason": "", **values})
                entry = Entry(None, product_id, item.code_key, item.pn_key, item.commune, source, values)
                counts.new += 1
            else:
                values = dict(item.registration)
                if "dossier" in values:
                    values["dossier"] = {**(entry.values.get("dossier") or {}), **values["dossier"]}
                diff = {k: v for k, v in values.items() if entry.values.get(k) != v}
                if diff:
                    self.written_products.add(product_id)
                    changed.append({"id": entry.reg_id, "source": source, **diff, **RESET})
                    entry.values.update(diff)
                    entry.source = source
                    counts.updated += 1
                else:
                    counts.unchanged += 1
                entry.commune, entry.pn_key, entry.product_id = item.commune, item.pn_key, product_id
                entry.code_key = entry.code_key or item.code_key
            self._add(entry)
        if new_rows:
            reg_ids = self._insert(Registration, new_rows, "campaign_id", "product_id")
            for row, reg_id in zip(new_rows, reg_ids, strict=True):
                self.by_product[row["product_id"]].reg_id = reg_id
        if changed:
            update_by_id(self.session, Registration, changed)
        if before:  # what the rows written changed in registered products (the others are as they were)
            self.session.flush()
            written = self.written_products | {pid for pid, old in before.items()
                                               if old.producer_id in self.written_producers}
            diff = corrections.changes(before, corrections.snapshot(self.session, self.campaign,
                                                                    written & before.keys()))
            corrections.check(self.session, self.campaign, before, diff, self.reason)
            corrections.record(self.session, self.campaign, diff, self.reason, file)
            counts.changes = [c for pid in sorted(diff, key=lambda p: before[p].code) for c in diff[pid]]
        return counts

    def _renamed(self, items: list[tuple[ParsedRegistration, Entry | None]],
                 before: dict[int, corrections.Snapshot]) -> dict[tuple[str, str], int]:
        """Producers whose name or commune corrected rows change, by their new key: those whose every
        product moves to the same new key are renamed in place (their documents stay theirs)."""
        moving: dict[int, dict[int, tuple[str, str]]] = {}  # old producer -> product -> new key
        for item, matched in items:
            old = before.get(matched.product_id) if matched is not None and matched.product_id is not None else None
            if old is None:
                continue
            key = item.producer_key
            if key != (fold(old.fields["producer"]), fold(old.fields["commune"])):
                moving.setdefault(old.producer_id, {})[old.product_id] = key
        owners: dict[tuple[str, str], list[int]] = {}
        for owner, products in moving.items():
            keys = set(products.values())
            total = self.session.scalar(select(func.count()).select_from(Product).where(Product.producer_id == owner))
            if len(keys) == 1 and total == len(products):
                owners.setdefault(keys.pop(), []).append(owner)
        return {key: ids[0] for key, ids in owners.items() if len(ids) == 1}

    def _producers(self, items: list[ParsedRegistration],
                   renamed: dict[tuple[str, str], int] | None = None) -> dict[tuple[str, str], int]:
        wanted: dict[tuple[str, str], ParsedRegistration] = {}
        for item in items:
            wanted[item.producer_key] = item
        found: dict[tuple[str, str], Row[int, str, str, str, str, str, str]] = {}
        names = sorted({k[0] for k in wanted})
        for part in chunks(names):
            for stored in self.session.execute(
                    select(Producer.id, Producer.name_key, Producer.commune, Producer.kind, Producer.address,
                           Producer.representative, Producer.phone).where(Producer.name_key.in_(part))):
                found[(stored.name_key, fold(stored.commune))] = stored
        ids: dict[tuple[str, str], int] = {}
        new, changed, renames = [], [], []
        for key, item in wanted.items():
            row = found.get(key)
            if row is None and renamed and key in renamed:
                ids[key] = renamed[key]
                renames.append({"id": renamed[key], "name": item.producer, "name_key": key[0],
                                "commune": item.commune, **item.producer_values})
                continue
            if row is None:
                new.append({"name": item.producer, "name_key": key[0], "commune": item.commune,
                            **{"address": "", "representative": "", "phone": ""}, **item.producer_values})
                continue
            ids[key] = row.id
            diff = {k: v for k, v in item.producer_values.items() if getattr(row, k) != v}
            if diff:
                changed.append({"id": row.id, **diff})
        new_ids = self._insert(Producer, new, "name_key", "commune")
        ids.update(((r["name_key"], fold(r["commune"])), i) for r, i in zip(new, new_ids, strict=True))
        self.new_producers = set(new_ids)
        self.written_producers.update(row["id"] for row in (*changed, *renames))
        update_by_id(self.session, Producer, changed)
        for rename in renames:
            update_by_id(self.session, Producer, [rename])
        return ids

    def _insert(self, model: Any, rows: list[dict[str, Any]], *key: str) -> list[int]:
        """Insert ``rows`` (one executemany per chunk and set of columns), then read their ids back
        by their unique ``key`` (columns): the rows above the table's highest id before the insert
        (ids only grow; a row another transaction added has another key). Cheaper than RETURNING,
        whose ordered form re-splices the results of every page, or than looking the keys up (a
        5,000-value IN list to render per chunk). A Core insert of the table: the ORM's bulk insert
        costs as much again per row, and leaves a None out, so it makes one statement of each run
        of rows alike in their Nones (a certificate number or not)."""
        if not rows:
            return []
        table = model.__table__
        highest = self.session.scalar(select(func.max(table.c.id))) or 0
        for part in chunks(rows):
            alike: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # one statement per set of columns
            for row in part:
                alike.setdefault(tuple(row), []).append(row)
            for group in alike.values():
                self.session.execute(insert(table), group)
        columns = [table.c[k] for k in key]
        found = {tuple(r[1:]): r[0] for r in self.session.execute(
            select(table.c.id, *columns).where(table.c.id > highest))}
        keys = [tuple(r[k] for k in key) for r in rows]
        lost = [k for k in keys if k not in found]  # given lower ids (a sequence behind the table's ids)
        for part in chunks(lost):
            found.update((tuple(r[1:]), r[0]) for r in self.session.execute(
                select(table.c.id, *columns).where(tuple_(*columns).in_(part))))
        return [found[k] for k in keys]

    def _products(self, items: list[tuple[ParsedRegistration, Entry | None]],
                  producers: dict[tuple[str, str], int], file: str) -> list[int]:
        matched_ids = sorted({m.product_id for _, m in items if m is not None and m.product_id is not None})
        codes = sorted({i.code for i, m in items if i.code and (m is None or m.product_id is None)})
        columns = (Product.id, Product.code, Product.name, Product.producer_id, Product.name_key)
        by_id: dict[int, _ProductRow] = {}
        for part in chunks(matched_ids):
            by_id.update((row.id, row) for row in self.session.execute(select(*columns).where(Product.id.in_(part))))
        by_code: dict[str, _ProductRow] = {}
        for part in chunks(codes):
            rows = self.session.execute(select(*columns).where(Product.code.in_(part)))
            by_code.update((fold(r.code), r) for r in rows)
        by_name: dict[tuple[int, str], _ProductRow] = {}
        for part in chunks(sorted(set(producers.values()) - self.new_producers)):  # a new producer has no product
            for stored in self.session.execute(select(*columns).where(Product.producer_id.in_(part))):
                by_name[(stored.producer_id, stored.name_key)] = stored
        result: list[int] = []
        new: list[dict[str, Any]] = []
        pending: dict[tuple[int, str], int] = {}  # rows of ``new`` by (producer, name) key
        changed: dict[int, dict[str, Any]] = {}
        for item, matched in items:
            producer_id = producers[item.producer_key]
            name_key = item.pn_key[1]
            row = by_id.get(matched.product_id) if matched is not None and matched.product_id is not None else None
            row = row or (by_code.get(item.code_key) if item.code_key else None) or by_name.get((producer_id, name_key))
            if row is None:
                if (producer_id, name_key) not in pending:
                    pending[(producer_id, name_key)] = len(new)
                    new.append({"producer_id": producer_id, "code": item.code, "name": item.name,
                                "name_key": name_key})
                result.append(-1 - pending[(producer_id, name_key)])
                continue
            given = row.code == f"SP{row.id:06d}"  # a code the office left blank: a file may give one
            if item.code_key and row.code and fold(row.code) != item.code_key and not given:
                raise CorrectionError(
                    f"{locate(file, None, item.row, CODE.header)}: mã sản phẩm không sửa được (mã là khóa của "
                    f"sản phẩm): sản phẩm '{item.name}' của '{item.producer}' đã đăng ký với mã '{row.code}', "
                    f"dòng này ghi '{item.code}'. Ghi lại mã '{row.code}' để sửa sản phẩm này.")
            wanted = {"name": item.name, "name_key": name_key, "producer_id": producer_id,
                      "code": (item.code if given else row.code) or item.code or row.code}
            diff = {k: v for k, v in wanted.items() if k != "name_key" and getattr(row, k) != v}
            if diff:
                changed[row.id] = {"id": row.id, **wanted}
            result.append(row.id)
        ids = self._insert(Product, new, "producer_id", "name_key")
        codes_for_new = [{"id": i, "code": f"SP{i:06d}"} for i, r in zip(ids, new, strict=True) if not r["code"]]
        self.written_products.update(changed)
        update_by_id(self.session, Product, list(changed.values()) + codes_for_new)
        return [ids[-1 - r] if r < 0 else r for r in result]
