"""The database file: pragmas, integrity, and every way a save can fail without losing data."""

from __future__ import annotations

import logging
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from desk.models import Call, db
from desk.models.errors import StorageError
from desk.services.core import audit
from desk.services.core.transactions import reading, writing
from desk.services.io.database import open_database
from desk.services.records import calls, common, workorders

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at

CJK = re.compile(r"[\u4e00-\u9fff]")
GARBAGE = b"\xde\xad\xbe\xef"  # 0xde is no valid b-tree page type: always detected


def _count(path: Path, table: str) -> int:
    """Rows in ``table`` as a brand-new, unrelated sqlite3 connection sees them."""
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def _new_call(ctx, content: str = "咨询停车收费标准") -> int:
    return calls.create_call(ctx, calls.CallDraft("咨询", content)).id


# --- pragmas ----------------------------------------------------------------------------


def _pragmas(conn) -> dict[str, object]:
    return {
        name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }


EXPECTED_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,
    "foreign_keys": 1,
    "busy_timeout": db.BUSY_TIMEOUT_MS,
}


def test_pragmas_hold_on_every_new_connection(db_path: Path) -> None:
    engine = db.make_engine(db_path)
    try:
        # two connections open at once are two DBAPI connections
        with engine.connect() as one, engine.connect() as two:
            assert one.connection.dbapi_connection is not two.connection.dbapi_connection
            assert _pragmas(one) == EXPECTED_PRAGMAS
            assert _pragmas(two) == EXPECTED_PRAGMAS
        engine.dispose()  # the pool is emptied: the next connection is brand-new
        with engine.connect() as three:
            assert _pragmas(three) == EXPECTED_PRAGMAS
    finally:
        engine.dispose()


def test_busy_timeout_follows_the_module_setting(db_path, monkeypatch) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 123)
    engine = db.make_engine(db_path)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 123
    finally:
        engine.dispose()


def test_a_file_that_refuses_wal_is_noticed(tmp_path) -> None:
    # an in-memory database cannot use WAL: the read-back check must refuse it
    engine = db.make_engine(":memory:")
    try:
        with pytest.raises(StorageError) as info, engine.connect():
            pass
    finally:
        engine.dispose()
    assert info.value.kind == "io"
    assert "journal_mode" in str(info.value)
    assert CJK.search(str(info.value))


def test_committed_write_is_seen_by_a_brand_new_connection(engine, db_path, staff_id) -> None:
    with writing(engine, staff_id=staff_id, now=NOW) as ctx:
        call_id = _new_call(ctx)
    # no dispose, no checkpoint: another process opening the file sees the commit
    con = sqlite3.connect(db_path)
    try:
        row = con.execute("SELECT serial, content FROM call WHERE id = ?", (call_id,)).fetchone()
    finally:
        con.close()
    assert row == ("LD-20261123-001", "咨询停车收费标准")


def test_reads_see_a_consistent_snapshot(engine, staff_id) -> None:
    with writing(engine, staff_id=staff_id, now=NOW) as ctx:
        _new_call(ctx)
    with db.read_session(engine) as session:
        first = session.connection().exec_driver_sql("SELECT count(*) FROM call").scalar()
        with writing(engine, staff_id=staff_id, now=NOW) as ctx:
            _new_call(ctx)  # a writer commits while the reader is open (WAL)
        again = session.connection().exec_driver_sql("SELECT count(*) FROM call").scalar()
    assert first == again == 1
    with db.read_session(engine) as session:
        assert session.connection().exec_driver_sql("SELECT count(*) FROM call").scalar() == 2


def test_records_read_in_a_read_session_stay_readable_afterwards(engine, staff_id) -> None:
    """A read job's result is handed to the GUI thread (desk/ui/ops.py) after the block ends.

    ``read_session`` ends with ``session.rollback()``, which expires every loaded record;
    the detached records then raise DetachedInstanceError on the first attribute access.
    """
    with writing(engine, staff_id=staff_id, now=NOW) as ctx:
        call_id = _new_call(ctx)
    with reading(engine, now=NOW) as ctx:
        call = common.get(ctx, Call, call_id)
        undelivered = calls.undelivered_for(ctx, staff_id)
    assert call.serial == "LD-20261123-001"
    assert undelivered == []


# --- integrity ----------------------------------------------------------------------------


def test_healthy_file_has_no_integrity_problems(db_path) -> None:
    assert db.integrity_problems(db_path) == []


