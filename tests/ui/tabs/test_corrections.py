"""修改 on a desk tab: the saved record's facts come back into the form, the correction is
saved with its reason, the serial is kept, and the history shows old → new."""

from __future__ import annotations

import pytest
from helpers.ui import WAIT
from sqlmodel import select

from desk.models import WorkOrder
from desk.services.records import residents, workorders
from desk.services.records.residents import ResidentDraft
from desk.services.records.workorders import WorkOrderDraft
from desk.ui import msgbox
from desk.ui.tabs import record_tab
from desk.ui.tabs.workorders import WorkOrdersTab


@pytest.fixture
def tab(qtbot, settle, ops, on_duty, write):
    with write() as ctx:
        residents.add(ctx, ResidentDraft("陈建国", "3-2-1201", phones="13812345678"))
        residents.add(ctx, ResidentDraft("李四", "3-2-1202", phones="13700001111"))
        workorders.create(
            ctx, WorkOrderDraft("厨房水管滴水", "水电", room="3-2-1201", reporter="陈建国")
        )
    widget = WorkOrdersTab(ops)
    qtbot.addWidget(widget)
    widget.show()
    settle(ops, widget)
    return widget


def open_correction(qtbot, settle, ops, tab) -> None:
    tab.view.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.action_button("修改") is not None, timeout=WAIT)
    tab.detail.action_button("修改").click()
    qtbot.waitUntil(lambda: tab.form_pane.editing is not None, timeout=WAIT)


def test_a_wrong_room_is_corrected_and_the_serial_kept(
    qtbot, settle, ops, tab, fetch, monkeypatch
) -> None:
    [before] = fetch(select(WorkOrder))
    open_correction(qtbot, settle, ops, tab)
    assert tab.room.text() == "3-2-1201" and tab.description.toPlainText() == "厨房水管滴水"
    assert tab.category.currentText() == "水电"
    assert tab.form_pane.editing_note.isVisibleTo(tab) and before.serial in (
        tab.form_pane.editing_note.text()
    )
    assert tab.save_button.text() == "保存修改"
    asked: list[str] = []
    monkeypatch.setattr(
        record_tab, "ask_text", lambda _p, title, label, **_k: asked.append(label) or "房号听错了"
    )
    tab.room.setText("3-2-1202")
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save()
    assert asked == ["修改原因"]
    [after] = fetch(select(WorkOrder))
    assert (after.id, after.serial, after.room_text) == (before.id, before.serial, "3-2-1202")
    assert after.unit_id != before.unit_id
    assert tab.form_pane.editing is None and tab.save_button.text() == "保存"
    assert tab.room.text() == ""  # the form is free again
    # the detail shows the record with its correction in the history
    qtbot.waitUntil(
        lambda: (
            tab.detail.detail is not None
            and any(h.reason == "房号听错了" for h in tab.detail.detail.history)
        ),
        timeout=WAIT,
    )
    row = next(h for h in tab.detail.detail.history if h.reason == "房号听错了")
    assert "3-2-1201" in (row.old or "") + row.new and "3-2-1202" in row.new


def test_cancelling_the_reason_saves_nothing_and_keeps_the_form(
    qtbot, settle, ops, tab, fetch, monkeypatch
) -> None:
    open_correction(qtbot, settle, ops, tab)
    monkeypatch.setattr(record_tab, "ask_text", lambda *_a, **_k: None)
    tab.description.setPlainText("厨房水管漏水，已关总阀")
    tab.save()
    settle(ops, tab)
    [order] = fetch(select(WorkOrder))
    assert order.description == "厨房水管滴水"
    assert tab.form_pane.editing is not None
    assert tab.description.toPlainText() == "厨房水管漏水，已关总阀"


def test_esc_gives_up_the_correction(qtbot, settle, ops, tab, fetch, monkeypatch) -> None:
    open_correction(qtbot, settle, ops, tab)
    monkeypatch.setattr(msgbox, "confirm", lambda *_a: True)
    tab.ask_clear()
    assert tab.form_pane.editing is None and not tab.form_pane.editing_note.isVisibleTo(tab)
    assert tab.room.text() == "" and tab.save_button.text() == "保存"
    [order] = fetch(select(WorkOrder))
    assert order.room_text == "3-2-1201"
