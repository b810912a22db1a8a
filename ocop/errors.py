"""One exception tree for everything a user can see.

Messages are Vietnamese sentences meant for the clerk; they name the file, the row and the
column where the problem is. Tracebacks are for ``--debug``.
"""

from __future__ import annotations


class OcopError(Exception):
    """Root of every error the project raises on purpose."""


class InputError(OcopError):
    """A file or a value supplied by a user is wrong.

    ``problems`` lists every problem found, so one run reports all of them at once.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(message + detail)


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
