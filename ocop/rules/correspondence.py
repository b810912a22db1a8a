"""How one edition's criteria sheets correspond to another's, loaded and checked from TOML data.

Data: ``data/correspondence/<from_dir>_<to_dir>.toml`` (one file per pair of criteria directories, one
direction) says, for each criterion of the target sheet, which criterion of the source sheet decides it and
how an option chosen there reads here: ``same`` (options of the same text, checked here against the CSVs),
``approx`` (an explicit map of points, with the reason in ``note``) or ``none``. The re-ranking of a
campaign's sheets under another edition (ocop/services/results/replay.py) reads it. Standard library only.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ocop.errors import RulesError
from ocop.rules.criteria import CriteriaSet, Criterion, load_sets

DATA_DIR = Path(__file__).parent / "data" / "correspondence"
SAME, APPROX, NONE = "same", "approx", "none"
MATCH_LABEL = {SAME: "giống", APPROX: "gần đúng", NONE: "không tương ứng"}


@dataclass(frozen=True)
class CriterionMatch:
    """One criterion of the target sheet and what decides it on a source sheet."""

    criterion: Criterion  # of the target sheet
    source: Criterion | None  # of the source sheet; None when no source criterion records it
    match: str  # SAME | APPROX | NONE
    options: dict[int, int]  # source option points -> target option points; a source option left out has none
    note: str

    def translate(self, chosen: dict[str, int]) -> int | None:
        """The target points a source sheet's chosen options give, or None when they give none."""
        if self.source is None or self.source.code not in chosen:
            return None
        return self.options.get(chosen[self.source.code])


@dataclass(frozen=True)
class SetMatch:
    """The target sheet criterion by criterion, and the source criteria it no longer reads."""

    source: CriteriaSet
    target: CriteriaSet
    criteria: tuple[CriterionMatch, ...]
    dropped: tuple[Criterion, ...]


@dataclass(frozen=True)
class Correspondence:
    """Every set of ``from_dir`` that has a counterpart in ``to_dir``, keyed by the source set's code."""

    from_dir: str
    to_dir: str
    sets: dict[str, SetMatch]
    source: str


def same_text(a: str, b: str) -> bool:
    """Two option texts say the same: compared ignoring spaces, case and a final full stop."""
    def norm(s: str) -> str:
        return "".join(unicodedata.normalize("NFC", s).casefold().split()).rstrip(".")
    return norm(a) == norm(b)


def _points(value: str, where: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise RulesError(f"{where}: điểm \"{value}\" không phải số nguyên.") from None


def _criterion(raw: dict[str, Any], source: CriteriaSet, target: CriteriaSet, where: str) -> CriterionMatch:
    to = target.criterion(str(raw["to"]))
    where = f"{where}, tiêu chí {to.code}"
    code, match, note = str(raw.get("from", "")), str(raw["match"]), str(raw.get("note", ""))
    if match not in MATCH_LABEL:
        raise RulesError(f"{where}: match \"{match}\" phải là {', '.join(MATCH_LABEL)}.")
    if not note.strip():
        raise RulesError(f"{where}: thiếu note (lý do tương ứng hay không).")
    if match == NONE:
        if code or raw.get("options"):
            raise RulesError(f"{where}: tiêu chí không tương ứng (none) không ghi from, options.")
        return CriterionMatch(to, None, NONE, {}, note)
    if not code:
        raise RulesError(f"{where}: thiếu from (tiêu chí của bộ cũ).")
    src = source.criterion(code)
    if match == SAME:
        if raw.get("options"):
            raise RulesError(f"{where}: lựa chọn giống nhau (same) được ghép theo nội dung, không ghi options.")
        options = {}
        for o in src.options:
            found = [t.points for t in to.options if same_text(o.label, t.label)]
            if not found:
                raise RulesError(f"{where}: lựa chọn \"{o.label}\" của tiêu chí {src.code} không có lựa chọn cùng "
                                 "nội dung ở bộ mới; dùng match = \"approx\" với options.")
            options[o.points] = found[0]
        return CriterionMatch(to, src, SAME, options, note)
    options = {_points(k, where): int(v) for k, v in dict(raw.get("options", {})).items()}
    if not options:
        raise RulesError(f"{where}: thiếu options (điểm lựa chọn cũ = điểm lựa chọn mới).")
    for old, new in options.items():
        if not src.allows(old):
            raise RulesError(f"{where}: tiêu chí {src.code} của bộ cũ không có lựa chọn {old} điểm.")
        if not to.allows(new):
            raise RulesError(f"{where}: tiêu chí {to.code} của bộ mới không có lựa chọn {new} điểm.")
    return CriterionMatch(to, src, APPROX, options, note)


def _set(raw: dict[str, Any], from_dir: str, to_dir: str, name: str) -> SetMatch:
    sources, targets = load_sets(from_dir), load_sets(to_dir)
    code_from, code_to = str(raw["from"]), str(raw["to"])
    if code_from not in sources or code_to not in targets:
        raise RulesError(f"Tệp {name}: bộ {code_from} → {code_to} không có trong {from_dir} hoặc {to_dir}.")
    source, target = sources[code_from], targets[code_to]
    where = f"Tệp {name}, bộ {code_from} → {code_to}"
    criteria = tuple(_criterion(c, source, target, where) for c in raw.get("criterion", []))
    listed = [m.criterion.code for m in criteria]
    expected = [c.code for c in target.criteria]
    if listed != expected:
        missing = [c for c in expected if c not in listed]
        raise RulesError(f"{where}: phải ghi mỗi tiêu chí của bộ mới đúng một lần, theo thứ tự phiếu"
                         + (f" (thiếu {', '.join(missing)})" if missing else "") + ".")
    read = {m.source.code for m in criteria if m.source is not None}
    return SetMatch(source, target, criteria, tuple(c for c in source.criteria if c.code not in read))


@cache
def _load(from_dir: str, to_dir: str, root: Path) -> Correspondence | None:
    path = root / f"{from_dir}_{to_dir}.toml"
    if not path.exists():
        return None
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        if (raw["from_dir"], raw["to_dir"]) != (from_dir, to_dir):
            raise RulesError(f"Tệp {path.name}: from_dir, to_dir phải là {from_dir}, {to_dir}.")
        sets: dict[str, SetMatch] = {}
        for entry in raw["set"]:
            found = _set(entry, from_dir, to_dir, path.name)
            if found.source.code in sets:
                raise RulesError(f"Tệp {path.name}: bộ {found.source.code} ghi hai lần.")
            sets[found.source.code] = found
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"Tệp đối chiếu bộ tiêu chí {path.name} không hợp lệ: {exc!r}") from exc
    return Correspondence(from_dir, to_dir, sets, path.name)


def correspondence(from_dir: str, to_dir: str, root: Path | None = None) -> Correspondence | None:
    """How sheets of ``from_dir`` read under ``to_dir``, or None where no data says it yet."""
    return _load(from_dir, to_dir, Path(root) if root is not None else DATA_DIR)