@pytest.mark.parametrize(
    ("where", "length"),
    [
        pytest.param("header", 100, id="header"),
        pytest.param("first-page", 3000, id="schema-page"),
        pytest.param("middle", 8192, id="middle-pages"),
    ],
)
def test_corrupt_file_is_reported_and_left_untouched(db_path, where, length, caplog) -> None:
    size = db_path.stat().st_size
    offset = {"header": 0, "first-page": 100, "middle": size // 2}[where]
    with db_path.open("r+b") as fh:
        fh.seek(offset)
        fh.write((GARBAGE * (length // len(GARBAGE) + 1))[:length])
    before = db_path.read_bytes()

    assert db.integrity_problems(db_path) != []
    with caplog.at_level(logging.ERROR, logger="desk.db"), pytest.raises(StorageError) as info:
        open_database(db_path)

    assert info.value.kind == "corrupt"
    assert "corrupt" in caplog.text  # the log says why, too
    assert CJK.search(str(info.value))
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.bak")), "no migration (and no backup) was attempted"


def test_missing_file_is_not_created_when_asked_not_to(tmp_path) -> None:
    path = tmp_path / "nowhere" / "desk.sqlite3"
    with pytest.raises(StorageError) as info:
        open_database(path, create=False)
    assert info.value.kind == "io"
    assert not path.exists()


# --- failing saves ------------------------------------------------------------------------


def test_locked_database_gives_a_chinese_message_and_writes_nothing(
    db_path, engine, staff_id, monkeypatch
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 100)  # read when a connection is made
    impatient = db.make_engine(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another PC holds the write lock
        with pytest.raises(StorageError) as info, writing(impatient, staff_id, None, NOW) as ctx:
            _new_call(ctx)
        other.execute("ROLLBACK")
    finally:
        other.close()
        impatient.dispose()

    assert info.value.kind == "locked"
    assert "占用" in str(info.value)
    assert CJK.search(str(info.value))
    assert _count(db_path, "call") == 0
    assert _count(db_path, "serialcounter") == 0
    # once the other program lets go, the same save works and gets number 001
    with writing(engine, staff_id=staff_id, now=NOW) as ctx:
        serial = calls.create_call(ctx, calls.CallDraft("咨询", "再试一次")).serial
    assert serial == "LD-20261123-001"


def test_readonly_file_refuses_writes(db_path, engine, staff_id) -> None:
    readonly = db.make_engine(db_path, readonly=True)
    try:
        with pytest.raises(StorageError) as info, writing(readonly, staff_id, None, NOW) as ctx:
            _new_call(ctx)
        with readonly.connect() as conn:  # reading still works
            assert conn.exec_driver_sql("SELECT count(*) FROM staff").scalar() == 1
    finally:
        readonly.dispose()
    assert info.value.kind == "readonly"
    assert CJK.search(str(info.value))
    assert _count(db_path, "call") == 0


def test_disk_full_rolls_the_whole_save_back(db_path, engine, staff_id) -> None:
    with writing(engine, staff_id=staff_id, now=NOW) as ctx:
        _new_call(ctx)
    audit_before = _count(db_path, "auditevent")

    cramped = db.make_engine(db_path)  # its own pool: the limit dies with it
    try:
        with pytest.raises(StorageError) as info, writing(cramped, staff_id, None, NOW) as ctx:
            conn = ctx.session.connection()
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
            conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")  # the disk is full now
            for _ in range(50):
                _new_call(ctx, "楼上漏水" * 400)
    finally:
        cramped.dispose()

    assert info.value.kind == "full"
    assert "磁盘" in str(info.value)
    assert _count(db_path, "call") == 1
    assert _count(db_path, "auditevent") == audit_before
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT last FROM serialcounter").fetchall() == [(1,)]
    finally:
        con.close()


def test_failed_audit_insert_leaves_no_half_saved_work_order(db_path, engine, staff_id) -> None:
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute(
        "CREATE TRIGGER broken_audit BEFORE INSERT ON auditevent "
        "WHEN NEW.entity = 'workorder' BEGIN SELECT RAISE(ABORT, 'audit disk error'); END"
    )
    con.close()
    audit_before = _count(db_path, "auditevent")

    draft = workorders.WorkOrderDraft("厨房水管漏水", "水电", room="3-2-1201")
    with pytest.raises(StorageError) as info, writing(engine, staff_id=staff_id, now=NOW) as ctx:
        workorders.create(ctx, draft)

    assert info.value.kind == "io"
    assert CJK.search(str(info.value))
    assert _count(db_path, "workorder") == 0
    assert _count(db_path, "serialcounter") == 0
    assert _count(db_path, "auditevent") == audit_before


def test_python_error_mid_save_rolls_back_too(db_path, engine, staff_id, monkeypatch) -> None:
    def broken_created(ctx, obj, summary=""):
        raise RuntimeError("boom")

    monkeypatch.setattr(audit, "created", broken_created)
    draft = workorders.WorkOrderDraft("厨房水管漏水", "水电", room="3-2-1201")
    with pytest.raises(RuntimeError), writing(engine, staff_id=staff_id, now=NOW) as ctx:
        workorders.create(ctx, draft)
    assert _count(db_path, "workorder") == 0
    assert _count(db_path, "serialcounter") == 0


# --- translate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sqlite3.OperationalError("database is locked"), "locked"),
        (sqlite3.OperationalError("database table is locked"), "locked"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "readonly"),
        (sqlite3.OperationalError("database or disk is full"), "full"),
        (sqlite3.DatabaseError("file is not a database"), "corrupt"),
        (sqlite3.DatabaseError("database disk image is malformed"), "corrupt"),
        (sqlite3.OperationalError("disk I/O error"), "io"),
        (None, "io"),
    ],
)
def test_translate_names_the_problem_in_chinese(error, kind) -> None:
    translated = db.translate(error)
    assert isinstance(translated, StorageError)
    assert translated.kind == kind
    assert CJK.search(str(translated))
