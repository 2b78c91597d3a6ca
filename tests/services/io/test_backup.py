"""Backups: whole and consistent while the desk goes on saving, named and kept by day,
refused with a clear reason where they cannot go, and restored without losing the file
they replace."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers.disks import small_disk
from hypothesis import given
from hypothesis import strategies as st

from desk.models.db import integrity_problems
from desk.models.enums import StaffRole
from desk.models.errors import PermissionDenied, StorageError
from desk.services.io import backup
from desk.services.records import calls, staff
from desk.services.records.calls import CallDraft

NOW = datetime(2026, 11, 23, 10, 0)
DAY = timedelta(days=1)


def add_call(write, text: str) -> None:
    with write() as ctx:
        calls.create_call(ctx, CallDraft("咨询", text))


def contents(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT content FROM call ORDER BY id")]
    finally:
        con.close()


@pytest.mark.parametrize("role", list(StaffRole))
def test_only_a_supervisor_or_manager_may_restore(write, read, role) -> None:
    with write() as ctx:
        person = staff.add(ctx, f"同事{role.value}", role).id
    with read() as ctx:
        if role == StaffRole.RECEPTIONIST:
            with pytest.raises(PermissionDenied, match="只有主管或经理可以从备份恢复数据库"):
                backup.check_restore(ctx.session, person)
        else:
            backup.check_restore(ctx.session, person)
        with pytest.raises(PermissionDenied):  # nobody on duty
            backup.check_restore(ctx.session, None)


def test_a_backup_is_one_whole_file_with_what_was_saved(db_path, write, tmp_path) -> None:
    add_call(write, "问停水时间")  # committed into the WAL, not yet into the main file
    assert Path(str(db_path) + "-wal").stat().st_size > 0
    made = backup.make(db_path, tmp_path / "u盘", NOW)
    assert made.path == tmp_path / "u盘" / "desk-20261123-100000.sqlite3"
    assert (made.made_at, made.size) == (NOW, made.path.stat().st_size)
    assert integrity_problems(made.path) == [] and contents(made.path) == ["问停水时间"]
    assert sorted(p.name for p in made.path.parent.iterdir()) == [made.path.name]  # no .part
    # one file, no WAL needed beside it: the header says rollback journal (1), not WAL (2)
    assert made.path.read_bytes()[18:20] == b"\x01\x01"


def test_a_backup_taken_while_someone_is_saving_has_only_what_was_committed(
    db_path, write, tmp_path
) -> None:
    add_call(write, "已保存")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another window in the middle of a save
    other.execute("UPDATE call SET content = '保存到一半'")
    try:
        made = backup.make(db_path, tmp_path, NOW)
    finally:
        other.execute("COMMIT")
        other.close()
    assert contents(made.path) == ["已保存"]
    assert contents(db_path) == ["保存到一半"]


def test_two_backups_in_one_second_both_stay(db_path, tmp_path) -> None:
    first = backup.make(db_path, tmp_path, NOW)
    second = backup.make(db_path, tmp_path, NOW)
    assert first.path != second.path and second.made_at == NOW + timedelta(seconds=1)


def test_backups_are_listed_newest_first_per_database(db_path, tmp_path) -> None:
    for n in range(3):
        backup.make(db_path, tmp_path, NOW + n * DAY)
    for name in ("demo-20261125-100000.sqlite3", "desk-20261399-000000.sqlite3", "notes.txt",
                 "desk-20261124-100000.sqlite3.part"):  # fmt: skip
        (tmp_path / name).write_bytes(b"x")
    found = backup.backups(tmp_path, "desk")
    assert [b.made_at for b in found] == [NOW + 2 * DAY, NOW + DAY, NOW]
    assert [b.path.name for b in backup.backups(tmp_path, "demo")] == [
        "demo-20261125-100000.sqlite3"
    ]
    assert backup.backups(tmp_path / "missing", "desk") == []


@given(st.lists(st.text(min_size=1, max_size=40), max_size=8))
def test_any_file_names_in_the_folder_never_break_the_list(tmp_path_factory, names) -> None:
    folder = tmp_path_factory.mktemp("any")
    for name in names:
        with contextlib.suppress(OSError, ValueError):  # not a name this system allows
            (folder / name).write_bytes(b"x")
    for found in backup.backups(folder):
        assert found.path.parent == folder


def test_the_daily_backup_is_due_once_a_day_and_the_last_week_is_kept(db_path) -> None:
    folder = backup.auto_folder(db_path)
    assert backup.due(folder, "desk", NOW)
    for day in range(backup.KEEP["day"] + 3):
        at = NOW + day * DAY
        made = backup.auto(db_path, at)
        assert [b.path.parent for b in made] == [folder]
        assert backup.auto(db_path, at + timedelta(hours=23)) == []  # not due again yet
    kept = [b.made_at for b in backup.backups(folder, "desk")]
    last_week = [NOW + (backup.KEEP["day"] + 2 - d) * DAY for d in range(backup.KEEP["day"])]
    # the three older days fall in a week and a month whose newest backup is among these
    assert kept == last_week


def test_the_daily_backup_also_goes_to_the_usb_stick_and_says_when_it_cannot(
    db_path, tmp_path
) -> None:
    stick = tmp_path / "E盘" / "物业前台备份"
    made = backup.auto(db_path, NOW, str(stick))
    assert [b.path.parent for b in made] == [backup.auto_folder(db_path), stick]
    pulled_out = tmp_path / "not-a-folder"
    pulled_out.write_text("a file where the folder should be")
    with pytest.raises(StorageError, match="找不到或打不开") as caught:
        backup.auto(db_path, NOW + DAY, str(pulled_out / "备份"))
    assert caught.value.kind == "io"
    # the backup beside the database was still made
    assert backup.backups(backup.auto_folder(db_path), "desk")[0].made_at == NOW + DAY


def test_a_full_disk_is_said_before_anything_is_written(db_path, tmp_path) -> None:
    with small_disk(tmp_path / "full", 256) as stick:  # a stick too small for the file
        with pytest.raises(StorageError, match="磁盘空间不够") as caught:
            backup.make(db_path, stick, NOW)
        assert caught.value.kind == "full"
        assert list(stick.iterdir()) == []


def test_restore_brings_the_backup_back_and_keeps_the_file_it_replaces(
    db_path, write, engine, tmp_path
) -> None:
    add_call(write, "备份前")
    made = backup.make(db_path, tmp_path, NOW)
    add_call(write, "备份后")
    engine.dispose()  # the program is closed
    aside = backup.restore(made.path, db_path, NOW + DAY)
    assert aside.name == "desk.sqlite3.before-restore-20261124-100000"
    assert contents(db_path) == ["备份前"]
    assert contents(aside) == ["备份前", "备份后"]  # nothing lost: the WAL went into it
    assert not Path(str(db_path) + "-wal").exists()
    assert made.path.is_file()  # the backup itself stays as it was


def test_restore_is_refused_while_the_database_is_open(db_path, write, tmp_path) -> None:
    made = backup.make(db_path, tmp_path, NOW)
    add_call(write, "窗口还开着")
    window = sqlite3.connect(db_path)
    window.execute("SELECT count(*) FROM call").fetchone()  # another window reads the file
    try:
        with pytest.raises(StorageError, match="正被使用") as caught:
            backup.restore(made.path, db_path, NOW + DAY)
    finally:
        window.close()
    assert caught.value.kind == "locked"
    assert contents(db_path) == ["窗口还开着"]
    assert not list(db_path.parent.glob("*before-restore*"))


def test_a_damaged_or_newer_backup_is_refused_and_nothing_changes(
    db_path, engine, tmp_path
) -> None:
    engine.dispose()
    broken = tmp_path / "desk-20261120-080000.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(StorageError, match="检查未通过") as caught:
        backup.restore(broken, db_path, NOW)
    assert caught.value.kind == "corrupt"
    newer = backup.make(db_path, tmp_path / "newer", NOW).path
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="更新版本的程序"):
        backup.restore(newer, db_path, NOW)
    with pytest.raises(StorageError, match="找不到备份文件"):
        backup.restore(tmp_path / "missing.sqlite3", db_path, NOW)
    assert not list(db_path.parent.glob("*before-restore*"))


def test_a_damaged_database_is_set_aside_as_it_is_and_replaced(db_path, engine, tmp_path) -> None:
    made = backup.make(db_path, tmp_path, NOW)
    engine.dispose()
    damaged = b"SQLite format 3\x00" + b"\x00" * 100 + b"garbage" * 1000
    db_path.write_bytes(damaged)
    aside = backup.restore(made.path, db_path, NOW)
    assert aside.read_bytes() == damaged
    assert integrity_problems(db_path) == []
