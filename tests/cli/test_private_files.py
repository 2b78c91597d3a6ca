"""Residents' data is the user's only: the office file, its -wal, the log and the backups
are created 0600 in 0700 folders, whatever umask the program was started with; an office
file made by an older version is tightened when it is opened."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from helpers.office import MANAGER_PASSWORD

from desk import paths
from desk.services.io.database import open_database


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_desk(*args: str, env: dict[str, str]) -> None:
    # a fresh process: keep_private sets the umask of the whole program
    code = (
        "import os, sys; os.umask(0o022); from desk.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env, capture_output=True)


def test_the_office_file_log_and_backups_are_the_users_only(tmp_path) -> None:
    env = {**os.environ, "DESK_DATA_DIR": str(tmp_path / "data"), "DESK_PASSWORD": MANAGER_PASSWORD}
    db = tmp_path / "office" / "desk.sqlite3"
    run_desk("--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏", env=env)
    run_desk("--db", str(db), "backup", env=env)
    made = [db, db.parent / paths.LOG_FILENAME, *sorted((db.parent / "backups").iterdir())]
    assert len(made) >= 3
    for path in made:
        assert mode(path) == 0o600, path
    assert mode(db.parent) == 0o700 and mode(db.parent / "backups") == 0o700


def test_an_older_office_file_is_tightened_when_opened(tmp_path) -> None:
    db = tmp_path / "desk.sqlite3"
    open_database(db).dispose()
    db.chmod(0o644)
    open_database(db).dispose()
    assert mode(db) == 0o600
