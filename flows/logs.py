"""Where a CLI command's logging goes: Prefect's records, and any library's warnings, into a log
file beside the documents (``<out>/ocop.log``), so the terminal shows only the command's own
Vietnamese lines. ``ocop --debug`` leaves Prefect's console logging as it is.

Prefect configures logging when it is imported, from the file PREFECT_LOGGING_SETTINGS_PATH
names; ``quiet()`` points it at ``flows/logging.yml`` (no console handler) before that import.
The file's path is known once the command has read its options: records logged before
``log_to()`` are kept and written then.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import ClassVar

from ocop.settings import LOG_NAME as LOG_NAME  # re-exported: flows name the log file through here

SETTINGS = Path(__file__).with_name("logging.yml")
ENV = "OCOP_LOG_FILE"  # the log file of the command a process was started by (its servers, workers)
_PLAIN = logging.Formatter("%(asctime)s | %(levelname)-7s | %(name)s - %(message)s")
_KEPT = 10_000  # records kept before the log file is known


class LogFile(logging.Handler):
    """Appends each record to the CLI's log file; every instance writes to the same file (Prefect's
    dictConfig builds its own instance from logging.yml)."""

    path: ClassVar[Path | None] = None
    pending: ClassVar[list[str]] = []

    def format(self, record: logging.LogRecord) -> str:
        return (self.formatter or _PLAIN).format(record)

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        path = LogFile.path or (Path(os.environ[ENV]) if os.environ.get(ENV) else None)
        if path is None:
            if len(LogFile.pending) < _KEPT:
                LogFile.pending.append(text)
            return
        _append(path, [text])


def _append(path: Path, lines: list[str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as log:
            log.write("".join(f"{line}\n" for line in lines))
    except OSError:  # a log that cannot be written never stops the command
        pass


def quiet() -> None:
    """Log to the file, not the terminal; to call before Prefect is imported."""
    os.environ["PREFECT_LOGGING_SETTINGS_PATH"] = str(SETTINGS)
    root = logging.getLogger()
    if not any(isinstance(handler, LogFile) for handler in root.handlers):
        root.addHandler(LogFile())  # no formatter of its own: Prefect's setup replaces it by logging.yml's
    logging.captureWarnings(True)


def log_to(path: Path) -> Path:
    """From now on the log file is ``path``; what was logged before is written there first."""
    LogFile.path = path
    os.environ[ENV] = str(path)
    if LogFile.pending:
        _append(path, LogFile.pending)
        LogFile.pending.clear()
    return path


def log_file() -> Path | None:
    return LogFile.path
