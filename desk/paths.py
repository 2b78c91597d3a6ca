"""Where things live: the data folder, the database, the log, bundled resources.

Environment variables let tests, admins and a second office profile move them:
``DESK_DATA_DIR`` (the folder) and ``DESK_DB`` (the database file).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "desk"
DB_FILENAME = "desk.sqlite3"
DEMO_FILENAME = "demo.sqlite3"
LOG_FILENAME = "desk.log"


def data_dir() -> Path:
    env = os.environ.get("DESK_DATA_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def default_db() -> Path:
    env = os.environ.get("DESK_DB")
    return Path(env) if env else data_dir() / DB_FILENAME


def demo_db() -> Path:
    """The demo database is a separate file, so demo rows never mix into an office's own."""
    return data_dir() / DEMO_FILENAME


def log_file(db_path: Path) -> Path:
    """The log sits beside the database it belongs to."""
    return db_path.parent / LOG_FILENAME


def resources_dir() -> Path:
    """``resources/`` from a source checkout or from inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
