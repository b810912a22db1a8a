"""The set-up documents read as the founding plan and a real Quy chế: every section of the published
plan, in order; the Quy chế's tasks of chair, vice-chair, members and secretariat, its quorum as 2/3,
its title without a doubled "Quy chế"; a sample whose producers' names read as real ones."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

import pytest
from docx import Document as Docx

from ocop.services import stages
from tests.conftest import REPO, SAMPLE, docx_text

FOUNDING_PLAN = REPO.parent / "shared" / "founding-plan.md"
# The published plan's headings, copied from ../shared/founding-plan.md so the test runs without it
HEADINGS_COPY = REPO / "tests" / "data" / "plan" / "founding-plan-headings.txt"
HEADING = re.compile(r"^(?:[IVX]+|\d+(?:\.\d+)*)\. \S")


def founding_headings(text: str) -> list[str]:
    """The section headings of the published plan (founding-plan.md), between its opening and its closing line."""
    body = text[text.index("với các nội dung sau:"):text.index("Trên đây là Kế hoạch")]
    return [line.strip() for line in body.splitlines() if HEADING.match(line.strip())]


def docx_headings(path: Path) -> list[str]:
    """The section headings of a generated Kế hoạch: its bold paragraphs numbered I., 1., 1.1. …"""
    doc = Docx(str(path))
    return [p.text for p in doc.paragraphs
            if HEADING.match(p.text) and all(r.bold for r in p.runs if r.text.strip())]


def renumbered(headings: list[str]) -> list[str]:
    """Headings numbered in sequence at each level (roman, 1., 1.1.): the published plan skips item 4 of
    section IV ('3. Trung tâm …', then '5. UBND các xã …'), which a regenerated plan does not copy."""
    out, roman, counters = [], "", [0, 0]
    for h in headings:
        label, title = h.split(" ", 1)
        depth = label.count(".") - 1
        if not label[0].isdigit():
            roman, counters = label, [0, 0]
            out.append(h)
            continue
        counters[depth] += 1
        counters[depth + 1:] = [0] * (len(counters) - depth - 1)
        out.append(".".join(str(c) for c in counters[:depth + 1]) + ". " + title)
    assert roman
    return out


def _set_up(settings, tmp_path: Path, edit=lambda text: text) -> Path:
    """Set up the sample campaign (its file edited by ``edit``); the folder of its documents."""
    path = tmp_path / "ke-hoach.toml"
    path.write_text(edit((SAMPLE / "campaign.toml").read_text(encoding="utf-8")), encoding="utf-8")
    stages.set_up(settings, path)
    return settings.out_dir / "luc-nam-2020"


def test_the_copy_of_the_founding_plans_headings_is_true() -> None:
    copy = HEADINGS_COPY.read_text(encoding="utf-8").splitlines()
    assert len(copy) == 17 and copy[9] == "4. Tổ chức Lễ công bố, trao chứng nhận và vinh danh sản phẩm"
    if not FOUNDING_PLAN.exists():
        pytest.skip("../shared/founding-plan.md is not beside this checkout; the committed copy stands in")
    assert founding_headings(FOUNDING_PLAN.read_text(encoding="utf-8")) == copy


def test_the_regenerated_plan_has_every_section_of_the_founding_plan_in_order(settings, tmp_path: Path) -> None:
    source = FOUNDING_PLAN.read_text(encoding="utf-8") if FOUNDING_PLAN.exists() else None
    published = founding_headings(source) if source else HEADINGS_COPY.read_text(encoding="utf-8").splitlines()
    folder = _set_up(settings, tmp_path)
    [plan] = (folder / "00-ke-hoach").glob("*.docx")
    generated = docx_headings(plan)
    assert generated == renumbered(published)
    # the only numbers that differ are the published plan's skipped item: IV.5 and IV.6 become 4 and 5
    assert [(p, g) for p, g in zip(published, generated, strict=True) if p != g] == [
        ("5. UBND các xã, thị trấn", "4. UBND các xã, thị trấn"),
        ("6. Các doanh nghiệp, HTX, hộ sản xuất", "5. Các doanh nghiệp, HTX, hộ sản xuất")]
    text = docx_text(plan)
    # 1.1: the council and the secretariat with its members; 1.2: both bodies' tasks
    assert ("Tổ thư ký giúp việc Hội đồng gồm 03 thành viên do Phó trưởng phòng Nông nghiệp và Phát triển nông thôn "
            "làm Tổ trưởng, thành viên gồm Phó trưởng phòng Kinh tế và Hạ tầng, Viên chức Văn phòng điều phối xây "
            "dựng nông thôn mới huyện.") in text
    assert ("- Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam năm 2020 có nhiệm vụ kiểm tra, thẩm định và "
            "xét chọn sản phẩm đăng ký đủ điều kiện tham gia Chương trình OCOP;") in text
    assert "lựa chọn các sản phẩm đạt từ 50 điểm trở lên, tham mưu Ủy ban nhân dân huyện Lục Nam đề nghị Sở" in text
    assert "- Tổ thư ký giúp việc Hội đồng có nhiệm vụ tiếp nhận, kiểm tra hồ sơ đăng ký;" in text
    assert "(hạn bổ sung 05 ngày làm việc kể từ ngày thông báo)" in text
    # II.3 with the deadlines and threshold, II.4 from the campaign file's [plan] ceremony
    assert "từ 50 điểm đến 100 điểm (từ 3 đến 5 sao) đến Sở Nông nghiệp" in text
    assert "trước ngày 05/11/2020" in text and "xong trước ngày 05/7/2020" in text
    assert "được Hội đồng huyện kiểm tra, thẩm định và xét chọn sản phẩm đủ điều kiện" in text
    assert "UBND tỉnh tổ chức Hội nghị công bố kết quả đánh giá, phân hạng sản phẩm và trao Giấy chứng nhận" in text
    # a unit with one task reads as a paragraph, as published; several as a dashed list
    assert "\nCăn cứ chức năng, nhiệm vụ, hướng dẫn nghiệp vụ cho các xã" in text
    assert "\n- Tuyên truyền, phổ biến và hướng dẫn" in text


def _quy_che(folder: Path) -> tuple[str, list[str]]:
    [decision] = (folder / "01-thanh-lap-hoi-dong").glob("*_qd_ban_hanh_quy_che.docx")
    paragraphs = [p.text for p in Docx(str(decision)).paragraphs if p.text.strip()]
    return docx_text(decision), paragraphs


def test_the_quy_che_gives_each_role_its_tasks_the_quorum_as_2_3_and_one_quy_che_in_its_title(
        settings, tmp_path: Path) -> None:
    text, paragraphs = _quy_che(_set_up(settings, tmp_path))
    articles = [p for p in paragraphs if re.match(r"Điều \d+\. ", p)]
    # the decision's own three articles, then the Quy chế's, numbered 1, 2, … through its chapters
    rules = articles[3:]
    assert [int(a.split()[1].rstrip(".")) for a in rules] == list(range(1, len(rules) + 1))
    for who in ("Hội đồng", "Chủ tịch Hội đồng", "Phó Chủ tịch Hội đồng", "thành viên Hội đồng", "Tổ thư ký"):
        assert any(a.endswith(f". Nhiệm vụ, quyền hạn của {who}") for a in rules), who
    assert "Triệu tập, chủ trì các phiên họp của Hội đồng" in text
    assert "Chủ trì phiên họp của Hội đồng khi Chủ tịch Hội đồng vắng mặt và ủy quyền" in text
    assert "Chấm điểm độc lập từng sản phẩm trên phiếu đánh giá" in text
    assert "thành viên Tổ thư ký không chấm điểm sản phẩm" in text
    # the sample's quorum, written "2/3" in its campaign file
    assert "khi có ít nhất 2/3 tổng số thành viên tham dự" in text and "%" not in text
    # "QUY CHẾ" then its title: "Hoạt động của …", not "Quy chế hoạt động của …"
    heading = paragraphs.index("QUY CHẾ")
    assert paragraphs[heading + 1] == (
        "Hoạt động của Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Lục Nam năm 2020 "
        "và Tổ thư ký giúp việc Hội đồng")
    decision_title = paragraphs[paragraphs.index("QUYẾT ĐỊNH") + 1]
    assert decision_title.startswith("Về việc ban hành Quy chế hoạt động của")
    assert [p for p in paragraphs if p.lower().count("quy chế") > 1] == []


def test_a_council_without_a_vice_chair_and_a_quorum_of_0_6667_with_the_chair(settings, tmp_path: Path) -> None:
    def edit(text: str) -> str:
        text = text.replace('role = "vice_chair"', 'role = "member"')
        return text.replace('quorum_fraction = "2/3"', "quorum_fraction = 0.6667\nquorum_requires_chair = true")

    text, paragraphs = _quy_che(_set_up(settings, tmp_path, edit))
    assert "Phó Chủ tịch" not in text
    assert "Điều 5. Nhiệm vụ, quyền hạn của thành viên Hội đồng" in paragraphs
    assert ("khi có ít nhất 2/3 tổng số thành viên tham dự, trong đó có Chủ tịch Hội đồng; Chủ tịch Hội đồng chủ trì, "
            "trường hợp vắng mặt thì ủy quyền cho một thành viên Hội đồng.") in text


def test_under_148_the_plan_and_the_quy_che_say_what_the_district_recognises(settings, tmp_path: Path) -> None:
    def edit(text: str) -> str:
        return (text.replace('edition = "1048/2019"', 'edition = "148/2023"').replace("year = 2020", "year = 2024")
                .replace("2020-", "2024-").replace("ceremony = ", "# ceremony = "))

    folder = _set_up(settings, tmp_path, edit)
    [plan] = (folder / "00-ke-hoach").glob("*.docx")
    plan_text = docx_text(plan)
    assert "từ 70 điểm đến 100 điểm (từ 4 đến 5 sao)" in plan_text
    assert "đề xuất Chủ tịch Ủy ban nhân dân huyện Lục Nam công nhận các sản phẩm đạt 3 sao" in plan_text
    # no ceremony text in the file: the general one
    assert "4. Tổ chức Lễ công bố, trao chứng nhận và vinh danh sản phẩm\nTổ chức công bố kết quả" in plan_text
    rules_text, _ = _quy_che(folder)
    assert "Đề xuất Chủ tịch Ủy ban nhân dân huyện Lục Nam công nhận các sản phẩm đạt 3 sao." in rules_text
    assert "Lựa chọn các sản phẩm đạt từ 70 điểm trở lên" in rules_text


def test_the_sample_names_producers_and_people_as_real_ones() -> None:
    with (SAMPLE / "registrations.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    campaign = tomllib.loads((SAMPLE / "campaign.toml").read_text(encoding="utf-8"))
    names = [r[k] for r in rows for k in ("Tên sản phẩm", "Tên chủ thể")]
    names += [p["name"] for p in campaign["council"] + campaign["secretariat"]]
    assert len(names) == 34
    assert [n for n in names if set(n) & set("<>{}[]")] == []


def test_a_producer_name_with_markup_characters_prints_as_written(settings, tmp_path: Path) -> None:
    """Hostile input stays in the tests: '&', '<' and '>' reach the documents as typed."""
    hostile = "HTX Nông nghiệp & Dịch vụ <Tiên Hưng>"
    regs = tmp_path / "dang-ky.csv"
    text = (SAMPLE / "registrations.csv").read_text(encoding="utf-8")
    regs.write_text(text.replace("HTX Nông nghiệp & Dịch vụ Tiên Hưng", hostile), encoding="utf-8")
    stages.set_up(settings, SAMPLE / "campaign.toml")
    stages.collect(settings, "luc-nam-2020", regs)
    stages.verify(settings, "luc-nam-2020")
    stages.schedule(settings, "luc-nam-2020")
    [invitation] = (settings.out_dir / "luc-nam-2020").glob("*/*_giay_moi_hop_hoi_dong.docx")
    assert hostile in docx_text(invitation)
