"""Backups of the office's database: made by the program every day, on demand to a USB
stick or another folder, and restored from, without anyone copying ``-wal`` files by hand.

A backup is one self-contained SQLite file, ``desk-YYYYMMDD-HHMMSS.sqlite3`` (the
database's own name, then when), written with
``VACUUM INTO`` from a read snapshot: consistent with the work of the moment (what sits in
the WAL included), compact, and taken while the desk goes on saving. It is written under a
``.part`` name, checked with ``quick_check``, flushed to the disk and only then given its
real name, so a backup that exists is a whole one.

- ``auto``: once a day (the window asks at start and every hour) into ``backups/`` beside
  the database, keeping the newest ``KEEP_AUTO``; and into the setting ``backup.folder``
  (a USB stick, another disk, a shared folder) when one is set and reachable.
- ``make``: now, into a chosen folder (文件 → 立即备份…, ``desk backup --to``).
- ``restore``: a backup becomes the database again; the current file (with its WAL) is
  kept aside first, so a wrong choice can be undone the same way.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from desk.models import migrate
from desk.models.db import integrity_problems
from desk.models.errors import StorageError

__all__ = [
    "AUTO_EVERY",
    "FOLDER_NAME",
    "KEEP_AUTO",
    "Backup",
    "auto",
    "auto_folder",
    "backups",
    "due",
    "latest",
    "make",
    "prune",
    "restore",
]

FOLDER_NAME = "backups"  # beside the database
KEEP_AUTO = 7  # a week of daily backups: a 5-year office's file is 100–400 MB, 7 are ≤ 3 GB
AUTO_EVERY = timedelta(hours=24)
_NAME = re.compile(r"(.+)-(\d{8})-(\d{6})\.sqlite3")
_SIDE_FILES = ("-wal", "-shm")


@dataclass(frozen=True)
class Backup:
    path: Path
    made_at: datetime  # from the name: when it was taken
    size: int  # bytes


def auto_folder(db_path: Path) -> Path:
    return db_path.parent / FOLDER_NAME


def backups(folder: Path, stem: str | None = None) -> list[Backup]:
    """The backups in ``folder`` (of the database named ``stem``: ``desk``), newest first;
    other files are not ours and stay out."""
    found = []
    if folder.is_dir():
        for path in folder.iterdir():
            m = _NAME.fullmatch(path.name)
            if m and (stem is None or m.group(1) == stem) and path.is_file():
                with contextlib.suppress(ValueError):  # a look-alike name with no real date
                    made_at = datetime.strptime(m.group(2) + m.group(3), "%Y%m%d%H%M%S")
                    found.append(Backup(path, made_at, path.stat().st_size))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def latest(db_path: Path) -> Backup | None:
    """The newest daily backup of ``db_path`` (in ``backups/`` beside it), if any."""
    found = backups(auto_folder(db_path), db_path.stem)
    return found[0] if found else None


def due(folder: Path, stem: str, now: datetime) -> bool:
    """No backup of ``stem`` in ``folder`` yet, or the newest is a day old."""
    found = backups(folder, stem)
    return not found or now - found[0].made_at >= AUTO_EVERY


def make(db_path: Path, folder: Path, now: datetime) -> Backup:
    """A backup of ``db_path`` in ``folder`` (made if missing), named for ``now``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(folder, exc) from exc
    target = folder / f"{db_path.stem}-{now:%Y%m%d-%H%M%S}.sqlite3"
    if target.exists():  # two within a second: the later one waits its turn by a second
        return make(db_path, folder, now + timedelta(seconds=1))
    part = target.with_name(target.name + ".part")
    _room_for(db_path, folder)
    try:
        part.unlink(missing_ok=True)  # left by a crash
        source = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True)
        try:
            source.execute("VACUUM INTO ?", (str(part),))
        finally:
            source.close()
        # VACUUM INTO writes a rollback-journal file: one file, no -wal ever beside it, so
        # it can be copied anywhere as it is; the program turns WAL on when it opens it
        problems = integrity_problems(part)
        if problems:
            raise StorageError(
                f"备份文件写好后检查未通过（{problems[0]}），已删除。请换一个位置再备份。",
                kind="io",
            )
        _flush(part)
        part.replace(target)
        _flush(folder)
    except sqlite3.Error as exc:
        part.unlink(missing_ok=True)
        raise _write_error(folder, exc) from exc
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise _write_error(folder, exc) from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return Backup(target, now.replace(microsecond=0), target.stat().st_size)


def prune(folder: Path, stem: str, keep: int = KEEP_AUTO) -> list[Path]:
    """Delete all but the newest ``keep`` backups of ``stem`` in ``folder``; returns what
    went."""
    gone = []
    for old in backups(folder, stem)[keep:]:
        with contextlib.suppress(OSError):  # open elsewhere: the next prune tries again
            old.path.unlink()
            gone.append(old.path)
    return gone


def auto(db_path: Path, now: datetime, extra_folder: str = "") -> list[Backup]:
    """The daily backups that are due: beside the database, and in ``extra_folder`` (the
    setting ``backup.folder``) when set. Returns those made; raises StorageError naming
    the folder when one could not be written (the other is still attempted first)."""
    made: list[Backup] = []
    failures: list[StorageError] = []
    folders = [auto_folder(db_path)]
    if extra_folder.strip():
        folders.append(Path(extra_folder.strip()))
    for folder in folders:
        if not due(folder, db_path.stem, now):
            continue
        try:
            made.append(make(db_path, folder, now))
        except StorageError as exc:
            failures.append(exc)
            continue
        prune(folder, db_path.stem)
    if failures:
        raise failures[0]
    return made


