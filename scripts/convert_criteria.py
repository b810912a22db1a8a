"""Convert the raw OCOP criteria sheets into ocop/rules/data/criteria/<edition>/ (CSV + sets.toml).

Usage: python scripts/convert_criteria.py [SOURCE_DIR] [--out DIR]
SOURCE_DIR defaults to ../shared/criteria relative to the repo root. Every change to a source value
is listed in FIXES / TEXT_FIXES / VARIANTS below with its reason; nothing else is altered. Sheets
that still fail validation are written with verified = false and the validator's messages as
problems. Output is deterministic: re-running gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from ocop.rules.criteria import COLUMNS, part_totals, validate_rows


@dataclass(frozen=True)
class Fix:
    """One source cell replaced; ``line`` is the physical line where the record starts."""

    edition: str
    number: int
    line: int
    title: str  # the record's title must start with this
    column: str
    old: str
    new: str
    reason: str


FIXES = (
    Fix("qd148-2023", 3, 125, "a)", "score", "", "2", "ô điểm tối đa trống; tiêu chí duy nhất của nhóm 7 (2 điểm), lựa chọn cao nhất 2"),
    Fix("qd148-2023", 3, 130, "a)", "score", "", "5", "ô điểm tối đa trống; tiêu chí duy nhất của nhóm 8 (5 điểm), lựa chọn cao nhất 5"),
    Fix("qd148-2023", 3, 146, "a)", "score", "", "5", "ô điểm tối đa trống; tiêu chí duy nhất của nhóm 10 (5 điểm), lựa chọn cao nhất 5"),
    Fix("qd148-2023", 3, 157, "a ) CƠ HỘI", "score", "", "3", "ô điểm tối đa trống; tiêu chí duy nhất của nhóm 12 (3 điểm), lựa chọn cao nhất 3"),
    Fix("qd148-2023", 7, 122, "□ Tự nhiên của thành phần nguyên liệu, phù hợp", "score", "3", "4",
        "tiêu chí Mùi tối đa 4, nhóm 6 (16) và phần C (35) chỉ cộng đúng với 4; lựa chọn cao nhất phải là 4"),
    Fix("qd148-2023", 17, 20, "□ Có hợp đồng liên kết sản xuất từ 50%", "score", "l", "1",
        "lỗi gõ chữ 'l' thay số 1; các lựa chọn là 0, 1, 2, 3"),
)

# Typos in the text (not in scores), replaced wherever they occur.
TEXT_FIXES = (
    ("KHẢ NĂNC", "KHẢ NĂNG", "lỗi gõ trong tên phần B"),
    ("môi hường", "môi trường", "lỗi gõ"),
    ("thị hường", "thị trường", "lỗi gõ"),
    ("xuất khẩn", "xuất khẩu", "lỗi gõ"),
    ("chấp nhận dược", "chấp nhận được", "lỗi gõ"),
    ("cân trùng", "côn trùng", "lỗi gõ"),
    ("lợi thể", "lợi thế", "lỗi gõ"),
    ("GMP đố;", "GMP đối", "lỗi gõ"),
)

# Sheets holding alternative cases ("Lựa chọn một trong hai trường hợp"): one file per case.
VARIANTS = {
    ("qd148-2023", 26): (("a", 1, "cộng đồng dịch vụ du lịch"), ("b", 2, "điểm dịch vụ du lịch")),
}

# Why a sheet is unverified, beyond the validator's messages.
NOTES = {
    ("qd148-2023", 11): "Phần C chỉ cộng được 32/35 điểm; README cho rằng lẫn phiếu chè tươi và chè chế biến nhưng các dòng không cho thấy hai phiếu thay thế nhau (nhóm 6 chỉ có tiêu chí con của Ngoại hình và Nước pha, cộng đúng 13): thiếu tiêu chí, cần đối chiếu văn bản gốc",
    ("qd148-2023", 12): "Phần C chỉ cộng được 32/35 điểm; các dòng không cho thấy phiếu thay thế (tươi/chế biến) nào: thiếu tiêu chí, cần đối chiếu văn bản gốc",
    ("qd148-2023", 13): "Phần C chỉ cộng được 33/35 điểm; các dòng không cho thấy phiếu thay thế (tươi/chế biến) nào: thiếu tiêu chí, cần đối chiếu văn bản gốc",
    ("qd148-2023", 18): "Ô điểm của lựa chọn \"Chế biến đơn giản\" (tiêu chí 1.2) là \"t\": không phải lỗi gõ rõ ràng và tổng điểm không xác định được nó; thứ tự lựa chọn (0, ?, 2, 3) và cùng tiêu chí ở bộ 11–13, 19, 20 gợi ý 1, cần đối chiếu văn bản gốc",
}

NAMES = {
    "qd1048-2019": {1: "Rau, củ, quả, hạt tươi"},
    "qd148-2023": {
        1: "Rau, củ, quả, hạt tươi", 2: "Thịt, thủy sản, trứng, sữa tươi", 3: "Gạo, ngũ cốc, hạt sơ chế khác",
        4: "Mật ong, mật khác và nông sản thực phẩm khác", 5: "Đồ ăn nhanh", 6: "Chế biến từ gạo, ngũ cốc",
        7: "Chế biến từ rau, củ, quả, hạt", 8: "Chế biến từ thịt, thủy sản, trứng, sữa, các sản phẩm từ mật ong",
        9: "Tương, nước mắm, gia vị dạng lỏng khác", 10: "Gia vị khác (muối, hành, tỏi, tiêu)",
        11: "Chè tươi, chè chế biến", 12: "Sản phẩm trà từ thực vật khác", 13: "Sản phẩm cà phê, ca cao",
        14: "Rượu trắng", 15: "Đồ uống có cồn khác", 16: "Nước khoáng thiên nhiên, nước uống tinh khiết đóng chai",
        17: "Đồ uống không cồn khác", 18: "Thực phẩm chức năng, thuốc dược liệu, thuốc y học cổ truyền",
        19: "Mỹ phẩm có thành phần từ thảo dược", 20: "Tinh dầu và thảo dược khác",
        21: "Thủ công mỹ nghệ gia dụng, trang trí", 22: "Vải, may mặc", 23: "Hoa", 24: "Cây cảnh",
        25: "Động vật cảnh", 26: "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
    },
}
EDITION_HEADERS = {
    "qd1048-2019": "Quyết định 1048/QĐ-TTg (2019), sửa đổi bởi 781/QĐ-TTg (2020). Phiếu không ghi "
    "tiêu chí bắt buộc theo sao (yêu cầu tối thiểu của 781 chưa kiểm chứng): không có yêu cầu nào.",
    "qd148-2023": "Quyết định 148/QĐ-TTg (2023). Tiêu chí/lựa chọn có dấu *** / **** / ***** là bắt buộc cho 3/4/5 sao.",
}
ACRONYMS = ("ATTP", "OCOP", "HTX")


def clean(text: str) -> str:
    return re.sub(r"[ \t]+", " ", unicodedata.normalize("NFC", text)).strip()


def sentence(text: str) -> str:
    """Sentence case for an all-capitals title, keeping acronyms; other titles unchanged."""
    if text != text.upper() or not any(ch.isalpha() for ch in text):
        return text
    low = text.lower()
    for acr in ACRONYMS:
        low = re.sub(rf"\b{acr.lower()}\b", acr, low)
    return low[:1].upper() + low[1:]


def split_title(title: str, description: str) -> tuple[str, str]:
    """First line of the title, and the rest plus the description as a note."""
    lines = [clean(x) for x in title.split("\n") if clean(x)] or [""]
    extra = list(lines[1:]) + ([clean(description)] if clean(description) else [])
    notes = []
    for x in extra:
        x = x.rstrip(" :")
        if x.startswith("(") and x.endswith(")") and x.count("(") == 1:
            x = x[1:-1].strip()
        notes.append(x)
    return lines[0], " ".join(notes)


@dataclass
class Crit:
    title: str
    points: str
    stars: str
    note: str
    options: list = field(default_factory=list)  # [label, points, stars]
    subs: list = field(default_factory=list)  # sub-criteria ("- …" rows under a heading)


@dataclass
class Group:
    number: int
    title: str
    points: str
    note: str
    crits: list = field(default_factory=list)


def parse(records: list[tuple[int, dict]], problems: list[str]) -> list[tuple]:
    """Raw records -> [(letter, title, points, [Group])] in sheet order."""
    parts: list[tuple] = []
    for line, r in records:
        level, stars, points = r["level"].strip(), r["stars"].strip(), r["score"].strip()
        title, note = split_title(r["title"], r["description"])
        if level == "0":
            m = re.match(r"Phần\s+([A-Z])\s*[:.]?\s*(.*?)\s*(\((\d+)\s*điểm\))?$", " ".join(r["title"].split()), re.I)
            if not m:
                raise SystemExit(f"line {line}: cannot read part title {r['title']!r}")
            if m.group(4) and m.group(4) != points:
                problems.append(f"dòng {line}: tên phần ghi {m.group(4)} điểm nhưng ô điểm là {points}")
            parts.append((m.group(1).upper(), sentence(clean(m.group(2))), points, []))
        elif level == "1":
            m = re.match(r"(\d+)\.\s*(.*)$", title)
            if not m:
                raise SystemExit(f"line {line}: cannot read group title {title!r}")
            parts[-1][3].append(Group(int(m.group(1)), sentence(m.group(2)), points, note))
        elif level == "2":
            group = parts[-1][3][-1]
            sub = title.startswith("-")
            text = re.sub(r"^(\w\s?[).]|-)\s*", "", title).rstrip("* ").strip()
            crit = Crit(sentence(text), points, stars, note) if text else Crit(group.title, points, stars, note or group.note)
            (group.crits[-1].subs if sub else group.crits).append(crit)
        elif level == "3":
            group = parts[-1][3][-1]
            if not group.crits:  # a group followed directly by options is its own criterion
                group.crits.append(Crit(group.title, group.points, "", group.note))
            crit = group.crits[-1].subs[-1] if group.crits[-1].subs else group.crits[-1]
            label = re.sub(r"\*+$", "", title.lstrip("□ ").strip()).strip()
            crit.options.append([label, points, stars])
            if note:
                crit.note = " ".join(x for x in (crit.note, note) if x)
        else:
            raise SystemExit(f"line {line}: unknown level {level!r}")
    return parts


def variant(parts: list[tuple], case: int, name: str) -> list[tuple]:
    """Keep only case ``case`` in groups whose criteria are "Trường hợp N: …" alternatives."""
    out = []
    for letter, title, points, groups in parts:
        new_groups = []
        for g in groups:
            cases = [c for c in g.crits if re.match(r"Trường hợp \d+:", c.title)]
            if cases:
                keep = [c for c in cases if c.title.startswith(f"Trường hợp {case}:")]
                if len(keep) != 1 or name.casefold() not in keep[0].title.casefold():
                    raise SystemExit(f"group {g.number}: no single case {case} ({name})")
                g = Group(g.number, g.title, g.points, "", [Crit(g.title, keep[0].points, keep[0].stars, keep[0].note, keep[0].options)])
            new_groups.append(g)
        out.append((letter, title, points, new_groups))
    return out


def emit(parts: list[tuple], problems: list[str]) -> list[dict[str, str]]:
    rows = []
    for letter, title, points, groups in parts:
        rows.append({"kind": "part", "code": letter, "part": letter, "title": title, "points": points, "stars": "", "note": ""})
        for g in groups:
            rows.append({"kind": "group", "code": str(g.number), "part": letter, "title": g.title, "points": g.points, "stars": "", "note": g.note})
            flat = []
            for c in g.crits:
                if c.subs:
                    total = sum(int(s.points) for s in c.subs if s.points.isdigit())
                    if c.points != str(total):
                        problems.append(f"nhóm {g.number}, \"{c.title}\": {c.points} điểm nhưng các tiêu chí con cộng {total}")
                    flat += [Crit(f"{c.title} - {s.title}", s.points, s.stars, " ".join(x for x in (c.note, s.note) if x), s.options) for s in c.subs]
                else:
                    flat.append(c)
            for i, c in enumerate(flat, start=1):
                code = f"{g.number}.{i}"
                rows.append({"kind": "criterion", "code": code, "part": letter, "title": c.title, "points": c.points, "stars": c.stars, "note": c.note})
                rows += [{"kind": "option", "code": code, "part": letter, "title": o[0], "points": o[1], "stars": o[2], "note": ""} for o in c.options]
    return rows


def read_source(path: Path) -> list[tuple[int, dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        out, start = [], 2
        for rec in reader:
            out.append((start, {k: unicodedata.normalize("NFC", v or "") for k, v in rec.items()}))
            start = reader.line_num + 1
    return out


def apply_fixes(edition: str, number: int, records: list[tuple[int, dict]], used: set) -> list[str]:
    done = []
    by_line = dict(records)
    for fix in FIXES:
        if (fix.edition, fix.number) != (edition, number):
            continue
        rec = by_line.get(fix.line)
        if rec is None or not rec["title"].startswith(fix.title) or rec[fix.column].strip() != fix.old:
            raise SystemExit(f"{edition}/{number:02d}: fix at line {fix.line} does not match the source")
        rec[fix.column] = fix.new
        used.add(fix)
        label = clean(rec["title"].split("\n")[0]).lstrip("□ ").rstrip("*") or "(trống)"
        done.append(f"tệp nguồn dòng {fix.line} (\"{label}\"), cột {fix.column}: \"{fix.old}\" → \"{fix.new}\": {fix.reason}")
    for old, new, reason in TEXT_FIXES:
        lines = [ln for ln, r in records if old in r["title"] or old in r["description"]]
        for _, r in records:
            r["title"], r["description"] = r["title"].replace(old, new), r["description"].replace(old, new)
        if lines:
            done.append(f"tệp nguồn dòng {', '.join(map(str, lines))}: \"{old}\" → \"{new}\": {reason}")
    return done


def toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(unicodedata.normalize("NFC", buf.getvalue()), encoding="utf-8", newline="\n")


def convert_edition(src: Path, out: Path, edition: str, used: set) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.csv"):
        old.unlink()
    lines = [f"# Generated by scripts/convert_criteria.py from shared/criteria/{edition}; do not edit by hand.",
             f"# {EDITION_HEADERS[edition]}", f"edition_dir = {toml_str(edition)}", ""]
    report = []
    for path in sorted(src.glob("*.csv")):
        number = int(path.name[:2])
        records = read_source(path)
        corrections = apply_fixes(edition, number, records, used)
        structure: list[str] = []
        parts = parse(records, structure)
        cases = VARIANTS.get((edition, number), (("", 0, ""),))
        for letter, case, variant_name in cases:
            the_parts = variant(parts, case, variant_name) if case else parts
            fixes = corrections + ([f"tách theo \"Lựa chọn một trong hai trường hợp\": chỉ giữ trường hợp {case} ({variant_name})"] if case else [])
            name = path.name[:2] + letter + path.name[2:]
            source = f"{edition}/{name}"
            found = list(structure)
            rows = emit(the_parts, found)
            problems = [f"{source}: {p}" for p in found] + validate_rows(rows, source, part_totals()[edition])
            if problems and (edition, number) in NOTES:
                problems.insert(0, NOTES[(edition, number)])
            write_csv(out / name, rows)
            lines += ["[[set]]", f"code = {toml_str(f'{number}{letter}')}", f"number = {number}",
                      f"name = {toml_str(NAMES[edition][number])}", f"variant = {toml_str(variant_name)}",
                      f"file = {toml_str(name)}", f"verified = {'false' if problems else 'true'}",
                      "corrections = [" + "".join(f"\n  {toml_str(c)}," for c in fixes) + ("\n]" if fixes else "]"),
                      "problems = [" + "".join(f"\n  {toml_str(p)}," for p in problems) + ("\n]" if problems else "]"), ""]
            report.append(f"{source}: {'CHƯA KIỂM CHỨNG' if problems else 'ok'}, {len(fixes)} sửa, {len(problems)} vấn đề")
    (out / "sets.toml").write_text("\n".join(lines), encoding="utf-8", newline="\n")
    return report


def convert(src: Path, out: Path) -> list[str]:
    used: set = set()
    report = []
    for edition in NAMES:
        report += convert_edition(src / edition, out / edition, edition, used)
    unused = [f for f in FIXES if f not in used]
    if unused:
        raise SystemExit(f"fixes not applied: {unused}")
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", default=str(REPO.parent / "shared" / "criteria"))
    ap.add_argument("--out", default=str(REPO / "ocop" / "rules" / "data" / "criteria"))
    args = ap.parse_args()
    for line in convert(Path(args.source), Path(args.out)):
        print(line)


if __name__ == "__main__":
    main()
