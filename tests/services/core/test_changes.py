"""What a write transaction changed, as the screens are told (services.changes)."""

from __future__ import annotations

from desk.models import Setting
from desk.services.core.changes import NOTHING, ChangeSet
from desk.services.core.handle import DeskHandle
from desk.services.records import staff, visits


def test_a_save_reports_its_kind_and_id(engine, staff_id, db_path):
    desk = DeskHandle(engine, db_path)
    desk.on_duty(staff_id)
    draft = visits.VisitDraft(visitor="张三", reason="送快递", room="1-1-101")
    visit, changes = desk.write(lambda ctx: visits.create(ctx, draft))
    assert changes.ids_of("visit") == {visit.id}
    assert changes.concerns("visit") and not changes.concerns("workorder")


def test_a_change_reports_the_row_it_audits(engine, staff_id, db_path):
    desk = DeskHandle(engine, db_path)
    desk.on_duty(staff_id)  # who registers the visit may void it
    draft = visits.VisitDraft(visitor="张三", reason="送快递", room="1-1-101")
    visit, _ = desk.write(lambda ctx: visits.create(ctx, draft))
    _, changes = desk.write(lambda ctx: visits.void(ctx, visit.id, "登记错了"))
    assert changes.ids_of("visit") == {visit.id}


def test_orm_writes_without_an_audit_row_are_noted_too(engine, db_path):
    desk = DeskHandle(engine, db_path)

    def add(ctx):
        ctx.session.add(Setting(key="test.plain", value="1"))

    _, changes = desk.write(add)
    assert changes.concerns("setting")


def test_settings_are_one_kind(engine, staff_id, db_path):
    desk = DeskHandle(engine, db_path)
    _, changes = desk.write(lambda ctx: staff.set_setting(ctx, "office.name", "阳光花园"))
    assert changes.concerns("setting")


def test_reads_change_nothing_and_changes_merge(engine, db_path):
    desk = DeskHandle(engine, db_path)
    assert desk.read(lambda ctx: ctx.changes.frozen()) == NOTHING
    noted = ChangeSet()  # what one transaction's audit rows and flushes add up to
    for kind, ids in (("visit", [1]), ("visit", [2, None]), ("call", [])):
        noted.add(kind, ids)
    both = noted.frozen()
    assert both.ids_of("visit") == {1, 2} and both.kinds == {"visit", "call"}
    assert not NOTHING and both
