"""Signatures and forms of address: the council signs as a body (TM. HỘI ĐỒNG / CHỦ TỊCH) with its
chair's post above the name; the People's Committee's chairman signs his own decisions (KT. CHỦ
TỊCH); every document addresses people as "Ông/Bà"."""

from __future__ import annotations

from pathlib import Path

from docx import Document as Docx

from ocop import present
from ocop.services import stages
from ocop.services.paperwork.register import Signer
from tests.conftest import SAMPLE, docx_text

CODE = "luc-nam-2020"


def signature(path: str) -> list[str]:
    """The lines of the signature column (last table, right cell), blank lines left out."""
    cell = Docx(path).tables[-1].rows[0].cells[-1]
    return [p.text for p in cell.paragraphs if p.text.strip()]


def _issued(settings, kind: str):
    return next(d for d in stages.documents(settings, CODE) if d.kind == kind and d.status == "issued")


def test_council_documents_are_signed_on_behalf_of_the_council(sample_campaign) -> None:
    stages.schedule(sample_campaign, CODE)
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.rank(sample_campaign, CODE)
    council = ["TM. HỘI ĐỒNG", "CHỦ TỊCH", "PHÓ CHỦ TỊCH UBND HUYỆN", "Lương Thế Tuấn"]
    for kind in ("giay_moi_hop_hoi_dong", "qd_ban_hanh_quy_che", "thong_bao_ket_qua"):
        assert signature(_issued(sample_campaign, kind).file) == council, kind
    summary = Docx(_issued(sample_campaign, "bang_tong_hop").file).tables[-1]
    assert [p.text for p in summary.rows[0].cells[-1].paragraphs if p.text] == ["TM. HỘI ĐỒNG", "CHỦ TỊCH"]
    assert [p.text for p in summary.rows[1].cells[-1].paragraphs if p.text] == council[2:]
    # the chairman's own decision: no collective, no post
    assert signature(_issued(sample_campaign, "qd_thanh_lap_hoi_dong").file) == [
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lương Thế Tuấn"]


def test_one_form_of_address(sample_campaign) -> None:
    stages.schedule(sample_campaign, CODE)
    invitation = docx_text(_issued(sample_campaign, "giay_moi_hop_hoi_dong").file)
    assert present.ADDRESS == "Ông/Bà"
    assert "- Ông/Bà Trần Thị Hoa, Trưởng phòng Kinh tế và Hạ tầng;" in invitation
    assert "Chủ trì: Ông/Bà Lương Thế Tuấn" in invitation
    decision = docx_text(_issued(sample_campaign, "qd_thanh_lap_hoi_dong").file)
    assert "gồm các Ông/Bà có tên sau:" in decision and "các Ông/Bà có tên tại Điều 1" in decision
    for text in (invitation, decision):
        assert "ông (bà)" not in text.lower() and "ông, bà" not in text.lower() and "Ông/bà" not in text


def test_another_signer_drops_the_designated_signers_post(settings, tmp_path: Path) -> None:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace('sign_off = "auto"', 'sign_off = "manual"')
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    stages.set_up(settings, path)
    founding = next(d for d in stages.documents(settings, CODE) if d.kind == "qd_thanh_lap_hoi_dong")
    stages.approve_documents(settings, CODE, [founding.id], None)
    stages.issue_documents(settings, CODE, [founding.id])
    stages.set_up(settings, path)    # the Quy chế decision cites the founding decision: drafted once it is issued
    rules = next(d for d in stages.documents(settings, CODE) if d.kind == "qd_ban_hanh_quy_che")
    stages.approve_documents(settings, CODE, [rules.id], Signer("Nguyễn Văn Hùng", "PHÓ CHỦ TỊCH", "KT.",
                                                                "CHỦ TỊCH"))
    stages.issue_documents(settings, CODE, [rules.id])
    doc = next(d for d in stages.documents(settings, CODE) if d.kind == "qd_ban_hanh_quy_che" and d.status == "issued")
    assert signature(doc.file) == ["TM. HỘI ĐỒNG", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Hùng"]


def test_without_a_council_signer_the_issuers_signer_signs_as_such(settings, tmp_path: Path) -> None:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    start = text.index("[signers.council]")
    path = tmp_path / "campaign.toml"
    path.write_text(text[:start] + text[text.index("[signers.office]"):], encoding="utf-8")
    stages.set_up(settings, path)
    stages.collect(settings, CODE, SAMPLE / "registrations.csv")
    stages.verify(settings, CODE)
    stages.schedule(settings, CODE)
    # not "TM. ỦY BAN NHÂN DÂN" on a council document
    assert signature(_issued(settings, "giay_moi_hop_hoi_dong").file) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                                                         "Lương Thế Tuấn"]
