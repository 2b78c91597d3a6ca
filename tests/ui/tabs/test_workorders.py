"""报修派工 driven as a receptionist would: take in a repair (from the form or from a call),
errors that keep the text, every step of the order through the detail's buttons, and the
list's countdown and colours moving on without a reload.

The fixtures act at a fixed NOW, but the list reads the real clock: orders whose colour
or countdown matters are written at moments relative to ``datetime.now()``.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from helpers.ui import WAIT, field
from PySide6.QtCore import Qt
from sqlmodel import select

from desk.models import WorkOrder, WorkOrderMaterial
from desk.models.enums import Channel, Urgency
from desk.models.enums import WorkOrderState as W
from desk.services.records import calls, carry, residents, staff, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.residents import ResidentDraft
from desk.services.records.workorders import Completion, MaterialLine, WorkOrderDraft
from desk.services.views.countdown import span as _span
from desk.ui import msgbox
from desk.ui.dialogs import workorder_dialogs as dialogs
from desk.ui.tabs import record_tab
from desk.ui.tabs import workorders as workorders_tab
from desk.ui.tabs.workorders import AMBER, RED, WorkOrdersTab

REMAINING = 5  # the 剩余 column


@pytest.fixture
def tab(qtbot, settle, write, on_duty, ops):
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
    widget = WorkOrdersTab(ops)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    settle(ops, widget)
    assert widget.category.count() > 0 and "响应" in widget.urgency.currentText()
    return widget


def orders(fetch) -> list[WorkOrder]:
    return fetch(select(WorkOrder))


def save(qtbot, tab) -> None:
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save_button.click()


def fill(qtbot, tab, type_text) -> None:
    type_text(field(tab, "报修人"), "张三")
    qtbot.keyClicks(field(tab, "电话"), "13812345678")
    qtbot.keyClicks(field(tab, "房号"), "3-2-1201")
    field(tab, "报修类别").setCurrentText("水电")
    type_text(field(tab, "报修内容"), "卫生间下水管漏水")


def real_now() -> datetime:
    return datetime.now().replace(microsecond=0)


def add_order(write, minutes_ago: float = 0, **overrides) -> WorkOrder:
    """An order taken in ``minutes_ago`` before the real now."""
    values = {"description": "厨房水龙头滴水", "category": "水电", "room": "3-2-1201"}
    with write(real_now() - timedelta(minutes=minutes_ago)) as ctx:
        return workorders.create(ctx, WorkOrderDraft(**(values | overrides)))


def shown(settle, tab, count: int = 1) -> None:
    tab.reload()
    settle(tab.ops, tab)
    assert tab.model.rowCount() == count


def cell(tab, row: int, col: int) -> str:
    return tab.model.data(tab.model.index(row, col))


def colour(tab, row: int) -> str | None:
    brush = tab.model.data(tab.model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
    return None if brush is None else brush.color().name()


def select_first(settle, tab) -> None:
    tab.view.selectRow(0)
    settle(tab.ops, tab)
    assert tab.detail.detail is not None
    assert tab.detail.detail.record_id == tab.model.row_at(0).id


def act(settle, tab, action: str, state: W) -> None:
    """Click ``action`` in the detail; wait until its result, the reloaded list and the
    detail read again, is on the screen; the detail shows the order in ``state``."""
    tab.detail.action_button(action).click()
    settle(tab.ops, tab)
    assert tab.detail.detail is not None and tab.detail.detail.state == state


# --- the form ----------------------------------------------------------------------------


def test_every_input_has_a_label(tab):
    for label in (
        "查找住户",
        "报修人",
        "电话",
        "房号",
        "报修位置",
        "报修类别",
        "紧急程度",
        "报修方式",
        "预约上门",
        "预约时间",
        "有偿服务",
        "报修内容",
    ):
        assert field(tab, label) is not None
    assert [tab.category.itemText(i) for i in range(tab.category.count())][:2] == ["水电", "土建"]
    assert tab.category.currentIndex() == -1  # 请选择: never assumed
    assert tab.urgency.currentText() == "一般（响应2小时，完成48小时）"


def test_tab_walks_down_the_form(tab):
    order = [tab.lookup, tab.person, tab.phone, tab.room, tab.location, tab.category]
    order += [tab.urgency, tab.channel, tab.has_appointment, tab.is_paid, tab.description]
    walked = [tab.lookup]
    widget = tab.lookup
    while len(walked) < len(order):
        widget = widget.nextInFocusChain()
        if widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            walked.append(widget)
    assert walked == order  # 预约时间 is skipped while no appointment is ticked


def test_type_then_save(qtbot, tab, type_text, fetch):
    fill(qtbot, tab, type_text)
    tab.urgency.setCurrentIndex(tab.urgency.findData(Urgency.EMERGENCY.value))
    tab.is_paid.setChecked(True)
    save(qtbot, tab)
    [order] = orders(fetch)
    assert (order.person_name, order.room_text, order.description, order.category) == (
        "张三",
        "3-2-1201",
        "卫生间下水管漏水",
        "水电",
    )
    assert (order.urgency, order.channel, order.is_paid, order.state) == (
        Urgency.EMERGENCY,
        Channel.CALL,
        True,
        W.NEW,
    )
    assert order.response_due - order.created_at == timedelta(minutes=30)
    assert tab.description.toPlainText() == "" and tab.category.currentIndex() == -1
    assert not tab.is_paid.isChecked()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT)
    assert cell(tab, 0, 0) == order.serial and cell(tab, 0, 2) == "紧急"
    assert cell(tab, 0, REMAINING).startswith("剩 ")


def test_enter_in_a_line_saves(qtbot, tab, type_text, fetch):
    field(tab, "报修类别").setCurrentText("公共设施")
    type_text(field(tab, "报修内容"), "2栋大堂灯不亮")
    type_text(field(tab, "报修位置"), "2栋大堂")
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        qtbot.keyClick(tab.location, Qt.Key.Key_Return)
    [order] = orders(fetch)
    assert (order.location, order.room_text, order.unit_id) == ("2栋大堂", "", None)


def test_missing_category_and_place_are_shown_under_their_fields(qtbot, tab, type_text, fetch):
    type_text(field(tab, "报修人"), "李四")
    type_text(field(tab, "报修内容"), "门口地砖松动")
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.errors_label("category").isVisible(), timeout=WAIT)
    assert tab.errors_label("category").text().startswith("报修类别：")
    assert (tab.person.text(), tab.description.toPlainText()) == ("李四", "门口地砖松动")
    tab.category.setCurrentText("土建")
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.errors_label("room").isVisible(), timeout=WAIT)
    assert "公共区域" in tab.errors_label("room").text()
    assert not tab.errors_label("category").isVisible()
    assert tab.description.toPlainText() == "门口地砖松动" and orders(fetch) == []


def test_an_appointment_sets_the_clock_from_the_agreed_time(qtbot, tab, type_text, fetch):
    fill(qtbot, tab, type_text)
    assert not tab.appointment.isEnabled()
    field(tab, "预约上门").setChecked(True)
    assert tab.appointment.isEnabled()
    agreed = (datetime.now() + timedelta(days=1)).replace(hour=15, minute=0, second=0)
    field(tab, "预约时间").setDateTime(agreed)
    tab.urgency.setCurrentIndex(tab.urgency.findData(Urgency.APPOINTMENT.value))
    save(qtbot, tab)
    [order] = orders(fetch)
    assert order.appointment_at == agreed.replace(microsecond=0)
    assert order.response_due == order.appointment_at + timedelta(hours=4)


def test_a_locked_database_keeps_the_text(
    qtbot, tab, type_text, monkeypatch, db_path, fetch, engine
):
    errors: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append(text))
    monkeypatch.setattr("desk.models.db.BUSY_TIMEOUT_MS", 50)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("PRAGMA busy_timeout = 0")
    blocker.execute("BEGIN IMMEDIATE")
    try:
        engine.dispose()  # new connections pick up the short busy timeout
        fill(qtbot, tab, type_text)
        tab.save_button.click()
        qtbot.waitUntil(lambda: bool(errors), timeout=WAIT * 3)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "占用" in errors[0] and "还在" in errors[0]
    assert (tab.description.toPlainText(), tab.category.currentText()) == (
        "卫生间下水管漏水",
        "水电",
    )
    assert orders(fetch) == []


# --- 转报修 --------------------------------------------------------------------------------


def carried_call(write, read) -> carry.Carry:
    with write() as ctx:
        call = calls.create_call(
            ctx,
            CallDraft(
                "报修",
                "阳台地漏堵塞",
                caller_name="张三",
                phone="13812345678",
                room="3-2-1201",
                resident_id=1,  # 张三, added by the tab fixture
            ),
        )
    with read() as ctx:
        return carry.carry_over(ctx, "call", call.id)


def test_take_over_a_call_links_the_order_to_it(qtbot, tab, write, read, fetch):
    carried = carried_call(write, read)
    tab.take_over(carried)
    assert (tab.person.text(), tab.phone.text(), tab.room.text()) == (
        "张三",
        "13812345678",
        "3-2-1201",
    )
    assert tab.description.toPlainText() == "阳台地漏堵塞" and tab.channel.currentText() == "来电"
    assert tab.carried_note.isVisible()
    assert tab.carried_note.text() == f"由来电 {carried.serial} 转来"
    assert tab.focusWidget() is tab.category  # the one thing the call did not say
    tab.category.setCurrentText("水电")
    save(qtbot, tab)
    [order] = orders(fetch)
    assert (order.call_id, order.visit_id, order.channel) == (carried.record_id, None, Channel.CALL)
    assert order.resident_id == carried.resident_id is not None
    assert not tab.carried_note.isVisible() and tab.carried is None


def test_clearing_the_form_forgets_the_call(qtbot, tab, write, read, fetch, monkeypatch, type_text):
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: True)
    tab.take_over(carried_call(write, read))
    tab.ask_clear()
    assert not tab.carried_note.isVisible() and tab.person.text() == ""
    fill(qtbot, tab, type_text)
    save(qtbot, tab)
    assert orders(fetch)[0].call_id is None


def test_take_over_asks_before_replacing_what_was_typed(tab, write, read, monkeypatch, type_text):
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: asked.append(text))
    type_text(tab.description, "还没保存的报修")
    tab.take_over(carried_call(write, read))
    assert asked and tab.description.toPlainText() == "还没保存的报修"  # answered no
    assert tab.carried is None


# --- the detail's actions ----------------------------------------------------------------


def test_an_order_from_dispatch_to_void(qtbot, settle, tab, write, fetch, monkeypatch):
    add_order(write)
    shown(settle, tab)
    select_first(settle, tab)

    monkeypatch.setattr(dialogs, "ask_assignee", lambda parent, known, before, error: "张师傅")
    act(settle, tab, "派工", W.DISPATCHED)
    [order] = orders(fetch)
    assert order.assignee == "张师傅" and order.dispatched_at is not None
    assert cell(tab, 0, 8) == "张师傅"

    act(settle, tab, "开始处理", W.IN_PROGRESS)
    assert orders(fetch)[0].arrived_at is not None

    expected = date.today() + timedelta(days=2)
    monkeypatch.setattr(dialogs, "ask_parts", lambda parent, before, error: (expected, "缺阀芯"))
    act(settle, tab, "待料", W.WAITING_PARTS)
    [order] = orders(fetch)
    assert (order.parts_expected, order.cause) == (expected, "缺阀芯")
    assert cell(tab, 0, 4) == "待料"
    assert cell(tab, 0, REMAINING) == f"待料 至{expected:%m-%d}"
    assert colour(tab, 0) is None  # the clock is paused

    act(settle, tab, "到料继续", W.IN_PROGRESS)
    assert orders(fetch)[0].paused_since is None

    paid: list[bool] = []

    def complete(parent, is_paid, before, error):
        paid.append(is_paid)
        return Completion(work_done="更换阀芯，试水正常", cause="阀芯老化")

    monkeypatch.setattr(dialogs, "ask_completion", complete)
    act(settle, tab, "完成", W.COMPLETED)
    [order] = orders(fetch)
    assert (order.work_done, order.cause, order.total_fee) == (
        "更换阀芯，试水正常",
        "阀芯老化",
        None,
    )
    assert paid == [False]
    assert cell(tab, 0, REMAINING) == ""

    monkeypatch.setattr(dialogs, "ask_rework_reason", lambda parent, before, error: "又漏了")
    act(settle, tab, "返工", W.REWORK)
    assert orders(fetch)[0].rework_count == 1

    monkeypatch.setattr(record_tab, "ask_reason", lambda parent: "住户自行找人修好")
    act(settle, tab, "作废", W.VOID)
    assert orders(fetch)[0].void_reason == "住户自行找人修好"


def test_dispatch_offers_names_used_before(qtbot, settle, tab, write, monkeypatch):
    earlier = add_order(write)
    with write(real_now()) as ctx:
        workorders.dispatch(ctx, earlier.id, "弱电班组")
    add_order(write)
    shown(settle, tab, 2)
    select_first(settle, tab)
    offered: list[list[str]] = []

    def ask(parent, known, before, error):
        offered.append(known)
        return None  # cancelled

    monkeypatch.setattr(dialogs, "ask_assignee", ask)
    tab.detail.action_button("派工").click()
    assert offered == [["弱电班组"]]


def paid_in_progress(write) -> WorkOrder:
    order = add_order(write, is_paid=True)
    with write(real_now()) as ctx:
        workorders.dispatch(ctx, order.id, "张师傅")
        workorders.start(ctx, order.id)
    return order


def test_paid_completion_records_materials_and_total(qtbot, settle, tab, write, fetch, monkeypatch):
    order = paid_in_progress(write)
    shown(settle, tab)
    select_first(settle, tab)
    done = Completion(
        work_done="更换水龙头",
        labour_fee="30",
        materials=[MaterialLine("水龙头", "1", "45.5"), MaterialLine("生料带", "2", "1.5")],
    )
    monkeypatch.setattr(dialogs, "ask_completion", lambda parent, paid, before, error: done)
    act(settle, tab, "完成", W.COMPLETED)
    [saved] = orders(fetch)
    assert (saved.labour_fee, saved.materials_fee, saved.total_fee) == (
        Decimal("30.00"),
        Decimal("48.50"),
        Decimal("78.50"),
    )
    lines = fetch(select(WorkOrderMaterial).where(WorkOrderMaterial.work_order_id == order.id))
    assert [(m.name, m.quantity, m.amount) for m in lines] == [
        ("水龙头", Decimal("1.00"), Decimal("45.50")),
        ("生料带", Decimal("2.00"), Decimal("3.00")),
    ]


def test_a_refused_completion_is_asked_again_with_what_was_typed(
    qtbot, settle, tab, write, fetch, monkeypatch
):
    paid_in_progress(write)
    shown(settle, tab)
    select_first(settle, tab)
    first = Completion(work_done="更换水龙头", materials=[MaterialLine("水龙头", "0", "45")])
    asked: list[tuple[bool, Completion | None, str]] = []

    def ask(parent, paid, before, error):
        asked.append((paid, before, error))
        return first if len(asked) == 1 else None  # then cancelled

    monkeypatch.setattr(dialogs, "ask_completion", ask)
    tab.detail.action_button("完成").click()
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=WAIT)
    assert asked[0] == (True, None, "")
    assert asked[1] == (True, first, "第1行数量：必须大于0")
    assert orders(fetch)[0].state == W.IN_PROGRESS
    assert fetch(select(WorkOrderMaterial)) == []


# --- countdown and colours ---------------------------------------------------------------


def test_rows_stand_out_by_their_deadlines(qtbot, settle, tab, write):
    waiting = add_order(write, 30, urgency=Urgency.EMERGENCY, description="待料的")
    with write(real_now() - timedelta(minutes=20)) as ctx:
        workorders.dispatch(ctx, waiting.id, "张师傅")
        workorders.start(ctx, waiting.id)
        workorders.wait_for_parts(ctx, waiting.id, date.today() + timedelta(days=1))
    add_order(write, 180, urgency=Urgency.EMERGENCY, description="超时的")  # 30 min limit
    add_order(write, 100, description="快到的")  # 20 of 120 minutes left: near
    add_order(write, 0, description="刚报的")
    shown(settle, tab, 4)
    by_text = {tab.model.row_at(i).summary: i for i in range(4)}
    assert colour(tab, by_text["超时的"]) == RED
    assert cell(tab, by_text["超时的"], REMAINING) == "超时 2小时30分"
    assert colour(tab, by_text["快到的"]) == AMBER
    assert cell(tab, by_text["快到的"], REMAINING) in ("剩 20分", "剩 19分")
    assert colour(tab, by_text["待料的"]) is None
    assert cell(tab, by_text["待料的"], REMAINING).startswith("待料 至")
    assert colour(tab, by_text["刚报的"]) is None
    assert cell(tab, by_text["刚报的"], REMAINING) in ("剩 2小时", "剩 1小时59分")


def test_the_countdown_moves_on_without_a_reload(qtbot, settle, tab, write, monkeypatch):
    order = add_order(write)  # 一般: someone on site within 2 hours
    shown(settle, tab)
    assert colour(tab, 0) is None
    later = order.created_at + timedelta(minutes=100)
    monkeypatch.setattr(workorders_tab, "local_now", lambda: later)
    with qtbot.waitSignal(tab.model.dataChanged, timeout=WAIT):
        tab.clock.timeout.emit()  # what the timer does every 30 seconds
    assert (cell(tab, 0, REMAINING), colour(tab, 0)) == ("剩 20分", AMBER)
    later = order.created_at + timedelta(minutes=155)
    tab.clock.timeout.emit()
    assert (cell(tab, 0, REMAINING), colour(tab, 0)) == ("超时 35分", RED)
    assert tab.clock.isActive() and tab.clock.interval() == 30_000


def test_near_follows_the_offices_setting(qtbot, settle, tab, ops, write):
    add_order(write, 70)  # 一般: 50 of 120 minutes left to respond
    shown(settle, tab)
    assert colour(tab, 0) is None  # near is the last 0.2: 24 minutes
    ops.write(lambda ctx: staff.set_setting(ctx, "sla.near_fraction", 0.5))
    settle(ops, tab)  # the setting's change reloads the list
    assert colour(tab, 0) == AMBER and cell(tab, 0, REMAINING) in ("剩 50分", "剩 49分")


def test_after_arrival_the_countdown_is_to_completion(qtbot, settle, tab, write, monkeypatch):
    order = add_order(write, 60, urgency=Urgency.IMPORTANT)  # 1 h response, 8 h completion
    with write(real_now()) as ctx:
        workorders.dispatch(ctx, order.id, "电梯维保")
        workorders.start(ctx, order.id)
    shown(settle, tab)
    monkeypatch.setattr(workorders_tab, "local_now", lambda: order.created_at + timedelta(hours=2))
    tab.model.repaint()
    assert (cell(tab, 0, REMAINING), colour(tab, 0)) == ("剩 6小时", None)


# --- the dialogs themselves --------------------------------------------------------------


def test_completion_dialog_adds_up_as_you_type(qtbot):
    dialog = dialogs.CompletionDialog(None, paid=True)
    qtbot.addWidget(dialog)
    dialog.work_done.setPlainText("更换灯管")
    dialog.labour.setText("20")
    assert dialog.materials.rowCount() == 1
    for col, text in enumerate(("灯管", "2", "12.5")):
        dialog.materials.item(0, col).setText(text)
    assert dialog.materials.item(0, dialogs.AMOUNT).text() == "25.00"
    assert dialog.total.text() == "材料 25.00 元 + 人工 20.00 元 = 45.00 元"
    dialog.add_material()  # a row left empty is no material
    assert dialog.answer() == Completion(
        work_done="更换灯管", labour_fee="20", materials=[MaterialLine("灯管", "2", "12.5")]
    )


def test_a_dialog_asked_again_shows_the_answer_and_the_reason(qtbot):
    before = Completion(
        work_done="更换灯管", labour_fee="20", materials=[MaterialLine("灯管", "x", "1")]
    )
    dialog = dialogs.CompletionDialog(None, True, before, "第1行数量：请填写金额")
    qtbot.addWidget(dialog)
    assert dialog.error.text() == "第1行数量：请填写金额" and not dialog.error.isHidden()
    assert dialog.answer() == before
    assert dialog.materials.item(0, dialogs.AMOUNT).text() == ""  # unreadable: no amount
    unpaid = dialogs.CompletionDialog(None, False)
    qtbot.addWidget(unpaid)
    assert unpaid.error.isHidden() and not hasattr(unpaid, "materials")


def test_dispatch_and_parts_dialogs(qtbot):
    dispatch = dialogs.DispatchDialog(None, ["弱电班组", "张师傅"], "李师傅")
    qtbot.addWidget(dispatch)
    assert dispatch.assignee.count() == 2 and dispatch.answer() == "李师傅"
    parts = dialogs.PartsDialog(None)
    qtbot.addWidget(parts)
    assert parts.answer() == (date.today() + timedelta(days=1), "")
    assert parts.expected.minimumDate().toPython() == date.today()


def test_countdown_text():
    assert [_span(timedelta(minutes=m)) for m in (0.5, 35, 80, 60 * 26)] == [
        "不到1分",
        "35分",
        "1小时20分",
        "1天2小时",
    ]


# --- 回访 from the detail (the base class, with the callback dialog) ------------------------


def completed_order(write) -> WorkOrder:
    order = add_order(write)
    with write(real_now()) as ctx:
        workorders.dispatch(ctx, order.id, "张师傅")
        workorders.start(ctx, order.id)
        workorders.complete(ctx, order.id, Completion("更换阀芯"))
    return order


@pytest.mark.parametrize(("satisfaction", "state"), [("满意", W.CALLED_BACK), ("不满意", W.REWORK)])
def test_callback_from_the_detail(
    qtbot, settle, tab, write, fetch, monkeypatch, satisfaction, state
):
    from desk.models import Callback
    from desk.services.records.callbacks import CallbackResult
    from desk.ui.dialogs import callback_dialog

    completed_order(write)
    asked: list[str] = []

    def answer(parent, serial):
        asked.append(serial)
        return CallbackResult(satisfaction, outcome="已修好", comment="师傅很细心")

    monkeypatch.setattr(callback_dialog, "ask_callback", answer)
    shown(settle, tab)
    select_first(settle, tab)
    act(settle, tab, "回访", state)
    [callback] = [c for c in fetch(select(Callback)) if c.done_at is not None]
    assert (callback.satisfaction, callback.comment) == (satisfaction, "师傅很细心")
    assert asked == [orders(fetch)[0].serial]
    assert orders(fetch)[0].state == state


def test_callback_dialog_warns_that_unhappy_reopens(qtbot):
    from desk.ui.dialogs.callback_dialog import CallbackDialog

    dialog = CallbackDialog(None, "PG-20261129-001")
    qtbot.addWidget(dialog)
    assert dialog.warning.isHidden()
    dialog.satisfaction.setCurrentText("不满意")
    assert not dialog.warning.isHidden() and "返工" in dialog.warning.text()
    dialog.outcome.setText("仍漏水")
    result = dialog.result_values()
    assert (result.satisfaction, result.outcome, result.way) == ("不满意", "仍漏水", "电话")
