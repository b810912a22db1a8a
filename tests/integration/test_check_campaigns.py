"""Issue 11, done when: every document of the demo and of a 148/2023 campaign passes `ocop documents check`
(form, content and the PDF's pages); on a failure the findings it prints name what
fails. SQLite only: the documents do not depend on the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from ocop.documents import pdf
from ocop.services import stages
from ocop.settings import Settings
from tests.campaign_148 import run_148
from tests.conftest import SAMPLE

pytestmark = [
    pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice (soffice) is not installed"),
]




def _check(folder: Path) -> None:
    result = CliRunner().invoke(app, ["documents", "check", str(folder)])
    findings = [line for line in result.stdout.splitlines() if not line.endswith(": đạt")]
    print("\n".join(findings))
    assert result.exit_code == 0 and findings == []


def test_every_document_of_the_demo_passes_the_check(sqlite_settings: Settings, tmp_path: Path) -> None:
    settings = sqlite_settings
    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.collect(settings, "luc-nam-2020", SAMPLE / "registrations.csv")
    stages.verify(settings, "luc-nam-2020")
    stages.schedule(settings, "luc-nam-2020")
    stages.score(settings, "luc-nam-2020", SAMPLE / "scores.csv")
    stages.rank(settings, "luc-nam-2020")
    stages.recognise(settings, "luc-nam-2020")
    stages.refer(settings, "luc-nam-2020")
    _check(tmp_path / "out" / "luc-nam-2020")


# The sample's free [plan] texts that state 1048's rules, and what a plan under 148/2023 says instead: the district
# recognises 3★ itself and refers from 70 points (4★ and 5★) to the province.
def test_every_document_of_a_148_campaign_passes_the_check(sqlite_settings: Settings, tmp_path: Path) -> None:
    ranking = run_148(sqlite_settings, tmp_path)
    assert [ranking[c].outcome for c in ("LN-01", "LN-02")] == ["referred", "recognised"]
    _check(tmp_path / "out" / "luc-nam-2024")
