"""来电记录 driven as a receptionist would: greeting, lookup, typing, saving, errors that
keep the text, the list and the detail with its actions."""

from __future__ import annotations

import sqlite3

import pytest
from helpers.ui import PASSWORD, WAIT, answer_duty, field
from PySide6.QtCore import Qt

from desk.models import Call
from desk.models.enums import MessageState
from desk.services.records import residents, staff
from desk.services.records.residents import ResidentDraft
from desk.ui import msgbox
from desk.ui.tabs import record_tab
from desk.ui.tabs.calls import CallsTab


@pytest.fixture
def tab(qtbot, settle, write, on_duty, ops):
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
        staff.add(ctx, "李娜")
    widget = CallsTab(ops)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    settle(ops, widget)  # (canFetchMore() is False already while a page is on its way)
    assert widget.message_for.count() == 2
    assert widget.model.rowCount() == 0 and not widget.model.canFetchMore()
    return widget


def saved_calls(fetch) -> list[Call]:
    from sqlmodel import select

    return fetch(select(Call))


def test_greeting_names_the_office(tab):
    assert "您好，" in tab.greeting.text() and "请问有什么可以帮您" in tab.greeting.text()


def test_every_input_has_a_label(tab):
    for label in ("查找住户", "来电人", "电话", "房号", "类型", "转告给", "来电内容", "答复"):
        assert field(tab, label) is not None


def test_lookup_then_type_then_save(qtbot, tab, type_text, fetch):
    qtbot.keyClicks(tab.lookup, "zs")
    tab.lookup.textEdited.emit(tab.lookup.text())
    qtbot.waitUntil(lambda: bool(tab.lookup.matches), timeout=WAIT)
    tab.lookup.choose(0)
    assert (tab.person.text(), tab.phone.text(), tab.room.text()) == (
        "张三",
        "13812345678",
        "3-2-1201",
    )
    tab.call_type.setCurrentText("报修")
    type_text(tab.content, "卫生间漏水，已复述确认")
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save_button.click()
    [call] = saved_calls(fetch)
    assert (call.person_name, call.room_text, call.content, call.resident_id) == (
        "张三",
        "3-2-1201",
        "卫生间漏水，已复述确认",
        1,
    )
    assert tab.content.toPlainText() == "" and tab.person.text() == ""  # cleared after commit
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT)
    assert tab.model.row_at(0).serial == call.serial
    qtbot.waitUntil(lambda: tab.count_label.text() == "共 1 条", timeout=WAIT)


def test_a_bad_phone_is_shown_next_to_the_field_and_the_text_stays(qtbot, tab, type_text, fetch):
    type_text(tab.person, "王五")
    qtbot.keyClicks(tab.phone, "12345")
    type_text(tab.content, "咨询物业费")
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.errors_label("phone").isVisible(), timeout=WAIT)
    assert tab.errors_label("phone").text().startswith("电话：")
    assert (tab.person.text(), tab.content.toPlainText()) == ("王五", "咨询物业费")
    assert saved_calls(fetch) == []


def test_a_locked_database_keeps_the_text(
    qtbot, tab, type_text, monkeypatch, engine, db_path, fetch
):
    errors: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append(text))
    monkeypatch.setattr("desk.models.db.BUSY_TIMEOUT_MS", 50)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("PRAGMA busy_timeout = 0")
    blocker.execute("BEGIN IMMEDIATE")
    try:
        engine.dispose()  # new connections pick up the short busy timeout
        type_text(tab.content, "咨询停车月卡")
        tab.save_button.click()
        qtbot.waitUntil(lambda: bool(errors), timeout=WAIT * 3)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "占用" in errors[0] and "还在" in errors[0]
    assert tab.content.toPlainText() == "咨询停车月卡"
    assert saved_calls(fetch) == []


def test_message_for_a_colleague_then_delivered(qtbot, tab, type_text, fetch, monkeypatch):
    tab.call_type.setCurrentText("转告")
    assert tab.message_for.isEnabled()
    tab.message_for.setCurrentIndex(1)  # 李娜
    type_text(tab.content, "请给3-2-1201回电")
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save_button.click()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT)
    assert tab.model.data(tab.model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is not None
    tab.view.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.action_button("已转告") is not None, timeout=WAIT)
    tab.detail.action_button("已转告").click()
    qtbot.waitUntil(
        lambda: saved_calls(fetch)[0].message_state == MessageState.DELIVERED, timeout=WAIT
    )


