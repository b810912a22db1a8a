"""The meeting: attendance and quorum, the spread rule with re-scoring, the lock after close,
independence of members' sheets, and the flags in the summary table and minutes."""

from __future__ import annotations

import csv
from dataclasses import fields
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import select

from ocop.errors import InputError, ScoringError
from ocop.persistence.db import unit_of_work
from ocop.persistence.models import Person, Product, ScoreChange, ScoreSheet
from ocop.services import stages
from tests.conftest import SAMPLE, docx_text

CODE = "luc-nam-2020"


def _rows() -> list[list[str]]:
    return list(csv.reader((SAMPLE / "scores.csv").open(encoding="utf-8")))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path




def _doc(settings, kind: str) -> dict:
    return [d for d in stages.documents(settings, CODE) if d.kind == kind and d.status == "issued"][-1]


def test_without_quorum_there_is_no_result_and_the_minutes_say_so(sample_campaign) -> None:
    absent = ["Trần Thị Hoa", "Phạm Đức Thắng", "Vũ Thị Lan"]
    r = stages.attendance(sample_campaign, CODE, absent, [])
    assert r.quorum.met is False and "4/7" in r.quorum.text()
    result = stages.rank(sample_campaign, CODE)
    assert (result.quorum.met, result.ranking) == (False, ())
    minutes = docx_text(_doc(sample_campaign, "bien_ban_hop_hoi_dong").file)
    assert "không đủ số thành viên" in minutes and "không có kết quả" in minutes
    assert not [d for d in stages.documents(sample_campaign, CODE) if d.kind == "bang_tong_hop"]
    with pytest.raises(ScoringError, match="Chưa có kết quả phân hạng"):
        stages.refer(sample_campaign, CODE)


def test_an_absent_members_sheet_is_refused(sample_campaign, tmp_path: Path) -> None:
    stages.attendance(sample_campaign, CODE, ["Đỗ Văn Quyết"], [])
    with pytest.raises(InputError) as err:
        stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    assert "'Đỗ Văn Quyết' vắng mặt tại phiên họp" in str(err.value)
    rows = [r for r in _rows() if r[1] != "Đỗ Văn Quyết"]
    stages.score(sample_campaign, CODE, _write(tmp_path / "co-mat.csv", rows))
    result = stages.rank(sample_campaign, CODE)
    assert result.quorum.met and len(result.ranking) == 11
    ln01 = next(r for r in result.ranking if r.code == "LN-01")
    assert ln01.mean == Fraction(642 - 92, 6)  # Đỗ Văn Quyết's 92 is not counted


def test_spread_blocks_a_product_until_members_re_score(sample_campaign, tmp_path: Path) -> None:
    rows = _rows()
    # Lương Thế Tuấn scores LN-09 far above the others: 30 -> 31 + 14 = 45 (others 29..32)
    sheet = [r for r in rows[1:] if r[0] == "LN-09" and r[1] == "Lương Thế Tuấn"]
    high = {"4.1": "5", "4.2": "5", "4.3": "5", "5.1": "5", "1.5": "5"}
    for r in sheet:
        r[3] = high.get(r[2], r[3])
    total = sum(int(r[3]) for r in sheet)
    stages.score(sample_campaign, CODE, _write(tmp_path / "lech.csv", rows))
    result = stages.rank(sample_campaign, CODE)
    assert [r.code for r in result.ranking].count("LN-09") == 0
    assert len(result.blocked) == 1 and "LN-09" in result.blocked[0]
    assert f"Lương Thế Tuấn ({total})" in result.blocked[0]
    minutes = docx_text(_doc(sample_campaign, "bien_ban_hop_hoi_dong").file)
    assert "chênh lệch" in minutes and "LN-09" in minutes

    fixed = [rows[0]] + [r for r in _rows()[1:] if r[0] == "LN-09" and r[1] == "Lương Thế Tuấn"]
    stages.score(sample_campaign, CODE, _write(tmp_path / "cham-lai.csv", fixed),
                         reason="Hội đồng thảo luận, thống nhất lại tiêu chí tiếp thị")
    result = stages.rank(sample_campaign, CODE)
    assert result.blocked == () and "LN-09" in [r.code for r in result.ranking]
    assert result.rescores == (f"Lương Thế Tuấn chấm lại LN-09: {total} → 31 điểm "
                               "(Hội đồng thảo luận, thống nhất lại tiêu chí tiếp thị)",)
    minutes = docx_text(_doc(sample_campaign, "bien_ban_hop_hoi_dong").file)
    assert f"Lương Thế Tuấn chấm lại LN-09: {total} → 31 điểm" in minutes


