"""Content rules of ``ocop documents check``: what a reviewer reads, beyond the form.

``conformance.check`` checks the Decree 30 form (page, header, fonts, NFC…). This module checks
what the text says, one function per rule:

* text rules read the DOCX once (``read``) into ``Contents`` — the document's own date, its
  paragraphs in order, its tables (header row and cells), its closing block (Nơi nhận and
  signatures) — and return Vietnamese findings;
* page rules read the PDF LibreOffice made of it (``read_pdf``: the words of each page with their
  height on the page) and match them against the same ``Contents``.

The patterns the rules use (kinds of cited texts, column and field kinds) are data at the top of
the module. Each finding is one line: the rule's label, then what was found, quoting the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import etree

from ocop import present
from ocop.documents import decree30 as D

# --- data: what the rules recognise ------------------------------------------------------------
# Kinds of texts a document cites; a law is cited by its name and date, the others by number and date.
CITED_KINDS = ("Quyết định", "Kế hoạch", "Biên bản", "Tờ trình", "Thông báo", "Nghị định", "Nghị quyết",
               "Thông tư", "Chỉ thị", "Công văn", "Hướng dẫn", "Quy chế", "Giấy mời")
LAW_KINDS = ("Bộ luật", "Luật")
# Unnumbered texts a document cites by their date ("Bảng tổng hợp kết quả … ngày 20/10/2020").
DATED_KINDS = ("Bảng tổng hợp",)
# Paragraphs that state the bases of a document, and the lists of attached documents.
BASIS_START = re.compile(r"^(Căn cứ|Thực hiện)\s")
ATTACHMENTS_HEAD = re.compile(r"^(Hồ sơ|Tài liệu|Văn bản) kèm theo:?$")
# Results of a council cited as a basis: they live in a numbered, dated document.
RESULTS_CITED = re.compile(r"\bkết quả\b.*\bcủa Hội đồng\b")

_DAY_MONTH_YEAR = r"(\d{1,2})/(\d{1,2})/(\d{4})|(\d{1,2}) tháng (\d{1,2}) năm (\d{4})"
DATE = re.compile(_DAY_MONTH_YEAR)
NUMBER = r"[0-9][\w.]*(?:-\d{2,})?(?:/[\w.Đđ-]+)+"      # 781/QĐ-TTg, 2077/KH-UBND, 47/2019/QH14
_KIND = "|".join(CITED_KINDS)
CITATION = re.compile(rf"(?P<kind>{_KIND})\s+số\s+(?P<number>{NUMBER}),?\s+ngày\s+(?P<date>{_DAY_MONTH_YEAR})")
LAW_CITATION = re.compile(rf"(?P<kind>{'|'.join(LAW_KINDS)})\s+(?P<name>[^;.()]{{3,200}}?),?\s+ngày\s+"
                          rf"(?P<date>{_DAY_MONTH_YEAR})")
# a kind named as what a cited text is about ("… ban hành Quy chế …", "về việc …") is not a citation
REFERENCE = re.compile(rf"(?<![\w])(?<!ban hành )(?<!việc )(?P<kind>{_KIND}|{'|'.join(LAW_KINDS + DATED_KINDS)})"
                       rf"(?![\w])(?!\s+này)")
NUMBERED = re.compile(rf"(?<!\w)số\s+{NUMBER}")

# A column whose header says what it holds: (header, the values it accepts, what belongs there).
COLUMN_KINDS: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...] = (
    (re.compile(r"^Số( giấy chứng nhận| quyết định| văn bản|, ký hiệu( văn bản)?)?$", re.I),
     re.compile(rf"^{NUMBER}$|^\d+$"), "số, ký hiệu văn bản (ví dụ 21/GCN-UBND)"),
    (re.compile(r"^Điểm trung bình$"), re.compile(r"^\d{1,3}(,\d{1,2})?$"), "điểm (ví dụ 70,14)"),
    # a star may carry the marks of notes under the table ("3 sao (1)": why a mandatory criterion capped it)
    (re.compile(r"^Hạng sao$"), re.compile(r"^[1-5] sao( \(\d+\)(, \(\d+\))*)?$"), "hạng sao (ví dụ 4 sao)"),
    (re.compile(r"^Ngày( cấp| ban hành| ký)?$"), re.compile(r"^\d{2}/\d{2}/\d{4}$"), "ngày dd/mm/yyyy"),
)
# Where a sentence says a time of day: (what comes before it, the time it must start with).
TIME = re.compile(r"\d{1,2} giờ( \d{1,2} phút)?|\d{1,2}:\d{2}\b|\d{1,2}h\d{0,2}\b")
TIME_FIELDS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\bvào hồi\s*"),
    re.compile(r"\bThời gian (?:bắt đầu|kết thúc)\s*:\s*"),
    re.compile(r"\b(?:bắt đầu|kết thúc) lúc\s*"),
)
# A capitalised phrase of words twice, at most two words apart: a sentence pasted into another
# ("Cuộc họp kết thúc vào hồi Cuộc họp kết thúc").
REPEATED = re.compile(r"(?<!\w)(?P<phrase>[^\W\d_]+(?: [^\W\d_]+){2,5})(?P<gap>(?: \w+){0,2}) (?P=phrase)(?!\w)")
# Two stops in a row where a sentence was pasted into another: "thông qua.; biên bản".
PUNCTUATION = re.compile(r"\w[.;,:]\s?[;,:]\s")

_QUOTE = 70


def _q(text: str, n: int = _QUOTE) -> str:
    text = " ".join(text.split())
    return f"«{text if len(text) <= n else text[:n - 1] + '…'}»"


def _date(m: re.Match[str], first: int = 1) -> date | None:
    g = m.groups()[first - 1:first + 5]
    d, mo, y = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
    try:
        return date(int(y), int(mo), int(d))
    except (TypeError, ValueError):
        return None


# --- what a document says, read once -------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]     # cell texts per row (a cell spanning columns repeats), header first
    header_rows: int                       # rows repeated as the header (at least 1)
    bordered: bool                         # a data table (the header and signature blocks have none)


@dataclass(frozen=True)
class Contents:
    name: str
    date: date | None                      # from the place-and-date line; None on a draft
    paragraphs: tuple[str, ...]            # every body paragraph in order, table cells included
    tables: tuple[Table, ...]
    closing: tuple[str, ...]               # Nơi nhận and signature blocks (borderless, after the header)


def _text(el: etree._Element) -> str:
    """Text of an element (NFC), a tab read as a space."""
    parts = ((t.text or "") if t.tag == qn("w:t") else " " for t in el.iter(qn("w:t"), qn("w:tab")))
    return unicodedata.normalize("NFC", "".join(parts))


def _bordered(tbl: etree._Element) -> bool:
    borders = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    if borders is not None:
        return any((b.get(qn("w:val")) or "nil") not in ("nil", "none") for b in borders)
    style = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
    return style is not None


def _table(tbl: etree._Element) -> Table:
    rows: list[tuple[str, ...]] = []
    header = 0
    for i, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        cells: list[str] = []
        for tc in tr.iterchildren(qn("w:tc")):
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            text = " ".join(_text(p) for p in tc.iter(qn("w:p"))).strip()
            cells += [text] * int(span.get(qn("w:val")) or 1 if span is not None else 1)
        rows.append(tuple(cells))
        if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None and header == i:
            header = i + 1
    return Table(tuple(rows), max(header, 1), _bordered(tbl))


def read(doc: DocxDocument, name: str) -> Contents:
    """The text the content rules read, from an opened DOCX."""
    body = doc.element.body
    paragraphs = [_text(p).strip() for p in body.iter(qn("w:p"))]
    paragraphs = [p for p in paragraphs if p]
    doc_date = None
    for p in paragraphs:
        if D.LOOSE_PLACE_DATE_RE.match(p) and len(p) < 80:
            m = DATE.search(p)
            doc_date = _date(m) if m else None
            break
    tables, closing = [], []
    for tbl in body.iter(qn("w:tbl")):
        t = _table(tbl)
        tables.append(t)
        text = " ".join(c for r in t.rows for c in r)
        if not t.bordered and D.QUOC_HIEU not in text:
            closing.append(text)
    return Contents(name, doc_date, tuple(paragraphs), tuple(tables), tuple(closing))


# --- text rules ----------------------------------------------------------------------------------
def _clauses(c: Contents) -> Iterator[str]:
    """Each basis ('Căn cứ …', 'Thực hiện …', split at ';') and each attached document listed."""
    attached = False
    for p in c.paragraphs:
        if BASIS_START.match(p):
            attached = False
            yield from (s.strip() for s in p.split(";") if s.strip())
        elif ATTACHMENTS_HEAD.match(p):
            attached = True
        elif attached and p.startswith("-"):
            yield p.lstrip("- ").rstrip(";.")
        else:
            attached = False


def cited_after_document(c: Contents) -> Iterator[str]:
    """A text cited with a date later than the document's own date did not exist when it was signed."""
    if c.date is None:
        return
    seen = set()
    for p in c.paragraphs:
        for pattern in (CITATION, LAW_CITATION):
            for m in pattern.finditer(p):
                cited = _date(m, pattern.groupindex["date"] + 1)
                if cited and cited > c.date and m.group(0) not in seen:
                    seen.add(m.group(0))
                    yield f"{_q(m.group(0), 110)} ban hành sau ngày của chính văn bản ({present.date_short(c.date)})"


