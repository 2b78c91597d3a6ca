"""What a file given as the office's database is, found out without writing to it.

Every door (the window, the command line, a restore) asks ``inspect`` first and goes on
only with a healthy desk file of a version this program knows, or with nothing at all
(a new office). Anything else is refused untouched, each case with its own message
(``refusal``): a locked or read-only file is not damaged, a file of another program is
never migrated, a file of a newer version is never "upgraded", and only real damage
leads to an offer to restore a backup.

A desk file is recognised positively: SQLite's header, alembic's version table naming a
revision of desk's chain, and the tables of the models (``schema_problems``). Its
``DatabaseIdentity`` also guards the ``-wal`` file beside it: a WAL is a continuation of
its own database only, and SQLite would replay any valid one it finds
(``foreign_wal`` / ``set_aside_wal``).
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sqlmodel import SQLModel

import desk.models  # noqa: F401  (registers every table on SQLModel.metadata)
from desk.models.errors import StorageError

log = logging.getLogger("desk.db")

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_MS = 2000  # another program's write is over in milliseconds; longer is a lock
WAL_SUFFIXES = ("-wal", "-shm")

# Lines of PRAGMA integrity_check that concern an index alone: REINDEX rebuilds those
# from the table rows, losing nothing.
_INDEX_PROBLEM = re.compile(
    r"^(row \d+ missing from index |wrong # of entries in index |non-unique entry in index )"
)


class Kind(StrEnum):
    MISSING = "missing"  # no file: a new office may be made here
    EMPTY = "empty"  # 0 bytes: never a database, often a copy or a restore cut short
    FOLDER = "folder"
    BLANK = "blank"  # an SQLite file with no tables: safe to set up
    DESK = "desk"
    FOREIGN = "foreign"  # another program's file
    NEWER = "newer"  # a desk file from a newer version
    CORRUPT = "corrupt"
    INDEX = "index"  # only indexes damaged: REINDEX repairs it
    LOCKED = "locked"
    UNOPENABLE = "unopenable"  # exists, but the system will not let us open it


@dataclass(frozen=True)
class FileInfo:
    path: Path
    kind: Kind
    revision: str | None = None
    writable: bool = True
    problems: tuple[str, ...] = ()
    foreign_wal: bool = False  # a -wal beside it that belongs to another database
    detail: str = field(default="", compare=False)  # the system's own words, for the log


def inspect(path: Path | str, *, known: list[str], full: bool = False) -> FileInfo:
    """Say what ``path`` is. ``known`` is this program's revision chain, oldest first;
    ``full`` runs ``integrity_check`` (reads every index against its table: seconds on a
    big file) instead of ``quick_check``. Changes nothing: a closed file is read as it
    lies (no -wal/-shm made beside it); whether its folder takes writes is asked by making
    and removing a temporary file there."""
    path = Path(path)
    if (early := presence(path)) in (Kind.MISSING, Kind.FOLDER):
        return FileInfo(path, early)
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        return FileInfo(path, Kind.UNOPENABLE, writable=False, detail=str(exc))
    if not header:
        return FileInfo(path, Kind.EMPTY)
    writable = _writable(path)
    if header != SQLITE_HEADER:
        if _remains_of_desk(path):
            return FileInfo(path, Kind.CORRUPT, writable=writable, problems=("文件头损坏",))
        return FileInfo(path, Kind.FOREIGN, writable=writable, detail="no SQLite header")
    foreign = writable and foreign_wal(path)  # read-only media: the file is read as it lies
    # Without a -wal beside it no program has the file open in WAL mode: read it as it
    # lies, so that looking creates no -wal/-shm beside a closed file (a backup on a stick)
    closed = not path.with_name(path.name + "-wal").exists()
    try:
        con = _connect(path, immutable=foreign or closed or not writable)
    except sqlite3.Error as exc:
        return _failed(path, exc, writable)
    try:
        return _examine(con, path, known, full, writable, foreign)
    except sqlite3.Error as exc:
        return _failed(path, exc, writable, foreign)
    finally:
        con.close()


def presence(path: Path | str) -> Kind | None:
    """MISSING, EMPTY or FOLDER when that is all there is to say, else None — without
    opening the file (the start asks this before anything else)."""
    path = Path(path)
    if not path.exists():
        return Kind.MISSING
    if path.is_dir():
        return Kind.FOLDER
    try:
        return Kind.EMPTY if path.stat().st_size == 0 else None
    except OSError:
        return None  # inspect says what is wrong


def _examine(
    con: sqlite3.Connection,
    path: Path,
    known: list[str],
    full: bool,
    writable: bool,
    foreign: bool,
) -> FileInfo:
    tables = _tables(con)
    common = {"path": path, "writable": writable, "foreign_wal": foreign}
    if not tables:
        return FileInfo(kind=Kind.BLANK, **common)
    ours = _model_tables()
    if "alembic_version" not in tables:
        looks_ours = len(ours & tables) >= len(ours) // 2
        return FileInfo(
            kind=Kind.CORRUPT if looks_ours else Kind.FOREIGN,
            **common,
            problems=("缺少结构版本表 alembic_version",) if looks_ours else (),
        )
    row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    revision = row[0] if row else None
    if revision not in known:
        kind = Kind.NEWER if {"staff", "setting", "auditevent"} <= tables else Kind.FOREIGN
        return FileInfo(kind=kind, revision=revision, **common)
    problems = _check(con, full)
    if revision == known[-1]:
        problems = schema_problems(con) + problems
    if not problems:
        return FileInfo(kind=Kind.DESK, revision=revision, **common)
    index_only = all(_INDEX_PROBLEM.match(p) for p in problems)
    return FileInfo(
        kind=Kind.INDEX if index_only else Kind.CORRUPT,
        revision=revision,
        problems=tuple(problems),
        **common,
    )


def schema_problems(con: sqlite3.Connection) -> list[str]:
    """Tables and columns of the models that the file lacks (a table dropped by another
    tool, a half-applied change): [] when the file has them all."""
    tables = _tables(con)
    problems = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in tables:
            problems.append(f"缺少表 {table.name}")
            continue
        have = {r[1] for r in con.execute(f'PRAGMA table_info("{table.name}")')}
        problems += [
            f"表 {table.name} 缺少列 {c.name}" for c in table.columns if c.name not in have
        ]
    return problems


def identity(path: Path) -> str | None:
    """The identity of a desk file (a backup too), or None (an older file, not ours, or
    unreadable). Read-only, any journal mode."""
    try:
        con = _connect(path, immutable=False)
    except sqlite3.Error:
        return None
    try:
        return read_identity(con)
    except sqlite3.Error:
        return None
    finally:
        con.close()


def foreign_wal(path: Path) -> bool:
    """True when the ``-wal`` beside ``path`` would turn it into another database.

    Read alone (``immutable``: the WAL ignored), the file names its identity and its
    stamp (page 1's user_version, which every save of the program writes: desk.models.db);
    read through the WAL it must name the same, since the program never changes them. A
    WAL that changes either, or makes the file unreadable, is not this file's. Files made
    before identities existed cannot be told apart and pass.
    """
    wal = path.with_name(path.name + "-wal")
    try:
        if not wal.is_file() or wal.stat().st_size == 0:
            return False
    except OSError:
        return False
    try:
        alone = _marks(path, immutable=True)
    except sqlite3.Error:
        return False  # the file alone is unreadable: that is for the checks to say
    if alone == (None, 0):
        return False  # made before identities: cannot be told
    try:
        through = _marks(path, immutable=False)
    except sqlite3.Error as exc:
        # a live writer's WAL is its own (the lock is reported later); any other failure
        # to read through the WAL means it does not fit this file
        return not is_busy(exc)
    identity_changed = alone[0] is not None and through[0] != alone[0]
    stamp_changed = alone[1] != 0 and through[1] != alone[1]
    return identity_changed or stamp_changed


def set_aside_wal(path: Path, now: datetime) -> Path:
    """Rename the ``-wal``/``-shm`` beside ``path`` to ``<name>.foreign-wal-<when>``
    (+ ``-shm``): kept for whoever wants to look, never replayed into this file."""
    aside = path.with_name(f"{path.name}.foreign-wal-{now:%Y%m%d-%H%M%S}")
    for suffix in WAL_SUFFIXES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(aside.with_name(aside.name + suffix.replace("-wal", "")))
    log.warning("a -wal file of another database stood beside %s; moved to %s", path, aside)
    return aside


def reindex(path: Path) -> None:
    """Rebuild every index from its table (the repair for Kind.INDEX), then check again."""
    con = sqlite3.connect(path, timeout=BUSY_MS / 1000)
    try:
        con.execute("REINDEX")
        con.commit()
        problems = _check(con, full=True)
    finally:
        con.close()
    if problems:
        raise StorageError(
            f"重建索引后检查仍未通过（{problems[0]}）。请用最近的备份恢复（使用手册第 10.3 节）。",
            kind="corrupt",
        )


def check_room(path: Path, folder: Path, purpose: str) -> None:
    """Refuse before writing when ``folder``'s disk cannot hold a copy of the database at
    ``path`` (WAL included) with a margin: ``purpose`` names the copy in the message."""
    try:
        need = path.stat().st_size
        wal = path.with_name(path.name + "-wal")
        need += wal.stat().st_size if wal.exists() else 0
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # the write itself will say what is wrong
    if free < need * 1.1 + 10 * 2**20:
        raise StorageError(
            f"“{folder}”所在的磁盘空间不够（剩 {free / 2**20:.0f} MB，{purpose}需要约 "
            f"{need / 2**20:.0f} MB）。请清理磁盘（删除不需要的文件、清空回收站），"
            "或换一个位置（如U盘）再试。没有改动任何文件。",
            kind="full",
        )


def refusal(info: FileInfo) -> StorageError | None:
    """The message that stops a program from using ``info``'s file, or None when it may."""
    name = info.path.name
    if info.kind in (Kind.MISSING, Kind.BLANK) or (info.kind is Kind.DESK and info.writable):
        return None
    if info.kind is Kind.DESK:
        return StorageError(
            f"数据库文件 {name} 所在的位置是只读的（光盘、写保护的U盘、没有写权限的文件夹），"
            "程序在那里不能保存。请把文件复制到本机硬盘上再打开，或检查文件夹的权限。",
            kind="readonly",
        )
    messages = {
        Kind.EMPTY: (
            f"数据库文件 {name} 是空的（0 字节），里面没有任何记录。可能是复制或恢复没有完成。"
            "请用备份恢复（文件 → 从备份恢复…，或 desk restore）。程序不会改动这个文件。",
            "empty",
        ),
        Kind.FOLDER: (
            f"{info.path} 是一个文件夹，不是数据库文件。请指定文件夹里的 .sqlite3 文件。",
            "io",
        ),
        Kind.FOREIGN: (
            f"{name} 不是物业前台的数据库文件（可能是别的程序的文件），程序不会改动它。"
            "请检查文件名，或指定物业前台的数据库文件。",
            "foreign",
        ),
        Kind.NEWER: (
            f"数据库文件 {name} 是更新版本的物业前台建立的（结构版本 {info.revision}），"
            "这个版本的程序不认识它，不会改动它。请安装新版本的程序再打开。",
            "newer",
        ),
        Kind.CORRUPT: (
            f"数据库文件 {name} 检查未通过（{_first(info)}）。程序不会改动这个文件。"
            "可以用最近的备份恢复（使用手册第 10.3 节）。",
            "corrupt",
        ),
        Kind.INDEX: (
            f"数据库文件 {name} 的索引损坏（{_first(info)}），记录本身完好。"
            "重建索引即可修复，不会丢失任何记录（desk check --reindex，或程序启动时确认）。",
            "index",
        ),
        Kind.LOCKED: (
            f"数据库文件 {name} 正被另一个程序占用（另一个物业前台窗口、杀毒或同步软件）。"
            "文件没有损坏。请关闭那个程序，或稍等片刻后重试。",
            "locked",
        ),
        Kind.UNOPENABLE: (
            f"打不开数据库文件 {name}（没有读取权限，或被其他程序锁住）。文件没有被改动。"
            "请检查文件的权限，或稍后重试。",
            "unopenable",
        ),
    }
    text, kind = messages[info.kind]
    return StorageError(text, kind=kind)


# --- helpers --------------------------------------------------------------------------------


def _connect(path: Path, *, immutable: bool) -> sqlite3.Connection:
    # immutable: read the file as it lies, ignoring (and never creating) -wal/-shm — for a
    # file on read-only media, or to look past a WAL that is not its own
    flag = "immutable=1" if immutable else "mode=ro"
    con = sqlite3.connect(f"file:{path.as_posix()}?{flag}", uri=True, timeout=BUSY_MS / 1000)
    con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails now, not later
    return con


def _remains_of_desk(path: Path) -> bool:
    """A file without SQLite's header that still holds desk's schema on its first pages:
    a desk file whose header was damaged, not another program's file."""
    found: set[bytes] = set()
    markers = (b"alembic_version", b"CREATE TABLE auditevent")
    tail = b""
    try:
        with path.open("rb") as f:  # the schema pages may lie anywhere: read it all, once
            while chunk := f.read(1 << 20):
                window = tail + chunk
                found.update(m for m in markers if m in window)
                tail = window[-64:]
    except OSError:
        return False
    return len(found) == len(markers)


def _tables(con: sqlite3.Connection) -> set[str]:
    rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r[0] for r in rows if not r[0].startswith("sqlite_")}


