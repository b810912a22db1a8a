"""The register's files: how it names them, where they lie, and whether they are still as issued.

The register names every file relative to the documents folder (``Settings.out_dir``), so a folder
copied elsewhere and used with ``--out`` there holds what the register names. Each issued file
(DOCX, PDF) is recorded with its SHA-256, size and modification time.

Two checks: ``ocop documents verify`` hashes every file (``verify.py``); a stage and
``documents list`` only warn, cheaply, with ``quick_check``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocop.persistence.models import Document

# what can be wrong with a file; "signature" is for the PDF signature check (PAdES), and the notes
# "unsigned" and "unverified" for PDFs issued without a certificate, or whose signer no trust root vouches for
ProblemKind = Literal["modified", "missing", "unregistered", "extra", "outside", "signature", "unsigned",
                      "unverified"]


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A file that is not as the register (or a packet's manifest) says."""

    kind: ProblemKind
    path: str  # as the register names it (relative to the documents folder), or a ZIP member's name
    document: str = ""  # the register's document: title and number
    detail: str = ""


@dataclass(frozen=True, slots=True)
class IssuedFile:
    """One issued file as the register recorded it."""

    document_id: int
    name: str  # relative to the documents folder; absolute outside it
    sha256: str
    size: int | None
    mtime_ns: int | None
    document: str  # title and number, for messages


def stored(out_dir: Path, path: Path) -> str:
    """How the register names a file: relative to the documents folder (POSIX separators), so that a
    moved or restored folder still holds what the register names; absolute only outside that folder."""
    return path.relative_to(out_dir).as_posix() if path.is_relative_to(out_dir) else str(path)


def located(out_dir: Path, name: str) -> Path:
    """Where a file the register names lies: a relative name under the documents folder ``out_dir``."""
    return out_dir / name  # an absolute name (outside the folder) stays as it is


def file_stat(path: Path) -> tuple[int, int]:
    """Size and modification time (ns) of a file as written: the cheap fingerprint ``quick_check`` compares."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def sha256_of(path: Path) -> str:
    """A file's SHA-256, read in chunks (hashlib.file_digest): memory stays flat however large it is."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def issued_files(session: Session, campaign_ids: Collection[int] | None = None) -> Iterator[IssuedFile]:
    """Every issued file (DOCX and PDF; documents since replaced or cancelled included: their files stay)."""
    query = select(Document.id, Document.title, Document.symbol, Document.file_path, Document.sha256,
                   Document.size, Document.mtime_ns, Document.pdf_path, Document.pdf_sha256, Document.pdf_size,
                   Document.pdf_mtime_ns).where(Document.sha256 != "", Document.file_path != "")
    if campaign_ids is not None:
        query = query.where(Document.campaign_id.in_(campaign_ids))
    for row in session.execute(query.order_by(Document.id)).yield_per(1000):
        document = f"#{row.id} {row.title}" + (f" số {row.symbol}" if row.symbol else "")
        yield IssuedFile(row.id, row.file_path, row.sha256, row.size, row.mtime_ns, document)
        if row.pdf_path and row.pdf_sha256:
            yield IssuedFile(row.id, row.pdf_path, row.pdf_sha256, row.pdf_size, row.pdf_mtime_ns, document)


def quick_check(files: Iterator[IssuedFile], where: Callable[[str], Path]) -> list[FileProblem]:
    """The issued files found missing or modified, cheaply: one stat per file, a hash only where the
    size matches but the modification time does not (or none was recorded).

    Why size and mtime are enough for a warning: every issued file is written once and never again
    (the register refuses to overwrite one), so any edit, copy-over or save from an office program
    changes its modification time; a file the same size with the same time to the nanosecond is, in
    practice, untouched — unless someone forged the time on purpose, which ``ocop documents verify``
    (a full SHA-256 of every file) catches. A folder restored with its times (cp -a, rsync -a, tar,
    zip) costs nothing more; one restored without them costs one hash per file.
    """
    problems: list[FileProblem] = []
    for f in files:
        path = where(f.name)
        try:
            size, mtime = file_stat(path)
        except FileNotFoundError:
            problems.append(FileProblem("missing", f.name, f.document))
            continue
        resized = f.size is not None and size != f.size
        if resized or ((f.size is None or mtime != f.mtime_ns) and sha256_of(path) != f.sha256):
            problems.append(FileProblem("modified", f.name, f.document))
    return problems