def test_void_asks_for_a_reason(qtbot, tab, type_text, fetch, monkeypatch):
    type_text(tab.content, "打错了")
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save_button.click()
    monkeypatch.setattr(record_tab, "ask_reason", lambda parent: "误登记")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT)
    tab.view.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.action_button("作废") is not None, timeout=WAIT)
    tab.detail.action_button("作废").click()
    qtbot.waitUntil(lambda: saved_calls(fetch)[0].void_reason == "误登记", timeout=WAIT)


def test_ctrl_n_and_escape_ask_before_clearing(qtbot, tab, type_text, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: asked.append(text))
    type_text(tab.content, "还没保存的内容")
    tab.ask_clear()
    assert asked and tab.content.toPlainText() == "还没保存的内容"  # answered no
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: True)
    tab.ask_clear()
    assert tab.content.toPlainText() == ""


def test_search_box_finds_a_one_character_substring(qtbot, tab, write, type_text):
    from desk.services.records import calls
    from desk.services.records.calls import CallDraft

    with write() as ctx:
        calls.create_call(ctx, CallDraft("报修", "厨房漏水", room="3-2-1201"))
        calls.create_call(ctx, CallDraft("咨询", "停车月卡多少钱"))
    tab.reload()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=WAIT)
    type_text(tab.search, "漏")
    qtbot.waitUntil(lambda: [r.summary for r in tab.model.rows] == ["厨房漏水"], timeout=WAIT)
    tab.search.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=WAIT)


def test_coming_on_duty_shows_messages_waiting(qtbot, settle, write, staff_id, ops, monkeypatch):
    from desk.services.core import accounts
    from desk.services.records import calls
    from desk.services.records.calls import CallDraft
    from desk.ui.main_window import MainWindow

    with write() as ctx:
        colleague = staff.add(ctx, "李娜")
        calls.create_call(
            ctx,
            CallDraft(
                "转告", "请回电3-2-1201张先生", caller_name="张先生", message_for_id=colleague.id
            ),
        )
    shown: list[str] = []
    monkeypatch.setattr(msgbox, "info", lambda parent, title, text: shown.append(text))
    window = MainWindow(ops)
    qtbot.addWidget(window)
    settle(ops, window)
    ops.desk.on_duty(staff_id)  # the manager: nothing waiting
    window.show_waiting_messages()
    settle(ops, window)
    assert shown == []
    with write() as ctx:  # the manager first: then colleagues set theirs
        accounts.set_password(ctx, staff_id, PASSWORD)

    asked = answer_duty(monkeypatch, colleague.id)
    window.duty_bar.on_duty_button.click()  # 李娜 comes on duty
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    assert asked == [colleague.id]
    assert len(shown) == 1 and "请回电3-2-1201张先生" in shown[0]
    assert window.shift_on_duty is not None and window.staff_on_duty == colleague.id


def test_a_change_made_elsewhere_reaches_the_list_and_the_detail(qtbot, settle, tab, ops):
    """Another screen's write (here straight through ops) reloads the list, and the detail
    shown follows it: no screen tells the others by hand."""
    from desk.services.records import calls
    from desk.services.records.calls import CallDraft

    ops.write(lambda ctx: calls.create_call(ctx, CallDraft("转告", "请回电", message_for_id=1)))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT)
    tab.view.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.action_button("已转告") is not None, timeout=WAIT)
    record_id = tab.detail.detail.record_id
    ops.write(lambda ctx: calls.mark_delivered(ctx, record_id))
    qtbot.waitUntil(lambda: tab.detail.action_button("已转告") is None, timeout=WAIT)
    assert tab.detail.detail.record_id == record_id
    assert tab.model.row_at(0).message_state == "已转告"


def test_a_new_colleague_can_be_left_a_message(qtbot, tab, ops):
    ops.write(lambda ctx: staff.add(ctx, "王芳"))
    qtbot.waitUntil(lambda: tab.message_for.count() == 3, timeout=WAIT)
    assert tab.message_for.findText("王芳") >= 0
