"""The office's file is never replaced, emptied or written into by mistake (issue 12).

Each case uses a real file in the state an office meets: a lock held by another process,
a read-only file system, another program's database, another database's ``-wal`` beside
the file, a file of a newer version, a damaged index, a missing table, a full disk.
``open_database`` (the one door) must say which it is and leave the file as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers.disks import fill, make_read_only, small_disk
from helpers.office_files import add_calls, count_calls, held, run_sql, swap_indexes

from desk.models import dbfile, migrate
from desk.models.dbfile import Kind
from desk.models.errors import StorageError
from desk.services.io import backup
from desk.services.io.database import inspect, open_database

NOW = datetime(2026, 11, 23, 10, 0)
pytestmark = pytest.mark.expect_log("desk.db")  # refusals and repairs are logged


def closed(engine, path: Path) -> bytes:
    """Close the program's engine (its WAL folded in) and return the file's bytes."""
    engine.dispose()
    return path.read_bytes()


# --- 1. a locked, read-only or unopenable file is not damaged -----------------------------


def test_a_locked_file_is_called_locked_and_opens_once_let_go(
    db_path, engine, write, monkeypatch
) -> None:
    add_calls(write, 3)
    before = closed(engine, db_path)
    monkeypatch.setattr(dbfile, "BUSY_MS", 200)
    with held(db_path):
        with pytest.raises(StorageError) as caught:
            open_database(db_path)
        assert backup.candidates(db_path) == []  # nothing offered in its place
    assert caught.value.kind == "locked"
    assert "占用" in str(caught.value) and "没有损坏" in str(caught.value)
    assert db_path.read_bytes() == before
    again = open_database(db_path)  # let go: the same file opens, every call there
    again.dispose()
    assert count_calls(db_path) == 3


def test_a_file_on_read_only_media_is_read_only_not_damaged(db_path, engine, write, tmp_path):
    add_calls(write, 2)
    engine.dispose()
    with small_disk(tmp_path / "cd", 4096) as cd:
        on_cd = cd / "desk.sqlite3"
        shutil.copyfile(db_path, on_cd)
        make_read_only(cd)
        info = inspect(on_cd)
        assert (info.kind, info.writable) == (Kind.DESK, False)
        with pytest.raises(StorageError) as caught:
            open_database(on_cd)
        assert caught.value.kind == "readonly" and "只读" in str(caught.value)
        assert count_calls(on_cd) == 2


def test_a_folder_given_as_the_database_is_called_a_folder(tmp_path) -> None:
    with pytest.raises(StorageError) as caught:
        open_database(tmp_path)
    assert "是一个文件夹" in str(caught.value)
    assert list(tmp_path.iterdir()) == [tmp_path / "profile"]  # nothing made in it


# --- 2. only a desk file is opened --------------------------------------------------------


def test_another_programs_database_is_refused_untouched(tmp_path) -> None:
    other = tmp_path / "wechat.db"
    run_sql(
        other,
        "CREATE TABLE message (id INTEGER PRIMARY KEY, text TEXT)",
        "INSERT INTO message (text) VALUES ('你好')",
    )
    before = other.read_bytes()
    with pytest.raises(StorageError) as caught:
        open_database(other)
    assert caught.value.kind == "foreign" and "不是物业前台的数据库" in str(caught.value)
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profile", "wechat.db"]


def test_a_file_that_is_not_sqlite_at_all_is_foreign(tmp_path) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("这不是数据库" * 100, encoding="utf-8")
    assert inspect(notes).kind is Kind.FOREIGN


def test_an_empty_sqlite_file_may_become_a_new_office(tmp_path) -> None:
    blank = tmp_path / "blank.sqlite3"
    run_sql(blank, "PRAGMA user_version = 7")  # a header and no table: nothing to lose
    assert inspect(blank).kind is Kind.BLANK
    engine = open_database(blank)
    engine.dispose()
    assert inspect(blank).kind is Kind.DESK


WAL_OF_ANOTHER = """
import os, sys
from datetime import datetime
from desk.models import db
from desk.services.records import staff
from desk.services.core.transactions import writing
from desk.services.io.database import open_database
engine = open_database(sys.argv[1])
if sys.argv[2] == "one-save":  # its own pages checkpointed: the WAL holds one save only
    engine.dispose()
    engine = open_database(sys.argv[1])
with db.write_session(engine) as session:
    session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
with writing(engine, now=datetime(2026, 11, 23, 9, 0)) as ctx:
    staff.set_up_office(ctx, "另一个物业服务中心", "李经理")
