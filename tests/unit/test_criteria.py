"""Criteria sheets: shipped data, the validator, the loader's refusals and the converter's output."""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import pytest

from ocop.errors import RulesError
from ocop.rules.criteria import (
    COLUMNS,
    DATA_DIR,
    Requirement,
    load_set,
    load_sets,
    part_totals,
    validate_rows,
)
from ocop.rules.editions import editions

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO.parent / "shared" / "criteria"
SET7 = "07-che-bien-tu-rau-cu-qua-hat.csv"
ALL = [(e, s) for e in part_totals() for s in load_sets(e).values()]
IDS = [f"{e}:{s.code}" for e, s in ALL]


def test_every_shipped_set_loads():
    assert set(load_sets("qd1048-2019")) == {"1"}
    expected = {str(n) for n in range(1, 26)} | {"26a", "26b"}
    assert set(load_sets("qd148-2023")) == expected
    for edition, s in ALL:
        assert s.edition_dir == edition and s.criteria and s.name and s.source.startswith(edition + "/")


def test_part_totals_are_the_editions_parts_tables():
    # Fixed by law: 1048/QĐ-TTg A35 B25 C40; 148/QĐ-TTg (also as amended by 1489) A40 B25 C35.
    assert part_totals() == {"qd1048-2019": {"A": 35, "B": 25, "C": 40}, "qd148-2023": {"A": 40, "B": 25, "C": 35}}
    for e in editions().values():
        assert part_totals()[e.criteria_dir] == e.parts and sum(e.parts.values()) == e.max_points


@pytest.mark.parametrize(("edition", "s"), ALL, ids=IDS)
def test_verified_sets_have_the_legal_part_totals(edition, s):
    if not s.verified:
        assert s.problems
        return
    assert s.parts == part_totals()[edition]
    for part, total in part_totals()[edition].items():
        assert sum(c.max_points for c in s.part_criteria(part)) == total, part
    assert sum(c.max_points for c in s.criteria) == 100


@pytest.mark.parametrize(("edition", "s"), ALL, ids=IDS)
def test_criteria_are_well_formed(edition, s):
    codes = [c.code for c in s.criteria]
    assert len(codes) == len(set(codes))
    for c in s.criteria:
        assert re.fullmatch(r"\d+\.\d+", c.code) and c.code == f"{c.group}.{c.index}"
        assert c.options, c.code
        if s.verified:
            assert c.max_points == max(o.points for o in c.options), c.code
        assert c.part in ("A", "B", "C") and c.title and c.group_title
        for text in [c.title, c.group_title, c.note] + [o.label for o in c.options]:
            assert unicodedata.is_normalized("NFC", text)
            assert "□" not in text and not text.rstrip().endswith("*"), text
    groups = [c.group for c in s.criteria]
    assert groups == sorted(groups) and set(groups) == set(range(1, max(groups) + 1))


def test_part_titles_are_vietnamese_sentence_case():
    s = load_set("qd148-2023", "2")  # its source spells part B "KHẢ NĂNC"
    assert s.part_titles == {
        "A": "Sản phẩm và sức mạnh của cộng đồng",
        "B": "Khả năng tiếp thị",
        "C": "Chất lượng sản phẩm",
    }
    assert s.criterion("1.1").group_title == "Tổ chức sản xuất"


def test_requirements_come_from_starred_options():
    s = load_set("qd148-2023", "7")
    raw = s.criterion("1.1")
    assert raw.title == "Nguồn nguyên liệu"
    assert Requirement(3, 1) in raw.requirements
    capacity = s.criterion("1.3")
    assert capacity.title.startswith("Năng lực sản xuất")
    assert [o.points for o in capacity.options if o.stars == 4] == [2]
    assert Requirement(4, 2) in capacity.requirements and Requirement(5, 3) in capacity.requirements
    assert capacity.required_for(3) == 0 and capacity.required_for(4) == 2 and capacity.required_for(5) == 3
    ip = s.criterion("3.6")  # the whole criterion is starred ****: it must score at all for 4★
    assert ip.title == "Sở hữu trí tuệ" and ip.requirements == (Requirement(4, 1),)


def test_corrected_values_are_in_the_data():
    smell = load_set("qd148-2023", "7").criterion("6.4")
    assert smell.title == "Mùi" and smell.max_points == 4 and [o.points for o in smell.options] == [1, 2, 4]
    link = load_set("qd148-2023", "17").criterion("1.4")
    assert [o.points for o in link.options] == [0, 1, 2, 3]
    rice = load_set("qd148-2023", "3")
    assert [rice.criterion(c).max_points for c in ("7.1", "8.1", "10.1", "12.1")] == [2, 5, 5, 3]


def test_variants_of_set_26_each_pick_one_case():
    a, b = load_set("qd148-2023", "26a"), load_set("qd148-2023", "26B")
    assert a.name.endswith("(cộng đồng dịch vụ du lịch)") and b.name.endswith("(điểm dịch vụ du lịch)")
    assert a.number == b.number == 26 and a.verified and b.verified
    assert a.criterion("8.1").options != b.criterion("8.1").options
    assert a.criterion("8.1").title == "Chất lượng về điều kiện kinh doanh dịch vụ"


