"""Crash-safe placement of the files a unit of work writes.

A stage writes its files into a staging folder of its own inside the campaign's documents folder,
``<out>/<campaign>/.dang-ghi/<token>/`` (same file system: a move is a rename); just before the
register rows naming them are committed, the staged files and their folder entries are made durable
(:meth:`Staging.sync`: one ``syncfs`` of the file system for the whole unit of work, or an fsync of
each file where ``syncfs`` is missing — the renderer writes a batch without fsyncing each file);
only after the commit is each file moved into its place (``os.replace``). A process killed at
any instant leaves either its staging folder (the files of rows that were, or were not,
committed) or files in place whose rows are committed — never a file in place that the register
does not know.

Each staging folder is owned through a lock file beside it, ``<token>.khoa``, held (``flock``)
while its process lives: the kernel releases it when the process dies, however it dies. The next
stage on the campaign (``Register`` at its start) takes the lock of every folder left behind and
settles it: a file whose row is committed goes to its place, any other file is removed, then the
folder and its lock file.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import io
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ocop import faults

STAGING = ".dang-ghi"  # the staging folder's name, inside each campaign's documents folder
LOCK = ".khoa"         # suffix of the lock file beside each staging folder


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in ``path`` durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """libc's syncfs(2) (Linux), if there is one."""
    try:
        func = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    func.argtypes, func.restype = [ctypes.c_int], ctypes.c_int
    return func


def _sync_file_system(folder: Path) -> bool:
    """One syncfs(2) of the file system holding ``folder``: False where the system has none; OSError
    when the data could not be written."""
    func = _syncfs()
    if func is None:
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        if func(fd) == 0:
            return True
        code = ctypes.get_errno()
    finally:
        os.close(fd)
    if code in (errno.ENOSYS, errno.EPERM):           # no syncfs in this kernel or sandbox
        return False
    raise OSError(code, f"syncfs: {os.strerror(code)}", str(folder))


def sync_all(folder: Path, files: Iterable[Path]) -> None:
    """Make ``files`` (written without fsync) and their folder entries durable, all at once: one
    syncfs(2) of the file system holding ``folder`` (the data and metadata of every file on it),
    or, where the system has none, an fsync of each file and of each folder holding one. Raises
    OSError when the data could not be written (the commit must not happen)."""
    if _sync_file_system(folder):
        return
    folders = set()
    for path in files:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        folders.add(path.parent)
    for parent in folders:
        fsync_dir(parent)


def save_workbook(workbook: Any, path: Path) -> Path:
    """Write an openpyxl workbook atomically (a temporary file beside it, fsynced, renamed)."""
    buf = io.BytesIO()
    workbook.save(buf)
    write_atomic(path, buf.getvalue())
    return path