def cited_without_number_or_date(c: Contents) -> Iterator[str]:
    """A basis or an attached document must be cited by number and date (a law by name and date)."""
    for clause in _clauses(c):
        refs = list(REFERENCE.finditer(clause))
        for i, m in enumerate(refs):
            end = refs[i + 1].start() if i + 1 < len(refs) else len(clause)
            span = clause[m.end():end]
            law = m.group("kind") in LAW_KINDS
            unnumbered = law or m.group("kind") in DATED_KINDS
            if law and i + 1 < len(refs) and refs[i + 1].group("kind") in LAW_KINDS:
                continue                  # "Luật sửa đổi … của Luật A và Luật B ngày …": one date for all
            missing = [w for w, ok in (("số", unnumbered or NUMBERED.search(span)), ("ngày", DATE.search(span)))
                       if not ok]
            if missing:
                yield f"{_q(clause)} — thiếu {' và '.join(missing)}"
                break
        else:
            if not refs and RESULTS_CITED.search(clause) and not (re.search(rf"số\s+{NUMBER}", clause)
                                                                  and DATE.search(clause)):
                yield f"{_q(clause)} — kết quả của Hội đồng phải dẫn biên bản có số và ngày"


def basis_cited_twice(c: Contents) -> Iterator[str]:
    """The same text (number, or a law's name) cited in two bases."""
    seen: Counter[str] = Counter()
    for p in c.paragraphs:
        if not BASIS_START.match(p):
            continue
        for clause in (s for s in p.split(";") if s.strip()):
            keys = {m.group("number") for m in CITATION.finditer(clause)}
            keys |= {re.sub(r"\s+", " ", m.group("name")).strip() for m in LAW_CITATION.finditer(clause)}
            seen.update(keys)
    for key, n in seen.items():
        if n > 1:
            yield f"«{key}» được dẫn {n} lần trong phần căn cứ"


