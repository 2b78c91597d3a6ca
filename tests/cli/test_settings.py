"""desk settings: list the settings, change one (checked like the dialog does), as the
主管/经理 who logged in."""

from __future__ import annotations

from helpers.office import MANAGER_PASSWORD
from sqlmodel import select

from desk.cli import main
from desk.models import AuditEvent, Staff
from desk.services.core.transactions import reading
from desk.services.io.database import open_database


def test_list_and_change(tmp_path, capsys, monkeypatch, log_in_as):
    db = str(tmp_path / "office.sqlite3")
    monkeypatch.setenv("DESK_PASSWORD", MANAGER_PASSWORD)
    assert main(["--db", db, "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 0
    capsys.readouterr()
    log_in_as("赵敏")
    assert main(["--db", db, "settings", "lists.shifts", "白班 08:00-20:00；夜班 20:00-08:00"]) == 0
    out = capsys.readouterr().out
    assert "lists.shifts\t班次\t白班 08:00-20:00；夜班 20:00-08:00" in out.splitlines()
    assert main(["--db", db, "settings", "sla.workorder.紧急.response", "3x"]) == 2
    assert "无法识别" in capsys.readouterr().err
    assert main(["--db", db, "settings", "lists.shifts"]) == 2
    assert "同时写出设置项和新的值" in capsys.readouterr().err

    engine = open_database(db, create=False)
    try:
        with reading(engine) as ctx:
            zhao = ctx.session.exec(select(Staff).where(Staff.name == "赵敏")).one()
            row = ctx.session.exec(
                select(AuditEvent).where(AuditEvent.field == "lists.shifts")
            ).one()
    finally:
        engine.dispose()
    assert row.staff_id == zhao.id  # in the name of who logged in
