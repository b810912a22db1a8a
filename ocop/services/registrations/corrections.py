"""Corrections: what a re-imported row changes in a registered product, logged, and when it may.

A product is known by its code. Re-importing a corrected row (same code) updates the product,
its producer and its registration; every changed field is logged (``RegistrationChange``) and
reported ("LN-01: tên sản phẩm 'Na dai Huyen Son' → 'Na dai Huyền Sơn'"). The code itself is the
key and is never changed by an import.

Once a document about the product is issued (the dossier-check notice, the Giấy mời listing it,
its score sheets, …), a correction needs a reason, which is logged with it; the stages that
issued those documents then issue new versions of what changed when they run again ("Thay thế
…"), and the old ones are marked replaced (``paperwork.register``). If the product's results are
issued, the freeze's rules apply: a reopening is needed first (``results.freeze``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop import present
from ocop.errors import CorrectionError
from ocop.persistence.db import JsonValues, json_text
from ocop.persistence.models import Campaign, Document, Producer, Product, Registration, RegistrationChange
from ocop.rules.dossier import ITEMS
from ocop.services.registrations import form
from ocop.services.results import freeze

CHUNK = 5000
REASON_OPTION = '--reason "Lý do"'
# what a correction may change, as the form's columns name it: snapshot key -> label
LABELS: dict[str, str] = {
    "name": form.NAME.header, "producer": form.PRODUCER.header, "producer_kind": form.TYPE.header,
    "commune": form.COMMUNE.header, "address": form.ADDRESS.header, "representative": form.REPRESENTATIVE.header,
    "phone": form.PHONE.header, "set_code": form.SET.header, "commune_confirmed": form.CONFIRMED.header,
    "kind": form.KIND.header, "certificate_number": form.CERT_NUMBER.header,
    "certificate_date": form.CERT_DATE.header, "certificate_stars": form.CERT_STARS.header,
    "registered_on": form.REGISTERED_ON.header,
} | {f"dossier.{key}": label for key, label in ITEMS.items()}


PRE_ASSESSED = "so_bo."  # snapshot keys of the commune's pre-assessment: "so_bo.<criterion>"


def _pre_assessed(met: bool) -> str:
    return present.PRE_ASSESSMENT[met]


@dataclass(frozen=True, slots=True)
class Change:
    """One field of a registered product changed by a corrected row."""

    code: str  # the product's code
    label: str  # the form's column
    old: str
    new: str

    def __str__(self) -> str:
        return present.correction(self.code, self.label, self.old, self.new)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A registered product as a correction compares it: its key facts and its fields, as shown."""

    product_id: int
    code: str
    name: str
    producer_id: int
    fields: dict[str, str]


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return present.yes_no(value)
    if isinstance(value, date):
        return present.date_short(value)
    return str(value)


def snapshot(session: Session, campaign: Campaign, product_ids: Collection[int]) -> dict[int, Snapshot]:
    """The campaign's registrations of these products, as a correction compares them."""
    ids = sorted(product_ids)
    found: dict[int, Snapshot] = {}
    decoded = JsonValues()
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(Product.id, Product.code, Product.name, Product.producer_id, Producer.name, Producer.kind,
                   Producer.commune, Producer.address, Producer.representative, Producer.phone, Registration.set_code,
                   Registration.commune_confirmed, Registration.kind, Registration.certificate_number,
                   Registration.certificate_date, Registration.certificate_stars, Registration.registered_on,
                   json_text(Registration.dossier), json_text(Registration.pre_assessment))
            .join(Producer, Producer.id == Product.producer_id)
            .join(Registration, Registration.product_id == Product.id)
            .where(Registration.campaign_id == campaign.id, Product.id.in_(ids[start:start + CHUNK])))
        for (pid, code, name, producer_id, producer, kind, commune, address, representative, phone, set_code,
             confirmed, reg_kind, number, issued, stars, registered_on, dossier, pre_assessment) in rows:
            fields = {"name": name, "producer": producer, "producer_kind": kind, "commune": commune,
                      "address": address, "representative": representative, "phone": phone,
                      "set_code": set_code, "commune_confirmed": _shown(confirmed),
                      "kind": present.REGISTRATION_KIND.get(reg_kind, reg_kind), "certificate_number": number or "",
                      "certificate_date": _shown(issued), "certificate_stars": _shown(stars),
                      "registered_on": _shown(registered_on)}
            fields |= {f"dossier.{k}": _shown(v) for k, v in (decoded(dossier) or {}).items() if k in ITEMS}
            fields |= {f"{PRE_ASSESSED}{k}": _pre_assessed(v) for k, v in (decoded(pre_assessment) or {}).items()}
            found[pid] = Snapshot(pid, code or "", name, producer_id, fields)
    return found


