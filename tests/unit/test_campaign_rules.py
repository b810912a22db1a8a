"""The campaign's [rules] and the rest of the campaign file: one typed model, its defaults defined once."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from ocop.errors import InputError
from ocop.persistence.models import Campaign
from ocop.rules.campaign import CampaignDetails, CampaignRules, Signer
from ocop.services.set_up.campaign_file import Rules, load_campaign_file
from tests.conftest import REPO

SAMPLE = REPO / "ocop" / "sample" / "luc-nam-2020" / "campaign.toml"


def test_defaults_are_the_readmes() -> None:
    rules = CampaignRules()
    assert rules.quorum_fraction == pytest.approx(2 / 3) and rules.quorum_requires_chair is False
    assert rules.max_spread == 10 and rules.supplement_working_days == 5
    assert (rules.sign_off, rules.auto_sign_off) == ("manual", False)
    assert rules.late_registrations == "flag" and rules.require_commune_confirmation is True
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "`supplement_working_days` (default 5," in readme
    assert re.search(r"`rules.sign_off` is\s+`\"manual\"` \(the default\)", readme)


def test_the_campaign_files_parser_uses_the_same_defaults() -> None:
    assert Rules().model_dump() == asdict(CampaignRules())
    assert list(Rules.model_fields) == list(asdict(CampaignRules()))


def test_an_old_stored_campaign_without_rules_reads_the_defaults() -> None:
    old = Campaign(file_data={"numbering": {"UBND": 18}, "signers": {"issuer": {"name": "A B", "title": "CHỦ TỊCH"}}})
    assert old.rules == CampaignRules()
    assert Campaign(file_data={}).rules == CampaignRules() and Campaign().rules == CampaignRules()
    partial = Campaign(file_data={"rules": {"sign_off": "auto", "max_spread": 8, "retired_rule": 1}})
    assert partial.rules == CampaignRules(sign_off="auto", max_spread=8.0)
    details = old.details
    assert details.communes == () and details.plan is None and details.invitation_date is None
    assert details.first_number("UBND") == 18 and details.first_number("HĐOCOP") == 1
    assert details.signer("council") == Signer(name="A B", title="CHỦ TỊCH")


def test_a_stored_campaign_without_an_issuer_signer_is_an_input_error_not_a_key_error() -> None:
    details = Campaign(file_data={"signers": {"office": {"name": "A B", "title": "TRƯỞNG PHÒNG"}}}).details
    assert details.signer("office").name == "A B"
    with pytest.raises(InputError, match=r"^Kế hoạch chưa có người ký của cơ quan ban hành \(mục 'signers\.issuer'"):
        details.signer("council")


def test_the_stored_sample_reads_back_typed(tmp_path: Path) -> None:
    from ocop.services.campaigns import _fields

    spec = load_campaign_file(SAMPLE)
    stored = _fields(spec)["file_data"]
    rules = CampaignRules.from_mapping(stored["rules"])
    assert rules == CampaignRules(sign_off="auto", quorum_fraction=0.6667)
    details = CampaignDetails.from_mapping(stored)
    assert details.invitation_date == date(2020, 10, 15) and details.verification_notice_date == date(2020, 7, 3)
    assert details.recognition_date == date(2020, 10, 30) and len(details.communes) == 26
    assert details.signer("issuer").authority == "KT." and details.signer("office").name == "Nguyễn Văn Hùng"
    assert details.plan is not None and details.plan["date"] == "2020-05-26"


@pytest.mark.parametrize(
    ("line", "key", "message"),
    [
        ('quorum_fraction = "abc"', "rules.quorum_fraction", "cần một số"),
        ('quorum_fraction = "2/0"', "rules.quorum_fraction", "cần một số"),
        ('quorum_fraction = "3/2"', "rules.quorum_fraction", "giá trị quá lớn"),
        ("quorum_fraction = 1.5", "rules.quorum_fraction", "giá trị quá lớn"),
        ("quorum_fraction = 0", "rules.quorum_fraction", "giá trị quá nhỏ"),
        ("max_spread = -1", "rules.max_spread", "giá trị quá nhỏ"),
        ("supplement_working_days = 2.5", "rules.supplement_working_days", "cần một số nguyên"),
        ('sign_off = "sometimes"', "rules.sign_off", "giá trị không nằm trong danh sách cho phép"),
        ('quorum_requires_chair = "maybe"', "rules.quorum_requires_chair", "cần true hoặc false"),
        ("quorum = 3", "rules.quorum", "mục không được hỗ trợ"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_file_and_the_key(tmp_path: Path, line: str, key: str, message: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    name = line.split(" = ")[0]  # replace the sample's line where it has one
    text = re.sub(rf"(?m)^{name} = .*$\n", "", text).replace("[rules]\n", f"[rules]\n{line}\n")
    path = tmp_path / "ke-hoach.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_campaign_file(path)
    assert str(err.value).startswith("ke-hoach.toml: tệp kế hoạch có lỗi.")
    assert [p for p in err.value.problems if p.startswith(f"ke-hoach.toml, mục '{key}': {message}")], err.value.problems


@pytest.mark.parametrize(("written", "share"), [('"2/3"', 2 / 3), ('" 3 / 4 "', 0.75), ("0.6667", 2 / 3),
                                                ('"5/7"', 5 / 7), ("0.67", 0.67), ("1", 1.0)])
def test_the_quorum_may_be_written_as_a_fraction(tmp_path: Path, written: str, share: float) -> None:
    text = re.sub(r"(?m)^quorum_fraction = .*$", f"quorum_fraction = {written}", SAMPLE.read_text(encoding="utf-8"))
    path = tmp_path / "ke-hoach.toml"
    path.write_text(text, encoding="utf-8")
    stored = CampaignRules.from_mapping(load_campaign_file(path).rules.model_dump())
    assert stored.quorum_fraction == share


def test_the_rules_own_dataclasses_take_their_defaults_from_the_model() -> None:
    from ocop.rules.dossier import Policy
    from ocop.services.results.ranking import RankSummary

    policy = Policy(date(2020, 7, 5), date(2020, 10, 30))
    defaults = CampaignRules()
    assert (policy.require_commune_confirmation, policy.late_registrations) == (
        defaults.require_commune_confirmation, defaults.late_registrations)
    assert RankSummary.max_spread == defaults.max_spread
