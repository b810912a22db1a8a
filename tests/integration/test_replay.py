"""What-if replay: a ranked campaign's sheets re-ranked under another edition, side by side, changing nothing."""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import select

from ocop.errors import RulesError, ScoringError
from ocop.persistence.db import engine_for
from ocop.persistence.models import Base
from ocop.rules.correspondence import NONE, SAME, correspondence
from ocop.rules.criteria import load_set
from ocop.services import stages
from ocop.services.results.replay import replay
from tests.conftest import SAMPLE
from tests.flows.test_fast_commands import _run_in_a_fresh_process

CODE = "luc-nam-2020"
MEMBERS = ["Lương Thế Tuấn", "Nguyễn Văn Hùng", "Trần Thị Hoa", "Phạm Đức Thắng", "Vũ Thị Lan",
           "Hoàng Minh Đức", "Đỗ Văn Quyết"]


@pytest.fixture
def ranked_1048(sample_campaign):
    """The sample's 1048/2019 campaign (Lục Nam 2020, set 1) scored with its itemised sheets and ranked."""
    stages.schedule(sample_campaign, CODE)
    stages.score(sample_campaign, CODE, SAMPLE / "scores.csv")
    stages.rank(sample_campaign, CODE)
    return sample_campaign


def _sample_sheets() -> dict[str, dict[str, dict[str, int]]]:
    """The sample's sheets straight from its CSV: product -> member -> criterion -> points."""
    sheets: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    with (SAMPLE / "scores.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            sheets[row["Mã sản phẩm"]][row["Thành viên"]][row["Tiêu chí"]] = int(row["Điểm"])
    return sheets


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the project's database."""
    with engine_for(url).connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t))), key=repr) for t in Base.metadata.sorted_tables}


def test_under_its_own_edition_the_replay_gives_the_stored_results(ranked_1048) -> None:
    r = replay(ranked_1048, CODE, "1048/2019")
    assert r.same_sheets and r.sets == ()
    stored = {row.code: row for row in stages.rank(ranked_1048, CODE).ranking}
    assert len(r.products) == len(stored) == 11
    for p in r.products:
        assert p.old is not None and p.new == p.old, p.code
        assert (p.new.mean, p.new.stars, p.new.outcome, p.new.flags) == (
            stored[p.code].mean, stored[p.code].stars, stored[p.code].outcome, stored[p.code].flags)
        assert p.criteria == () and p.not_comparable == ""


def test_1048_sheets_read_under_148_on_set_01(ranked_1048) -> None:
    before = _rows(ranked_1048.database_url)
    r = replay(ranked_1048, CODE, "148/2023")
    assert _rows(ranked_1048.database_url) == before  # nothing written
    assert (r.old_edition, r.new_edition, r.level, r.same_sheets) == ("1048/2019", "148/2023", "cấp huyện", False)
    [match] = r.sets
    assert (match.source.code, match.target.code) == ("1", "1")
    assert [c.code for c in match.dropped] == ["2.1", "3.2", "3.4", "6.5"]  # 6.5 "Kết cấu/cách sắp đặt" is gone
    products = {p.code: p for p in r.products}
    ln01 = products["LN-01"]
    assert ln01.old is not None and ln01.new is not None
    assert (ln01.old.stars, ln01.old.outcome) == (5, "referred")
    # the new mean from the sample's CSV through the correspondence data, member by member
    sheets = _sample_sheets()["LN-01"]
    totals = [sum(m.options.get(sheet[m.source.code], 0) for m in match.criteria if m.source is not None)
              for sheet in sheets.values()]
    assert ln01.new.mean == Fraction(sum(totals), len(totals))
    assert ln01.new.member_totals and sorted(ln01.new.member_totals.values()) == sorted(totals)
    # 148's mandatory criteria hold it at 3★; 2.1 has no counterpart on a 1048 sheet, and the reason says so
    assert (ln01.new.star_by_score, ln01.new.stars, ln01.new.outcome) == (4, 3, "recognised")
    assert "2.1 \"Nguồn gốc ý tưởng sản phẩm\"" in ln01.new.cap_reason and "0/7 phiếu" in ln01.new.cap_reason
    fates = {c.code: c for c in ln01.criteria}
    assert [c.code for c in ln01.criteria] == [c.code for c in load_set("qd148-2023", "1").criteria]
    assert fates["2.1"].match == NONE and not fates["2.1"].corresponds
    assert fates["4.2"].match == SAME and fates["4.2"].corresponds
    # 148 1.5 has no option for a 1048 sheet's 1 or 2 points (no legal environmental dossier)
    low = sum(1 for sheet in sheets.values() if sheet["1.5"] in (1, 2))
    assert low > 0 and (fates["1.5"].unmatched, fates["1.5"].sheets) == (low, 7)
    assert fates["1.5"] in ln01.differing
    # the spread rule applies to the new totals: LN-03 is held back under 148
    ln03 = products["LN-03"]
    assert ln03.new is None and ln03.new_blocked is not None and ln03.new_blocked.spread > r.max_spread


