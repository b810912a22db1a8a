"""`ocop documents verify`: is every issued file as it was issued, and is a referral packet whole?

In the documents folder: every issued file (DOCX and PDF, of every version, replaced and cancelled
ones included: their files stay) is hashed in full (SHA-256, in chunks) and compared with the
register; the folder is walked once, and every file the register does not know is named — except
our own bookkeeping, which is not an issued document (``bookkeeping``):

- the project's SQLite database when it lies in the folder (``ocop.db`` and its ``-wal``, ``-shm``,
  ``-journal`` companions), and the log ``ocop.log``;
- the staging folders ``<campaign>/.dang-ghi/`` of a stage writing or killed (``ocop.documents.staging``),
  and the hidden ``.<name>.<token>.tmp`` files of an atomic write a killed process left;
- the drafts the register names (``du-thao/``: rewritten until issued, so not hashed);
- the working list of the verify stage (``registrations.use_cases.LISTS``), the members' print packs
  (``council.use_cases.PRINT_PACK``: merged from the issued PDFs), the error workbooks of inputs kept
  in the folder (``*.loi.xlsx``), and the referral packets of the issued Tờ trình (``packet.py``).

A ZIP packet is checked against its own manifest (``ban-ke.json``): each member's SHA-256, the
members missing, the members the manifest does not list, and ``ban-ke.txt`` against ``ban-ke.json``.

Each PDF whose bytes are as registered (or as the manifest lists them) has its signatures checked too
(``ocop.documents.signing``, against the trust roots configured: ``OCOP_SIGNING_TRUST``, else the CAs in the
office's own certificate file): a broken signature, or one by a certificate no configured root vouches for,
or expired, is a problem; PDFs issued unsigned (no certificate was configured), and signatures left
unverified because no trust root is configured, are one note of each kind — not tampering.

The result is a ``VerifyReport``; the CLI only prints it. Problems carry a kind (``files.ProblemKind``),
so other checks of a file (a PDF's signature) add theirs to the same list.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ocop.documents.staging import STAGING
from ocop.errors import InputError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Campaign, Document
from ocop.services.campaigns import get_campaign
from ocop.services.council.use_cases import PRINT_PACK
from ocop.services.paperwork import packet
from ocop.services.paperwork.files import FileProblem, IssuedFile, ProblemKind, issued_files, located, sha256_of
from ocop.services.registrations.use_cases import LISTS
from ocop.services.registrations.workbooks import ERRORS_SUFFIX
from ocop.settings import LOG_NAME, Settings

if TYPE_CHECKING:
    from cryptography.x509 import Certificate

SHOWN = 3  # files named in a note that gathers many
HASHERS = 4  # files hashed at once: reading and hashing release the GIL
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")
CHUNK = 1 << 20  # bytes of a ZIP member hashed at a time


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What `ocop documents verify` found: the files compared, and each problem (none: all match)."""

    source: str  # the documents folder (or one campaign's folder in it), or the ZIP packet
    packet: bool
    files: int  # files compared with their SHA-256
    problems: tuple[FileProblem, ...] = ()
    notes: tuple[FileProblem, ...] = ()  # worth saying, not a failure (a path outside the folder)
    signers: tuple[str, ...] = ()  # who signed the PDFs whose signatures hold, as their certificates name them

    @property
    def ok(self) -> bool:
        return not self.problems

    def of(self, kind: ProblemKind) -> tuple[FileProblem, ...]:
        return tuple(p for p in self.problems if p.kind == kind)

    def adding(self, problems: Iterable[FileProblem]) -> VerifyReport:
        """The report with more problems (another check of the same files, e.g. signatures)."""
        return replace(self, problems=(*self.problems, *problems))


def _hash_all(files: list[IssuedFile], out_dir: Path) -> list[FileProblem]:
    def check(f: IssuedFile) -> FileProblem | None:
        try:
            sha = sha256_of(located(out_dir, f.name))
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return FileProblem("missing", f.name, f.document)
        return None if sha == f.sha256 else FileProblem("modified", f.name, f.document)

    with ThreadPoolExecutor(HASHERS) as pool:
        return [p for p in pool.map(check, files) if p is not None]