def test_sheets_are_locked_after_the_meeting_closes(sample_campaign, tmp_path: Path) -> None:
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.close_meeting(sample_campaign, CODE)
    rows = _rows()
    changed = [rows[0]] + [r for r in rows[1:] if r[0] == "LN-02" and r[1] == "Trần Thị Hoa"]
    changed[1][3] = "1" if changed[1][3] != "1" else "2"
    path = _write(tmp_path / "sua.csv", changed)
    with pytest.raises(ScoringError, match="đã khóa"):
        stages.score(sample_campaign, CODE, path)
    with pytest.raises(ScoringError, match="đã kết thúc"):
        stages.attendance(sample_campaign, CODE, ["Trần Thị Hoa"], [])
    again = stages.score(sample_campaign, CODE, path, reason="Nhập nhầm tiêu chí 1.1")
    assert again.replaced == 1
    assert "Trần Thị Hoa chấm lại LN-02" in stages.rank(sample_campaign, CODE).rescores[0]


def test_no_document_or_status_shows_scores_before_every_present_member_has_submitted(
        sample_campaign, tmp_path: Path) -> None:
    rows = _rows()
    partial = [rows[0]] + [r for r in rows[1:] if not (r[0] == "LN-01" and r[1] == "Đỗ Văn Quyết")]
    stages.score(sample_campaign, CODE, _write(tmp_path / "thieu.csv", partial))
    printed = stages.issue_score_sheets(sample_campaign, CODE)
    assert printed.issued == 70  # LN-02 … LN-11; LN-01's six sheets wait for the seventh
    status = {p.code: p for p in stages.scores_progress(sample_campaign, CODE)}
    assert (status["LN-01"].submitted, status["LN-01"].missing) == (6, ["Đỗ Văn Quyết"])
    assert {f.name for f in fields(status["LN-01"])} == {"code", "name", "submitted", "present", "missing"}  # no points
    with pytest.raises(ScoringError, match="thiếu phiếu của Đỗ Văn Quyết"):
        stages.rank(sample_campaign, CODE)


def test_members_files_arrive_one_at_a_time_and_a_corrected_file_replaces_only_the_changed_sheet(
        sample_campaign, tmp_path: Path) -> None:
    rows = _rows()
    members = list(dict.fromkeys(r[1] for r in rows[1:]))
    files = [_write(tmp_path / f"phieu-{i}.csv", [rows[0]] + [r for r in rows[1:] if r[1] == name])
             for i, name in enumerate(members)]
    for i, path in enumerate(files):
        got = stages.score(sample_campaign, CODE, path)
        assert (got.new, got.replaced, got.unchanged) == (11, 0, 0)
        assert stages.issue_score_sheets(sample_campaign, CODE).issued == (77 if path == files[-1] else 0), i
    again = stages.score(sample_campaign, CODE, files[0])  # the others' files left the first member's sheets alone
    assert (again.new, again.replaced, again.unchanged) == (0, 0, 11)

    mine = [rows[0]] + [r for r in rows[1:] if r[1] == members[0]]
    row = next(r for r in mine[1:] if r[0] == "LN-02")
    row[3] = "1" if row[3] != "1" else "2"
    fixed = stages.score(sample_campaign, CODE, _write(tmp_path / "sua.csv", mine))
    assert (fixed.new, fixed.replaced, fixed.unchanged) == (0, 1, 10)
    printed = stages.issue_score_sheets(sample_campaign, CODE)
    assert (printed.issued, printed.replaced, printed.unchanged) == (1, 1, 76)  # LN-02's sheet of that member
    with unit_of_work(sample_campaign.database_url) as s:
        changes = s.scalars(select(ScoreChange)).all()
        assert [(c.product.code, c.member.name, c.kind) for c in changes] == [("LN-02", members[0], "replace")]


