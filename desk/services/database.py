"""Opening the office's database file: check it, migrate it, seed the settings.

``open_database`` is the one door every entry point (GUI, CLI, tests, benchmarks)
goes through, so every file in use has passed the same checks.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.engine import Engine

from desk.models import db, migrate
from desk.models.errors import StorageError
from desk.services import settings

log = logging.getLogger("desk.db")


def open_database(path: Path | str, *, create: bool = True) -> Engine:
    """Return an engine on an up-to-date, healthy database at ``path``.

    A file that fails ``quick_check`` raises StorageError(kind="corrupt") and is
    left exactly as it was. A missing file is created when ``create`` is true.
    """
    path = Path(path)
    if path.exists():
        problems = db.integrity_problems(path)
        if problems:
            log.error("integrity check failed for %s: %s", path, problems[:5])
            raise StorageError(
                f"数据库文件 {path.name} 检查未通过（{problems[0]}）。程序不会改动这个文件。"
                "可以用最近的备份恢复（见使用手册第 10 节）。",
                kind="corrupt",
            )
    elif not create:
        raise StorageError(f"找不到数据库文件：{path}", kind="io")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = db.make_engine(path)
    try:
        migrate.upgrade(engine, path)
        with db.write_session(engine) as session:
            settings.seed(session)
    except BaseException:
        engine.dispose()
        raise
    return engine


def is_empty(engine: Engine) -> bool:
    """True when the file has no staff and no units yet (a new office or a new demo file)."""
    with db.read_session(engine) as session:
        for table in ("staff", "unit"):
            if session.connection().exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first():
                return False
    return True
