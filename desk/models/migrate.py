"""Bring a database file to the newest schema, copying it aside first.

The copy uses SQLite's backup API, so it is consistent even with a WAL file
beside it (vorta's ``backup_current_db`` idea).
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from desk import paths
from desk.models.db import translate

log = logging.getLogger("desk.db")

MIGRATIONS_DIR = paths.migrations_dir()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def all_revisions() -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        rev = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
        return rev


def has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        n = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).scalar_one()
        conn.rollback()
        return bool(n)


def backup_copy(path: Path, label: str) -> Path:
    """Copy the database to ``<name>.<label>-<timestamp>.bak`` beside it and return that path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return sqlite_copy(path, path.with_name(f"{path.name}.{label}-{stamp}.bak"))


def sqlite_copy(source: Path, target: Path) -> Path:
    """A consistent copy of a live database (SQLite backup API), WAL contents included.

    A copy cut short (a full disk) is removed, and the error says what to do.
    """
    src = sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise translate(exc) from exc
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    return target


def upgrade(engine: Engine, path: Path, target: str = "head") -> Path | None:
    """Upgrade the file to ``target`` in one transaction; returns the backup made, if any."""
    backup = None
    if has_tables(engine):
        current = current_revision(engine)
        wanted = head_revision() if target == "head" else target
        if current == wanted:
            return None
        backup = backup_copy(path, f"before-{current or 'unversioned'}")
        log.info("migrating %s from %s to %s; copy at %s", path, current, wanted, backup)
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    except DBAPIError as exc:  # rolled back whole: the file is as it was
        raise translate(exc.orig) from exc
    return backup
