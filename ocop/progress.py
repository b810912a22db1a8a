"""Progress of long batches, reported to whoever listens (a Prefect flow shows it as an artifact).

``ocop`` never imports Prefect: a flow installs a reporter with ``reporting(callback)`` and the
services call ``report(label, done, total)`` after each batch. Without a reporter it costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Reporter = Callable[[str, int, int], None]
_reporter: ContextVar[Reporter | None] = ContextVar("ocop_progress_reporter", default=None)


@contextmanager
def reporting(callback: Reporter) -> Iterator[None]:
    token = _reporter.set(callback)
    try:
        yield
    finally:
        _reporter.reset(token)


def report(label: str, done: int, total: int | None) -> None:
    """``done`` of ``total`` items of the batch ``label`` (Vietnamese, shown to the clerk)."""
    callback = _reporter.get()
    if callback is not None and total:
        callback(label, done, total)
