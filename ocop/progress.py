"""Progress of long batches, reported to whoever listens (a Prefect flow shows it as an artifact,
the CLI as a progress bar in the terminal).

``ocop`` never imports Prefect: a listener subscribes with ``reporting(callback)`` for the duration
(listeners nest: an inner one adds to the outer ones) and the services call
``report(label, done, total)`` after each batch. Without a listener it costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Reporter = Callable[[str, int, int], None]
_reporters: ContextVar[tuple[Reporter, ...]] = ContextVar("ocop_progress_reporters", default=())


@contextmanager
def reporting(callback: Reporter) -> Iterator[None]:
    token = _reporters.set((*_reporters.get(), callback))
    try:
        yield
    finally:
        _reporters.reset(token)


def report(label: str, done: int, total: int | None) -> None:
    """``done`` of ``total`` items of the batch ``label`` (Vietnamese, shown to the clerk)."""
    if total:
        for callback in _reporters.get():
            callback(label, done, total)
