"""The SQLite file: engine, pragmas checked on every connection, transactions, faults.

Writes take the write lock at ``BEGIN IMMEDIATE`` so two processes can never
interleave (serial numbers stay unique); reads use a deferred ``BEGIN`` and see a
consistent WAL snapshot. Every commit is durable (``synchronous=FULL``) before
the caller returns.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from desk.models.errors import StorageError

log = logging.getLogger("desk.db")

BUSY_TIMEOUT_MS = 5000

# Pragmas every connection must run with; read back after setting so a file system
# that refuses WAL (a network share, say) is noticed instead of silently risking data.
REQUIRED_PRAGMAS: dict[str, Any] = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
}


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Take transaction control from pysqlite; SQLAlchemy's "begin" hook below issues BEGIN.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        for name, want in REQUIRED_PRAGMAS.items():
            got = cur.execute(f"PRAGMA {name}").fetchone()[0]
            if str(got).lower() != str(want):
                raise StorageError(
                    f"数据库设置未生效（{name} = {got}）。请把数据库放在本机硬盘上，"
                    "不要放在网络共享或U盘上。",
                    kind="io",
                )
    except sqlite3.DatabaseError as exc:
        raise translate(exc) from exc
    finally:
        cur.close()


def _on_begin(conn: sa.Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path | str, *, readonly: bool = False) -> Engine:
    """An engine on the database file at ``path`` with the pragmas above.

    ``readonly`` opens the file with ``mode=ro`` (used for checks that must never write).
    """
    path = Path(path)
    mode = "ro" if readonly else "rwc"
    url = f"sqlite:///file:{path.as_posix()}?mode={mode}&uri=true"
    engine = sa.create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any error.

    SQLite errors come out as StorageError with a Chinese message.
    """
    bound = engine.execution_options(sqlite_begin="IMMEDIATE")
    session = Session(bound, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except DBAPIError as exc:
        session.rollback()
        raise translate(exc.orig) from exc
    except sqlite3.DatabaseError as exc:
        session.rollback()
        raise translate(exc) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only snapshot; nothing is committed."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    except DBAPIError as exc:
        raise translate(exc.orig) from exc
    finally:
        session.close()  # ends the snapshot; loaded rows stay usable (expire_on_commit=False)


def translate(exc: BaseException | None) -> StorageError:
    """Turn an sqlite3 error into a StorageError whose message says what to do."""
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorname", "") or ""
    if "locked" in text or "busy" in text or code.startswith("SQLITE_BUSY"):
        return StorageError(
            "数据库正被另一个程序占用，暂时无法保存。请稍等几秒再试；"
            "如果一直这样，请关闭另一台电脑或窗口里打开的物业前台。",
            kind="locked",
        )
    if "readonly" in text or "read-only" in text or "read only" in text:
        return StorageError(
            "数据库文件是只读的，无法保存。请检查文件属性或权限（不要放在光盘或只读U盘上）。",
            kind="readonly",
        )
    if "full" in text or code == "SQLITE_FULL":
        return StorageError(
            "磁盘空间已满，无法保存。请删除不需要的文件或清空回收站后再点保存，"
            "您填写的内容仍在窗口里。",
            kind="full",
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StorageError(
            "数据库文件已损坏，程序不会改动它。请联系管理员用最近的备份恢复。",
            kind="corrupt",
        )
    return StorageError(f"数据库读写出错：{exc}。请重试；如果反复出现，请联系管理员。", kind="io")


def integrity_problems(path: Path | str) -> list[str]:
    """Run ``PRAGMA quick_check`` on the file without writing to it; [] means healthy.

    Uses a plain read-only sqlite3 connection so a damaged file is never touched.
    """
    path = Path(path)
    try:
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        con.close()
    found = [r[0] for r in rows]
    return [] if found == ["ok"] else found
