"""A room nobody in the registry lives in is asked about once (是否仍然保存为未登记房号？):
是 keeps what was typed, linked to no flat; 否 keeps the form with the reason under 房号."""

from __future__ import annotations

import pytest
from helpers.ui import WAIT
from sqlmodel import select

from desk.models import Visit
from desk.services.records import residents
from desk.services.records.residents import ResidentDraft
from desk.ui import msgbox
from desk.ui.tabs.visits import VisitsTab


@pytest.fixture
def tab(qtbot, settle, ops, on_duty, write):
    with write() as ctx:
        residents.add(ctx, ResidentDraft("陈建国", "3-2-1201", phones="13812345678"))
    widget = VisitsTab(ops)
    qtbot.addWidget(widget)
    widget.show()
    settle(ops, widget)
    return widget


@pytest.mark.parametrize("answer", [True, False])
def test_an_unregistered_room_is_asked_once(qtbot, settle, ops, tab, fetch, monkeypatch, answer):
    asked: list[str] = []

    def confirm(_parent, _title, text):
        asked.append(text)
        return answer

    monkeypatch.setattr(msgbox, "confirm", confirm)
    tab.person.setText("王女士")
    tab.room.setText("99-9-9999")
    tab.reason.setPlainText("咨询装修")
    tab.save()
    if answer:
        qtbot.waitUntil(lambda: bool(fetch(select(Visit))), timeout=WAIT)
        [visit] = fetch(select(Visit))
        assert (visit.room_text, visit.unit_id) == ("99-9-9999", None)
        assert tab.room.text() == ""  # saved: the form is free again
    else:
        settle(ops, tab)
        error = tab.errors_label("room")
        assert "不在住户资料里" in error.text() and error.isVisibleTo(tab)
        assert tab.room.text() == "99-9-9999" and tab.person.text() == "王女士"
        assert fetch(select(Visit)) == []
    assert len(asked) == 1 and "99-9-9999" in asked[0] and "未登记房号" in asked[0]


def test_a_registered_room_is_not_asked_about(qtbot, settle, ops, tab, fetch):
    tab.person.setText("王女士")
    tab.room.setText("3-2-1201")
    tab.reason.setPlainText("咨询装修")
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save()  # msgbox.confirm would fail the test (conftest)
    [visit] = fetch(select(Visit))
    assert visit.unit_id is not None


def test_a_room_kept_on_a_call_is_not_asked_again_on_its_repair(
    qtbot, settle, ops, on_duty, write, fetch
) -> None:
    from desk.models import WorkOrder
    from desk.services.records import calls
    from desk.services.records.calls import CallDraft
    from desk.ui.main_window import MainWindow

    with write() as ctx:
        residents.add(ctx, ResidentDraft("陈建国", "3-2-1201", phones="13812345678"))
        call = calls.create_call(
            ctx, CallDraft("报修", "楼道灯不亮", room="99-9-9999", room_confirmed=True)
        )
    window = MainWindow(ops)
    qtbot.addWidget(window)
    window.show()
    settle(ops, window)
    window.calls_tab.show_record(call.id)
    qtbot.waitUntil(
        lambda: window.calls_tab.detail.action_button("转报修") is not None, timeout=WAIT
    )
    window.calls_tab.detail.action_button("转报修").click()
    repairs = window.workorders_tab
    qtbot.waitUntil(lambda: repairs.room.text() == "99-9-9999", timeout=WAIT)
    repairs.category.setCurrentText("水电")
    with qtbot.waitSignal(repairs.saved, timeout=WAIT):
        repairs.save()  # msgbox.confirm would fail the test (conftest)
    [order] = fetch(select(WorkOrder))
    assert (order.room_text, order.unit_id, order.call_id) == ("99-9-9999", None, call.id)