def place(staged: Path, final: Path) -> None:
    """Move a staged file to its final path (atomic rename, durable)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, final)
    fsync_dir(final.parent)
    faults.reach("place")


class Staging:
    """The staging folder of one unit of work under ``root`` (a campaign's documents folder).

    ``path(final)`` gives where to write a file meant for ``final``; ``publish()`` (after the
    commit) moves every such file into place; ``discard()`` (after a rollback) removes them.
    The folder and its lock are made on first use: a stage that writes nothing leaves no trace.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dir: Path | None = None
        self._lock: int | None = None
        self.pending: dict[Path, Path] = {}  # final path -> staged path, in writing order

    def path(self, final: Path) -> Path:
        if self.dir is None:
            self._open()
        assert self.dir is not None
        staged = self.dir / final.relative_to(self.root)
        self.pending[final] = staged
        return staged

    def drop(self, final: Path) -> None:
        """Forget a staged file (its final copy is kept as it is) and remove it."""
        staged = self.pending.pop(final, None)
        if staged is not None:
            staged.unlink(missing_ok=True)

    def _open(self) -> None:
        base = self.root / STAGING
        for attempt in range(3):  # another process may remove the empty folder meanwhile
            base.mkdir(parents=True, exist_ok=True)
            token = secrets.token_hex(8)
            # the lock is taken under a temporary name, then renamed: no one ever sees it unlocked
            tmp = base / f".{token}{LOCK}.tmp"
            fd = -1
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)
                os.replace(tmp, base / f"{token}{LOCK}")
                (base / token).mkdir()
            except FileNotFoundError:
                if fd >= 0:
                    os.close(fd)
                if attempt == 2:
                    raise
                continue
            self._lock, self.dir = fd, base / token
            return

    def sync(self) -> None:
        """Before the commit: every staged file, and its folder entry, durable (``sync_all``)."""
        if self.dir is not None:
            sync_all(self.dir, self.pending.values())

    def publish(self) -> None:
        """After the commit: every staged file to its place, the moves made durable at once (one
        syncfs, or an fsync of each folder receiving a file, and of the folders above it up to the
        campaign's), then the staging folder removed — only then: a move lost in a power cut leaves
        its file staged, for the next stage to settle."""
        folders: set[Path] = set()
        for final, staged in self.pending.items():
            if staged.exists():
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, final)
                faults.reach("place")
                folders.add(final.parent)
        if folders and not _sync_file_system(self.root):
            for folder in {p for f in folders for p in (f, *f.parents) if p == self.root or self.root in p.parents}:
                fsync_dir(folder)
        self.pending.clear()
        self.close()

    def discard(self) -> None:
        """After a rollback: the staged files are removed, nothing is placed."""
        self.pending.clear()
        self.close()

    def close(self) -> None:
        if self.dir is None:
            return
        shutil.rmtree(self.dir, ignore_errors=True)
        lock = self.dir.with_name(self.dir.name + LOCK)
        lock.unlink(missing_ok=True)
        if self._lock is not None:
            os.close(self._lock)
        with contextlib.suppress(OSError):
            self.dir.parent.rmdir()  # only when empty: no other stage is writing
        self.dir, self._lock = None, None


def leftovers(root: Path, settle: Callable[[Path, Path], None]) -> int:
    """Settle the staging folders under ``root`` whose process is gone; returns how many.

    ``settle(staged, final)`` is called for every file such a folder holds (its lock held
    meanwhile); what it leaves there is removed afterwards with the folder and its lock file.
    A folder whose lock a living process holds is left alone.
    """
    base = root / STAGING
    if not base.is_dir():
        return 0
    settled = 0
    for entry in sorted(base.iterdir()):
        if entry.name.endswith(LOCK) and not entry.name.startswith("."):
            folder = entry.with_name(entry.name.removesuffix(LOCK))
        elif entry.is_dir() and not entry.with_name(entry.name + LOCK).exists():
            folder = entry  # its lock file already removed: the folder was being deleted
        elif entry.name.startswith(".") and entry.name.endswith(f"{LOCK}.tmp"):
            entry.unlink(missing_ok=True)  # a lock never taken: its process died before renaming it
            continue
        else:
            continue
        with _dead(entry if entry.name.endswith(LOCK) else None) as dead:
            if not dead:
                continue
            if folder.is_dir():
                for staged in sorted(_files(folder)):
                    settle(staged, root / staged.relative_to(folder))
                shutil.rmtree(folder, ignore_errors=True)
            if entry.name.endswith(LOCK):
                entry.unlink(missing_ok=True)
            settled += 1
    with contextlib.suppress(OSError):
        base.rmdir()  # only when empty
    return settled


@contextlib.contextmanager
def _dead(lock: Path | None) -> Iterator[bool]:
    """True, with the lock held, when no living process holds ``lock``."""
    if lock is None:
        yield True
        return
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        yield False  # settled meanwhile by another process
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield lock.exists()
    finally:
        os.close(fd)


def _files(folder: Path) -> Iterator[Path]:
    for dirpath, _, names in os.walk(folder):
        for name in names:
            yield Path(dirpath) / name


def write_atomic(out: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``out`` whole or not at all: a temporary file beside it, fsynced, then renamed.

    ``durable=False`` skips the fsync: for a file in a staging folder, made durable with the rest of
    its unit of work's files by :meth:`Staging.sync` before the commit."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)   # honours the umask
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, out)
        faults.reach("write")
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
