"""Fault injection for the crash-safety test: the process kills itself (SIGKILL) at a named point.

``OCOP_FAULT=<point>:<k>`` (read once, here, at import) makes the k-th arrival at ``<point>`` end
the process at once, as a power cut would: no clean-up, no ``finally``, no rollback. Off by
default; when off, ``reach`` is one comparison. The points:

* ``write`` — a file was written (a document, a PDF, a workbook), before anything else happens;
* ``commit`` — a unit of work is about to commit (``unit_of_work``, every stage);
* ``committed`` — the rows are committed, no file is in place yet;
* ``place`` — one more committed file was moved into its place.
"""

from __future__ import annotations

import os
import signal

_POINT, _, _COUNT = os.environ.get("OCOP_FAULT", "").partition(":")
_AT = int(_COUNT or "1") if _POINT else 0
_seen = 0


def reach(point: str) -> None:
    """Mark an arrival at ``point``; the configured arrival kills the process."""
    global _seen
    if point != _POINT:
        return
    _seen += 1
    if _seen == _AT:
        os.kill(os.getpid(), signal.SIGKILL)
