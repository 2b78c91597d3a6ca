"""Coming on duty, handing over and accepting, driven through the window as two
receptionists would: 王经理 works the 早班, 李娜 takes over for the 中班."""

from __future__ import annotations

from datetime import datetime

from helpers.ui import PASSWORD, WAIT, answer_duty, open_window
from PySide6.QtCore import Qt
from sqlmodel import select

from desk.models import Call, Handover, Shift, kinds
from desk.models.enums import HandoverState
from desk.services.records import staff
from desk.ui import msgbox
from desk.ui.dialogs import duty_dialog
from desk.ui.dialogs.duty_dialog import DutyChoice


def come_on_duty(qtbot, settle, window, monkeypatch, staff_id: int, shift: str) -> None:
    """Come on duty and wait until everything it reloads (the handover tab too) is shown."""
    answer_duty(monkeypatch, staff_id, shift)
    before = window.shift_on_duty
    window.duty_bar.ask_come_on_duty(staff_id)
    qtbot.waitUntil(lambda: window.shift_on_duty not in (None, before), timeout=WAIT)
    settle(window.ops, window)
    assert window.duty_bar.shift_label.text().startswith(shift)
    assert window.duty_bar.person_label.text().startswith(window.duty_bar.name_of(staff_id))


def test_records_carry_the_shift_they_were_made_in(
    qtbot, settle, ops, staff_id, monkeypatch, type_text, fetch
):
    window = open_window(qtbot, settle, ops)
    come_on_duty(qtbot, settle, window, monkeypatch, staff_id, "早班")
    [shift] = fetch(select(Shift))
    assert (shift.staff_id, shift.name, window.shift_on_duty) == (staff_id, "早班", shift.id)
    tab = window.calls_tab
    window.tabs.setCurrentWidget(tab)
    type_text(tab.content, "咨询停车月卡")
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save_button.click()
    [call] = fetch(select(Call))
    assert (call.staff_id, call.shift_id) == (staff_id, shift.id)


def test_hand_over_then_accept(qtbot, settle, ops, staff_id, monkeypatch, write, fetch):
    with write() as ctx:
        lina = staff.add(ctx, "李娜")
    window = open_window(qtbot, settle, ops)
    come_on_duty(qtbot, settle, window, monkeypatch, staff_id, "早班")
    tab = window.handover_tab
    window.tabs.setCurrentWidget(tab)
    assert tab.view is not None
    assert "早班" in tab.heading.text() and "王经理" in tab.heading.text()
    tab.notes.setPlainText("3号楼下午停水两小时")
    tab.confirm_button.click()
    settle(ops, window)  # saved, and the tab reloaded
    assert [h.state for h in fetch(select(Handover))] == [HandoverState.CONFIRMED]
    assert fetch(select(Handover))[0].notes == "3号楼下午停水两小时"
    assert tab.view.state == "已确认"

    # 李娜 comes on duty and is asked to accept what 王经理 handed over
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "info", lambda *args: None)  # no messages waiting
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: asked.append(text) or True)
    come_on_duty(qtbot, settle, window, monkeypatch, lina.id, "中班")  # accepts, reloads
    [handover] = fetch(select(Handover))
    assert handover.state == HandoverState.ACCEPTED
    assert handover.incoming_id == lina.id and handover.accepted_at is not None
    assert asked and "王经理" in asked[0] and "早班" in asked[0]
    early, middle = sorted(fetch(select(Shift)), key=lambda s: s.id)
    assert early.ended_at is not None and middle.staff_id == lina.id
    # the tab shows what was accepted, frozen
    assert window.tabs.currentWidget() is tab
    assert tab.view is not None and tab.view.frozen
    assert tab.view.shift_id == early.id and not tab.confirm_button.isEnabled()
    assert "李娜" in tab.counts.text()


