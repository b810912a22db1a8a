"""What the documents cite: only texts that exist on their date, each once, the campaign's own documents by
number and date from the register; and the register's numbers in date order."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocop.errors import DocumentError, InputError
from ocop.services import stages
from tests.conftest import SAMPLE, docx_text

CODE = "luc-nam-2020"
LAW = ("Căn cứ Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ "
       "sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương số 47/2019/QH14 ngày 22 "
       "tháng 11 năm 2019;")
QD_1048 = ("Căn cứ Quyết định số 1048/QĐ-TTg ngày 21/8/2019 của Thủ tướng Chính phủ ban hành Bộ tiêu chí đánh giá, "
           "phân hạng sản phẩm Chương trình mỗi xã một sản phẩm")
PLAN_200 = ("Căn cứ Kế hoạch số 200/KH-UBND ngày 18/12/2019 của Chủ tịch UBND huyện Lục Nam về triển khai Chương trình "
            "mỗi xã một sản phẩm huyện Lục Nam năm 2020;")
PLAN_19 = ("Kế hoạch số 19/KH-UBND ngày 26/5/2020 của Ủy ban nhân dân huyện Lục Nam về tổ chức đánh giá và phân hạng "
           "sản phẩm OCOP huyện Lục Nam năm 2020")


def _bases(path: str) -> list[str]:
    return [line for line in docx_text(path).splitlines() if line.startswith(("Căn cứ", "Theo đề nghị"))]


def _docs(settings) -> dict[str, str]:
    """The file of each kind's first issued document."""
    found: dict[str, str] = {}
    for d in stages.documents(settings, CODE):
        if d.status == "issued":
            found.setdefault(d.kind, d.file)
    return found


def _campaign_file(tmp_path: Path, old: str, new: str) -> Path:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "campaign.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_demo_cites_only_what_exists_on_each_date(sample_campaign) -> None:
    settings = sample_campaign
    stages.schedule(settings, CODE)
    stages.score(settings, CODE, SAMPLE / "scores.csv")
    stages.rank(settings, CODE)
    stages.refer(settings, CODE)
    docs = _docs(settings)
    # QĐ 18/QĐ-UBND of 07/01/2020: the Law, 1048 without 781 (08/6/2020), the district's plan 200 of
    # 18/12/2019 — not the province's plan 2077 of 18/5/2020
    assert _bases(docs["qd_thanh_lap_hoi_dong"]) == [
        LAW, QD_1048 + ";", PLAN_200, "Theo đề nghị của Trưởng phòng Nông nghiệp và Phát triển nông thôn."]
    assert "781" not in docx_text(docs["qd_thanh_lap_hoi_dong"])
    # the Quy chế decision of 21/5/2020 cites the council decision by number and date; 781 not yet
    rules = docx_text(docs["qd_ban_hanh_quy_che"])
    assert ("Căn cứ Quyết định số 18/QĐ-UBND ngày 07/01/2020 của Chủ tịch Ủy ban nhân dân huyện Lục Nam về việc "
            "thành lập Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam năm 2020") in rules
    assert "781" not in rules and "Quyết định thành lập Hội đồng;" not in rules
    # the plan of 26/5/2020 cites both plans, as the founding plan does, and 1048 alone
    plan = docx_text(docs["ke_hoach"])
    assert "Căn cứ Kế hoạch số 2077/KH-UBND ngày 18/5/2020" in plan and "Kế hoạch số 200/KH-UBND" in plan
    assert "781" not in plan
    # the dossier-check notices act on the plan, by number and date
    assert f"Thực hiện {PLAN_19}, Phòng Nông nghiệp" in docx_text(docs["thong_bao_kiem_tra_ho_so"])
    # from 08/6/2020 on, 1048 is cited as amended by 781
    assert "(sửa đổi bởi Quyết định số 781/QĐ-TTg ngày 08/6/2020)" in docx_text(docs["bien_ban_hop_hoi_dong"])
    referral = _bases(docs["to_trinh_de_nghi_tinh"])
    assert referral[0] == QD_1048 + ", được sửa đổi, bổ sung bởi Quyết định số 781/QĐ-TTg ngày 08/6/2020;"
    assert f"Căn cứ {PLAN_19};" in referral
    assert ("Căn cứ Biên bản số 03/BB-HĐOCOP ngày 20/10/2020 của Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện "
            "Lục Nam năm 2020;") in referral
    assert len(set(referral)) == len(referral)