def changes(before: dict[int, Snapshot], after: dict[int, Snapshot]) -> dict[int, list[Change]]:
    """Per product, the fields that differ, in the form's column order."""
    result: dict[int, list[Change]] = {}
    for pid, old in before.items():
        new = after.get(pid)
        if new is None:
            continue
        labels = LABELS | {k: k.removeprefix(PRE_ASSESSED) for k in (*old.fields, *new.fields)
                           if k.startswith(PRE_ASSESSED)}  # the commune's criteria (1489) as its list names them
        diff = [Change(new.code, label, old.fields.get(key, ""), new.fields.get(key, ""))
                for key, label in labels.items() if old.fields.get(key, "") != new.fields.get(key, "")]
        if diff:
            result[pid] = diff
    return result


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)


def concerns(doc: Document, product: Snapshot) -> bool:
    """Whether a document shows the product: its subject is the product (by code) or its producer
    (the dossier-check notice), or a value of its data is the product's name or code."""
    if doc.kind == "thong_bao_kiem_tra_ho_so":
        return doc.subject == str(product.producer_id)
    if product.code and product.code in doc.subject.split("/"):
        return True
    wanted = {product.name, product.code} - {""}
    return doc.context is not None and any(leaf in wanted for leaf in _leaves(doc.context))


def issued_about(session: Session, campaign: Campaign, products: Collection[Snapshot]) -> list[Document]:
    """The issued (standing) documents that show one of these products, in register order."""
    docs = session.scalars(select(Document).where(Document.campaign_id == campaign.id, Document.status == "issued")
                           .order_by(Document.id))
    return [d for d in docs if any(concerns(d, p) for p in products)]


def check(session: Session, campaign: Campaign, before: dict[int, Snapshot], changed: Collection[int],
          reason: str) -> None:
    """Refuse corrections the register does not allow: results issued (a reopening first), or
    documents about the product issued and no reason given."""
    if not changed:
        return
    freeze.refuse_change(session, campaign, changed, "sửa được đăng ký của sản phẩm ")
    docs = issued_about(session, campaign, [before[pid] for pid in changed])
    if docs and not reason.strip():
        codes = ", ".join(sorted(before[pid].code for pid in changed))
        raise CorrectionError(
            f"Đã ban hành văn bản về sản phẩm {codes} ({freeze.describe(docs)}): sửa đăng ký cần ghi lý do "
            f"({REASON_OPTION}); sau khi sửa, chạy lại các bước đã chạy để ban hành văn bản thay thế.")


def record(session: Session, campaign: Campaign, changed: dict[int, list[Change]], reason: str, source: str) -> None:
    """Log every changed field with the correction's reason and the file it came from."""
    now = datetime.now()  # the register's clock (Document.issued_at), to compare with
    session.add_all(RegistrationChange(campaign_id=campaign.id, product_id=pid, field=c.label, old=c.old, new=c.new,
                                       reason=reason.strip(), source=source, created_at=now)
                    for pid, diff in changed.items() for c in diff)


def reasons_since(session: Session, doc: Document) -> str:
    """"; sửa đăng ký LN-01: …" for the corrections with a reason recorded after ``doc`` was
    issued, of products it shows: what the register notes on a document a new version replaces."""
    if doc.issued_at is None:
        return ""
    rows = session.execute(
        select(RegistrationChange.field, RegistrationChange.old, RegistrationChange.reason, Product.id, Product.code,
               Product.name, Product.producer_id)
        .join(Product, Product.id == RegistrationChange.product_id)
        .where(RegistrationChange.campaign_id == doc.campaign_id, RegistrationChange.created_at > doc.issued_at,
               RegistrationChange.reason != "")
        .order_by(RegistrationChange.id)).all()
    shown: dict[str, list[str]] = {}
    for label, old, reason, pid, code, name, producer_id in rows:
        then = old if label == LABELS["name"] else name
        if any(concerns(doc, Snapshot(pid, code or "", n, producer_id, {})) for n in (then, name)):
            reasons = shown.setdefault(code or "", [])
            if reason not in reasons:
                reasons.append(reason)
    return "".join(f"; {present.corrected(code, reason)}" for code, reasons in shown.items() for reason in reasons)
