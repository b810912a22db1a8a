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
    """The same problem on consecutive rows said once: "x.csv, dòng 12–40, cột 'Mã sản phẩm': …" rather than
    29 identical lines (a product of an unverified criteria sheet scored on every criterion, a column left empty
    all the way down)."""
    out: list[str] = []
    run: tuple[str, int, int] | None = None  # the problem with its row as {}, first and last row

    def flush() -> None:
        if run is not None:
            shape, first, last = run
            out.append(shape.replace("\0", f"{first}–{last}" if last > first else str(first), 1))

    for problem in problems:
        m = _ROW.search(problem)
        if m is None:
            flush()
            run = None
            out.append(problem)
            continue
        shape, row = problem[:m.start(1)] + "\0" + problem[m.end(1):], int(m.group(1))
        if run is not None and run[0] == shape and row == run[2] + 1:
            run = (shape, run[1], row)
            continue
        flush()
        run = (shape, row, row)
    flush()
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
