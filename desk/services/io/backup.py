"""Backups of the office's database: made by the program every day, on demand to a USB
stick or another folder, and restored from, without anyone copying ``-wal`` files by hand.

A backup is one self-contained SQLite file, ``desk-YYYYMMDD-HHMMSS.sqlite3`` (the
database's own name, then when), written with
``VACUUM INTO`` from a read snapshot: consistent with the work of the moment (what sits in
the WAL included), compact, and taken while the desk goes on saving. It is written under a
``.part`` name, checked with ``quick_check``, flushed to the disk and only then given its
real name, so a backup that exists is a whole one.

- ``auto``: once a day (the window asks at start and every hour) into ``backups/`` beside
  the database, and into the setting ``backup.folder`` (a USB stick, another disk, a shared
  folder) when one is set and reachable — after a full ``integrity_check`` of the live
  file, so damage (an index too) is noticed within a day and never copied over the good
  backups. Kept: the newest of each of the last ``KEEP`` days, weeks and months.
  Rotation deletes only backups of the live file's own lineage (its DatabaseIdentity):
  never those of a file that was replaced, nor those made before identities existed.
- ``make``: now, into a chosen folder (文件 → 立即备份…, ``desk backup --to``).
- ``restore``: a backup becomes the database again; the current file (with its WAL) is
  kept aside first, so a wrong choice can be undone the same way. Only a 主管 or 经理 may
  (``check_restore``, asked first).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from desk.models import dbfile
from desk.models.db import integrity_problems
from desk.models.errors import StorageError
from desk.services.core import permissions
from desk.services.core.context import Ctx
from desk.services.io.database import inspect

__all__ = [
    "AUTO_EVERY",
    "FOLDER_NAME",
    "KEEP",
    "Backup",
    "Candidate",
    "auto",
    "auto_folder",
    "backups",
    "candidates",
    "check_restore",
    "due",
    "latest",
    "make",
    "newest_candidate",
    "prune",
    "restore",
]

FOLDER_NAME = "backups"  # beside the database
# the newest backup of each of the last 7 days, 4 weeks and 12 months: a month back is
# there when damage is found late; ~21 files (a 5-year office's file is 100–400 MB)
KEEP = {"day": 7, "week": 4, "month": 12}
STALE_PART = timedelta(hours=1)  # a .part this old is a backup that was cut off
AUTO_EVERY = timedelta(hours=24)
_NAME = re.compile(r"(.+)-(\d{8})-(\d{6})\.sqlite3")


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
    found = latest_all(db_path)
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
    _sweep_parts(folder, db_path.stem, now)
    dbfile.check_room(db_path, folder, "备份")
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


def prune(folder: Path, db_path: Path) -> list[Path]:
    """Delete the backups of ``db_path``'s lineage in ``folder`` that ``KEEP`` does not
    keep; returns what went. Backups of another lineage (a file that was replaced, say by
    a new office after the old file was lost) or of none (made by an older version) are
    never deleted here: they may be the last copy of that data."""
    own = dbfile.identity(db_path)
    if own is None:
        return []
    mine = [b for b in backups(folder, db_path.stem) if dbfile.identity(b.path) == own]
    keep = _kept(mine)
    gone = []
    for old in mine:
        if old.path in keep:
            continue
        with contextlib.suppress(OSError):  # open elsewhere: the next prune tries again
            old.path.unlink()
            gone.append(old.path)
    return gone


def _kept(found: list[Backup]) -> set[Path]:
    """The newest backup of each of the last KEEP days, weeks and months."""
    periods: dict[str, Callable[[datetime], object]] = {
        "day": lambda t: t.date(),
        "week": lambda t: t.isocalendar()[:2],
        "month": lambda t: (t.year, t.month),
    }
    keep: set[Path] = set()
    for name, period in periods.items():
        seen: list[object] = []
        for b in found:  # newest first: the first of a period is its newest
            key = period(b.made_at)
            if key in seen:
                continue
            if len(seen) == KEEP[name]:
                break
            seen.append(key)
            keep.add(b.path)
    return keep


def auto(db_path: Path, now: datetime, extra_folder: str = "") -> list[Backup]:
    """The daily backups that are due: beside the database, and in ``extra_folder`` (the
    setting ``backup.folder``) when set. Returns those made; raises StorageError naming
    the folder when one could not be written (the other is still attempted first)."""
    made: list[Backup] = []
    failures: list[StorageError] = []
    folders = [auto_folder(db_path)]
    if extra_folder.strip():
        folders.append(Path(extra_folder.strip()))
    due_in = [f for f in folders if due(f, db_path.stem, now)]
    if due_in:
        _check_live(db_path)
    for folder in due_in:
        try:
            made.append(make(db_path, folder, now))
        except StorageError as exc:
            failures.append(exc)
            continue
        prune(folder, db_path)
    if failures:
        raise failures[0]
    return made


def check_restore(session: Session, staff_id: int | None) -> None:
    """PermissionDenied unless ``staff_id`` (who is on duty) may replace the office's file
    with a backup: the role table's ``restore``, a 主管 or 经理. ``restore`` works on a
    closed file and knows nobody: whoever calls it asks here first (the window's 从备份恢复;
    the first start's recovery of a missing or damaged file has nobody to ask). A read is
    enough — a file that can no longer be written to can still be restored."""
    permissions.require(Ctx(session, staff_id), "restore")


def restore(backup: Path, db_path: Path, now: datetime) -> Path:
    """Make ``backup`` the database at ``db_path``; the program must not have it open.

    The current file and its ``-wal``/``-shm`` are renamed to
    ``<name>.before-restore-YYYYMMDD-HHMMSS`` (+ the same suffixes) first; returns that
    name. A damaged backup, or one from a newer program, is refused and nothing changes.
    """
    if not backup.is_file():
        raise StorageError(f"找不到备份文件：{backup}", kind="io")
    info = inspect(backup)
    if info.kind is dbfile.Kind.NEWER:
        raise StorageError(
            f"备份文件 {backup.name} 来自更新版本的程序（结构版本 {info.revision}），"
            "请先把程序升级到那个版本再恢复。",
            kind="newer",
        )
    if info.kind is not dbfile.Kind.DESK:
        reason = info.problems[0] if info.problems else "不是物业前台的数据库文件"
        raise StorageError(
            f"备份文件 {backup.name} 检查未通过（{reason}），不能用来恢复。请换一份备份。",
            kind="corrupt",
        )
    if not dbfile.folder_writable(db_path.parent):
        raise StorageError(
            f"不能写入“{db_path.parent}”（只读的位置或没有权限），没有恢复，什么也没改。"
            "请检查文件夹的权限，或把数据库放到本机硬盘上。",
            kind="readonly",
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
        for suffix in dbfile.WAL_SUFFIXES:
            side = db_path.with_name(db_path.name + suffix)
            if side.exists():  # a WAL left beside the restored file would be replayed into it
                side.rename(aside.with_name(aside.name + suffix))
        part.replace(db_path)
        _flush(db_path.parent)
    except OSError as exc:
        part.unlink(missing_ok=True)
        if aside.exists() and not db_path.exists():
            aside.rename(db_path)  # put the current file back: nothing changed
        if os.name == "nt" and isinstance(exc, PermissionError):
            raise _in_use() from exc  # Windows: another program holds the file open
        raise _write_error(db_path.parent, exc) from exc
    return aside


@dataclass(frozen=True)
class Candidate:
    """A whole desk file the database can be brought back from."""

    path: Path
    made_at: datetime
    size: int
    what: str  # 自动备份 / 恢复前留下的文件 / 升级前的副本


_ASIDE = re.compile(r"\.(before-restore|before-\w+)-(\d{8})-(\d{6})(\.bak)?")


def candidates(db_path: Path) -> list[Candidate]:
    """Healthy desk files to bring ``db_path`` back from, newest first (see ``_offered``).
    Each is checked: none is listed that a restore would refuse."""
    return [c for c in _offered(db_path) if _whole(c)]


def newest_candidate(db_path: Path) -> Candidate | None:
    """The newest of ``candidates``, checking only as many files as it takes."""
    return next((c for c in _offered(db_path) if _whole(c)), None)


def _offered(db_path: Path) -> list[Candidate]:
    """The daily backups beside ``db_path``, and the files set aside beside it by a
    restore (the database as it was at that moment — after a restore cut off between its
    two renames, the newest) or by an upgrade; newest first, not yet checked."""
    found = [Candidate(b.path, b.made_at, b.size, "自动备份") for b in latest_all(db_path)]
    if db_path.parent.is_dir():
        for path in db_path.parent.iterdir():
            if not path.name.startswith(db_path.name + "."):
                continue
            m = _ASIDE.fullmatch(path.name[len(db_path.name) :])
            if m is None or not path.is_file():
                continue
            with contextlib.suppress(ValueError):
                at = datetime.strptime(m.group(2) + m.group(3), "%Y%m%d%H%M%S")
                what = "恢复前留下的文件" if m.group(1) == "before-restore" else "升级前的副本"
                found.append(Candidate(path, at, path.stat().st_size, what))
    return sorted(found, key=lambda c: c.made_at, reverse=True)


def _whole(candidate: Candidate) -> bool:
    return inspect(candidate.path).kind is dbfile.Kind.DESK


def latest_all(db_path: Path) -> list[Backup]:
    """The daily backups of ``db_path`` beside it, newest first."""
    return backups(auto_folder(db_path), db_path.stem)


# --- helpers --------------------------------------------------------------------------------


def _check_live(db_path: Path) -> None:
    """The full check of the live file before its daily copy: damage found stops the
    copy (and so the rotation), and says what to do."""
    info = inspect(db_path, full=True)
    if info.kind in (dbfile.Kind.INDEX, dbfile.Kind.CORRUPT):
        refused = dbfile.refusal(info)
        assert refused is not None
        raise refused


def _sweep_parts(folder: Path, stem: str, now: datetime) -> None:
    """Remove backups cut off before they were whole (a crash, a power cut): their
    ``.part`` files would otherwise stay forever. A fresh one may be another window's
    backup still being written."""
    for part in folder.glob(f"{glob.escape(stem)}-*.sqlite3.part"):
        with contextlib.suppress(OSError):
            if now.timestamp() - part.stat().st_mtime > STALE_PART.total_seconds():
                part.unlink()


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
        if dbfile.is_busy(exc):
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
