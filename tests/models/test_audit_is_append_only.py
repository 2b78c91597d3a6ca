"""The audit log can be added to, never rewritten: SQLite triggers (migration 0007)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers.office import NOW

from desk.models import db, migrate
from desk.models.errors import StorageError
from desk.services.core.transactions import writing
from desk.services.records import calls, staff

NO_UPDATE = "审计记录不能修改"
NO_DELETE = "审计记录不能删除"
ROW = (
    "INSERT INTO auditevent (at, staff_id, entity, entity_id, action, field, reason) "
    "VALUES ('2026-11-23 10:00:00.000000', NULL, 'call', 1, '新建', '', '')"
)


def _count(con: sqlite3.Connection) -> int:
    return con.execute("SELECT count(*) FROM auditevent").fetchone()[0]


def _refuses_rewrites(path: Path) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute(ROW)  # appending works
        rows = _count(con)
        assert rows >= 1
        with pytest.raises(sqlite3.IntegrityError, match=NO_UPDATE):
            con.execute("UPDATE auditevent SET reason = '改过了'")
        with pytest.raises(sqlite3.IntegrityError, match=NO_DELETE):
            con.execute("DELETE FROM auditevent")
        with pytest.raises(sqlite3.IntegrityError, match=NO_DELETE):
            con.execute("DELETE FROM auditevent WHERE id = (SELECT max(id) FROM auditevent)")
        assert _count(con) == rows
        assert (
            con.execute("SELECT count(*) FROM auditevent WHERE reason = '改过了'").fetchone()[0]
            == 0
        )
    finally:
        con.close()


def test_a_new_office_file_refuses_update_and_delete_of_audit_rows(db_path, engine):
    with writing(engine, now=NOW) as ctx:
        staff.set_up_office(ctx, "阳光花园物业服务中心", "王经理", loan_items=False)
        calls.create_call(ctx, calls.CallDraft("咨询", "问停车"))
    engine.dispose()
    _refuses_rewrites(db_path)


def test_the_refusal_rolls_back_the_whole_transaction_through_the_orm(engine, staff_id):
    with pytest.raises(StorageError, match=NO_DELETE), writing(engine, now=NOW) as ctx:
        calls.create_call(ctx, calls.CallDraft("咨询", "问停车"))
        ctx.session.exec(sa.delete(sa.table("auditevent")))  # type: ignore[call-overload]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM call").scalar_one() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM auditevent").scalar_one() > 0


def test_an_office_upgraded_from_0006_gets_the_triggers_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = db.make_engine(path)
    migrate.upgrade(engine, path, "0006")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute(ROW)
    con.execute("UPDATE auditevent SET reason = '0006 时还可以改'")  # no trigger yet
    con.close()

    assert migrate.upgrade(engine, path) is not None  # copied aside, then migrated
    engine.dispose()

    con = sqlite3.connect(path)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert names == {"auditevent_no_update", "auditevent_no_delete"}
        assert con.execute("SELECT reason FROM auditevent").fetchall() == [("0006 时还可以改",)]
        # and its staff have no password yet
        assert [r[1] for r in con.execute("PRAGMA table_info(staff)")][-4:] == [
            "password_hash", "failed_logins", "locked_until", "password_set_at",
        ]  # fmt: skip
    finally:
        con.close()
    _refuses_rewrites(path)


def test_upgraded_staff_have_no_password(tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = db.make_engine(path)
    migrate.upgrade(engine, path, "0006")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute(
        "INSERT INTO staff (name, role, phone, active, created_at, updated_at) VALUES "
        "('王经理', '经理', '', 1, '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')"
    )
    con.close()
    migrate.upgrade(engine, path)
    engine.dispose()
    con = sqlite3.connect(path)
    try:
        assert con.execute(
            "SELECT password_hash, failed_logins, locked_until, password_set_at FROM staff"
        ).fetchall() == [("", 0, None, None)]
    finally:
        con.close()