os._exit(0)  # like a crash or a copy taken while it ran: the WAL stays beside the file
"""


@pytest.mark.parametrize("what", ["whole-new-file", "one-save"])
def test_a_wal_of_another_database_is_set_aside_not_replayed(
    db_path, engine, write, tmp_path, what
) -> None:
    add_calls(write, 5)
    engine.dispose()
    other = tmp_path / "other" / "desk.sqlite3"
    other.parent.mkdir()
    subprocess.run([sys.executable, "-c", WAL_OF_ANOTHER, str(other), what], check=True)
    wal = Path(f"{other}-wal")
    assert wal.stat().st_size > 0
    shutil.copyfile(wal, f"{db_path}-wal")  # a sync tool put it beside the office file

    assert inspect(db_path).foreign_wal
    opened = open_database(db_path)
    opened.dispose()

    assert count_calls(db_path) == 5
    asides = [p.name for p in db_path.parent.iterdir() if ".foreign-wal-" in p.name]
    assert asides and all(p.startswith("desk.sqlite3.foreign-wal-") for p in asides)


def test_the_files_own_wal_is_replayed(db_path, write) -> None:
    add_calls(write, 2)  # committed into the WAL (the engine fixture still holds it open)
    assert Path(f"{db_path}-wal").stat().st_size > 0
    assert not inspect(db_path).foreign_wal


# --- 3/4. newer and damaged files ---------------------------------------------------------


def test_a_file_of_a_newer_version_is_refused_untouched(db_path) -> None:
    run_sql(db_path, "UPDATE alembic_version SET version_num = '0099'")
    before = db_path.read_bytes()
    with pytest.raises(StorageError) as caught:
        open_database(db_path)
    assert caught.value.kind == "newer" and "更新版本" in str(caught.value)
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.bak"))


def test_a_missing_table_is_damage(db_path) -> None:
    run_sql(db_path, "DROP TABLE loan")
    info = inspect(db_path)
    assert info.kind is Kind.CORRUPT and "缺少表 loan" in info.problems
    with pytest.raises(StorageError) as caught:
        open_database(db_path)
    assert caught.value.kind == "corrupt"


def serial_found(path: Path, serial: str) -> bool:
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        return con.execute("SELECT 1 FROM call WHERE serial = ?", (serial,)).fetchone() is not None
    finally:
        con.close()


def test_index_damage_is_found_by_the_full_check_and_rebuilt(db_path, engine, write) -> None:
    add_calls(write, 20)
    engine.dispose()
    swap_indexes(db_path, "ix_call_serial", "ix_call_created_at")
    assert not serial_found(db_path, "LD-20261123-001")  # the symptom in the program

    assert inspect(db_path).kind is Kind.DESK  # the quick check at start cannot see it
    info = inspect(db_path, full=True)
    assert info.kind is Kind.INDEX
    with pytest.raises(StorageError) as caught:
        backup.auto(db_path, NOW)  # the daily backup's full check says it
    assert caught.value.kind == "index" and "重建索引" in str(caught.value)
    assert backup.backups(backup.auto_folder(db_path), "desk") == []  # no copy of it made

    dbfile.reindex(db_path)
    assert inspect(db_path, full=True).kind is Kind.DESK
    assert serial_found(db_path, "LD-20261123-001")
    assert count_calls(db_path) == 20


# --- 3. empty and missing files, and the backups of other files ---------------------------


def test_a_zero_byte_file_is_not_a_database(tmp_path) -> None:
    empty = tmp_path / "desk.sqlite3"
    empty.touch()
    with pytest.raises(StorageError) as caught:
        open_database(empty, create=False)
    assert caught.value.kind == "empty" and "0 字节" in str(caught.value)
    assert empty.stat().st_size == 0


def test_a_restore_cut_off_between_its_renames_offers_the_file_it_set_aside(
    db_path, engine, write, tmp_path
) -> None:
    add_calls(write, 4)
    made = backup.make(db_path, backup.auto_folder(db_path), NOW - timedelta(days=1))
    add_calls(write, 3)  # after the backup: only the live file has these
    engine.dispose()
    # the first rename of a restore, then the power went
    aside = db_path.with_name(f"{db_path.name}.before-restore-{NOW:%Y%m%d-%H%M%S}")
    db_path.rename(aside)

    found = backup.candidates(db_path)
    assert [c.path for c in found] == [aside, made.path]  # newest first
    assert found[0].what == "恢复前留下的文件"
    backup.restore(found[0].path, db_path, NOW + timedelta(minutes=5))
    assert count_calls(db_path) == 7


def test_rotation_never_deletes_the_backups_of_another_file(
    db_path, engine, tmp_path, empty_db_template
) -> None:
    engine.dispose()
    folder = backup.auto_folder(db_path)
    old = [backup.make(db_path, folder, NOW + timedelta(days=d)).path for d in range(3)]
    # the office file was lost; a new office was set up in its place (a new identity)
    db_path.unlink()
    shutil.copyfile(empty_db_template, db_path)
    run_sql(db_path, "UPDATE databaseidentity SET uid = 'another-lineage'")
    for d in range(40):
        backup.make(db_path, folder, NOW + timedelta(days=10 + d))
        backup.prune(folder, db_path)
    left = {b.path for b in backup.backups(folder, "desk")}
    assert set(old) <= left  # all of the lost file's backups, its newest included


def test_rotation_keeps_seven_days_four_weeks_and_twelve_months(db_path, engine) -> None:
    engine.dispose()
    folder = backup.auto_folder(db_path)
    start = datetime(2025, 1, 1, 9, 0)
    first = backup.make(db_path, folder, start).path
    for d in range(1, 400):  # more than a year of daily backups, each a copy of the first
        at = start + timedelta(days=d)
        shutil.copyfile(first, folder / f"desk-{at:%Y%m%d-%H%M%S}.sqlite3")
    backup.prune(folder, db_path)
    kept = [b.made_at for b in backup.backups(folder, "desk")]
    newest = start + timedelta(days=399)
    assert kept[:7] == [newest - timedelta(days=d) for d in range(7)]
    weeks = {t.isocalendar()[:2] for t in kept}
    months = {(t.year, t.month) for t in kept}
    assert len(weeks) >= 4 and len(months) == 12
    assert len(kept) <= 7 + 4 + 12
    assert min(kept) > newest - timedelta(days=366)


def test_backups_cut_off_are_swept_and_a_fresh_one_is_left(db_path, tmp_path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    stale = folder / "desk-20261122-100000.sqlite3.part"
    fresh = folder / "desk-20261123-095959.sqlite3.part"
    for part in (stale, fresh):
        part.write_bytes(b"\0" * 4096)
    hour_ago = (NOW - timedelta(hours=2)).timestamp()
    os.utime(stale, (hour_ago, hour_ago))
    os.utime(fresh, (NOW.timestamp(), NOW.timestamp()))
    backup.make(db_path, folder, NOW)
    assert not stale.exists() and fresh.exists()


# --- 6. a full disk -----------------------------------------------------------------------


def test_an_upgrade_on_a_nearly_full_disk_is_refused_before_anything_is_written(
    tmp_path,
) -> None:
    with small_disk(tmp_path / "disk", 16 * 1024) as disk:
        path = disk / "desk.sqlite3"
        engine = open_database(path)
        engine.dispose()
        run_sql(
            path,
            "CREATE TABLE ballast (b BLOB)",  # a file of 2 MB at revision 0004
            "INSERT INTO ballast VALUES (zeroblob(2000000))",
            "DROP TABLE databaseidentity",
            "UPDATE alembic_version SET version_num = '0004'",
        )
        fill(disk, leave_kb=3 * 1024)
        before = path.read_bytes()
        with pytest.raises(StorageError) as caught:
            open_database(path)
        assert caught.value.kind == "full" and "磁盘空间不够" in str(caught.value)
        assert path.read_bytes() == before
        assert sorted(p.name for p in disk.iterdir()) == ["desk.sqlite3", "filler.bin"]


def test_a_copy_cut_off_by_a_full_disk_leaves_nothing_behind(db_path, write, tmp_path) -> None:
    add_calls(write, 50)
    with small_disk(tmp_path / "disk", 64) as disk:
        target = disk / "copy.sqlite3"
        with pytest.raises(StorageError) as caught:
            migrate.sqlite_copy(db_path, target)
        assert caught.value.kind == "full"
        assert list(disk.iterdir()) == []


# --- the one door writes only when it must ------------------------------------------------


def test_opening_an_up_to_date_file_takes_no_write_lock(db_path, engine, write) -> None:
    add_calls(write, 1)
    engine.dispose()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a save in progress in another window
    try:
        reader = open_database(db_path)  # to print a form: must not wait for that save
        reader.dispose()
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_the_inspector_writes_nothing_beside_the_file(db_path) -> None:
    folder = db_path.parent
    before = sorted(os.listdir(folder))
    for full in (False, True):
        assert inspect(db_path, full=full).kind is Kind.DESK
    assert sorted(os.listdir(folder)) == before
