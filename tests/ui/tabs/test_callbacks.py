"""回访 driven as a receptionist would: the queue soonest first with who to call and the full
number, overdue rows red and near ones amber (moving on with the clock), recording through
the dialog — 不满意 reopening the repair or escalating the complaint in the same save —, a
failed save that keeps what was typed, scopes, search and opening the source record.

The fixtures act at a fixed NOW, but the list reads the real clock: callbacks whose colour
matters are queued at moments relative to ``datetime.now()``.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest
from helpers.ui import changed
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton
from sqlmodel import select

from desk.models import Callback, Complaint, WorkOrder, kinds
from desk.models.enums import CallbackState, EscalationLevel
from desk.models.enums import ComplaintState as C
from desk.models.enums import WorkOrderState as W
from desk.services.records import callbacks, complaints, staff, workorders
from desk.services.records.callbacks import CallbackResult
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.workorders import Completion, WorkOrderDraft
from desk.ui import msgbox
from desk.ui.dialogs import callback_dialog
from desk.ui.dialogs.callback_dialog import CallbackDialog
from desk.ui.tabs import callbacks as callbacks_tab
from desk.ui.tabs.callbacks import AMBER, RED, CallbacksTab

WAIT = 5000
HOUR = timedelta(hours=1)
# columns
DUE, SOURCE, SERIAL, PERSON, ROOM, PHONE, DONE, DONE_BY, FINISHED, STATUS, CALLED = range(11)


def real_now() -> datetime:
    return datetime.now().replace(microsecond=0)


def completed_order(write, hours_ago: float, **draft) -> WorkOrder:
    """A repair completed ``hours_ago`` (its callback is due 48 h after)."""
    values = {"description": "卫生间下水管漏水", "category": "水电", "room": "3-2-1201"}
    with write(real_now() - timedelta(hours=hours_ago)) as ctx:
        order = workorders.create(ctx, WorkOrderDraft(**(values | draft)))
        workorders.dispatch(ctx, order.id, "水电班 李师傅")
        workorders.start(ctx, order.id)
        workorders.complete(ctx, order.id, Completion("更换密封圈", cause="密封圈老化"))
    return order


def answered_complaint(write, hours_ago: float) -> Complaint:
    with write(real_now() - timedelta(hours=hours_ago)) as ctx:
        draft = ComplaintDraft(
            "垃圾清运不及时",
            "物业管理",
            complainant="周先生",
            room="6-2-802",
            phone="13700002222",
            department="环境部",
        )
        complaint = complaints.create(ctx, draft)
        complaints.answer(ctx, complaint.id, "已电话告知", result="清运改为每天两次")
    return complaint


@pytest.fixture
def queue(write):
    """Overdue (due an hour ago), near (due in an hour) and a complaint due in two days."""
    return {
        "overdue": completed_order(
            write, 49, reporter="张三", phone="13812345678", description="厨房水龙头滴水"
        ),
        "near": completed_order(write, 47, reporter="李四", room="5-1-301", phone="13900001111"),
        "complaint": answered_complaint(write, 1),
    }


@pytest.fixture
def tab(qtbot, settle, on_duty, ops, queue):
    widget = CallbacksTab(ops)
    qtbot.addWidget(widget)
    widget.resize(1280, 700)
    widget.show()
    settle(ops, widget)
    assert widget.model.rowCount() == 3 and widget.count_label.text() == "共 3 条"
    assert widget.detail.detail is not None  # the top of the queue, selected
    return widget


def cell(tab, row: int, col: int) -> str:
    return tab.model.data(tab.model.index(row, col))


def colour(tab, row: int) -> str | None:
    brush = tab.model.data(tab.model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
    return None if brush is None else brush.color().name()


def field(tab, label: str):
    """The input whose label reads ``label`` (as a screen reader finds it)."""
    for lbl in tab.findChildren(QLabel):
        if lbl.text() == label and lbl.buddy() is not None:
            return lbl.buddy()
    raise LookupError(label)


def select_row(settle, tab, row: int) -> None:
    """Select ``row`` and wait for its record: the detail may show it already (row 0 is
    selected when the list loads) but from an older read."""
    tab.view.setFocus()
    tab.view.selectRow(row)
    settle(tab.ops, tab)
    assert tab.detail.detail is not None
    assert tab.detail.detail.serial == tab.model.row_at(row).serial


def answer_with(monkeypatch, *results: CallbackResult | None) -> list[tuple]:
    """Patch the dialog: each call takes the next answer; returns what it was asked with."""
    asked: list[tuple] = []
    answers = list(results)

    def ask(parent, serial, previous=None, error="", about=""):
        asked.append((serial, previous, error, about))
        return answers.pop(0) if answers else None

    monkeypatch.setattr(callback_dialog, "ask_callback", ask)
    return asked


def callback_of(fetch, order_or_complaint) -> Callback:
    link = (
        Callback.work_order_id
        if isinstance(order_or_complaint, WorkOrder)
        else Callback.complaint_id
    )
    [found] = fetch(select(Callback).where(link == order_or_complaint.id))
    return found


# --- the queue -----------------------------------------------------------------------------


def test_every_input_has_a_label(tab):
    assert field(tab, "范围") is tab.scope
    assert field(tab, "查找") is tab.search
    assert field(tab, "回访列表") is tab.view
    assert [tab.scope.itemText(i) for i in range(tab.scope.count())] == [
        "待回访",
        "已超时",
        "今天到期",
        "已回访",
        "全部",
    ]


def test_the_queue_soonest_first_with_who_to_call(tab, queue):
    assert [cell(tab, r, SERIAL) for r in range(3)] == [
        queue["overdue"].serial,
        queue["near"].serial,
        queue["complaint"].serial,
    ]
    assert [cell(tab, 0, c) for c in (SOURCE, PERSON, ROOM, PHONE)] == [
        "报修",
        "张三",
        "3-2-1201",
        "13812345678",  # the whole number: the receptionist dials it
    ]
    assert cell(tab, 0, DONE) == "水电：更换密封圈；原因：密封圈老化"
    assert cell(tab, 0, DONE_BY) == "水电班 李师傅"
    assert [cell(tab, 2, c) for c in (SOURCE, PERSON, PHONE, DONE, DONE_BY)] == [
        "投诉",
        "周先生",
        "13700002222",
        "物业管理：清运改为每天两次；答复：已电话告知",
        "环境部",
    ]
    assert cell(tab, 0, STATUS).startswith("超时 ") and cell(tab, 1, STATUS).startswith("剩 ")
    assert tab.view.isColumnHidden(CALLED)  # nothing called back in the queue yet
    assert tab.count_label.text() == "共 3 条"
    # the headers as the registry declares 回访's list (desk.models.kinds.CALLBACK)
    headers = [
        tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())
    ]
    assert headers == [kinds.CALLBACK.column_label(c) for c in kinds.CALLBACK.columns]
    assert [headers[c] for c in (DUE, STATUS, CALLED)] == ["到期时间", "状态/满意度", "回访时间"]


def test_overdue_red_near_amber_and_the_clock_moves_on(tab, monkeypatch):
    assert [colour(tab, r) for r in range(3)] == [RED, AMBER, None]
    # an hour before the complaint's callback is due: within the last 0.2 of its 48 hours
    later = tab.model.row_at(2).due_at - HOUR
    monkeypatch.setattr(callbacks_tab, "local_now", lambda: later)
    tab.clock.timeout.emit()  # the 30-second tick
    assert [colour(tab, r) for r in range(3)] == [RED, RED, AMBER]
    assert cell(tab, 1, STATUS).startswith("超时 ")


def test_near_follows_the_offices_setting(tab, ops, settle):
    """Due in an hour is near with 0.2 of 48 hours (9.6 h); not with 0.01 (29 minutes)."""
    assert [colour(tab, r) for r in range(3)] == [RED, AMBER, None]
    ops.write(lambda ctx: staff.set_setting(ctx, "sla.near_fraction", 0.01))
    settle(ops, tab)  # the setting's change reloads the queue
    assert [colour(tab, r) for r in range(3)] == [RED, None, None]
    assert tab.model.row_at(1).amber_at == tab.model.row_at(1).due_at - 0.48 * HOUR


def test_the_source_record_is_shown_read_only(qtbot, settle, tab, queue):
    select_row(settle, tab, 2)
    shown = tab.detail.detail
    assert (shown.kind, shown.record_id, shown.state) == (
        "complaint",
        queue["complaint"].id,
        "已答复",
    )
    assert ("投诉内容", "垃圾清运不及时") in shown.fields
    assert shown.history and shown.actions == []
    assert not [b for b in tab.detail.findChildren(QPushButton) if b.objectName()]
    assert "13700002222" in tab.note.text() and "到期" in tab.note.text()


def test_open_the_source_record(qtbot, settle, tab, queue):
    select_row(settle, tab, 1)
    with qtbot.waitSignal(tab.record_requested, timeout=WAIT) as signal:
        tab.open_button.click()
    assert signal.args == ["workorder", queue["near"].id]


# --- recording -----------------------------------------------------------------------------


def test_satisfied_closes_the_callback(qtbot, settle, tab, queue, fetch, monkeypatch, staff_id):
    asked = answer_with(monkeypatch, CallbackResult("满意", outcome="已修好", comment="很好"))
    select_row(settle, tab, 0)
    with qtbot.waitSignal(tab.status, timeout=WAIT) as status:
        tab.record_button.click()
    order = queue["overdue"]
    assert status.args == [f"已登记回访 {order.serial}（满意）"]
    serial, previous, error, about = asked[0]
    assert (serial, previous, error) == (order.serial, None, "")
    assert "张三" in about and "13812345678" in about  # the number in view while calling
    callback = callback_of(fetch, order)
    assert (callback.state, callback.satisfaction, callback.outcome, callback.comment) == (
        CallbackState.DONE,
        "满意",
        "已修好",
        "很好",
    )
    assert callback.staff_id == staff_id
    assert fetch(WorkOrder, order.id).state == W.CALLED_BACK
    # it left the queue, and the next one is selected for the next call
    settle(tab.ops, tab)  # the reload comes after the status line
    assert tab.model.rowCount() == 2 and tab.count_label.text() == "共 2 条"
    assert tab.current_row() is not None
    assert tab.current_row().serial == queue["near"].serial
    assert tab.detail.detail.serial == queue["near"].serial


def test_unhappy_repair_goes_back_to_rework_in_the_same_save(
    qtbot, settle, tab, queue, fetch, monkeypatch
):
    answer_with(monkeypatch, CallbackResult("不满意", outcome="仍漏水", comment="还在滴水"))
    select_row(settle, tab, 1)
    with qtbot.waitSignal(tab.status, timeout=WAIT) as status:
        qtbot.keyClick(tab.view, Qt.Key.Key_Return)  # Enter on the row records it
    order = queue["near"]
    assert status.args == [f"已登记回访 {order.serial}（不满意：已转返工）"]
    saved = fetch(WorkOrder, order.id)
    assert (saved.state, saved.rework_count) == (W.REWORK, 1)
    callback = callback_of(fetch, order)
    assert (callback.state, callback.satisfaction) == (CallbackState.DONE, "不满意")


def test_unhappy_complaint_is_escalated(qtbot, settle, tab, queue, fetch, monkeypatch):
    answer_with(monkeypatch, CallbackResult("不满意", way="上门", comment="还是没人清运"))
    select_row(settle, tab, 2)
    with qtbot.waitSignal(tab.status, timeout=WAIT) as status:
        tab.record_button.click()
    complaint = queue["complaint"]
    assert status.args == [f"已登记回访 {complaint.serial}（不满意：已升级）"]
    saved = fetch(Complaint, complaint.id)
    assert (saved.state, saved.level) == (C.IN_PROGRESS, EscalationLevel.SUPERVISOR)
    assert callback_of(fetch, complaint).way == "上门"


def test_a_locked_database_keeps_the_dialog_values(
    qtbot, settle, tab, queue, fetch, monkeypatch, db_path, engine
):
    errors: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append(text))
    typed = CallbackResult("基本满意", outcome="修好了", comment="希望下次快一点")
    asked = answer_with(monkeypatch, typed)  # asked again with what was typed: cancelled
    select_row(settle, tab, 0)
    monkeypatch.setattr("desk.models.db.BUSY_TIMEOUT_MS", 50)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("PRAGMA busy_timeout = 0")
    blocker.execute("BEGIN IMMEDIATE")
    try:
        engine.dispose()  # new connections pick up the short busy timeout
        tab.record_button.click()
        qtbot.waitUntil(lambda: len(asked) == 2, timeout=WAIT * 3)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "占用" in errors[0] and "还在" in errors[0]
    _serial, previous, error, _about = asked[1]
    assert previous == typed and "占用" in error
    assert callback_of(fetch, queue["overdue"]).state == CallbackState.DUE
    assert fetch(WorkOrder, queue["overdue"].id).state == W.COMPLETED
    assert tab.record_button.isEnabled()  # nothing stuck: it can be tried again


def test_a_refused_answer_is_asked_again_with_the_reason(
    qtbot, settle, tab, queue, fetch, monkeypatch
):
    errors: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append(text))
    too_long = CallbackResult("满意", comment="好" * 1001)
    fixed = CallbackResult("满意", comment="好")
    asked = answer_with(monkeypatch, too_long, fixed)
    select_row(settle, tab, 0)
    with qtbot.waitSignal(tab.status, timeout=WAIT):
        tab.record_button.click()
    assert [(a[1], a[2].split("：")[0]) for a in asked] == [(None, ""), (too_long, "业主意见")]
    assert errors == []  # shown in the dialog, not in a message box
    assert callback_of(fetch, queue["overdue"]).comment == "好"


def test_a_recorded_callback_cannot_be_recorded_again(
    qtbot, settle, tab, write, fetch, queue, monkeypatch
):
    asked = answer_with(monkeypatch)
    with write(real_now()) as ctx:  # recorded at the other desk
        callbacks.record(ctx, callback_of(fetch, queue["near"]).id, CallbackResult("满意"))
    tab.show_scope("全部")  # the queue had three rows too: wait for 全部's answer
    settle(tab.ops, tab)
    assert tab.filter_values()["scope"] == "全部"
    assert tab.model.rowCount() == 3 and not tab.view.isColumnHidden(CALLED)
    done = [r for r in range(3) if cell(tab, r, STATUS) == "满意"]
    assert len(done) == 1 and cell(tab, done[0], CALLED) != ""
    select_row(settle, tab, done[0])
    assert not tab.record_button.isEnabled() and tab.open_button.isEnabled()
    with qtbot.waitSignal(tab.status, timeout=WAIT) as status:
        qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert "已登记过回访" in status.args[0] and asked == []


# --- scope, search, changes elsewhere --------------------------------------------------------


def test_scope_and_search(qtbot, settle, tab, queue, type_text):
    tab.show_scope("已超时")  # where the status bar's count leads
    settle(tab.ops, tab)
    assert tab.model.rowCount() == 1 and tab.count_label.text() == "共 1 条"
    assert cell(tab, 0, SERIAL) == queue["overdue"].serial
    tab.scope.setCurrentIndex(tab.scope.findText("待回访"))
    settle(tab.ops, tab)
    assert tab.model.rowCount() == 3
    type_text(tab.search, "周先生")
    settle(tab.ops, tab)  # the search box's debounce, then the load
    assert [cell(tab, r, SERIAL) for r in range(tab.model.rowCount())] == [
        queue["complaint"].serial
    ]
    tab.search.clear()
    type_text(tab.search, "5-1-301")
    settle(tab.ops, tab)
    assert [cell(tab, r, SERIAL) for r in range(tab.model.rowCount())] == [queue["near"].serial]
    tab.show_scope("待回访")  # a jump from the status bar drops the search
    assert tab.search.text() == ""
    settle(tab.ops, tab)
    assert tab.model.rowCount() == 3 and tab.count_label.text() == "共 3 条"
    tab.show_scope("已回访")
    settle(tab.ops, tab)
    assert tab.count_label.text() == "共 0 条"
    assert tab.model.rowCount() == 0 and tab.detail.detail is None
    assert not tab.record_button.isEnabled() and not tab.open_button.isEnabled()


def test_a_repair_completed_elsewhere_joins_the_queue(tab, ops, settle, write):
    order = completed_order(write, 0, room="7-1-101")
    ops.changed.emit(changed("workorder", order.id))  # as a save on another screen does
    settle(ops, tab)
    assert tab.model.rowCount() == 4 and tab.count_label.text() == "共 4 条"
    assert cell(tab, 3, SERIAL) == order.serial


# --- the dialog ----------------------------------------------------------------------------


def test_the_dialog_comes_back_filled_in_with_the_reason(qtbot):
    previous = CallbackResult("不满意", way="上门", outcome="仍漏水", comment="还在滴水")
    dialog = CallbackDialog(None, "PG-20261129-001", previous, "数据库正被占用", "张三 电话 138")
    qtbot.addWidget(dialog)
    assert dialog.result_values() == previous
    assert not dialog.error.isHidden() and dialog.error.text() == "数据库正被占用"
    assert not dialog.about.isHidden() and not dialog.warning.isHidden()
    plain = CallbackDialog(None, "PG-20261129-001")  # as the record tabs open it
    qtbot.addWidget(plain)
    assert plain.error.isHidden() and plain.about.isHidden()
    assert plain.result_values() == CallbackResult("满意")
    # its rows are named as the registry names the callback's fields
    form = plain.findChild(QFormLayout)
    fields = {"way": plain.way, "satisfaction": plain.satisfaction, "outcome": plain.outcome,
              "comment": plain.comment}  # fmt: skip
    labels = [form.labelForField(w).text() for w in fields.values()]
    assert labels == [kinds.CALLBACK.label(f) for f in fields]
    assert labels[1] == "回访满意度"
