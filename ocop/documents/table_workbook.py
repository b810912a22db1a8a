"""A workbook of plain tables, written as SpreadsheetML text: one sheet per table, a header row
then rows of text, numbers, booleans and dates; no styles but the date format and Excel's quote
prefix.

Why not openpyxl, which writes every other workbook of the project: the verify stage's lists
for the council hold a row per registration, 75,000 cells for 10,000 registrations, which
openpyxl's write-only mode (or XlsxWriter) takes 0.4–0.5 s to write, a quarter of the 2 s the
import and verification of 10,000 registrations may take; written as text here they take 0.1 s.
What is written is what openpyxl would write for these values (``tests/unit/test_table_workbook.py``
reads both back): a text that looks like a formula is text with Excel's quote prefix (as
:func:`ocop.inputs.text_cell` makes it), a character XML cannot carry is Excel's escape
(:func:`ocop.inputs.xlsx_value`), a date is a day number formatted dd/mm/yyyy, an empty text no cell.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils.datetime import to_excel

from ocop.inputs import FORMULA_LIKE, xlsx_value

DATE_FORMAT = "DD/MM/YYYY"
_DATE, _TEXT = 1, 2  # the styles (cellXfs) of a date and of a text with the quote prefix
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CR = {"\r": "&#13;"}  # kept: a parser reads a carriage return written as is as a line feed
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    '</numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill>'
    '<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders '
    'count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
    'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" '
    'fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _letters(n: int) -> list[str]:
    """The first ``n`` column letters: A … Z, AA …"""
    out = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        out.append(name)
    return out


def _cell(ref: str, value: Any) -> str:
    kind = type(value)
    if kind is str:
        style = f' s="{_TEXT}"' if value.startswith(FORMULA_LIKE) else ""
        text = escape(xlsx_value(value), _CR)
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        return f'<c r="{ref}" t="n"><v>{value!r}</v></c>'
    if isinstance(value, date):  # a datetime too
        serial = to_excel(value)  # type: ignore[no-untyped-call]  # openpyxl leaves it unannotated
        return f'<c r="{ref}" s="{_DATE}" t="n"><v>{serial!r}</v></c>'
    if isinstance(value, str):  # a str subclass: its text
        return _cell(ref, str(value))
    raise TypeError(f"a table cell holds text, a number, a boolean or a date, not {kind.__name__}")


def _sheet(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    letters = _letters(len(header))
    parts = [f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>']
    for r, row in enumerate((header, *rows), start=1):
        if len(row) > len(letters):
            letters = _letters(len(row))
        cells = "".join(_cell(f"{letters[c]}{r}", v) for c, v in enumerate(row) if v is not None and v != "")
        parts.append(f'<row r="{r}">{cells}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def table_workbook(tables: Mapping[str, tuple[Sequence[Any], Iterable[Sequence[Any]]]]) -> bytes:
    """The .xlsx file of ``tables`` (sheet title -> header, rows), in that order."""
    n = len(tables)
    sheets = "".join(f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>'
                     for i, title in enumerate(tables, start=1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, n + 1))
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxml'
                        'formats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default '
            'Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
            'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f'{overrides}</Types>'))
        zf.writestr("_rels/.rels", f'{_HEAD}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/'
                                   'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets}</sheets>'
                                       '</workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", f'{_HEAD}<Relationships xmlns="{_PKG}">{rels}<Relationship '
                                                  f'Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                                                  '</Relationships>')
        zf.writestr("xl/styles.xml", _STYLES)
        for i, (header, rows) in enumerate(tables.values(), start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", _sheet(header, rows))
    return buf.getvalue()
