"""Rounds (đợt) and years in one database: each round a campaign of its own, the issuing body's
number series running on from round 1 into round 2 (one register per body per year, Decree 30),
one campaign per body, year and round, and "the most recent campaign" by year, round, creation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from ocop.errors import InputError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Campaign
from ocop.services import stages
from ocop.services.campaigns import get_campaign
from tests.conftest import SAMPLE

ROUND_1 = "luc-nam-2020"
ROUND_2 = "luc-nam-2020-dot-2"
# round 2 of the same plan year: its decisions and plan dated after round 1's (a number never precedes
# the one before it in date), its own code, the round key
LATER = {'code = "luc-nam-2020"': f'code = "{ROUND_2}"\nround = 2',
         "council_decision_date = 2020-01-07": "council_decision_date = 2020-08-03",
         "rules_decision_date = 2020-05-21": "rules_decision_date = 2020-08-05",
         "[plan]\ndate = 2020-05-26": "[plan]\ndate = 2020-08-06",
         "verification_notice_date = 2020-07-03": "verification_notice_date = 2020-09-03",
         "verification = 2020-07-05": "verification = 2020-09-05"}


def _file(tmp_path: Path, name: str, changes: dict[str, str]) -> Path:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _numbers(settings, code: str) -> list[str]:
    return [d.symbol for d in stages.documents(settings, code) if d.symbol]


def test_round_2_continues_the_bodys_number_series_of_the_year(settings, tmp_path: Path) -> None:
    stages.set_up(settings, SAMPLE / "campaign.toml")
    first = _numbers(settings, ROUND_1)
    # the file starts the district's series at 18 (`[numbering] UBND = 18`), the council's at 1
    assert first == ["18/QĐ-UBND", "01/QĐ-HĐOCOP", "19/KH-UBND"]
    stages.set_up(settings, _file(tmp_path, "dot-2", LATER))
    # round 2's file still says UBND = 18: the series goes on after round 1's last number, as the register does
    assert _numbers(settings, ROUND_2) == ["20/QĐ-UBND", "02/QĐ-HĐOCOP", "21/KH-UBND"]
    assert _numbers(settings, ROUND_1) == first  # round 1 untouched
    with unit_of_work(settings.database_url) as s:
        assert {c.code: c.round for c in s.scalars(select(Campaign))} == {ROUND_1: 1, ROUND_2: 2}
    # running both again changes nothing
    assert stages.set_up(settings, SAMPLE / "campaign.toml").documents.issued == 0
    assert stages.set_up(settings, _file(tmp_path, "dot-2", LATER)).documents.issued == 0


def test_numbering_in_round_2_jumps_ahead_but_never_back(settings, tmp_path: Path) -> None:
    stages.set_up(settings, SAMPLE / "campaign.toml")
    # the office issued other decisions between the rounds, up to 39: round 2 starts its series at 40
    ahead = {**LATER, "UBND = 18": "UBND = 40"}
    stages.set_up(settings, _file(tmp_path, "dot-2", ahead))
    assert _numbers(settings, ROUND_2) == ["40/QĐ-UBND", "02/QĐ-HĐOCOP", "41/KH-UBND"]


def test_a_second_campaign_of_the_same_body_year_and_round_is_refused(settings, tmp_path: Path) -> None:
    stages.set_up(settings, SAMPLE / "campaign.toml")
    copy = _file(tmp_path, "ban-sao", {'code = "luc-nam-2020"': 'code = "luc-nam-2020-ban-sao"'})
    with pytest.raises(InputError) as err:
        stages.set_up(settings, copy)
    assert err.value.problems == [
        "ban-sao.toml, mục 'round': Ủy ban nhân dân huyện Lục Nam đã có kế hoạch 'luc-nam-2020' năm 2020 đợt 1; "
        "mỗi cơ quan mỗi đợt một kế hoạch: kế hoạch đợt khác ghi round = 2, còn sửa kế hoạch đó thì giữ "
        'code = "luc-nam-2020" (giá trị: 1)']
    with unit_of_work(settings.database_url) as s:
        assert s.scalars(select(Campaign.code)).all() == [ROUND_1]  # nothing stored


def test_a_round_below_1_is_refused_naming_the_key(settings, tmp_path: Path) -> None:
    path = _file(tmp_path, "dot-0", {'code = "luc-nam-2020"': 'code = "luc-nam-2020"\nround = 0'})
    with pytest.raises(InputError) as err:
        stages.set_up(settings, path)
    assert err.value.problems == ["dot-0.toml, mục 'round': giá trị quá nhỏ (giá trị: 0)"]


def test_the_most_recent_campaign_is_the_latest_year_then_round(settings, tmp_path: Path) -> None:
    # created out of order: 2021 first, then round 2 of 2020, then round 1 of 2020 (drafts only: issued,
    # round 1's decision of 07/01 would take a number after round 2's of 03/08, and is refused)
    manual = {'sign_off = "auto"': 'sign_off = "manual"'}
    later_year = {**manual, 'code = "luc-nam-2020"': 'code = "luc-nam-2021"', "year = 2020": "year = 2021"}
    stages.set_up(settings, _file(tmp_path, "2021", later_year))
    stages.set_up(settings, _file(tmp_path, "dot-2", {**manual, **LATER}))
    stages.set_up(settings, _file(tmp_path, "dot-1", manual))
    with unit_of_work(settings.database_url) as s:
        assert get_campaign(s, None).code == "luc-nam-2021"
        s.delete(get_campaign(s, "luc-nam-2021"))
        s.flush()
        assert get_campaign(s, None).code == ROUND_2  # round 2 of 2020, though round 1 was created after it
        s.rollback()