def test_1048_has_no_mandatory_requirements():
    s = load_set("qd1048-2019", "01")
    assert s.verified and s.name == "Rau, củ, quả, hạt tươi"
    assert all(not c.requirements and all(o.stars is None for o in c.options) for c in s.criteria)


def test_allows_only_option_points():
    c = load_set("qd148-2023", "7").criterion("1.1")
    assert c.allows(1) and c.allows(3) and c.allows(5)
    assert not c.allows(0) and not c.allows(2) and not c.allows(6)


def test_unknown_codes_are_refused_in_vietnamese():
    with pytest.raises(RulesError, match="26a, 26b"):
        load_set("qd148-2023", "26")
    with pytest.raises(RulesError, match=r"không có tiêu chí '9\.9'"):
        load_set("qd148-2023", "1").criterion("9.9")
    with pytest.raises(RulesError, match="qd1048-2019"):
        load_sets("qd999-2030")


def test_unverified_set_loads_but_cannot_be_used_for_scoring():
    s = load_set("qd148-2023", "18")
    assert s.verified is False and any("tiêu chí 1.2" in p for p in s.problems)
    assert [o.points for o in s.criterion("1.2").options] == [0, 2, 3]  # the "t" cell is left out
    with pytest.raises(RulesError) as exc:
        s.require_verified()
    assert s.source in str(exc.value) and "chưa được kiểm chứng" in str(exc.value)
    for code in ("11", "12", "13"):
        assert not load_set("qd148-2023", code).verified
    load_set("qd148-2023", "7").require_verified()


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / "qd148-2023" / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write_edition(root: Path, rows: list[dict[str, str]], verified: bool = True, problems: str = "") -> Path:
    folder = root / "qd148-2023"
    folder.mkdir(parents=True)
    with (folder / SET7).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (folder / "sets.toml").write_text(
        f'[[set]]\ncode = "7"\nnumber = 7\nname = "Thử"\nvariant = ""\nfile = "{SET7}"\n'
        f"verified = {'true' if verified else 'false'}\ncorrections = []\nproblems = [{problems}]\n",
        encoding="utf-8",
    )
    return root


def _set_points(rows, kind, code, title_start, points):
    row = next(r for r in rows if r["kind"] == kind and r["code"] == code and r["title"].startswith(title_start))
    row["points"] = str(points)


def test_criterion_max_differing_from_best_option_is_refused(tmp_path):
    rows = _read(SET7)
    _set_points(rows, "option", "1.1", "Sử dụng nguyên liệu có nguồn gốc trong tỉnh từ 75%", 4)
    root = _write_edition(tmp_path, rows)
    with pytest.raises(RulesError) as exc:
        load_sets("qd148-2023", root)
    msg = str(exc.value)
    assert f"qd148-2023/{SET7}, tiêu chí 1.1: điểm tối đa 5 khác điểm cao nhất của các lựa chọn (4)" in msg


def test_part_total_off_is_refused(tmp_path):
    rows = _read(SET7)
    _set_points(rows, "criterion", "1.1", "Nguồn nguyên liệu", 6)
    _set_points(rows, "option", "1.1", "Sử dụng nguyên liệu có nguồn gốc trong tỉnh từ 75%", 6)
    with pytest.raises(RulesError) as exc:
        load_sets("qd148-2023", _write_edition(tmp_path, rows))
    msg = str(exc.value)
    assert f"qd148-2023/{SET7}, phần A: tổng điểm tối đa các tiêu chí (41) khác điểm của phần (40)" in msg
    assert f"qd148-2023/{SET7}, nhóm 1:" in msg


def test_unverified_file_must_declare_every_problem(tmp_path):
    rows = _read(SET7)
    _set_points(rows, "option", "1.1", "Sử dụng nguyên liệu có nguồn gốc trong tỉnh từ 75%", 4)
    with pytest.raises(RulesError, match=r"tiêu chí 1\.1"):
        load_sets("qd148-2023", _write_edition(tmp_path / "x", rows, verified=False, problems='"khác"'))
    msg = validate_rows(rows, f"qd148-2023/{SET7}", part_totals()["qd148-2023"])
    assert len(msg) == 1
    s = load_set("qd148-2023", "7", _write_edition(tmp_path / "y", rows, False, f'"{msg[0]}"'))
    assert not s.verified and s.problems == tuple(msg)


def test_validator_finds_nothing_in_verified_shipped_files():
    for edition, s in ALL:
        with (DATA_DIR / s.source).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        found = validate_rows(rows, s.source, part_totals()[edition])
        assert (found == []) == s.verified, s.source


@pytest.mark.skipif(not SOURCE.is_dir(), reason="raw criteria sheets not present")
def test_converter_reproduces_the_shipped_files(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("convert_criteria", REPO / "scripts" / "convert_criteria.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script prepends the repo root
    spec.loader.exec_module(module)
    module.convert(SOURCE, tmp_path)
    shipped = sorted(p.relative_to(DATA_DIR) for p in DATA_DIR.rglob("*") if p.is_file())
    produced = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert produced == shipped
    for rel in shipped:
        assert (tmp_path / rel).read_bytes() == (DATA_DIR / rel).read_bytes(), rel
    shutil.rmtree(tmp_path)