def test_the_outgoing_person_cannot_accept_their_own_handover(
    qtbot, settle, ops, staff_id, monkeypatch, fetch
):
    window = open_window(qtbot, settle, ops)
    come_on_duty(qtbot, settle, window, monkeypatch, staff_id, "早班")
    tab = window.handover_tab
    assert tab.view is not None
    tab.confirm_button.click()
    settle(ops, window)
    assert fetch(select(Handover))
    # the list under 全部 already has this one shift: wait for 待接班's own answer
    tab.show_scope("待接班")
    settle(ops, window)
    assert [e.state for e in tab.entries] == ["已确认"]
    # the shifts' list: 值班记录's columns as the registry declares them, the day as 11-23
    model = tab.duty_list.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [kinds.HANDOVER.column_label(c) for c in kinds.HANDOVER.columns]
    assert headers[3] == "记录状态" and model.index(0, 3).data() == "已确认"
    assert model.index(0, 0).data() == f"{tab.entries[0].day:%m-%d}"
    errors: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append(text))
    tab.duty_table.selectRow(0)
    tab.accept_button.click()
    settle(ops, window)
    assert len(errors) == 1 and "接班人不能是交班人本人" in errors[0]
    assert fetch(select(Handover))[0].state == HandoverState.CONFIRMED


def test_carried_items_open_their_record(qtbot, settle, engine, ops, staff_id, monkeypatch, write):
    from datetime import datetime, timedelta

    from desk.services.core.transactions import writing
    from desk.services.records import workorders
    from desk.services.records.workorders import WorkOrderDraft

    long_ago = datetime.now().replace(microsecond=0) - timedelta(days=3)
    with writing(engine, staff_id=staff_id, now=long_ago) as ctx:
        order = workorders.create(ctx, WorkOrderDraft("楼道灯不亮", "水电", room="3-2-1201"))
    window = open_window(qtbot, settle, ops)
    come_on_duty(qtbot, settle, window, monkeypatch, staff_id, "早班")
    tab = window.handover_tab
    assert tab.items.rowCount() == 1
    assert tab.items.item(0, 1).text() == order.serial
    assert tab.items.item(0, 0).background().color().name() == "#fadbd8"  # overdue
    tab.open_item(0)
    repairs = window.workorders_tab
    assert window.tabs.currentWidget() is repairs
    settle(ops, window)
    assert repairs.detail.detail is not None and repairs.detail.detail.serial == order.serial


def test_the_duty_record_prints(qtbot, settle, ops, staff_id, monkeypatch, fetch):
    import subprocess

    from desk.ui import printing

    window = open_window(qtbot, settle, ops)
    come_on_duty(qtbot, settle, window, monkeypatch, staff_id, "早班")
    tab = window.handover_tab
    assert tab.view is not None
    told: list[str] = []
    monkeypatch.setattr(msgbox, "info", lambda parent, title, text: told.append(text))
    tab.print_button.click()  # nothing saved yet
    assert told and "保存草稿" in told[0]

    tab.notes.setPlainText("电梯年检")
    tab.draft_button.click()
    qtbot.waitUntil(lambda: tab.view is not None and tab.view.handover_id is not None, timeout=WAIT)
    shown: list[tuple] = []
    monkeypatch.setattr(
        printing, "open_preview", lambda parent, pdf, title, name, **kw: shown.append((pdf, kw))
    )
    tab.print_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    pdf, kw = shown[0]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "客服值班记录表" in text and "电梯年检" in text and "王经理" in text
    assert kw["form"].head.serial.startswith("JB-")


def test_another_shift_than_the_clocks_is_explained_before_coming_on_duty(qtbot):
    """16:40: 中班 fits the clock; 晚班 would be planned to run until the next morning."""
    shifts = [("早班", "08:00–16:00"), ("中班", "16:00–24:00"), ("晚班", "00:00–08:00")]
    ends = {"早班": datetime(2026, 11, 30, 16, 0), "中班": datetime(2026, 11, 30, 0, 0),
            "晚班": datetime(2026, 11, 30, 8, 0)}  # fmt: skip
    dialog = duty_dialog.DutyDialog([(1, "王经理")], shifts, shift_name="中班", planned_ends=ends)
    qtbot.addWidget(dialog)
    assert dialog.shift.currentData() == "中班" and dialog.warning.isHidden()
    dialog.shift.setCurrentIndex(dialog.shift.findData("晚班"))
    assert not dialog.warning.isHidden()
    assert dialog.warning.text() == (
        "按现在的时间应是中班。选晚班的话，本班要到 11-30 08:00 才结束，请确认没有选错。"
    )
    dialog.secret.password.setText(PASSWORD)
    assert dialog.choice() == DutyChoice(1, "晚班", PASSWORD)  # a warning, not a refusal
    dialog.shift.setCurrentIndex(dialog.shift.findData("中班"))
    assert dialog.warning.isHidden()
