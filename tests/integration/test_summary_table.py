"""The summary table (Bảng tổng hợp): its notes are numbered under the table, the rows carry only
their numbers, and products with the same note share its number."""

from __future__ import annotations

import re

from docx import Document as Docx

from ocop.services import stages
from tests.conftest import SAMPLE

CODE = "luc-nam-2020"


def test_notes_are_numbered_under_the_table(sample_campaign) -> None:
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    ranking = {r.code: r for r in stages.rank(sample_campaign, CODE).ranking}
    doc = next(d for d in stages.documents(sample_campaign, CODE) if d.kind == "bang_tong_hop")
    docx = Docx(doc.file)
    table = docx.tables[1]
    marks = {row.cells[1].text: row.cells[-1].text for row in table.rows[2:]}
    assert set(marks) == set(ranking)
    notes = {}
    for p in docx.paragraphs:
        found = re.fullmatch(r"\((\d+)\) (.+)", p.text)
        if found:
            notes[found.group(1)] = found.group(2)
    referred = "Đề nghị Sở Nông nghiệp và Phát triển nông thôn đánh giá, phân hạng"
    assert notes["1"] == referred  # the first row's outcome, naming the body it goes to
    for code, r in ranking.items():
        numbers = re.findall(r"\((\d+)\)", marks[code])
        assert marks[code] == ", ".join(f"({n})" for n in numbers)   # only the marks in the row
        row_notes = [notes[n] for n in numbers]
        assert (referred in row_notes) == (r.outcome == "referred")
        assert [n for n in row_notes if n.startswith("Lưu ý: ")] == [f"Lưu ý: {f}" for f in r.flags]
    assert "Lưu ý: sát ngưỡng 70 điểm" in [notes[n] for n in re.findall(r"\((\d+)\)", marks["LN-03"])]
    assert len(notes) == len(set(notes.values()))                  # a note shared, never repeated
