"""The referral packet: the Tờ trình with everything it attaches, in one ZIP with a hash manifest.

``<symbol>-ho-so.zip`` lies beside the Tờ trình in the campaign's documents folder. It holds the
issued files (DOCX and, where there is one, PDF) of the Tờ trình and of each document it attaches
(``specs.REFERRAL_ATTACHMENTS``), exactly as the register hashed them, plus two manifests:
``ban-ke.json`` (for the machine: campaign, issuer, signer, dates, each file's SHA-256 and size)
and ``ban-ke.txt`` (the same in Vietnamese for people). The receiving office checks it with
``ocop documents verify FILE.zip`` (``verify.verify_packet``).

The ZIP is a function of the register alone: entries in a fixed order with the Tờ trình's issue
date as their timestamp, so the same documents make the same bytes, and the file is rewritten
(atomically: a temporary file beside it, fsynced, renamed) only when its bytes change.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ocop import present
from ocop.documents.renderer import _write_atomic
from ocop.errors import DocumentError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Campaign, Document
from ocop.services.campaigns import get_campaign
from ocop.services.paperwork import specs
from ocop.services.paperwork.files import located
from ocop.services.paperwork.register import current_document
from ocop.settings import Settings
from ocop.text import ascii_key

FORMAT = "ocop-ho-so-de-nghi/1"
MANIFEST = "ban-ke.json"
MANIFEST_TEXT = "ban-ke.txt"
REFERRAL = "to_trinh_de_nghi_tinh"  # the kind of the Tờ trình
SUFFIX = "-ho-so.zip"


def packet_path(out_dir: Path, doc: Document) -> Path:
    """Where the packet of an issued Tờ trình lies: beside it, named after its number and symbol."""
    return located(out_dir, doc.file_path).with_name(f"{ascii_key(doc.symbol) or doc.id}{SUFFIX}")


@dataclass(frozen=True, slots=True)
class PacketFile:
    name: str  # the member's name in the ZIP
    sha256: str
    size: int
    title: str
    symbol: str
    issued_on: date


def _members(out_dir: Path, docs: list[Document]) -> list[tuple[PacketFile, bytes]]:
    """Each issued file of ``docs`` with its bytes, refused when they are not what the register hashed."""
    members = []
    for doc in docs:
        for name, sha in ((doc.file_path, doc.sha256), (doc.pdf_path, doc.pdf_sha256)):
            if not name:
                continue
            path = located(out_dir, name)
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                raise DocumentError(f"Không lập được hồ sơ đề nghị: thiếu tệp '{path}' ({doc.title} {doc.symbol}). "
                                    "Kiểm tra: ocop documents verify.") from None
            if hashlib.sha256(data).hexdigest() != sha:
                raise DocumentError(f"Không lập được hồ sơ đề nghị: tệp '{path}' ({doc.title} {doc.symbol}) đã bị "
                                    "sửa sau khi ban hành (SHA-256 khác sổ văn bản). Kiểm tra: ocop documents verify.")
            members.append((PacketFile(path.name, sha, len(data), doc.title, doc.symbol, doc.issued_on), data))
    return members


def manifest(campaign: Campaign, doc: Document, files: list[PacketFile]) -> dict[str, Any]:
    """The machine-readable manifest (ban-ke.json)."""
    return {
        "format": FORMAT,
        "campaign": {"code": campaign.code, "name": campaign.name},
        "issuer": doc.issuer,
        "document": {"title": doc.title, "symbol": doc.symbol, "issued_on": doc.issued_on.isoformat(),
                     "signer": doc.signer_name},
        "files": [{"name": f.name, "sha256": f.sha256, "size": f.size, "title": f.title, "symbol": f.symbol,
                   "issued_on": f.issued_on.isoformat()} for f in files],
    }


def manifest_text(data: dict[str, Any]) -> str:
    """ban-ke.txt: the manifest as people read it (present.packet_manifest), made from ban-ke.json alone."""
    doc = data["document"]
    return present.packet_manifest(
        data["campaign"]["name"], data["campaign"]["code"], data["issuer"], doc["title"], doc["symbol"],
        date.fromisoformat(doc["issued_on"]), doc["signer"],
        [(f["name"], f["title"], f["symbol"], date.fromisoformat(f["issued_on"]), f["sha256"]) for f in data["files"]])


def _entry(name: str, on: date) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(max(on.year, 1980), on.month, on.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, on every platform: the same bytes everywhere
    info.external_attr = 0o644 << 16
    return info


def build(out_dir: Path, campaign: Campaign, doc: Document, attached: list[Document]) -> bytes:
    """The packet's bytes: the same register gives the same bytes."""
    members = _members(out_dir, [doc, *attached])
    data = manifest(campaign, doc, [f for f, _ in members])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(_entry(MANIFEST, doc.issued_on),
                    json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        zf.writestr(_entry(MANIFEST_TEXT, doc.issued_on), manifest_text(data))
        for f, content in members:
            zf.writestr(_entry(f.name, doc.issued_on), content)
    return buf.getvalue()


def write_packet(settings: Settings, code: str) -> tuple[str, str]:
    """After the commit that issued documents (files in place): the campaign's packet written when
    its Tờ trình is issued and the packet is missing or out of date. Returns its path ("" when none)
    and a note: a file found modified or missing is never packed — the packet is left as it was."""
    try:
        with unit_of_work(settings.database_url) as s:
            path = write(settings, s, get_campaign(s, code))
    except DocumentError as exc:
        return "", str(exc)
    return (str(path) if path is not None else ""), ""


def write(settings: Settings, session: Session, campaign: Campaign) -> Path | None:
    """Write the packet of the campaign's issued Tờ trình when it is missing or its bytes changed;
    returns its path (None while no Tờ trình is issued). Reads only: call it after the commit that
    issued the documents, so the files are in place."""
    doc = current_document(session, campaign, REFERRAL)
    if doc is None or doc.status != "issued":
        return None
    attached = [d for d in (current_document(session, campaign, kind) for kind in specs.REFERRAL_ATTACHMENTS)
                if d is not None and d.status == "issued"]
    target = packet_path(settings.out_dir, doc)
    data = build(settings.out_dir, campaign, doc, attached)
    try:
        same = target.read_bytes() == data
    except FileNotFoundError:
        same = False
    if not same:
        _write_atomic(target, data)
    return target