def test_148_and_1489_same_means_other_outcomes_and_no_table_back_to_1048(settings, tmp_path: Path) -> None:
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace(
        'edition = "1048/2019"', 'edition = "148/2023"').replace(
        'code = "luc-nam-2020"', 'code = "bac-giang-2024"').replace('level = "district"', 'level = "province"')
    (tmp_path / "plan.toml").write_text(text, encoding="utf-8")
    stages.set_up(settings, tmp_path / "plan.toml")
    regs = tmp_path / "dk.csv"
    with regs.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([
            ["Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Tên chủ thể", "Loại hình", "Xã", "Xác nhận UBND xã"],
            ["T-1", "Na sấy dẻo", "7", "HTX Na Huyền Sơn", "HTX", "Huyền Sơn", "Có"],
            ["T-2", "Vải sấy", "7", "HTX Vải Bình Sơn", "HTX", "Bình Sơn", "Có"],
        ])
    stages.collect(settings, "bac-giang-2024", regs)
    stages.verify(settings, "bac-giang-2024")
    scores = tmp_path / "diem.csv"
    with scores.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Mã sản phẩm", "Thành viên", "Tiêu chí", "Điểm"])
        for product in ("T-1", "T-2"):
            for i, member in enumerate(MEMBERS):
                for c in load_set("qd148-2023", "7").criteria:
                    low = product == "T-2" and c.code == "1.3" and i < 4  # the mandatory 1.3 caps T-2 at 3★
                    out.writerow([product, member, c.code, 1 if low else c.max_points])
    stages.score(settings, "bac-giang-2024", scores)
    stages.rank(settings, "bac-giang-2024")
    r = replay(settings, "bac-giang-2024", "148/2023+1489/2025")
    assert r.same_sheets and r.level == "cấp tỉnh"
    products = {p.code: p for p in r.products}
    for p in products.values():
        assert p.old is not None and p.new is not None
        assert (p.new.mean, p.new.part_means, p.new.stars) == (p.old.mean, p.old.part_means, p.old.stars)
    t1, t2 = products["T-1"], products["T-2"]
    assert t1.old is not None and t1.new is not None and t2.old is not None and t2.new is not None
    assert (t1.old.outcome, t1.new.outcome) == ("referred", "referred")  # 100 points: up to the ministry
    # 3★: the province recognises only 4★ under 148, 3★ and 4★ under 1489
    assert (t2.old.stars, t2.old.outcome, t2.new.outcome) == (3, "none", "recognised")
    assert "1.3" in t2.new.cap_reason
    back = replay(settings, "bac-giang-2024", "1048/2019")
    assert [(p.code, p.new) for p in back.products] == [("T-1", None), ("T-2", None)]
    assert all(p.not_comparable == "chưa có bảng đối chiếu bộ tiêu chí qd148-2023 sang qd1048-2019 "
               "(ocop/rules/data/correspondence)" for p in back.products)


def test_a_campaign_not_ranked_yet_and_an_unknown_edition_are_refused(sample_campaign) -> None:
    with pytest.raises(ScoringError, match="Chưa có kết quả phân hạng"):
        replay(sample_campaign, CODE, "148/2023")
    with pytest.raises(RulesError, match="Các mã hợp lệ: 1048/2019, 148/2023\\+1489/2025, 148/2023\\."):
        replay(sample_campaign, CODE, "999/2030")


def test_a_correspondence_must_say_what_the_sheets_say(tmp_path: Path) -> None:
    shipped = Path(__file__).parents[2] / "ocop/rules/data/correspondence/qd1048-2019_qd148-2023.toml"
    text = shipped.read_text(encoding="utf-8")
    for old, new, message in [
        # 1.1's options have different texts: "same" is refused
        ('to = "1.1"\nfrom = "1.1"\nmatch = "approx"\noptions = { 1 = 1, 2 = 3, 3 = 5 }',
         'to = "1.1"\nfrom = "1.1"\nmatch = "same"', "không có lựa chọn cùng nội dung"),
        ('options = { 1 = 1, 2 = 3, 3 = 5 }', 'options = { 1 = 1, 2 = 4, 3 = 5 }', "không có lựa chọn 4 điểm"),
        ('[[set.criterion]]\nto = "11.1"', '[[set.criterion]]\nto = "11.1x"', "không có tiêu chí '11.1x'"),
    ]:
        assert old in text
        (tmp_path / shipped.name).write_text(text.replace(old, new), encoding="utf-8")
        with pytest.raises(RulesError, match=message):
            correspondence("qd1048-2019", "qd148-2023", root=tmp_path)  # a refusal is not cached


def test_the_command_prints_both_editions_side_by_side_without_prefect(ranked_1048) -> None:
    env = {**os.environ, "OCOP_DATABASE_URL": "", "OCOP_OUT_DIR": ""}
    where = ["--db", ranked_1048.database_url, "--out", str(ranked_1048.out_dir)]
    before = _rows(ranked_1048.database_url)
    output, imported = _run_in_a_fresh_process(["replay", "--edition", "148/2023", "-c", CODE, *where], env)
    assert imported == []
    assert _rows(ranked_1048.database_url) == before
    lines = output.splitlines()
    assert lines[1].split() == ["Theo", "1048/2019", "Theo", "148/2023"]
    assert lines[2].split() == ["Mã", "Sản", "phẩm", "Điểm", "TB", "Sao", "Kết", "quả", "Điểm", "TB", "Sao", "Kết",
                                "quả"]
    ln01 = next(line for line in lines if line.startswith("LN-01"))
    assert "91,71" in ln01 and "5★" in ln01 and "Đề nghị cấp trên" in ln01 and "Đề nghị công nhận" in ln01
    assert "chờ chấm lại" in next(line for line in lines if line.startswith("LN-03"))
    assert "2.1 \"Nguồn gốc ý tưởng sản phẩm\" (không tương ứng" in output
    assert "Tiêu chí của phiếu cũ không còn được tính:" in output and "6.5 \"Kết cấu/cách sắp đặt\"" in output
