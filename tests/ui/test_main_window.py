"""The main window as a whole: the tabs in the issue's order, the status-bar counts that
jump to their filtered list, and 转报修 / 转投诉 carrying a visit or a call into a new
repair or complaint."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from helpers.ui import WAIT, changed
from PySide6.QtCore import Qt
from sqlmodel import select

from desk.models import Call, Complaint, Loan, Visit, WorkOrder
from desk.services.core.transactions import writing
from desk.services.duty import handover, shifts
from desk.services.records import calls, complaints, loans, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import WorkOrderDraft
from desk.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, settle, ops):
    win = MainWindow(ops)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    settle(ops, win)  # every tab's first load is on the screen
    assert win.snapshot is not None
    return win


def titles(window) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_the_desk_tabs_come_first_in_the_issue_order(window):
    assert titles(window) == [
        "来访接待", "来电记录", "报修派工", "投诉处理", "物品借用",
        "交接班", "回访", "住户", "统计",
    ]  # fmt: skip


def _overdue_records(engine, staff_id: int) -> None:
    """One of each thing the status bar counts, made long enough ago to be late now."""
    long_ago = datetime.now().replace(microsecond=0) - timedelta(days=5)
    with writing(engine, staff_id=staff_id, now=long_ago) as ctx:
        workorders.create(
            ctx, WorkOrderDraft(description="楼道灯不亮", category="水电", room="3-2-1201")
        )
        complaints.create(
            ctx,
            ComplaintDraft(
                description="楼上装修噪音", category="物业管理", complainant="张三", room="3-2-1201"
            ),
        )
        calls.create_call(ctx, CallDraft("转告", "请回电", message_for_id=staff_id))
        done = workorders.create(
            ctx, WorkOrderDraft(description="门禁卡失灵", category="门禁", room="3-2-1201")
        )
        workorders.dispatch(ctx, done.id, "弱电班")
        workorders.start(ctx, done.id)
        workorders.complete(ctx, done.id, workorders.Completion("更换读卡器"))  # 回访 due
        item = loans.add_item(ctx, "梯子", 2, deposit="0")
        loans.lend(
            ctx,
            LoanDraft(
                item_id=item.id,
                borrower="李四",
                expected_return_at=long_ago + timedelta(hours=2),
                room="3-2-1201",
                phone="13812345678",
            ),
        )


def test_status_counts_jump_to_the_filtered_list(qtbot, settle, engine, staff_id, ops):
    _overdue_records(engine, staff_id)
    window = MainWindow(ops)
    qtbot.addWidget(window)
    window.show()
    buttons = window.status_buttons
    settle(ops, window)
    assert buttons["overdue_work_orders"].text() == "超时报修 1"
    assert buttons["overdue_complaints"].text() == "超时投诉 1"
    assert buttons["undelivered_messages"].text() == "未转告 1"
    assert buttons["overdue_loans"].text() == "逾期借用 1"
    assert buttons["overdue_callbacks"].text() == "超时回访 1"
    buttons["overdue_callbacks"].click()
    assert window.tabs.currentWidget() is window.callbacks_tab
    assert window.callbacks_tab.scope.currentText() == "已超时"
    for key, tab, scope in (
        ("overdue_work_orders", window.workorders_tab, "已超时"),
        ("overdue_complaints", window.complaints_tab, "已超时"),
        ("undelivered_messages", window.calls_tab, "未完成"),
        ("overdue_loans", window.loans_tab, "已超时"),
    ):
        tab.search.setText("别的")  # what the person had typed before is cleared by the jump
        buttons[key].click()
        assert window.tabs.currentWidget() is tab
        assert tab.scope.currentText() == scope and tab.search.text() == ""
        settle(ops, window)
        assert tab.model.rowCount() == 1
        assert tab.model.row_at(0).overdue or tab.kind == "call"


def _select_first(settle, tab) -> None:
    """After a reload: select the first row of the reloaded list and wait for its detail."""
    settle(tab.ops, tab)
    assert tab.model.rowCount() > 0
    tab.view.selectRow(0)
    settle(tab.ops, tab)
    assert tab.detail.detail is not None


def test_a_call_becomes_a_repair(qtbot, settle, window, write, fetch):
    with write() as ctx:
        call = calls.create_call(
            ctx,
            CallDraft(
                "报修", "厨房水管漏水", caller_name="陈先生", phone="13812345678", room="3-2-1201"
            ),
        )
    tab = window.calls_tab
    tab.reload()
    _select_first(settle, tab)
    tab.detail.action_button("转报修").click()
    repairs = window.workorders_tab
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is repairs, timeout=WAIT)
    assert repairs.person.text() == "陈先生" and repairs.room.text() == "3-2-1201"
    assert repairs.phone.text() == "13812345678"
    assert repairs.category.currentText() == ""  # the call did not say: the person picks
    repairs.category.setCurrentText("水电")
    with qtbot.waitSignal(repairs.saved, timeout=WAIT):
        repairs.save_button.click()
    [order] = fetch(select(WorkOrder))
    assert (order.call_id, order.description, order.person_name) == (
        call.id,
        "厨房水管漏水",
        "陈先生",
    )
    assert order.channel == "来电"
    assert repairs.person.text() == ""  # the form is free for the next one


def test_a_visit_becomes_a_complaint(qtbot, settle, window, write, fetch):
    with write() as ctx:
        visit = visits.create(
            ctx, VisitDraft(visitor="张三", reason="楼上每晚装修到十一点", room="3-2-1201")
        )
    tab = window.visits_tab
    tab.reload()
    _select_first(settle, tab)
    tab.detail.action_button("转投诉").click()
    target = window.complaints_tab
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is target, timeout=WAIT)
    assert target.person.text() == "张三"
    target.category.setCurrentText("物业管理")  # the visit did not say: the person picks
    with qtbot.waitSignal(target.saved, timeout=WAIT):
        target.save_button.click()
    [complaint] = fetch(select(Complaint))
    assert (complaint.visit_id, complaint.description, complaint.channel) == (
        visit.id,
        "楼上每晚装修到十一点",
        "来访",
    )
    assert fetch(select(Visit))[0].id == visit.id
    assert fetch(select(Call)) == [] and fetch(select(Loan)) == []


def test_a_scanned_serial_opens_its_record_from_any_tab(
    qtbot, settle, window, write, staff_id, type_text
):
    """查单: the scanner types the QR code's text and Enter; the record's tab opens with the
    list narrowed to it and its detail shown; the field empties for the next paper."""
    with write() as ctx:
        shift = shifts.come_on_duty(ctx, staff_id, "早班")
        workorders.create(ctx, WorkOrderDraft("楼道灯不亮", "水电", room="3-2-1201"))
        order = workorders.create(ctx, WorkOrderDraft("厨房水管漏水", "水电", room="3-2-1201"))
        item = loans.add_item(ctx, "梯子", 2, deposit="0")
        loans.lend(ctx, LoanDraft(item.id, "李四", datetime.now() + timedelta(hours=2),
                                  phone="13812345678"))  # fmt: skip
    with write() as ctx:
        handover.confirm(ctx, shift.id, "")
    lookup = window.serial_lookup
    window.tabs.setCurrentWidget(window.statistics_tab)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert lookup.field.hasFocus()
    qtbot.keyClicks(lookup.field, order.serial.lower().replace("-", ""))
    qtbot.keyClick(lookup.field, Qt.Key.Key_Return)
    tab = window.workorders_tab
    settle(window.ops, window)
    assert window.tabs.currentWidget() is tab
    assert tab.detail.detail.record_id == order.id and tab.search.text() == order.serial
    assert tab.model.rowCount() == 1  # of the two orders
    assert tab.model.row_at(0).serial == order.serial
    assert lookup.field.text() == "" and lookup.error.isHidden()

    type_text(lookup.field, "张三")
    qtbot.keyClick(lookup.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lookup.error.isVisible(), timeout=WAIT)
    assert "不是本系统的单号" in lookup.error.toolTip()
    assert lookup.field.text() == "张三" and lookup.field.selectedText() == "张三"
    assert window.tabs.currentWidget() is tab  # nothing else moved

    qtbot.keyClicks(lookup.field, "PG-20000101-001")  # replaces the selected text
    qtbot.keyClick(lookup.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "找不到单号为 PG-20000101-001 的派工单" in lookup.error.toolTip(),
                    timeout=WAIT)  # fmt: skip

    today = order.created_at.date()  # the fixtures' day
    lookup.field.setText(f"JB-{today:%Y%m%d}-01")
    qtbot.keyClick(lookup.field, Qt.Key.Key_Return)
    settle(window.ops, window)
    assert window.tabs.currentWidget() is window.handover_tab
    assert window.handover_tab.view is not None
    assert window.handover_tab.view.shift_id == shift.id

    lookup.field.setText(f"JYDJ-{today:%Y%m%d}")
    qtbot.keyClick(lookup.field, Qt.Key.Key_Return)
    loans_tab = window.loans_tab
    settle(window.ops, window)  # the list showed this one loan before: wait for the new load
    assert window.tabs.currentWidget() is loans_tab
    assert loans_tab.date_from.date() == today == loans_tab.date_to.date()
    assert loans_tab.model.rowCount() == 1


def test_typing_starts_in_the_first_form(window):
    assert window.focusWidget() is window.visits_tab.first_field()


def test_every_list_exports_the_columns_it_shows(qtbot, window) -> None:
    """The list on screen and its Excel export: the same columns, labels and order (both
    from desk.models.kinds)."""
    from desk.services.views import list_export

    for kind, tab in window.desk_tabs.items():
        shown = [
            tab.model.headerData(i, Qt.Orientation.Horizontal)
            for i in range(tab.model.columnCount())
        ]
        assert shown == [c.title for c in list_export.columns(kind)], kind


def test_a_change_reloads_only_the_parts_of_the_window_it_concerns(
    window, settle, ops, write, monkeypatch
) -> None:
    """Not everything after every save: the counts after a record, the office's name and
    the duty after a setting, nothing for a change the window does not show."""
    from desk.ui import main_window

    asked: list[set[str]] = []
    real = main_window.load_parts

    def spy(ctx, parts):
        asked.append(set(parts))
        return real(ctx, parts)

    monkeypatch.setattr(main_window, "load_parts", spy)
    ops.changed.emit(changed("resident", 1))
    settle(ops, window)
    assert asked == []
    with write(datetime.now().replace(microsecond=0)) as ctx:  # today, as the strip counts
        visits.create(ctx, VisitDraft(visitor="张三", reason="咨询", room="3-2-1201"))
    ops.changed.emit(changed("visit", 1))  # as the worker says after the commit
    settle(ops, window)
    assert asked == [{"counts"}]
    assert window.today_values["visits"].text() == "1"
    ops.changed.emit(changed("setting"))
    settle(ops, window)
    assert asked[1:] == [{"office", "duty"}]
