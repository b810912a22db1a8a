"""One exception tree for everything a user can see.

Messages are Vietnamese sentences meant for the clerk; they name the file, the row and the
column where the problem is. Tracebacks are for ``--debug``.
"""

from __future__ import annotations

import re


class OcopError(Exception):
    """Root of every error the project raises on purpose."""


class InputError(OcopError):
    """A file or a value supplied by a user is wrong.

    ``problems`` lists every problem found, so one run reports all of them at once.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = same_on_rows(list(problems or []))
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(message + detail)


_ROW = re.compile(r", dòng (\d+)(?=[,:])")


def same_on_rows(problems: list[str]) -> list[str]:
    """The same problem on several rows said once, where it first appears, naming the rows:
    "x.csv, dòng 12–40, 45, cột 'Mã sản phẩm': …" rather than one identical line per row (a product of an
    unverified criteria sheet scored on every criterion, an unknown code on every row of a file)."""
    order: list[str] = []                   # each problem's shape (its row as NUL), or the problem itself
    rows: dict[str, list[int]] = {}
    for problem in problems:
        m = _ROW.search(problem)
        shape = problem if m is None else problem[:m.start(1)] + "\0" + problem[m.end(1):]
        if shape not in rows:
            order.append(shape)
            rows[shape] = []
        if m is not None:
            rows[shape].append(int(m.group(1)))
    out = []
    for shape in order:
        numbers = sorted(set(rows[shape]))
        spans: list[list[int]] = []
        for n in numbers:
            if spans and n == spans[-1][1] + 1:
                spans[-1][1] = n
            else:
                spans.append([n, n])
        said = ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in spans)
        out.append(shape.replace("\0", said, 1) if numbers else shape)
    return out


class RulesError(OcopError):
    """Legal rule data (an edition or a criteria sheet) is missing or broken."""


class ScoringError(OcopError):
    """Score sheets are incomplete, inconsistent or not allowed."""


class CorrectionError(OcopError):
    """A corrected registration that may not be stored as it is: its code changed, or documents
    about the product are issued and the correction gives no reason (or results need a reopening)."""


class DocumentError(OcopError):
    """A template or a document in the register cannot be produced."""


class NotFoundError(OcopError):
    """A campaign, product or document asked for does not exist."""