def _signatures(pdfs: Iterable[tuple[str, str, Path, bytes | None]], roots: tuple[Certificate, ...],
                packet: bool = False) -> tuple[list[FileProblem], list[FileProblem], tuple[str, ...]]:
    """The signatures of PDFs given as (name, document, path, bytes or None to read ``path``): the problems,
    the notes gathering the unsigned PDFs and those whose signer no configured trust root can vouch for, and
    who signed. In a packet checked with trust roots configured, an unsigned PDF is a problem: the receiving
    office expects the sender's signature, and a PDF stripped of it (or remade unsigned) must not pass."""
    from ocop.documents import signing

    problems: list[FileProblem] = []
    unsigned: list[str] = []
    unverified: list[str] = []
    signers: list[str] = []
    for name, document, path, data in pdfs:
        check = signing.check_signature(path, roots, data)
        if check.signed and check.intact and check.signer not in signers:
            signers.append(check.signer)
        if check.ok:
            continue
        if not check.signed and check.problem == signing.NOT_SIGNED and packet and roots:
            problems.append(FileProblem("signature", name, document, check.problem))
        elif not check.signed and check.problem == signing.NOT_SIGNED:
            unsigned.append(name)
        elif check.signed and check.intact and not roots:
            unverified.append(name)
        else:
            problems.append(FileProblem("signature", name, document, check.problem))
    gathered: tuple[tuple[ProblemKind, list[str]], ...] = (("unsigned", unsigned), ("unverified", unverified))
    notes = [FileProblem(kind, f"{len(names)} tệp PDF",
                         detail=", ".join(names[:SHOWN]) + (", …" if len(names) > SHOWN else ""))
             for kind, names in gathered if names]
    return problems, notes, tuple(signers)


def _is_pdf(name: str) -> bool:
    return name.lower().endswith(".pdf")


