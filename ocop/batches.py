"""Batches of many rows (an import of registrations, the verification of every registration):
the cycle collector is kept off the objects that were alive before the batch began.

CPython's cycle collector runs after every so many new objects; its full passes walk every
object alive, including the hundred thousand that were there before the batch (modules, the
ORM's mappings, Prefect's), again and again while the batch makes its own: 10–15 % of an import
of 10,000 registrations. ``gc.freeze()`` sets the objects alive now aside from every pass and
``gc.unfreeze()`` gives them back; the batch's own objects are collected as usual. Nested or
concurrent batches freeze once, for as long as one runs.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0  # batches running in this process


@contextmanager
def many_rows() -> Iterator[None]:
    """Run a batch with the objects alive before it set aside from the cycle collector."""
    global _running
    with _lock:
        if _running == 0:
            gc.freeze()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                gc.unfreeze()
