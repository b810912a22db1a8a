"""PDF copies of rendered DOCX files (LibreOffice headless).

* ``to_pdf(paths)``: the files shared among ``processes()`` LibreOffice processes running at once
  (``OCOP_PDF_PROCESSES``, default one per core up to 4), one ``soffice --headless --convert-to
  pdf`` call per batch of up to ``BATCH`` files (≈ 1 s start-up, then ≈ 0.1 s per page), each with
  a private, throw-away profile so concurrent conversions never hand their files to each other;
  the PDFs land next to their DOCX files (or in ``out_dir``) only once every file converted.

Fonts: the templates ask for Times New Roman. Where it is not installed fontconfig substitutes a
metric-compatible serif. Checked on Debian 12 (LibreOffice 7.4, fonts-liberation2):
``fc-match "Times New Roman"`` → ``LiberationSerif-Regular.ttf``; ``pdffonts`` on every converted
template lists embedded subsets of LiberationSerif, -Bold, -Italic, -BoldItalic (TrueType, with
ToUnicode; Vietnamese diacritics extract intact), plus DejaVuSans only for symbols Liberation
lacks (☐/☒ on the score sheet, ★ on the certificate). Same metrics as Times New Roman, so line
breaks and page count match Word's. A licensed Times New Roman dropped into a fonts directory
(+ ``fc-cache``) is used instead automatically.

``OCOP_SOFFICE`` (read only here) names the LibreOffice executable; otherwise ``soffice`` /
``libreoffice`` is looked up on PATH.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ocop import faults
from ocop.documents.staging import write_atomic
from ocop.errors import DocumentError

BATCH = 200                      # files per soffice call


def processes() -> int:
    """LibreOffice processes converting at once: ``OCOP_PDF_PROCESSES`` (read only here), else one per core, at
    most 4 (each takes ~200 MB; layout is the cost, ~0.1 s a page, so a batch spread over the cores finishes
    that many times sooner)."""
    configured = os.environ.get("OCOP_PDF_PROCESSES", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(4, os.cpu_count() or 1))
INSTALL_HINT = ("apt-get install --no-install-recommends libreoffice-writer-nogui "
                "fonts-liberation fonts-liberation2")


class PdfUnavailable(DocumentError):
    """LibreOffice is not installed (or OCOP_SOFFICE points nowhere): no PDF, DOCX still valid."""


def soffice() -> str | None:
    """Path of the LibreOffice executable, or None.

    ``OCOP_SOFFICE`` wins when set (a path or a command name); when it names nothing
    executable the answer is None rather than a silent fall-back to another installation."""
    configured = os.environ.get("OCOP_SOFFICE", "").strip()
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _unavailable() -> PdfUnavailable:
    configured = os.environ.get("OCOP_SOFFICE", "").strip()
    where = (f"OCOP_SOFFICE='{configured}' không trỏ tới tệp chạy được"
             if configured else "không tìm thấy lệnh 'soffice' hay 'libreoffice' trong PATH")
    return PdfUnavailable(
        f"Không tạo được bản PDF: chưa cài LibreOffice ({where}). Cài bằng lệnh: {INSTALL_HINT} "
        "(hoặc đặt biến môi trường OCOP_SOFFICE là đường dẫn tới soffice). Các tệp DOCX đã tạo "
        "vẫn hợp lệ và dùng được; chỉ thiếu bản PDF.")


def to_pdf(docx_paths: Sequence[Path], out_dir: Path | None = None,
           timeout: float = 300, targets: Sequence[Path] | None = None) -> list[Path]:
    """Convert DOCX files to PDF; return the PDF paths in the order of ``docx_paths``.

    Each PDF is written next to its DOCX (``x.docx`` → ``x.pdf``), into ``out_dir``, or to its
    path in ``targets`` (one per DOCX: e.g. a staging folder's). Nothing
    is written unless every file converted. ``timeout`` (seconds) applies to each soffice call.
    Raises PdfUnavailable without LibreOffice, DocumentError when a file is missing or did not
    convert (naming the files)."""
    sources = [Path(p) for p in docx_paths]
    if not sources:
        return []
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        raise DocumentError("Không tìm thấy tệp DOCX cần chuyển sang PDF: " + ", ".join(missing) + ".")
    if targets is None:
        targets = [(Path(out_dir) if out_dir is not None else p.parent) / f"{p.stem}.pdf" for p in sources]
    targets = [Path(t) for t in targets]
    if len(targets) != len(sources):
        raise ValueError("to_pdf: one target per DOCX")
    dupes = sorted({str(t) for t in targets if targets.count(t) > 1})
    if dupes:
        raise DocumentError("Nhiều tệp DOCX sẽ ghi đè cùng một tệp PDF: " + ", ".join(dupes) + ".")
    exe = soffice()
    if exe is None:
        raise _unavailable()

    work = Path(tempfile.mkdtemp(prefix="ocop-pdf-"))
    try:
        size = max(1, min(BATCH, -(-len(sources) // processes())))   # every process gets a share
        starts = list(range(0, len(sources), size))
        for start in starts:
            (work / f"in{start}").mkdir()
            (work / f"out{start}").mkdir()
            for i, src in enumerate(sources[start:start + size]):   # ASCII names: no locale or stem clashes
                shutil.copyfile(src, work / f"in{start}" / f"{start + i:06d}.docx")

        def convert(start: int) -> str:
            # a private, throw-away LibreOffice profile per process: concurrent ones never share one
            inputs = sorted((work / f"in{start}").iterdir())
            return _run(exe, work / f"profile{start}", inputs, work / f"out{start}", timeout)

        with ThreadPoolExecutor(max_workers=processes()) as pool:
            logs = list(pool.map(convert, starts))
        log = next((text for text in reversed(logs) if text), "")
        results: list[Path | None] = []
        for start in starts:
            for i in range(len(sources[start:start + size])):
                pdf = work / f"out{start}" / f"{start + i:06d}.pdf"
                results.append(pdf if pdf.is_file() and pdf.stat().st_size > 0 else None)
        failed = [str(src) for src, pdf in zip(sources, results, strict=False) if pdf is None]
        if failed:
            raise DocumentError(
                f"LibreOffice không chuyển được {len(failed)}/{len(sources)} tệp sang PDF: "
                + ", ".join(failed[:20]) + (" …" if len(failed) > 20 else "")
                + (f". Thông báo của LibreOffice: {log[-500:]}" if log else "") + ".")
        done = [pdf for pdf in results if pdf is not None]     # every one: none failed
        for pdf, target in zip(done, targets, strict=False):
            _move_atomic(pdf, target)
            faults.reach("write")
        return targets
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(exe: str, profile: Path, inputs: list[Path], pdf_dir: Path, timeout: float) -> str:
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "pdf",
           "--outdir", str(pdf_dir), *map(str, inputs)]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise PdfUnavailable(f"Không chạy được LibreOffice '{exe}': {exc}. Cài bằng lệnh: "
                             f"{INSTALL_HINT}. Các tệp DOCX vẫn hợp lệ.") from exc
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise DocumentError(f"LibreOffice chuyển {len(inputs)} tệp sang PDF quá {timeout:g} giây, "
                            "đã dừng; chưa ghi tệp PDF nào.") from None
    except BaseException:
        _kill(proc)
        raise
    return out.decode("utf-8", "replace").strip()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """soffice starts soffice.bin in its session: stop the whole process group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _move_atomic(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dst)                            # same file system: atomic rename
    except OSError:
        write_atomic(dst, src.read_bytes())            # temp file next to dst + os.replace