def test_a_basis_the_edition_cites_is_cited_once_and_a_later_one_not_at_all(settings, tmp_path: Path) -> None:
    listed = '''[[legal_bases]]
kind = "Quyết định"
number = "1048/QĐ-TTg"
date = 2019-08-21
issuer = "Thủ tướng Chính phủ"

[[legal_bases]]
kind = "Quyết định"
number = "781/QĐ-TTg"
date = 2020-06-08
issuer = "Thủ tướng Chính phủ"

[[legal_bases]]
'''
    stages.set_up(settings, _campaign_file(tmp_path, "[[legal_bases]]\n", listed))
    decision = _docs(settings)["qd_thanh_lap_hoi_dong"]
    assert [line for line in _bases(decision) if "1048/QĐ-TTg" in line] == [QD_1048 + ";"]
    assert "781" not in docx_text(decision)


def test_a_malformed_basis_is_refused_naming_the_file_and_the_key(settings, tmp_path: Path) -> None:
    path = _campaign_file(tmp_path, 'number = "2077/KH-UBND"\ndate = 2020-05-18', 'number = "KH 2077"\ndate = "18/5"')
    with pytest.raises(InputError) as err:
        stages.set_up(settings, path)
    assert err.value.problems == [
        "campaign.toml, mục 'legal_bases.0.number': cần số hiệu dạng '2077/KH-UBND' hoặc '77/2015/QH13' "
        "(giá trị: 'KH 2077')",
        "campaign.toml, mục 'legal_bases.0.date': cần một ngày dạng YYYY-MM-DD (giá trị: '18/5')"]


def test_a_later_number_never_takes_an_earlier_date(settings, tmp_path: Path) -> None:
    # the council decision moved after the plan (26/5/2020): the plan, numbered after it, would be dated earlier
    path = _campaign_file(tmp_path, "council_decision_date = 2020-01-07\nrules_decision_date = 2020-05-21",
                          "council_decision_date = 2020-06-01\nrules_decision_date = 2020-06-02")
    with pytest.raises(DocumentError) as err:
        stages.set_up(settings, path)
    assert str(err.value) == (
        "Không ban hành được Kế hoạch tổ chức đánh giá và phân hạng sản phẩm OCOP số 19/KH-UBND ngày 26/05/2020: "
        "số liền trước trong sổ, 18/QĐ-UBND (Quyết định thành lập Hội đồng và Tổ thư ký), mang ngày 01/06/2020, "
        "muộn hơn. Số sau không được mang ngày sớm hơn số trước: sửa ngày ban hành trong tệp kế hoạch hoặc ban hành "
        "các văn bản theo thứ tự ngày.")
    assert not list((settings.out_dir / CODE).rglob("*.docx"))  # nothing half-written


def test_a_document_cites_no_campaign_document_dated_after_it(settings, tmp_path: Path) -> None:
    path = _campaign_file(tmp_path, "council_decision_date = 2020-01-07", "council_decision_date = 2020-05-22")
    with pytest.raises(DocumentError, match=r"Quyết định ban hành Quy chế hoạt động ngày 21/05/2020: văn bản này "
                                            r"dẫn Quyết định thành lập Hội đồng số 18/QĐ-UBND, ban hành sau đó "
                                            r"\(ngày 22/05/2020\)"):
        stages.set_up(settings, path)


def test_a_document_is_drafted_only_once_what_it_cites_is_issued(settings, tmp_path: Path) -> None:
    # manual sign-off: the council decision waits for its signer, so neither the Quy chế decision nor the
    # plan exists yet; the dossier-check notices act on the plan and cannot be drafted
    stages.set_up(settings, _campaign_file(tmp_path, 'sign_off = "auto"', 'sign_off = "manual"'))
    stages.collect(settings, CODE, SAMPLE / "registrations.csv")
    with pytest.raises(DocumentError) as err:
        stages.verify(settings, CODE)
    assert str(err.value) == (
        "Chưa lập được Thông báo kết quả kiểm tra hồ sơ: văn bản này dẫn số, ngày của Kế hoạch tổ chức đánh giá và "
        "phân hạng, mà Kế hoạch tổ chức đánh giá và phân hạng chưa được ban hành. Hãy ký duyệt, ban hành văn bản đó "
        "trước ('ocop documents list', 'ocop documents issue ID').")
    assert [d.kind for d in stages.documents(settings, CODE)] == ["qd_thanh_lap_hoi_dong"]
