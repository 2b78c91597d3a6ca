"""A keyboard-only walk through the desk's most common rush: a resident phones about a
leaking pipe; the call is recorded, turned into an urgent repair, dispatched, and the
派工单 printed — with no mouse, counting every key that is not one of the facts.

Issue 14's target: the facts plus at most 10 keys. The count starts on 来电记录 with the
cursor in 查找住户 (Ctrl+2 from anywhere, one more key, brings it there).
"""

from __future__ import annotations

import subprocess

import pytest
from helpers.keyboard import Keyboard, on_screen
from helpers.ui import WAIT
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog
from sqlmodel import select

from desk.models import Call, WorkOrder
from desk.models.enums import Urgency, WorkOrderState
from desk.services.records import residents
from desk.services.records.residents import ResidentDraft
from desk.ui import printing
from desk.ui.main_window import MainWindow

TARGET = 10


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, settle, ops, on_duty, write, monkeypatch, no_unpatched_modal_dialogs):
    with write() as ctx:
        residents.add(ctx, ResidentDraft("陈建国", "3-2-1201", phones="13812345678"))
    monkeypatch.setattr(QDialog, "exec", no_unpatched_modal_dialogs)  # we answer them
    win = MainWindow(ops)
    qtbot.addWidget(win)
    win.resize(1366, 698)
    win.show()
    win.activateWindow()
    settle(ops, win)
    return win