def test_flags_reach_the_summary_table(sample_campaign) -> None:
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    result = stages.rank(sample_campaign, CODE)
    flags = {r.code: r.flags for r in result.ranking}
    assert "sát ngưỡng 70 điểm" in flags["LN-03"]  # 70.14
    assert "sát ngưỡng 50 điểm" in flags["LN-06"]  # 50.00
    assert any(f.startswith("nếu không tính phiếu đánh giá của ông/bà ") for f in flags["LN-06"])  # 2★ without one
    table = docx_text(_doc(sample_campaign, "bang_tong_hop").file)
    assert "sát ngưỡng 70 điểm" in table
    minutes = docx_text(_doc(sample_campaign, "bien_ban_hop_hoi_dong").file)
    assert "Có mặt 7/7 thành viên (cần tối thiểu 5), đủ điều kiện tiến hành họp." in minutes
    assert "(tối đa cho phép 10 điểm): LN-01: 6;" in minutes  # 89..95
    assert "LN-03 (sát ngưỡng 70 điểm" in minutes


def test_a_members_workbook_round_trips_through_the_same_validation(sample_campaign, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    [path] = stages.scores_templates(sample_campaign, CODE, tmp_path, "Trần Thị Hoa")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Hướng dẫn" and wb.sheetnames[1:] == [f"LN-{i:02d}" for i in range(1, 12)]
    ws = wb["LN-01"]
    assert ws["B2"].value == "Trần Thị Hoa" and ws["A7"].value == "1.1"
    assert any("E7" in str(dv.sqref) and dv.formula1 == '"1,2,3"' for dv in ws.data_validations.dataValidation)
    mine = {(r[0], r[2]): int(r[3]) for r in _rows()[1:] if r[1] == "Trần Thị Hoa"}
    for title in wb.sheetnames[1:]:
        sheet = wb[title]
        for row in range(7, sheet.max_row + 1):
            sheet.cell(row, 5).value = mine[(title, sheet.cell(row, 1).value)]
    wb["LN-03"]["E7"].value = 4  # not an option of 1.1
    wb.save(path)
    with pytest.raises(InputError) as err:
        stages.score(sample_campaign, CODE, Path(path))
    assert err.value.problems == [
        "phieu-cham_tran_thi_hoa.xlsx, sheet 'LN-03', dòng 7, cột 'Điểm': 4 điểm không phải một lựa chọn "
        "của tiêu chí 1.1 (các mức: 1, 2, 3).",
        "phieu-cham_tran_thi_hoa.xlsx, sheet 'LN-03': phiếu của 'Trần Thị Hoa' cho sản phẩm 'LN-03' (từ dòng 7) "
        "thiếu tiêu chí 1.1.",
    ]
    assert stages.scores_progress(sample_campaign, CODE)[0].submitted == 0  # nothing stored
    wb["LN-03"]["E7"].value = mine[("LN-03", "1.1")]
    wb.save(path)
    assert stages.score(sample_campaign, CODE, Path(path)).new == 11


@pytest.mark.parametrize(
    ("meeting", "invited", "why"),
    [
        ("2020-10-31", "2020-10-27", "sau hạn hoàn thành đánh giá 30/10/2020"),
        # Fri 16 -> Tue 20: Mon 19 only
        ("2020-10-20", "2020-10-16", "chỉ trước ngày họp 1 ngày làm việc, cần ít nhất 2"),
        ("2020-10-24", "2020-10-15", "là ngày nghỉ"),  # a Saturday
    ],
)
def test_the_schedule_stage_refuses_a_date_and_says_why(sample_campaign, meeting: str, invited: str, why: str) -> None:
    from datetime import date

    with pytest.raises(InputError) as err:
        stages.schedule(sample_campaign, CODE, on=date.fromisoformat(meeting),
                        invitation_date=date.fromisoformat(invited))
    assert any(why in p for p in err.value.problems), err.value.problems


def test_lead_time_counts_tet_as_non_working(settings, tmp_path: Path) -> None:
    from datetime import date

    # the plan of 2024, its evaluation deadline moved to the year's end (deadlines in order, dates within the year)
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace("2020-", "2024-")
    text = text.replace("evaluation = 2024-10-30", "evaluation = 2024-12-30").replace("referral = 2024-11-05",
                                                                                      "referral = 2024-12-31")
    text = text.replace("rules_decision_date = 2024-05-21", "rules_decision_date = 2024-01-20")  # before the invitation
    path = tmp_path / "c.toml"
    path.write_text(text.replace("year = 2020", "year = 2024"), encoding="utf-8")
    stages.set_up(settings, path)
    # dossiers sent Wed 7/2/2024; Tết 8/2-14/2: Thursday 15/2 is only the first working day after
    with pytest.raises(InputError, match="chỉ trước ngày họp 0 ngày làm việc"):
        stages.schedule(settings, CODE, on=date(2024, 2, 15), invitation_date=date(2024, 2, 7))
    scheduled = stages.schedule(settings, CODE, on=date(2024, 2, 19), invitation_date=date(2024, 2, 7))
    assert scheduled.lead_working_days == 2


def test_refer_acts_on_the_stored_ranking_and_refuses_one_the_sheets_no_longer_match(
        sample_campaign, tmp_path: Path) -> None:
    with pytest.raises(ScoringError, match="Chưa có kết quả phân hạng"):
        stages.refer(sample_campaign, CODE)  # nothing ranked yet: nothing is computed behind the clerk's back
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.rank(sample_campaign, CODE)
    rows = _rows()
    sheet = [rows[0]] + [r for r in rows[1:] if r[0] == "LN-04" and r[1] == "Lương Thế Tuấn"]
    sheet[1][3] = "2" if sheet[1][3] != "2" else "1"  # criterion 1.1 changed after the ranking: the total moves
    stages.reopen(sample_campaign, CODE, "Lương Thế Tuấn", "Nhập nhầm tiêu chí 1.1")  # the minutes are issued
    stages.score(sample_campaign, CODE, _write(tmp_path / "sua.csv", sheet))
    with pytest.raises(ScoringError, match=r"thay đổi sau lần phân hạng gần nhất \(sản phẩm LN-04\).*phân hạng trước"):
        stages.refer(sample_campaign, CODE)
    assert not [d for d in stages.documents(sample_campaign, CODE) if d.kind == "to_trinh_de_nghi_tinh"]
    stages.rank(sample_campaign, CODE)  # the minutes and table are issued anew; now the referral follows them
    referred = stages.refer(sample_campaign, CODE)
    assert [r.code for r in referred.referred] == ["LN-01", "LN-02", "LN-03", "LN-04", "LN-05", "LN-06"]
    assert [d for d in stages.documents(sample_campaign, CODE) if d.kind == "to_trinh_de_nghi_tinh"]


def test_a_product_re_scored_after_the_ranking_held_it_back_is_not_left_out_of_the_referral(
        sample_campaign, tmp_path: Path) -> None:
    rows = _rows()
    for r in rows[1:]:  # Lương Thế Tuấn scores LN-09 far above the others: the spread rule holds it back
        if r[0] == "LN-09" and r[1] == "Lương Thế Tuấn":
            r[3] = {"4.1": "5", "4.2": "5", "4.3": "5", "5.1": "5", "1.5": "5"}.get(r[2], r[3])
    stages.score(sample_campaign, CODE, _write(tmp_path / "lech.csv", rows))
    assert "LN-09" not in [r.code for r in stages.rank(sample_campaign, CODE).ranking]
    fixed = [rows[0]] + [r for r in _rows()[1:] if r[0] == "LN-09" and r[1] == "Lương Thế Tuấn"]
    stages.score(sample_campaign, CODE, _write(tmp_path / "cham-lai.csv", fixed), reason="Thống nhất lại")
    with pytest.raises(ScoringError, match=r"\(sản phẩm LN-09\)"):
        stages.refer(sample_campaign, CODE)  # LN-09 could now be ranked: the stored ranking no longer stands
    assert "LN-09" in [r.code for r in stages.rank(sample_campaign, CODE).ranking]
    stages.refer(sample_campaign, CODE)


def test_points_moved_between_parts_after_the_ranking_are_seen(sample_campaign, tmp_path: Path) -> None:
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.rank(sample_campaign, CODE)
    with unit_of_work(sample_campaign.database_url) as s:
        sheet = s.scalars(select(ScoreSheet).join(Product, Product.id == ScoreSheet.product_id)
                          .join(Person, Person.id == ScoreSheet.member_id)
                          .where(Product.code == "LN-04", Person.name == "Lương Thế Tuấn")).one()
        a, b, c = sheet.part_a, sheet.part_b, sheet.part_c
    # the same total, one point moved from part B to part A: the totals alone would not show it
    rows = [["Mã sản phẩm", "Thành viên", "Phần A", "Phần B", "Phần C"],
            ["LN-04", "Lương Thế Tuấn", str(a + 1), str(b - 1), str(c)]]
    stages.reopen(sample_campaign, CODE, "Lương Thế Tuấn", "Nhập nhầm phần A")
    stages.score(sample_campaign, CODE, _write(tmp_path / "phan.csv", rows))
    with pytest.raises(ScoringError, match=r"\(sản phẩm LN-04\)"):
        stages.refer(sample_campaign, CODE)
