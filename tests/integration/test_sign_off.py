"""Sign-off and the register: draft -> approved -> issued, numbers taken at issue, never reused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from ocop.errors import DocumentError, NotFoundError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import NumberSeries
from ocop.services import stages
from ocop.services.paperwork.register import Signer
from tests.conftest import SAMPLE, docx_text

CODE = "luc-nam-2020"


@pytest.fixture
def manual(settings, tmp_path: Path):
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace('sign_off = "auto"', 'sign_off = "manual"')
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return settings, path


def _decision(settings) -> dict:
    return next(d for d in stages.documents(settings, CODE)
                if d.kind == "qd_thanh_lap_hoi_dong" and d.status != "replaced")


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()




def test_a_draft_takes_no_number_until_issued(manual) -> None:
    settings, path = manual
    result = stages.set_up(settings, path)
    # the council decision waits as a draft; the council's rules decision and the plan, which cite
    # its number and date, wait for it
    assert result.documents.issued == 0 and len(result.documents.pending) == 1
    assert result.follow_up is True
    doc = _decision(settings)
    assert (doc.status, doc.symbol) == ("draft", "")
    assert "Số:      /QĐ-UBND" in docx_text(doc.file)  # the draft leaves the number blank
    with unit_of_work(settings.database_url) as s:
        assert s.scalars(select(NumberSeries)).all() == []
    with pytest.raises(NotFoundError, match="Đã duyệt"):
        stages.issue_documents(settings, CODE, [doc.id])  # not approved yet
    again = stages.set_up(settings, path)
    assert (again.documents.issued, again.documents.unchanged, again.documents.pending) == (0, 1, ())
    stages.approve_documents(settings, CODE, [], None)
    assert [d.symbol for d in stages.issue_documents(settings, CODE, [])] == ["18/QĐ-UBND"]
    second = stages.set_up(settings, path)
    rules = next(d for d in stages.documents(settings, CODE) if d.kind == "qd_ban_hanh_quy_che")
    assert second.documents.pending == (rules.id,) and second.follow_up is True
    assert "Căn cứ Quyết định số 18/QĐ-UBND ngày 07/01/2020 của Chủ tịch Ủy ban nhân dân huyện Lục Nam về việc " \
           "thành lập" in docx_text(rules.file)
    stages.approve_documents(settings, CODE, [], None)
    assert [d.symbol for d in stages.issue_documents(settings, CODE, [])] == ["01/QĐ-HĐOCOP"]
    third = stages.set_up(settings, path)
    plan = next(d for d in stages.documents(settings, CODE) if d.kind == "ke_hoach")
    assert third.documents.pending == (plan.id,) and third.follow_up is False
    assert "đã ban hành Quyết định số 18/QĐ-UBND" in docx_text(plan.file)


def test_the_signer_approves_then_the_document_is_numbered_and_hashed(manual) -> None:
    settings, path = manual
    stages.set_up(settings, path)
    chairman = Signer(name="Nguyễn Văn Tuấn", title="CHỦ TỊCH")  # signs himself: no KT.
    doc_id = _decision(settings).id
    [approved] = stages.approve_documents(settings, CODE, [doc_id], chairman)
    assert approved.signature == ("CHỦ TỊCH",)
    [issued] = stages.issue_documents(settings, CODE, [doc_id])
    assert issued.symbol == "18/QĐ-UBND" and _sha(issued.file) == issued.sha256
    text = docx_text(issued.file)
    assert "Số: 18/QĐ-UBND" in text and "Nguyễn Văn Tuấn" in text and "KT. CHỦ TỊCH" not in text


def test_issuing_again_makes_a_new_version_and_never_reuses_a_number(manual) -> None:
    settings, path = manual
    stages.set_up(settings, path)
    doc_id = _decision(settings).id
    stages.approve_documents(settings, CODE, [doc_id], Signer("Lương Thế Tuấn", "PHÓ CHỦ TỊCH", "KT.", "CHỦ TỊCH"))
    [first] = stages.issue_documents(settings, CODE, [doc_id])
    first_bytes = Path(first.file).read_bytes()
    [second] = stages.issue_documents(settings, CODE, [first.id])
    assert (first.symbol, second.symbol) == ("18/QĐ-UBND", "19/QĐ-UBND")
    assert second.file != first.file and Path(first.file).read_bytes() == first_bytes
    stages.cancel_document(settings, CODE, second.id, "Ghi sai thành phần Hội đồng")
    docs = {d.id: d for d in stages.documents(settings, CODE)}
    assert (docs[first.id].status, docs[second.id].status) == ("replaced", "cancelled")
    assert docs[second.id].symbol == "19/QĐ-UBND"  # a cancelled document keeps its number
    with pytest.raises(NotFoundError):
        stages.cancel_document(settings, CODE, first.id, "đã bị thay thế")
    with unit_of_work(settings.database_url) as s:
        from ocop.services.paperwork.register import take_number

        assert take_number(s, "Ủy ban nhân dân huyện Lục Nam", "UBND", 2020, 18) == 20


def test_changed_data_after_issue_drafts_a_new_version(manual, tmp_path: Path) -> None:
    settings, path = manual
    stages.set_up(settings, path)
    doc_id = _decision(settings).id
    stages.approve_documents(settings, CODE, [doc_id], None)
    [first] = stages.issue_documents(settings, CODE, [doc_id])
    changed = tmp_path / "changed.toml"
    changed.write_text(path.read_text(encoding="utf-8").replace("Trưởng phòng Y tế", "Phó trưởng phòng Y tế"),
                       encoding="utf-8")
    stages.set_up(settings, changed)
    decisions = [d for d in stages.documents(settings, CODE) if d.kind == "qd_thanh_lap_hoi_dong"]
    assert [(d.status, d.version) for d in decisions] == [("issued", 1), ("draft", 2)]
    new_id = decisions[1].id
    stages.approve_documents(settings, CODE, [new_id], None)
    [second] = stages.issue_documents(settings, CODE, [new_id])
    assert second.symbol == "19/QĐ-UBND"
    decisions = [d for d in stages.documents(settings, CODE) if d.kind == "qd_thanh_lap_hoi_dong"]
    assert [d.status for d in decisions] == ["replaced", "issued"]
    assert _sha(first.file) == first.sha256


def test_a_bad_authority_prefix_is_refused(manual) -> None:
    settings, path = manual
    stages.set_up(settings, path)
    with pytest.raises(DocumentError, match="không hợp lệ"):
        stages.approve_documents(settings, CODE, [], Signer("Lương Thế Tuấn", "PHÓ CHỦ TỊCH", "XY."))
    assert {d.status for d in stages.documents(settings, CODE)} == {"draft"}
