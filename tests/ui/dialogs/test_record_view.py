"""A unit's timeline opens its records: the main window shows the record's fields and
history; a 回访 entry opens the work order it called back on."""

from __future__ import annotations

from helpers.ui import WAIT

from desk.services.core.transactions import reading
from desk.services.records import callbacks, calls, residents, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.residents import ResidentDraft
from desk.services.records.workorders import Completion, WorkOrderDraft
from desk.services.views.timeline import unit_timeline
from desk.ui.main_window import MainWindow


def test_timeline_entries_open_their_records(qtbot, engine, write, ops):
    with write() as ctx:
        person = residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
        calls.create_call(ctx, CallDraft("报修", "厨房漏水", room="3-2-1201"))
        order = workorders.create(ctx, WorkOrderDraft("厨房漏水", "水电", room="3-2-1201"))
        workorders.dispatch(ctx, order.id, "李师傅")
        workorders.start(ctx, order.id)
        workorders.complete(ctx, order.id, Completion("更换阀门"))
    with reading(engine) as ctx:
        entries = {e.kind: e for e in unit_timeline(ctx.session, person.unit_id)}
        assert callbacks.due(ctx)
    window = MainWindow(ops)
    qtbot.addWidget(window)
    for kind, serial in (("来电", "LD-20261123-001"), ("回访", order.serial)):
        dialog = window.open_record(kind, entries[kind].record_id)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda d=dialog: d.view.detail is not None, timeout=WAIT)
        assert dialog.view.detail.serial == serial
        assert dialog.view.detail.actions == []  # read only here
        assert dialog.view.history.rowCount() >= 1