def wrong_kind_of_value(c: Contents) -> Iterator[str]:
    """A table cell or a field holding a value of another kind than its header or lead-in says."""
    for t in c.tables:
        header = t.rows[0]
        for col, head in enumerate(header):
            for pattern, accepts, what in COLUMN_KINDS:
                if not pattern.match(head):
                    continue
                for row in t.rows[t.header_rows:]:
                    value = row[col] if col < len(row) else ""
                    if value and value != head and not accepts.match(value):
                        yield f"cột «{head}» chứa «{value}», không phải {what}"
    for p in c.paragraphs:
        for lead in TIME_FIELDS:
            for m in lead.finditer(p):
                after = p[m.end():]
                if not TIME.match(after):
                    yield f"sau «{m.group(0).strip()}» phải là giờ (ví dụ 11 giờ 30 phút): {_q(p[m.start():], 90)}"
        for r in REPEATED.finditer(p):
            if r.group("phrase")[0].isupper():
                yield f"cụm từ «{r.group('phrase')}» lặp lại: {_q(r.group(0), 110)}"
        for r in PUNCTUATION.finditer(p):
            yield f"câu bị ghép sai dấu «{r.group(0)[1:].strip()}»: {_q(p[max(0, r.start() - 40):r.end() + 30], 90)}"