def test_a_phone_repair_to_a_printed_work_order_in_ten_keys(
    qtbot, window, settle, ops, fetch, monkeypatch, tmp_path
) -> None:
    printed = tmp_path / "打印机.pdf"

    def office_printer() -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setResolution(100)
        return printer

    monkeypatch.setattr(printing, "available_printers", lambda: ["前台打印机"])
    monkeypatch.setattr(printing, "default_printer", office_printer)
    keys = Keyboard(window, qtbot)
    calls, repairs = window.calls_tab, window.workorders_tab
    window.show_tab(window.tabs.indexOf(calls))  # what Ctrl+2 does
    qtbot.waitUntil(lambda: window.focusWidget() is calls.lookup, timeout=WAIT)

    # 来电: the room finds the resident; Enter takes them, the cursor goes to 来电类型
    with qtbot.waitSignal(calls.lookup.searched, timeout=WAIT):
        keys.type("3-2-1201")
    keys.press("Enter（选住户）", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: calls.person.text() == "陈建国", timeout=WAIT)
    assert window.focusWidget() is calls.call_type
    keys.type("报修")
    assert calls.call_type.currentText() == "报修"
    keys.press("Tab", Qt.Key.Key_Tab)
    assert window.focusWidget() is calls.content
    keys.type("厨房水管漏水，水流到楼下")
    keys.press("Ctrl+Enter（保存来电）", Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: on_screen(calls.detail.action_button("转报修")), timeout=WAIT)
    [call] = fetch(select(Call))
    assert calls.detail.detail.serial == call.serial  # saved, and shown

    # 转报修: the repair form filled from the call, the cursor on 报修类别
    keys.press("Alt+B（转报修）", Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is repairs, timeout=WAIT)
    qtbot.waitUntil(lambda: window.focusWidget() is repairs.category, timeout=WAIT)
    keys.type("水电")
    keys.press("Tab", Qt.Key.Key_Tab)
    assert window.focusWidget() is repairs.urgency
    keys.type("紧急")
    keys.press("Ctrl+Enter（保存报修）", Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: on_screen(repairs.detail.action_button("派工")), timeout=WAIT)
    [order] = fetch(select(WorkOrder))
    assert (order.call_id, order.category, order.urgency) == (call.id, "水电", Urgency.EMERGENCY)
    assert order.room_text == "3-2-1201" and order.description == "厨房水管漏水，水流到楼下"

    # 派工: the dialog opens in its one field; Enter dispatches
    def dispatch(dialog: QDialog) -> None:
        assert dialog.focusWidget() is not None and dialog.focusWidget().isEnabled()
        keys.type("水工 张师傅")
        keys.press("Enter（派工）", Qt.Key.Key_Return)

    keys.press("Alt+P（派工）", Qt.Key.Key_P, ALT, then=dispatch)
    qtbot.waitUntil(lambda: on_screen(repairs.detail.action_button("开始处理")), timeout=WAIT)
    [order] = fetch(select(WorkOrder))
    assert (order.state, order.assignee) == (WorkOrderState.DISPATCHED, "水工 张师傅")

    # 打印: Ctrl+P opens the preview on 打印; Enter prints on the office's printer
    keys.press("Ctrl+P（打印派工单）", Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(
        lambda: repairs.preview is not None and repairs.preview.isVisible(), timeout=WAIT
    )
    preview = repairs.preview
    qtbot.waitUntil(preview.print_button.hasFocus, timeout=WAIT)
    keys.press("Enter（打印）", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已送往打印机" in preview.note.text(), timeout=WAIT)
    # the printer gets pictures of the pages; the text is in the form the preview shows
    form = run("pdftotext", "-enc", "UTF-8", str(preview.pdf_path), "-")
    assert "派工单" in form and order.serial in form and "水工 张师傅" in form
    assert "Pages:           1" in run("pdfinfo", str(printed))

    print(f"\n来电 → 转报修 → 派工 → 打印派工单：{keys.count} 个键（除输入的内容外）")
    print("  " + " · ".join(keys.keys))
    assert keys.count <= TARGET, keys.keys
    preview.close()


def test_enter_on_a_row_goes_to_its_main_action(qtbot, window, settle, ops, write) -> None:
    """↓ to the order, Enter: the cursor on 派工; Enter again opens the 派工 dialog."""
    from desk.services.records import workorders
    from desk.services.records.workorders import WorkOrderDraft

    with write() as ctx:
        workorders.create(ctx, WorkOrderDraft("楼道灯不亮", "水电", room="3-2-1201"))
    repairs = window.workorders_tab
    window.show_tab(window.tabs.indexOf(repairs))
    repairs.reload()
    settle(ops, window)
    keys = Keyboard(window, qtbot)
    repairs.view.setFocus()
    keys.press("↓", Qt.Key.Key_Down)
    keys.press("Enter", Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.focusWidget() is repairs.detail.action_button("派工"), timeout=WAIT
    )
    seen: list[str] = []

    def cancel(dialog: QDialog) -> None:
        seen.append(dialog.windowTitle())
        keys.press("Esc", Qt.Key.Key_Escape)  # nothing typed: it closes without asking

    keys.press("Enter（派工）", Qt.Key.Key_Return, then=cancel)
    qtbot.waitUntil(lambda: seen == ["派工"], timeout=WAIT)


def test_without_a_printer_ctrl_p_offers_the_pdf_at_once(
    qtbot, window, settle, ops, write, monkeypatch, tmp_path
) -> None:
    from desk.services.records import workorders
    from desk.services.records.workorders import WorkOrderDraft
    from desk.ui import dialogs

    with write() as ctx:
        order = workorders.create(ctx, WorkOrderDraft("楼道灯不亮", "水电", room="3-2-1201"))
    monkeypatch.setattr(printing, "available_printers", lambda: [])
    target = tmp_path / "派工单.pdf"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(target))
    repairs = window.workorders_tab
    window.show_tab(window.tabs.indexOf(repairs))
    repairs.show_record(order.id)
    qtbot.waitUntil(lambda: repairs.detail.detail is not None, timeout=WAIT)
    keys = Keyboard(window, qtbot)
    keys.press("Ctrl+P", Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: repairs.preview is not None, timeout=WAIT)
    preview = repairs.preview
    qtbot.waitUntil(lambda: preview.focusWidget() is preview.pdf_button, timeout=WAIT)
    assert "没有安装打印机" in preview.note.text()
    keys.press("Enter（导出PDF）", Qt.Key.Key_Return)
    qtbot.waitUntil(target.exists, timeout=WAIT)
    assert order.serial in run("pdftotext", "-enc", "UTF-8", str(target), "-")
    preview.close()


def test_every_list_in_the_window_gives_tab_back(window) -> None:
    """Tab leaves every table and list of the window (arrows move within it)."""
    from PySide6.QtWidgets import QAbstractItemView

    views = window.findChildren(QAbstractItemView)
    assert len(views) > 10
    keeping = [v for v in views if v.tabKeyNavigation()]
    assert keeping == [], [v.objectName() or type(v).__name__ for v in keeping]
