"""The SQLite file: engine, pragmas checked on every connection, transactions, faults.

Writes take the write lock at ``BEGIN IMMEDIATE`` so two processes can never
interleave (serial numbers stay unique); reads use a deferred ``BEGIN`` and see a
consistent WAL snapshot. Every commit is durable (``synchronous=FULL``) before
the caller returns.
"""

from __future__ import annotations

import logging
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from desk.models.dbfile import read_identity
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
    # straight to the driver: this runs before every transaction of the day
    driver = conn.connection.dbapi_connection
    driver.execute(f"BEGIN {mode}")  # type: ignore[union-attr]
    if mode == "IMMEDIATE":
        info = conn.connection.info
        if not info.get(_STAMP):
            info[_STAMP] = stamp_of(driver)  # type: ignore[arg-type]
        if info[_STAMP]:
            driver.execute(f"PRAGMA user_version = {info[_STAMP]}")  # type: ignore[union-attr]


# Every write transaction stamps page 1 (the header's user_version) with a number drawn
# from the file's DatabaseIdentity, so page 1 sits in every WAL the program writes and
# names whose WAL it is: desk.models.dbfile.foreign_wal compares it with the file's own.
# Costs one 4 KB page in the WAL per save, under the same fsync.
_STAMP = "desk_stamp"


def stamp_of(con: sqlite3.Connection) -> int:
    """The stamp of the file ``con`` is on: 1…2²⁸ from its identity, 0 while it has none."""
    try:
        uid = read_identity(con)
    except sqlite3.OperationalError:
        return 0
    return stamp_from(uid) if uid else 0  # not migrated yet: stamped from a later write


def stamp_from(uid: str) -> int:
    return zlib.crc32(uid.encode()) & 0x0FFFFFFF or 1


def make_engine(path: Path | str, *, readonly: bool = False) -> Engine:
    """An engine on the database file at ``path`` with the pragmas above.

    ``readonly`` opens the file with ``mode=ro`` (used for checks that must never write).
    """
    path = Path(path)
    mode = "ro" if readonly else "rwc"
    url = f"sqlite:///file:{path.as_posix()}?mode={mode}&uri=true"
    # hide_parameters: an error's text (logged with its trace) never carries the values
    # of a row — a resident's phone, a record's text
    engine = sa.create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _immediate(engine: Engine) -> Engine:
    """The engine's twin whose transactions start with BEGIN IMMEDIATE (made once)."""
    twin = engine.__dict__.get("_desk_immediate")
    if twin is None:
        twin = engine.execution_options(sqlite_begin="IMMEDIATE")
        engine.__dict__["_desk_immediate"] = twin
    return twin


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any error.

    SQLite errors come out as StorageError with a Chinese message.
    """
    session = Session(_immediate(engine), expire_on_commit=False)
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


# --- the hot path: writes the desk makes all day --------------------------------------------
#
# SQLAlchemy's statement execution costs ~0.1 ms a statement here, several times the SQL
# itself. A save runs four small statements, so those go straight to the driver on the
# session's own connection (same transaction), converted by SQLAlchemy's own type
# processors so what is stored is exactly what the ORM would store.


def driver(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under the session's current transaction."""
    return session.connection().connection.dbapi_connection  # type: ignore[return-value]


class _Insert:
    def __init__(self, table: sa.Table, dialect: sa.Dialect) -> None:
        self.columns = [c for c in table.columns if not c.primary_key]
        names = ", ".join(f'"{c.name}"' for c in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        self.sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        # the dialect's own type (SQLite's DATETIME and its storage format), public API
        self.processors = [
            c.type.dialect_impl(dialect).bind_processor(dialect) for c in self.columns
        ]
        self.defaults = [
            c.default.arg if c.default is not None and c.default.is_scalar else None
            for c in self.columns
        ]

    def params(self, values: dict[str, Any]) -> list[Any]:
        out = []
        for column, process, default in zip(
            self.columns, self.processors, self.defaults, strict=True
        ):
            value = values.get(column.name, default)
            out.append(process(value) if process is not None and value is not None else value)
        return out


_INSERTS: dict[str, _Insert] = {}


def driver_insert(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> int:
    """INSERT ``rows`` (column defaults fill the gaps); returns the last row id."""
    plan = _INSERTS.get(table.name)
    if plan is None:
        plan = _INSERTS[table.name] = _Insert(table, session.get_bind().dialect)
    con = driver(session)
    if len(rows) == 1:
        return con.execute(plan.sql, plan.params(rows[0])).lastrowid or 0
    con.executemany(plan.sql, [plan.params(r) for r in rows])
    return 0