@dataclass(frozen=True)
class Rule:
    label: str
    check: Callable[[Contents], Iterator[str]]


RULES: tuple[Rule, ...] = (
    Rule("Dẫn văn bản ban hành sau ngày của văn bản", cited_after_document),
    Rule("Dẫn văn bản không có số hoặc ngày", cited_without_number_or_date),
    Rule("Căn cứ bị dẫn hai lần", basis_cited_twice),
    Rule("Nội dung sai loại", wrong_kind_of_value),
)


def check(c: Contents) -> list[str]:
    """Findings of every text rule, each 'label: what was found'."""
    return list(dict.fromkeys(f"{r.label}: {f}." for r in RULES for f in r.check(c)))


# --- page rules (PDF) -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    number: int
    words: tuple[tuple[str, float], ...]  # (word, height on the page in points from the bottom)
    height: float                          # the page's height in points


_WORD = re.compile(r"[\w/.,-]*\w[\w/-]*", re.UNICODE)


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text))


def read_pdf(path: Path) -> list[Page]:
    """Words of each page of a PDF, with their height on the page (pypdf)."""
    from pypdf import PdfReader

    pages = []
    for i, page in enumerate(PdfReader(path).pages, 1):
        found: list[tuple[str, float]] = []

        def visit(text: str, cm: Sequence[float], tm: Sequence[float], *_: Any,
                  found: list[tuple[str, float]] = found) -> None:
            found.extend((w, cm[5] + tm[5] * cm[3]) for w in _words(text))

        page.extract_text(visitor_text=visit)
        pages.append(Page(i, tuple(found), float(page.mediabox.height)))
    return pages


def _bag(texts: Sequence[str]) -> Counter[str]:
    return Counter(w for t in texts for w in _words(t))


def _body_words(page: Page) -> Counter[str]:
    """A page's words without its page number (a number alone at the top)."""
    bag = Counter(w for w, _ in page.words)
    top = max((y for _, y in page.words), default=0.0)
    for w, y in page.words:
        if w == str(page.number) and y == top:
            bag[w] -= 1
    return +bag


def signature_page_without_body(c: Contents, pages: Sequence[Page]) -> Iterator[str]:
    """A page (not the first) holding only Nơi nhận and signatures: the last body lines must go with them."""
    closing = _bag(c.closing)
    if not closing:
        return
    for page in pages[1:]:
        words = _body_words(page)
        if words and not (words - closing) and sum((words & closing).values()) >= 2:
            text = " ".join(w for w, _ in page.words)
            yield f"trang {page.number} chỉ có nơi nhận và chữ ký, không có nội dung: {_q(text)}"


def row_taller_than_page(c: Contents, pages: Sequence[Page]) -> Iterator[str]:
    """A table row that fills a whole page and goes on to the next: taller than a page."""
    data = [t for t in c.tables if t.bordered]
    if not data or len(pages) < 2:
        return
    headers = _bag([cell for t in data for r in t.rows[:t.header_rows] for cell in r])
    rows = [(r, _bag(r)) for t in data for r in t.rows[t.header_rows:]]
    others = _bag(c.paragraphs) - _bag([cell for t in c.tables for r in t.rows for cell in r])
    # a word of a row found in no other row nor elsewhere tells which page holds that row
    everywhere = others + headers + sum((b for _, b in rows), Counter())
    distinct = [{w for w in bag if everywhere[w] == bag[w]} for _, bag in rows]
    on_page = [[i for i, d in enumerate(distinct) if d & {w for w, _ in p.words}] for p in pages]
    reported = set()
    for k, page in enumerate(pages):
        words = _body_words(page) - headers
        if len(on_page[k]) != 1 or not words:
            continue
        i = on_page[k][0]
        row, bag = rows[i]
        spans_more = any(i in on_page[j] for j in (k - 1, k + 1) if 0 <= j < len(pages))
        ys = [y for w, y in page.words if w in bag]
        fills = bool(ys) and max(ys) - min(ys) >= 0.6 * (page.height - 2 * 20 * 72 / 25.4)
        if spans_more and fills and not (words - bag) and i not in reported:
            reported.add(i)
            yield f"trang {page.number} chỉ chứa một dòng của bảng, dòng này dài hơn một trang: {_q(' '.join(row))}"


