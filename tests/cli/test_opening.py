"""The command line on office files in every state (issue 12): each refusal exits 2 with a
Chinese sentence and leaves the file as it was; ``check`` writes nothing anywhere."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from helpers.disks import make_read_only, small_disk
from helpers.office_files import run_sql, swap_indexes

from desk import cli
from desk.reports import form_data
from desk.reports.form_data import render
from desk.services.io import backup
from desk.services.records import workorders
from desk.services.records.workorders import WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)
pytestmark = pytest.mark.expect_log("desk.db")  # refusals are logged


def run(db: Path, *args: str) -> int:
    return cli.main(["--db", str(db), *args])


@pytest.fixture
def office(db_path, write, engine, manager_logs_in) -> Path:
    """An office file with one work order; closed, so the command has the file. The
    command line logs in as its manager."""
    with write() as ctx:
        workorders.create(ctx, WorkOrderDraft("卫生间漏水", "水电", room="3-2-1201"))
    engine.dispose()
    return db_path


def test_a_newer_file_is_named_newer_and_never_changed(office, tmp_path, capsys) -> None:
    run_sql(office, "UPDATE alembic_version SET version_num = '0099'")
    before = office.read_bytes()
    assert run(office, "form", "workorder", "--latest", "-o", str(tmp_path / "a.pdf")) == 2
    assert "更新版本" in capsys.readouterr().err
    assert run(office, "check") == 2
    err = capsys.readouterr().err
    assert "更新版本" in err and "需要升级" not in err
    assert office.read_bytes() == before


def test_check_says_a_zero_byte_file_is_empty_and_leaves_it(tmp_path, capsys) -> None:
    empty = tmp_path / "desk.sqlite3"
    empty.touch()
    assert run(empty, "check") == 2
    assert "0 字节" in capsys.readouterr().err
    assert empty.stat().st_size == 0
    assert run(empty, "form", "workorder", "--latest", "-o", str(tmp_path / "a.pdf")) == 2
    assert empty.stat().st_size == 0


def test_check_writes_nothing_beside_the_file_it_reads(office, tmp_path, capsys) -> None:
    stick = tmp_path / "u盘"
    made = backup.make(office, stick, NOW).path
    assert run(made, "check", "--full") == 0
    assert "完好" in capsys.readouterr().out
    assert sorted(p.name for p in stick.iterdir()) == [made.name]  # no desk.log, no -wal


def test_index_damage_is_found_by_check_full_and_repaired_by_reindex(office, capsys) -> None:
    swap_indexes(office, "ix_workorder_serial", "ix_workorder_created_at")
    assert run(office, "check") == 0  # the quick check cannot see an index's content
    capsys.readouterr()
    assert run(office, "check", "--full") == 2
    assert "索引损坏" in capsys.readouterr().err
    assert run(office, "check", "--reindex") == 0
    assert "已重建索引" in capsys.readouterr().out
    assert run(office, "check", "--full") == 0


def test_a_folder_given_as_the_database_is_called_a_folder(tmp_path, capsys) -> None:
    assert run(tmp_path, "form", "workorder", "--latest", "-o", str(tmp_path / "a.pdf")) == 2
    assert "是一个文件夹" in capsys.readouterr().err


def test_adding_a_colleague_with_no_name_says_so(office, capsys) -> None:
    assert run(office, "staff", "--add", "") == 2
    assert "姓名" in capsys.readouterr().err


def test_staff_and_settings_never_make_a_file(tmp_path, capsys) -> None:
    missing = tmp_path / "typo.sqlite3"
    assert run(missing, "staff") == 2
    assert run(missing, "settings") == 2
    assert not missing.exists()


def test_printing_a_form_waits_for_no_save(office, tmp_path, monkeypatch) -> None:
    """The form is read and drawn while a save holds the write lock; only its audit row
    (who exported what) is written after that save."""
    other = sqlite3.connect(office, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a save in progress in the window
    drawn: list[Path] = []

    def render_then_the_save_ends(form, out):
        render(form, out)
        drawn.append(out)
        other.execute("ROLLBACK")  # the window's save is done

    monkeypatch.setattr(form_data, "render", render_then_the_save_ends)
    try:
        out = tmp_path / "派工单.pdf"
        assert run(office, "form", "workorder", "--latest", "-o", str(out)) == 0
        assert drawn == [out] and out.stat().st_size > 0
        [exported] = other.execute(
            "SELECT entity, field, new FROM auditevent WHERE action = '导出'"
        ).fetchall()
        assert exported == ("workorder", "派工单", "1 页")  # on the order, with its pages
    finally:
        other.close()


def test_restore_into_a_read_only_folder_says_so_and_changes_nothing(
    office, tmp_path, capsys
) -> None:
    made = backup.make(office, tmp_path / "u盘", NOW).path
    with small_disk(tmp_path / "cd", 8192) as cd:
        target = cd / "desk.sqlite3"
        shutil.copyfile(office, target)
        make_read_only(cd)
        before = target.read_bytes()
        assert run(target, "restore", str(made)) == 2
        err = capsys.readouterr().err
        assert "只读" in err and "Traceback" not in err
        assert target.read_bytes() == before
