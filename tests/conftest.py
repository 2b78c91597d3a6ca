"""Shared fixtures: an isolated profile per test and a fresh, migrated database file per test.

The empty schema is built once per session (``open_database`` on a new file) and copied
for every test, as anki's ``getEmptyCol`` does — fast, and no test sees another's rows.

``NOW`` is the fixed moment the fixtures act at (a Monday morning). Test modules repeat
the constant instead of ``from helpers.office import NOW``: with more than one conftest.py
(tests/ui has its own) and in worker processes started with ``spawn``, the module name
``conftest`` can resolve to another file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.logfail import (  # noqa: F401 (hooks)
    fail_on_unexpected_log,
    no_phone_in_the_log,
    pytest_runtest_call,
)
from helpers.office import FAST_HASHES, MANAGER_NAME, NOW, OFFICE_NAME
from hypothesis import settings
from sqlalchemy.engine import Engine

from desk.services.core.context import Ctx
from desk.services.core.transactions import reading, writing
from desk.services.io.database import open_database
from desk.services.records import staff

# Set before anything can import Qt, so UI tests never need a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.hookimpl(tryfirst=True)  # before pytest-qt's, which imports Qt (INTERNALERROR)
def pytest_configure(config: pytest.Config) -> None:
    """Without Qt's system libraries, stop at once naming the Debian packages to install."""
    from desk import qt_libraries

    problem = qt_libraries.preflight(doing="运行测试")
    if problem:
        pytest.exit(problem, returncode=qt_libraries.EXIT_CODE)


# A shared or slow machine makes hypothesis's per-example deadline fail at random: none in
# CI (CI=1, or HYPOTHESIS_PROFILE=ci anywhere).
settings.register_profile("ci", deadline=None, print_blob=True)
_profile = "ci" if os.environ.get("CI") else "default"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _profile))


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap scrypt parameters for every test (a real hash takes ~150 ms by design); the
    real ones are tested in test_passwords and measured in benchmarks/."""
    from desk.services.core import passwords

    monkeypatch.setattr(passwords, "PARAMS", FAST_HASHES)


@pytest.fixture(autouse=True)
def profile_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data folder and the default database at ``tmp_path`` for every test."""
    data = tmp_path / "profile"
    data.mkdir()
    monkeypatch.setenv("DESK_DATA_DIR", str(data))
    monkeypatch.setenv("DESK_DB", str(data / "desk.sqlite3"))
    return data


@pytest.fixture(scope="session")
def empty_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded, empty database file built once; never open it for writing.

    The engine is disposed before the file is used, so the last connection checkpoints
    the WAL and removes ``-wal``/``-shm``: the single file is the whole database.
    """
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    engine = open_database(path)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"template must be a single file, found {leftovers}"
    return path


@pytest.fixture
def db_path(empty_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the empty database file."""
    path = tmp_path / "desk.sqlite3"
    shutil.copyfile(empty_db_template, path)
    return path


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    """The copy opened through ``open_database`` (the door every entry point uses)."""
    eng = open_database(db_path)
    yield eng
    eng.dispose()


@pytest.fixture
def staff_id(engine: Engine) -> int:
    """Set up the office (name + first member) and return the manager's id."""
    with writing(engine, now=NOW) as ctx:
        # no starter loan items: tests build the catalogue they assert on
        manager = staff.set_up_office(ctx, OFFICE_NAME, MANAGER_NAME, loan_items=False)
    assert manager.id is not None
    return manager.id


@pytest.fixture
def write(engine: Engine, staff_id: int) -> Callable[..., AbstractContextManager[Ctx]]:
    """``with write() as ctx:`` — one committed transaction by the manager at ``NOW``.

    ``write(at)`` acts at another moment, ``write(at, who=id)`` as another member of staff.
    """

    def _write(at: datetime = NOW, *, who: int | None = None) -> AbstractContextManager[Ctx]:
        return writing(engine, staff_id=who or staff_id, now=at)

    return _write


@pytest.fixture
def fetch(engine: Engine) -> Callable[..., Any]:
    """``fetch(Model, id)`` → one record, ``fetch(select(...))`` → a list, as stored now.

    The records are detached from their session *before* it ends, so their loaded values
    stay readable afterwards whatever the session does on close.
    """

    def _fetch(what: Any, record_id: int | None = None) -> Any:
        with reading(engine, now=NOW) as ctx:
            found = (
                ctx.session.get(what, record_id)
                if record_id is not None
                else list(ctx.session.exec(what).all())
            )
            ctx.session.expunge_all()
        return found

    return _fetch


@pytest.fixture
def read(engine: Engine) -> Callable[..., AbstractContextManager[Ctx]]:
    """``with read(at) as ctx:`` — a read-only snapshot, as the desk sees it at ``at``."""

    def _read(at: datetime = NOW) -> AbstractContextManager[Ctx]:
        return reading(engine, now=at)

    return _read