@dataclass(frozen=True)
class PageRule:
    label: str
    check: Callable[[Contents, Sequence[Page]], Iterator[str]]


PAGE_RULES: tuple[PageRule, ...] = (
    PageRule("Trang chỉ có chữ ký", signature_page_without_body),
    PageRule("Dòng bảng dài hơn một trang", row_taller_than_page),
)


def check_pages(c: Contents, pdf: Path) -> list[str]:
    """Findings of every page rule on the PDF of the document."""
    pages = read_pdf(pdf)
    return list(dict.fromkeys(f"{r.label} (PDF): {f}." for r in PAGE_RULES for f in r.check(c, pages)))


# --- a folder of documents: each DOCX read once, PDFs made in batches only where missing ----------
@dataclass(frozen=True)
class FileReport:
    path: Path
    problems: tuple[str, ...]              # form, then text, then page findings
    error: str | None = None               # the file could not be read at all


@dataclass(frozen=True)
class CheckReport:
    files: tuple[FileReport, ...]
    pages_note: str | None                 # why the page rules did not run, when they did not


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for every DOCX under it (Word's '~$' lock files left out)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*.docx") if not f.name.startswith("~$"))
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def _fresh_pdf(docx: Path) -> Path | None:
    pdf = docx.with_suffix(".pdf")
    return pdf if pdf.is_file() and pdf.stat().st_mtime >= docx.stat().st_mtime else None


def check_files(paths: Sequence[Path], pages: bool = True,
                progress: Callable[[str], None] | None = None) -> CheckReport:
    """Form, text and (with ``pages``) page findings for each DOCX; PDFs beside the files are used
    when newer than them, the others are made with LibreOffice into a temporary folder (``progress``
    is told how many first: about 0.3 s each)."""
    import shutil
    import tempfile

    from ocop.documents import conformance
    from ocop.documents import pdf as pdfs
    from ocop.errors import OcopError
    from ocop.inputs import open_docx

    reports: dict[Path, FileReport] = {}
    contents: dict[Path, Contents] = {}
    for path in expand(paths):
        try:
            doc = open_docx(path)
        except OcopError as exc:
            reports[path] = FileReport(path, (), str(exc))
            continue
        numbered = bool(doc.core_properties.identifier)
        c = read(doc, path.name)
        contents[path] = c
        reports[path] = FileReport(path, tuple(conformance.check(path, numbered=numbered, doc=doc) + check(c)))
    note = None
    if pages and contents:
        work = Path(tempfile.mkdtemp(prefix="ocop-check-"))
        try:
            found = {p: _fresh_pdf(p) for p in contents}
            missing = [p for p, f in found.items() if f is None]
            by_folder: dict[Path, list[Path]] = {}
            for p in missing:
                by_folder.setdefault(p.parent, []).append(p)
            if missing and progress is not None:
                progress(f"Đang tạo bản PDF của {len(missing)} tệp bằng LibreOffice để kiểm tra trang…")
            try:
                for i, (_, group) in enumerate(sorted(by_folder.items())):
                    found.update(zip(group, pdfs.to_pdf(group, out_dir=work / str(i)), strict=True))
            except OcopError as exc:
                note = f"Bỏ qua các quy tắc về trang (PDF) cho {len(missing)} tệp chưa có bản PDF: {exc}"
            for p, f in found.items():
                if f is not None and f.is_file():
                    r = reports[p]
                    reports[p] = FileReport(p, r.problems + tuple(check_pages(contents[p], f)))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return CheckReport(tuple(reports.values()), note)