def _model_tables() -> set[str]:
    return {t.name for t in SQLModel.metadata.sorted_tables}


def read_identity(con: sqlite3.Connection) -> str | None:
    """The ``DatabaseIdentity`` of the file ``con`` is on; None before migration 0005."""
    try:
        row = con.execute("SELECT uid FROM databaseidentity WHERE id = 1").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return row[0] if row else None


def _marks(path: Path, *, immutable: bool) -> tuple[str | None, int]:
    """The file's identity and page 1's stamp, read alone or through its WAL."""
    con = _connect(path, immutable=immutable)
    try:
        return read_identity(con), _stamp(con)
    finally:
        con.close()


def _stamp(con: sqlite3.Connection) -> int:
    return con.execute("PRAGMA user_version").fetchone()[0]


def _check(con: sqlite3.Connection, full: bool) -> list[str]:
    pragma = "integrity_check" if full else "quick_check"
    found = [r[0] for r in con.execute(f"PRAGMA {pragma}(100)")]
    return [] if found == ["ok"] else found


def is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _failed(path: Path, exc: sqlite3.Error, writable: bool, foreign: bool = False) -> FileInfo:
    text = str(exc)
    kind = Kind.CORRUPT
    if is_busy(exc):
        kind = Kind.LOCKED
    elif "unable to open" in text.lower():
        kind = Kind.UNOPENABLE
    return FileInfo(
        path, kind, writable=writable, problems=(text,), foreign_wal=foreign, detail=text
    )


def _writable(path: Path) -> bool:
    """Can the program write the file and create its -wal/-shm beside it? Asked of the
    system by trying (a read-only mount says so only then; root passes every mode bit)."""
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    os.close(fd)
    return folder_writable(path.parent)


def folder_writable(folder: Path) -> bool:
    """Does ``folder`` take new files? Asked of the system by making and removing one."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError as exc:
        # only a refusal counts: other trouble is for the write itself to report
        return exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOENT)


def _first(info: FileInfo) -> str:
    return info.problems[0] if info.problems else info.detail