def _database_files(settings: Settings) -> set[str]:
    """The SQLite database's files when they lie in the documents folder (names relative to it)."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return set()
    db = Path(url.database).resolve()
    if not db.is_relative_to(settings.out_dir):
        return set()
    name = db.relative_to(settings.out_dir).as_posix()
    return {name + suffix for suffix in SQLITE_COMPANIONS}


def bookkeeping(name: PurePosixPath, codes: set[str]) -> bool:
    """A file of ours in the documents folder that is not an issued document (see the module's doc);
    ``name`` is relative to the folder, ``codes`` the campaigns' codes."""
    if len(name.parts) == 1 and name.name == LOG_NAME:
        return True
    if name.name.startswith(".") and name.name.endswith(".tmp"):
        return True  # an atomic write's temporary file (staging.write_atomic), left by a killed process
    if name.name.lower().endswith(ERRORS_SUFFIX):
        return True
    if len(name.parts) > 1 and name.parts[0] in codes:
        within = PurePosixPath(*name.parts[1:])
        if within.as_posix() == LISTS:
            return True
        if within.parent.name == "02-hop-hoi-dong" and within.name.startswith(PRINT_PACK) and within.suffix == ".pdf":
            return True
    return False


def _walk(root: Path, out_dir: Path) -> set[str]:
    """Every file under ``root``, named relative to ``out_dir``; staging folders are not entered."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != STAGING]
        base = Path(dirpath).relative_to(out_dir).as_posix()
        for filename in filenames:
            found.add(filename if base == "." else f"{base}/{filename}")
    return found


def _known(session: Session, settings: Settings, campaign_ids: list[int] | None) -> set[str]:
    """Files the register knows without hashing them: drafts, and the packets of issued Tờ trình."""
    query = select(Document).where(Document.draft_path != "")
    packets = select(Document).where(Document.kind == packet.REFERRAL, Document.sha256 != "",
                                      Document.symbol != "")
    if campaign_ids is not None:
        query = query.where(Document.campaign_id.in_(campaign_ids))
        packets = packets.where(Document.campaign_id.in_(campaign_ids))
    known = {d.draft_path for d in session.scalars(query)}
    for doc in session.scalars(packets):
        path = packet.packet_path(settings.out_dir, doc)
        if path.is_relative_to(settings.out_dir):
            known.add(path.relative_to(settings.out_dir).as_posix())
    return known


def verify_folder(settings: Settings, code: str | None = None) -> VerifyReport:
    """Every issued file of one campaign (or all) against its SHA-256, and the files no one registered."""
    out = settings.out_dir
    if not out.is_dir():
        raise InputError(f"Không có thư mục văn bản '{out}' (--out).")
    with unit_of_work(settings.database_url) as s:
        campaigns = [get_campaign(s, code)] if code else list(s.scalars(select(Campaign)))
        ids = [c.id for c in campaigns] if code else None
        files = list(issued_files(s, ids))
        known = _known(s, settings, ids)
    codes = {c.code for c in campaigns}
    root = out / code if code else out
    notes = [FileProblem("outside", f.name, f.document) for f in files if os.path.isabs(f.name)]
    problems = _hash_all(files, out)
    from ocop.documents.signing import trust_roots

    changed = {p.path for p in problems}  # a modified or missing file is named once, as such
    signed, signature_notes, signers = _signatures(((f.name, f.document, located(out, f.name), None) for f in files
                                           if _is_pdf(f.name) and f.name not in changed), trust_roots(settings))
    problems += signed
    notes += signature_notes
    registered = {f.name for f in files} | known | (set() if code else _database_files(settings))
    found = _walk(root, out) if root.is_dir() else set()
    extra = sorted(n for n in found - registered if not bookkeeping(PurePosixPath(n), codes))
    problems += [FileProblem("unregistered", n) for n in extra]
    return VerifyReport(str(root), False, len(files), tuple(problems), tuple(notes), signers)


def _manifest(zf: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    not_packet = (f"Tệp '{path}' không phải hồ sơ đề nghị do ocop lập (không có bản kê {packet.MANIFEST} đọc được "
                  "hoặc bản kê sai định dạng).")
    try:
        data = json.loads(zf.read(packet.MANIFEST).decode("utf-8"))
    except (KeyError, ValueError, zipfile.BadZipFile):
        raise InputError(not_packet) from None
    if not (isinstance(data, dict) and data.get("format") == packet.FORMAT and isinstance(data.get("files"), list)
            and all(isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("sha256"), str)
                    for f in data["files"])):
        raise InputError(not_packet)
    return data


def verify_packet(path: Path, trust_roots: tuple[Certificate, ...] = ()) -> VerifyReport:
    """A referral packet against its manifest: each member's SHA-256, the missing and the extra members; the
    signatures of its PDFs against ``trust_roots`` (a manifest proves the packet whole, the signatures who
    issued it)."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(f"Không có tệp '{path}'.") from None
    except (zipfile.BadZipFile, IsADirectoryError, OSError):
        raise InputError(f"Tệp '{path}' không phải tệp ZIP đọc được (hỏng hoặc không phải hồ sơ đề nghị).") from None
    problems: list[FileProblem] = []
    pdfs: list[tuple[str, str, Path, bytes | None]] = []
    with zf:
        data = _manifest(zf, path)
        names = {n for n in zf.namelist() if not n.endswith("/")}
        listed = {f["name"] for f in data["files"]}
        for f in data["files"]:
            document = f"{f.get('title', '')} {f.get('symbol', '')}".strip()
            if f["name"] not in names:
                problems.append(FileProblem("missing", f["name"], document))
                continue
            try:
                digest = hashlib.sha256()
                with zf.open(f["name"]) as member:
                    while chunk := member.read(CHUNK):  # streamed: a large member never sits in memory
                        digest.update(chunk)
                sha = digest.hexdigest()
            except zipfile.BadZipFile:  # its CRC does not match: changed inside the archive
                sha = ""
            if sha != f["sha256"]:
                problems.append(FileProblem("modified", f["name"], document))
            elif _is_pdf(f["name"]):
                pdfs.append((f["name"], document, Path(f["name"]), zf.read(f["name"])))
        if packet.MANIFEST_TEXT not in names:
            problems.append(FileProblem("missing", packet.MANIFEST_TEXT))
        else:
            try:
                text = zf.read(packet.MANIFEST_TEXT).decode("utf-8")
                same = text == packet.manifest_text(data)
            except (zipfile.BadZipFile, UnicodeDecodeError, KeyError, TypeError, ValueError):
                same = False
            if not same:
                problems.append(FileProblem("modified", packet.MANIFEST_TEXT, detail=f"khác {packet.MANIFEST}"))
        extra = sorted(names - listed - {packet.MANIFEST, packet.MANIFEST_TEXT})
        problems += [FileProblem("extra", n) for n in extra]
    signed, notes, signers = _signatures(pdfs, trust_roots, packet=True)
    return VerifyReport(str(path), True, len(listed), tuple(problems + signed), tuple(notes), signers)
