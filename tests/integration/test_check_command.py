"""`ocop documents check`: a rendered document passes; a hand-broken copy fails with its problems."""

from __future__ import annotations

from pathlib import Path

from docx import Document as Docx
from docx.shared import Mm
from typer.testing import CliRunner

from flows.cli import app
from ocop.documents.renderer import Renderer
from ocop.documents.samples import sample
from tests.conftest import REPO


def test_check_passes_a_rendered_decision_and_fails_a_broken_copy(tmp_path: Path) -> None:
    good = tmp_path / "qd.docx"
    Renderer(REPO / "templates").render("qd_thanh_lap_hoi_dong", sample("qd_thanh_lap_hoi_dong"), good)
    runner = CliRunner()
    ok = runner.invoke(app, ["documents", "check", str(good)])
    assert ok.exit_code == 0 and f"{good}: đạt" in ok.output

    doc = Docx(str(good))
    section = doc.sections[0]
    section.page_width, section.page_height, section.left_margin = Mm(216), Mm(279), Mm(20)  # US Letter
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    if p.text == "Độc lập - Tự do - Hạnh phúc":
                        p.runs[0].text = "Độc lập-Tự do-Hạnh phúc"
                        for run in p.runs[1:]:
                            run.text = ""
                    elif ", ngày " in p.text and p.runs:  # the place-and-date line
                        p.runs[0].text = "Lục Nam, ngày 7 tháng 1 năm 2020"  # no leading zeros
                        for run in p.runs[1:]:
                            run.text = ""
    broken = tmp_path / "qd-hong.docx"
    doc.save(str(broken))
    bad = runner.invoke(app, ["documents", "check", str(broken)])
    assert bad.exit_code == 1
    problems = [line for line in bad.output.splitlines() if line.startswith("  - ")]
    assert any("không phải A4" in p for p in problems)
    assert any("lề trái 20,0 mm" in p for p in problems)
    assert any("Độc lập - Tự do - Hạnh phúc" in p for p in problems)
    assert any("ngày 7 tháng 1" in p or "ngày tháng" in p.lower() for p in problems), problems