def restore(backup: Path, db_path: Path, now: datetime) -> Path:
    """Make ``backup`` the database at ``db_path``; the program must not have it open.

    The current file and its ``-wal``/``-shm`` are renamed to
    ``<name>.before-restore-YYYYMMDD-HHMMSS`` (+ the same suffixes) first; returns that
    name. A damaged backup, or one from a newer program, is refused and nothing changes.
    """
    if not backup.is_file():
        raise StorageError(f"找不到备份文件：{backup}", kind="io")
    problems = integrity_problems(backup)
    if problems:
        raise StorageError(
            f"备份文件 {backup.name} 检查未通过（{problems[0]}），不能用来恢复。请换一份备份。",
            kind="corrupt",
        )
    version = migrate.file_revision(backup)
    if version not in (None, *migrate.all_revisions()):
        raise StorageError(
            f"备份文件 {backup.name} 来自更新版本的程序（结构版本 {version}），"
            "请先把程序升级到那个版本再恢复。",
            kind="io",
        )
    if db_path.exists():
        _close_out(db_path)
    aside = db_path.with_name(f"{db_path.name}.before-restore-{now:%Y%m%d-%H%M%S}")
    part = db_path.with_name(db_path.name + ".restore.part")
    try:
        shutil.copyfile(backup, part)
        _flush(part)
        if db_path.exists():
            db_path.rename(aside)
        for suffix in _SIDE_FILES:
            side = db_path.with_name(db_path.name + suffix)
            if side.exists():  # a WAL left beside the restored file would be replayed into it
                side.rename(aside.with_name(aside.name + suffix))
        part.replace(db_path)
        _flush(db_path.parent)
    except OSError as exc:
        part.unlink(missing_ok=True)
        if aside.exists() and not db_path.exists():
            aside.rename(db_path)  # put the current file back: nothing changed
        if isinstance(exc, PermissionError):
            raise _in_use() from exc
        raise _write_error(db_path.parent, exc) from exc
    return aside


# --- helpers --------------------------------------------------------------------------------


def _close_out(db_path: Path) -> None:
    """Refuse while another program has the database open, and fold its WAL into it.

    Leaving WAL mode needs the only connection; so the switch both proves nobody else is
    using the file (a window left open would otherwise go on saving into the copy set
    aside) and makes the file kept aside self-contained. A damaged file cannot switch:
    it is the reason for restoring, so it is set aside as it is, WAL and all.
    """
    try:
        con = sqlite3.connect(db_path, timeout=0)
    except sqlite3.Error:
        return
    try:
        mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise _in_use() from exc
        return
    except sqlite3.Error:
        return
    finally:
        con.close()
    if str(mode).lower() != "delete":
        raise _in_use()


def _in_use() -> StorageError:
    return StorageError(
        "数据库文件正被使用，无法恢复。请先关闭所有打开这个数据库的物业前台窗口，再试一次。",
        kind="locked",
    )


def _room_for(db_path: Path, folder: Path) -> None:
    """Refuse before writing when the folder's disk cannot hold a copy (with a margin)."""
    try:
        need = db_path.stat().st_size
        wal = db_path.with_name(db_path.name + "-wal")
        need += wal.stat().st_size if wal.exists() else 0
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # the write itself will say what is wrong
    if free < need * 1.1 + 10 * 2**20:
        raise StorageError(
            f"“{folder}”所在的磁盘空间不够（剩 {free / 2**20:.0f} MB，备份需要约 "
            f"{need / 2**20:.0f} MB）。请清理磁盘或换一个位置（如U盘）再备份。",
            kind="full",
        )


def _flush(path: Path) -> None:
    """The file's (or folder's) contents are on the disk, not only in the OS's cache."""
    if path.is_dir():
        if os.name == "nt":
            return  # Windows cannot open a folder to flush it; NTFS journals the rename
        fd = os.open(path, os.O_RDONLY)
    else:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_error(folder: Path, exc: BaseException) -> StorageError:
    text = str(exc).lower()
    full_disk = isinstance(exc, OSError) and exc.errno in (
        errno.ENOSPC,
        getattr(errno, "EDQUOT", 0),
    )
    if full_disk or (isinstance(exc, sqlite3.Error) and "full" in text):
        return StorageError(
            f"“{folder}”所在的磁盘已满，备份没有做成。请清理磁盘或换一个位置（如U盘）。",
            kind="full",
        )
    if isinstance(exc, PermissionError) or "readonly" in text or "read-only" in text:
        return StorageError(
            f"不能写入“{folder}”（没有权限或是只读的）。请换一个位置再备份。", kind="readonly"
        )
    if isinstance(exc, FileNotFoundError | NotADirectoryError) or "unable to open" in text:
        return StorageError(
            f"找不到或打不开“{folder}”：U盘可能已拔出，或文件夹已改名。请检查后再备份。",
            kind="io",
        )
    return StorageError(f"备份到“{folder}”没有做成：{exc}。请换一个位置再试。", kind="io")
