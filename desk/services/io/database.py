"""Opening the office's database file: recognise it, migrate it, seed the settings.

``open_database`` is the one door every entry point (GUI, CLI, tests, benchmarks)
goes through, so every file in use has passed the same checks (desk.models.dbfile):
only a healthy desk file of a known version, or no file at all, gets past it. Anything
else raises StorageError whose ``kind`` says why, and is left exactly as it was.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from desk import paths
from desk.models import db, dbfile, migrate
from desk.models.errors import StorageError
from desk.services.core import settings
from desk.services.core.handle import DeskHandle

log = logging.getLogger("desk.db")


def inspect(path: Path | str, *, full: bool = False) -> dbfile.FileInfo:
    """What the file at ``path`` is, against this program's revisions (changes nothing)."""
    return dbfile.inspect(path, known=migrate.all_revisions(), full=full)


def open_database(path: Path | str, *, create: bool = True) -> Engine:
    """Return an engine on an up-to-date, healthy database at ``path``.

    A missing (or 0-byte) file is made into a new database only when ``create`` is true.
    A ``-wal`` of another database found beside the file is set aside first, never
    replayed into it.
    """
    path = Path(path)
    info = inspect(path)
    if info.foreign_wal:
        dbfile.set_aside_wal(path, datetime.now())
        info = inspect(path)
    if info.kind in (dbfile.Kind.MISSING, dbfile.Kind.EMPTY) and create:
        path.parent.mkdir(parents=True, exist_ok=True, mode=paths.PRIVATE_FOLDER)
    else:
        if info.kind is dbfile.Kind.MISSING:
            raise StorageError(f"找不到数据库文件：{path}", kind="io")
        refused = dbfile.refusal(info)
        if refused is not None:
            # damage is an error in the log; the rest is the person's to sort out
            damaged = info.kind in (dbfile.Kind.CORRUPT, dbfile.Kind.INDEX)
            level = logging.ERROR if damaged else logging.INFO
            log.log(
                level, "refused %s: %s %s", path.name, info.kind, info.problems[:3] or info.detail
            )
            raise refused
    needs_migration = info.revision != migrate.head_revision()
    if info.kind is dbfile.Kind.DESK and needs_migration:
        dbfile.check_room(path, path.parent, "升级前的备份")
    for own in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        paths.make_private(own)  # an office file made by a version before keep_private
    engine = db.make_engine(path)
    try:
        if needs_migration:
            migrate.upgrade(engine, path)
            _check_schema(engine, path)
        settings.seed_missing(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def open_desk(path: Path | str, *, create: bool = True) -> DeskHandle:
    """``open_database`` for the window: the handle its operations go through."""
    return DeskHandle(open_database(path, create=create), Path(path))


def _check_schema(engine: Engine, path: Path) -> None:
    """After a migration, the file must have every table and column of the models."""
    with engine.connect() as conn:
        problems = dbfile.schema_problems(conn.connection.dbapi_connection)  # type: ignore[arg-type]
        conn.rollback()
    if problems:
        log.error("schema of %s after migrating: %s", path, problems[:5])
        raise StorageError(
            f"数据库文件 {path.name} 升级后结构不完整（{problems[0]}）。升级前的副本在同一文件夹"
            "（文件名带 before-）。请联系管理员。",
            kind="corrupt",
        )


def is_empty(engine: Engine) -> bool:
    """True when the file has no staff and no units yet (a new office or a new demo file)."""
    with db.read_session(engine) as session:
        for table in ("staff", "unit"):
            if session.connection().exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first():
                return False
    return True


def is_new(desk: DeskHandle) -> bool:
    """``is_empty`` of the desk's file: no staff and no units yet."""
    return is_empty(desk.engine)
