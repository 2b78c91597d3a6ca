"""Where things live: the data folder, the database, the log, bundled resources.

Environment variables let tests, admins and a second office profile move them:
``DESK_DATA_DIR`` (the folder) and ``DESK_DB`` (the database file).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "desk"
DB_FILENAME = "desk.sqlite3"
DEMO_FILENAME = "demo.sqlite3"
LOG_FILENAME = "desk.log"
WINDOW_FILENAME = "window.geometry"


def data_dir() -> Path:
    env = os.environ.get("DESK_DATA_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


PRIVATE_FILE = 0o600  # residents' data: readable by the user only (on Linux)
PRIVATE_FOLDER = 0o700


def keep_private() -> None:
    """Every file and folder the program creates from now on — the database and its -wal,
    backups, drafts, the log — is the user's only (业主信息属于个人隐私). Windows keeps them
    private by keeping them in the user's own profile; umask is POSIX's way."""
    if os.name == "posix":
        os.umask(0o077)


def make_private(path: Path) -> None:
    """A file written before ``keep_private`` (by an older version): the user's only now."""
    if os.name != "posix" or not path.exists():
        return
    # not ours, or a USB stick's FAT that has no modes: nothing to tighten
    with contextlib.suppress(OSError):
        path.chmod(PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE)


def default_db() -> Path:
    env = os.environ.get("DESK_DB")
    return Path(env) if env else data_dir() / DB_FILENAME


def demo_db() -> Path:
    """The demo database is a separate file, so demo rows never mix into an office's own."""
    return data_dir() / DEMO_FILENAME


def window_file() -> Path:
    """Where the main window was last closed: this PC's screen, not the office's data, so
    it sits in the data folder and not in the database (which may be on the LAN)."""
    return data_dir() / WINDOW_FILENAME


def log_file(db_path: Path) -> Path:
    """The log sits beside the database it belongs to."""
    return db_path.parent / LOG_FILENAME


def bundled() -> bool:
    """True when running from the PyInstaller folder an office installs, not from source."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def app_dir() -> Path:
    """The folder the program's own files sit in.

    Bundled, PyInstaller unpacks everything below ``sys._MEIPASS`` (the ``_internal``
    folder beside the exe); from source it is the checkout, the parent of ``desk/``.
    ``build.spec`` puts each file at the same relative place in the bundle as in the
    checkout, so every lookup below works unchanged in both.
    """
    if bundled():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """``resources/``: fonts with their licences, icons, Qt's zh_CN translation (bundled)."""
    return app_dir() / "resources"


def resource(*parts: str) -> Path:
    """A file shipped with the program, e.g. ``resource("fonts", "wqy-microhei.ttc")``.

    Every shipped file is found through here (or ``migrations_dir`` for the Alembic
    scripts), both below ``app_dir()``: code that looked beside its own ``__file__`` would
    break in the bundle as soon as a file moved.
    """
    return resources_dir().joinpath(*parts)


def migrations_dir() -> Path:
    """The Alembic scripts (``env.py``, ``versions/*.py``): Python files Alembic reads from
    disk, so they live with the code in ``desk/models/migrations`` and ``build.spec``
    copies them as data files to the same place in the bundle."""
    return app_dir() / "desk" / "models" / "migrations"
