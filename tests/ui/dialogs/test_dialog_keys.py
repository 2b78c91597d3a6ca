"""Every dialog and the keyboard (issue #14): it opens with the cursor in its first field;
Enter in a one-line field (Ctrl+Enter in a multi-line one) accepts it when its fields are
valid and otherwise says why, keeping what was typed; Esc cancels, asking first when
something was typed. No Enter anywhere throws typing away.

The dialogs are shown (``show``, no nested event loop) and keys are sent to the widget
that has the focus, as the keyboard does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from helpers.ui import WAIT, field
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from sqlmodel import select

from desk.models import Resident, Staff
from desk.models.enums import EscalationLevel, LoanKind
from desk.models.errors import ValidationError
from desk.services.records import calls, residents, staff
from desk.services.records.residents import ResidentDraft
from desk.services.records.workorders import Completion
from desk.ui import msgbox
from desk.ui.about import AboutDialog
from desk.ui.dialogs import complaint_dialogs, workorder_dialogs
from desk.ui.dialogs.callback_dialog import CallbackDialog
from desk.ui.dialogs.duty_dialog import DutyChoice, DutyDialog
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.dialogs.import_preview import ImportPreviewDialog
from desk.ui.dialogs.loan_item_dialog import LoanItemDialog, NewItem, ReturnDialog
from desk.ui.dialogs.record_view import RecordViewDialog
from desk.ui.dialogs.resident_form import MoveOutDialog, ResidentFormDialog
from desk.ui.dialogs.settings_dialog import SettingsDialog
from desk.ui.dialogs.staff_dialog import StaffDialog
from desk.ui.dialogs.text_question import TextQuestion
from desk.ui.field_errors import ask_reason
from desk.ui.first_run import FirstRunChoice, FirstRunDialog
from desk.ui.printing import RegisterDialog
from desk.ui.tabs import visits as visits_tab
from desk.ui.tabs.residents import ExportOptions, ExportOptionsDialog

DATA = Path(__file__).resolve().parents[2] / "data" / "residents"
ACCEPTED, REJECTED = QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected
DAY = date(2026, 11, 15)  # a fixed "today" for the dialogs that take one

Typer = Callable[[QWidget, str], None]


# --- driving a dialog ---------------------------------------------------------------------


def press(dialog: QWidget, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key on the widget with the focus (the window when none has it), as the keyboard
    sends it."""
    QTest.keyClick(dialog.focusWidget() or dialog, key, modifier)


def enter(dialog: QWidget) -> None:
    """Enter where the cursor is; Ctrl+Enter in a multi-line field (plain Enter is a new line
    there)."""
    multi_line = isinstance(dialog.focusWidget(), QPlainTextEdit)
    ctrl = Qt.KeyboardModifier.ControlModifier
    press(dialog, Qt.Key.Key_Return, ctrl if multi_line else Qt.KeyboardModifier.NoModifier)


def cancel_button(dialog: QWidget) -> QPushButton:
    """The button of the dialog's button box that cancels (取消, 退出)."""
    for box in dialog.findChildren(QDialogButtonBox):
        for button in box.buttons():
            if box.buttonRole(button) == QDialogButtonBox.ButtonRole.RejectRole:
                return button
    raise LookupError("取消")


def has_focus_in(dialog: QWidget, widget: QWidget) -> bool:
    focus = dialog.focusWidget()
    return focus is widget or (focus is not None and widget.isAncestorOf(focus))


def shown_text(widget: QWidget) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    assert isinstance(widget, QLineEdit)
    return widget.text()


def said(dialog: QWidget) -> str:
    """Every line of text the dialog shows now."""
    return "\n".join(lbl.text() for lbl in dialog.findChildren(QLabel) if lbl.isVisibleTo(dialog))


def stepping(
    into: Callable[[Any], QDateTimeEdit], section: QDateTimeEdit.Section
) -> Callable[[Any, Typer], None]:
    """A fill for a date: ``section`` stepped by the arrow key (down; up for the year)."""

    def fill(dialog: Any, _type: Typer) -> None:
        edit = into(dialog)
        edit.setFocus()
        edit.setCurrentSection(section)
        up = section == QDateTimeEdit.Section.YearSection
        press(dialog, Qt.Key.Key_Up if up else Qt.Key.Key_Down)

    return fill


@pytest.fixture
def opened(qtbot) -> Iterator[Callable[[QDialog], Any]]:
    """``opened(dialog)``: shown as the program shows it. Hidden and deleted after the
    test: closing one that holds typing would ask (the question is not patched then)."""
    shown: list[QDialog] = []

    def _opened(dialog: QDialog) -> Any:
        shown.append(dialog)
        with qtbot.waitExposed(dialog, timeout=WAIT):
            dialog.show()
        with qtbot.waitActive(dialog, timeout=WAIT):  # focus events as on a screen
            dialog.activateWindow()
        return dialog

    yield _opened
    for dialog in shown:
        dialog.hide()
        dialog.deleteLater()


# --- the table of form dialogs ------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    make: Callable[[QWidget], FormDialog]
    first: Callable[[Any], QWidget]  # where the cursor starts
    fill: Callable[[Any, Typer], None]  # types into the first field what makes it valid …
    answer: Callable[[Any], object]  # … and what the dialog then answers …
    expected: Callable[[], object]  # … which is this
    # types something the dialog must refuse; returns the field and the text it must keep
    invalid: Callable[[Any, Typer], tuple[QWidget, str]] | None = None
    refusal: str = "不能为空"  # what it says then
    multi_line: Callable[[Any], QPlainTextEdit] | None = None  # Ctrl+Enter accepts from it


def typed(text: str, into: Callable[[Any], QWidget], *before: tuple[str, str]):
    """A fill that types ``text``, other required fields (``(attribute, text)``) filled."""

    def fill(dialog: Any, type_text: Typer) -> None:
        for attr, value in before:
            widget = getattr(dialog, attr)
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            else:
                widget.setText(value)
        type_text(into(dialog), text)

    return fill


def leaving_empty(into: Callable[[Any], QWidget]):
    """Nothing typed into a required field."""

    def invalid(dialog: Any, _type: Typer) -> tuple[QWidget, str]:
        return into(dialog), ""

    return invalid


def typed_alone(text: str, into: Callable[[Any], QWidget]):
    """``text`` typed while another required field is empty."""

    def invalid(dialog: Any, type_text: Typer) -> tuple[QWidget, str]:
        type_text(into(dialog), text)
        return into(dialog), text

    return invalid


def _reason_edit(dialog: Any) -> QWidget:
    return field(dialog, "升级原因（必填）")


def _reply_edit(dialog: Any) -> QWidget:
    return field(dialog, "答复内容（必填）")


def _department(dialog: Any) -> QWidget:
    return field(dialog, "责任部门")


def completion_case(*, paid: bool) -> Case:
    """完成, free or paid: the same two fields come first either way."""
    return Case(
        make=lambda p: workorder_dialogs.CompletionDialog(p, paid),
        first=lambda d: d.cause,
        fill=typed("阀芯老化", lambda d: d.cause, ("work_done", "更换阀芯")),
        answer=lambda d: d.answer(),
        expected=lambda: Completion(work_done="更换阀芯", cause="阀芯老化"),
        invalid=typed_alone("阀芯老化", lambda d: d.cause),
        refusal="维修内容：不能为空",
        multi_line=lambda d: d.work_done,
    )


CASES: dict[str, Case] = {
    "派工": Case(
        make=lambda p: workorder_dialogs.DispatchDialog(p, ["水电班"]),
        first=lambda d: d.assignee,
        fill=typed("张师傅", lambda d: d.assignee),
        answer=lambda d: d.answer(),
        expected=lambda: "张师傅",
        invalid=leaving_empty(lambda d: d.assignee),
    ),
    "待料": Case(
        make=lambda p: workorder_dialogs.PartsDialog(p),
        first=lambda d: d.expected,
        fill=stepping(lambda d: d.expected, QDateTimeEdit.Section.YearSection),
        answer=lambda d: d.answer(),
        expected=lambda: (QDate.currentDate().addDays(1).addYears(1).toPython(), ""),
    ),
    "完成": completion_case(paid=False),
    "完成（有偿）": completion_case(paid=True),
    "返工": Case(
        make=lambda p: workorder_dialogs.ReworkDialog(p),
        first=lambda d: d.reason,
        fill=typed("仍漏水", lambda d: d.reason),
        answer=lambda d: d.answer(),
        expected=lambda: "仍漏水",
        invalid=leaving_empty(lambda d: d.reason),
    ),
    "开始处理": Case(
        make=lambda p: complaint_dialogs.StartDialog(complaint_dialogs.StartValues(), None, p),
        first=_department,
        fill=typed("工程部", _department),
        answer=lambda d: d.values(),
        expected=lambda: complaint_dialogs.StartValues("工程部", ""),
        multi_line=lambda d: field(d, "处理措施"),
    ),
    "升级": Case(
        make=lambda p: complaint_dialogs.EscalateDialog(EscalationLevel.DESK, "", None, p),
        first=_reason_edit,
        fill=typed("业主不满意", _reason_edit),
        answer=lambda d: d.reason(),
        expected=lambda: "业主不满意",
        invalid=leaving_empty(_reason_edit),
    ),
    "答复": Case(
        make=lambda p: complaint_dialogs.AnswerDialog(complaint_dialogs.AnswerValues(), None, p),
        first=_reply_edit,
        fill=typed("已安排维修", _reply_edit),
        answer=lambda d: d.values(),
        expected=lambda: complaint_dialogs.AnswerValues("已安排维修", "", ""),
        invalid=leaving_empty(_reply_edit),
        multi_line=_reply_edit,
    ),
    "回访": Case(
        make=lambda p: CallbackDialog(p, "PG-20261129-001"),
        first=lambda d: d.way,
        fill=typed("已修好", lambda d: d.outcome),
        answer=lambda d: (d.result_values().outcome, d.result_values().satisfaction),
        expected=lambda: ("已修好", "满意"),
        invalid=typed_alone("长" * 1001, lambda d: d.comment),
        refusal="不能超过1000个字",
        multi_line=lambda d: d.comment,
    ),
    "新增物品": Case(
        make=lambda p: LoanItemDialog(p),
        first=lambda d: d.name,
        fill=typed("梯子", lambda d: d.name),
        answer=lambda d: d.values(),
        expected=lambda: NewItem("梯子", 1, "0", LoanKind.ITEM),
        invalid=leaving_empty(lambda d: d.name),
        refusal="请填写物品名称",
    ),
    "归还": Case(
        make=lambda p: ReturnDialog("50", p),
        first=lambda d: d.condition,
        fill=typed("一条腿松了", lambda d: d.condition),  # replaces the 完好 offered
        answer=lambda d: d.values(),
        expected=lambda: ("一条腿松了", "50"),
    ),
    "上班": Case(
        make=lambda p: DutyDialog(
            [(1, "张三"), (2, "李四")], [("早班", "08:00–16:00")], staff_id=1, parent=p
        ),
        # the person and shift come preselected: the password is what is left to type
        first=lambda d: d.secret.password,
        fill=typed("口令2026", lambda d: d.secret.password),
        answer=lambda d: d.choice(),
        expected=lambda: DutyChoice(1, "早班", "口令2026"),
        invalid=leaving_empty(lambda d: d.secret.password),
        refusal="请输入密码",
    ),
    "迁出": Case(
        make=lambda p: MoveOutDialog(
            SimpleNamespace(room="3-2-1201", room_label="", name="张三", moved_in=None), DAY, p
        ),
        first=lambda d: d.date_edit,
        fill=stepping(lambda d: d.date_edit, QDateTimeEdit.Section.DaySection),
        answer=lambda d: d.day,
        expected=lambda: DAY - timedelta(days=1),
    ),
    "导出一览表": Case(
        make=lambda p: ExportOptionsDialog(p),
        first=lambda d: d.masked_radio,
        fill=lambda d, _t: (d.full_radio.setFocus(), press(d, Qt.Key.Key_Space)),
        answer=lambda d: d.options,
        expected=lambda: ExportOptions(full_phones=True),
    ),
    "打印登记表": Case(
        make=lambda p: RegisterDialog(DAY, p),
        first=lambda d: d.day,
        fill=stepping(lambda d: d.day, QDateTimeEdit.Section.DaySection),
        answer=lambda d: d.answer(),
        expected=lambda: (DAY - timedelta(days=1), LoanKind.ITEM),
    ),
    "首次使用": Case(
        make=lambda p: FirstRunDialog(p),
        first=lambda d: d.office_edit,
        fill=lambda d, type_text: (
            d.staff_edit.setText("王丽"),
            d.secret.new.setText("经理口令2026"),
            d.secret.again.setText("经理口令2026"),
            type_text(d.office_edit, "阳光花园物业服务中心"),
        ),
        answer=lambda d: d.choice,
        expected=lambda: FirstRunChoice(False, "阳光花园物业服务中心", "王丽", "经理口令2026"),
        invalid=typed_alone("阳光花园物业服务中心", lambda d: d.office_edit),
        refusal="姓名：不能为空",
    ),
    "作废": Case(
        make=lambda p: TextQuestion(p, "作废", "作废原因"),
        first=lambda d: d.edit,
        fill=typed("重复登记", lambda d: d.edit),
        answer=lambda d: d.text(),
        expected=lambda: "重复登记",
        invalid=leaving_empty(lambda d: d.edit),
        refusal="作废原因：不能为空",
    ),
    "办结": Case(
        make=lambda p: TextQuestion(p, "办结", "处理结果", multi_line=True, max_len=1000),
        first=lambda d: d.edit,
        fill=typed("已修剪", lambda d: d.edit),
        answer=lambda d: d.text(),
        expected=lambda: "已修剪",
        invalid=leaving_empty(lambda d: d.edit),
        multi_line=lambda d: d.edit,
    ),
}
INVALID = [name for name, case in CASES.items() if case.invalid is not None]
MULTI_LINE = [name for name, case in CASES.items() if case.multi_line is not None]


@pytest.fixture
def dialog_of(opened) -> Iterator[Callable[[str], Any]]:
    """``dialog_of(case)``: the case's dialog, open, with a parent as the program gives it."""
    parents: list[QWidget] = []

    def _dialog_of(name: str) -> Any:
        parents.append(QWidget())
        return opened(CASES[name].make(parents[-1]))

    yield _dialog_of
    for parent in parents:
        parent.deleteLater()  # by the event loop, after ``opened`` has hidden the dialog


@pytest.mark.parametrize("name", CASES)
def test_it_opens_with_the_cursor_in_its_first_field(dialog_of, name):
    dialog = dialog_of(name)
    assert has_focus_in(dialog, CASES[name].first(dialog))
    assert not isinstance(dialog.focusWidget(), QPushButton)
    # no button takes Enter for itself when it is passed on the way with Tab
    assert not any(b.autoDefault() for b in dialog.findChildren(QPushButton))


@pytest.mark.parametrize("name", CASES)
def test_enter_accepts_a_valid_dialog_with_what_was_typed(dialog_of, type_text, name):
    case = CASES[name]
    dialog = dialog_of(name)
    case.fill(dialog, type_text)
    enter(dialog)
    assert dialog.result() == ACCEPTED and not dialog.isVisible()
    assert case.answer(dialog) == case.expected()


@pytest.mark.parametrize("name", INVALID)
def test_enter_in_an_invalid_dialog_says_why_and_keeps_the_text(dialog_of, type_text, name):
    case = CASES[name]
    dialog = dialog_of(name)
    assert case.invalid is not None
    widget, text = case.invalid(dialog, type_text)
    enter(dialog)
    assert dialog.isVisible() and dialog.result() != ACCEPTED
    assert case.refusal in said(dialog)
    assert shown_text(widget) == text


@pytest.mark.parametrize("name", MULTI_LINE)
def test_in_a_multi_line_field_enter_is_a_new_line_and_ctrl_enter_accepts(
    dialog_of, type_text, name
):
    case = CASES[name]
    dialog = dialog_of(name)
    assert case.multi_line is not None
    case.fill(dialog, type_text)
    box = case.multi_line(dialog)
    type_text(box, "第一行")
    press(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and "第一行\n" in box.toPlainText()
    press(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == ACCEPTED and not dialog.isVisible()


@pytest.mark.parametrize("name", CASES)
def test_esc_with_something_typed_asks_first(dialog_of, type_text, confirming, name):
    case = CASES[name]
    dialog = dialog_of(name)
    case.fill(dialog, type_text)
    answer = case.answer(dialog)
    asked = confirming(False)
    press(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.isVisible()  # 否: nothing lost
    assert case.answer(dialog) == answer
    asked = confirming(True)
    press(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.result() == REJECTED and not dialog.isVisible()


@pytest.mark.parametrize("name", CASES)
def test_esc_with_nothing_typed_cancels_without_asking(dialog_of, name):
    dialog = dialog_of(name)  # msgbox.confirm is not patched: asking would fail the test
    press(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == REJECTED and not dialog.isVisible()


@pytest.mark.parametrize("name", CASES)
def test_cancel_and_the_close_button_ask_too(dialog_of, type_text, confirming, name):
    case = CASES[name]
    dialog = dialog_of(name)
    case.fill(dialog, type_text)
    asked = confirming(False)
    cancel_button(dialog).click()
    dialog.close()  # the window's close button
    assert len(asked) == 2 and dialog.isVisible()
    confirming(True)
    dialog.close()
    assert dialog.result() == REJECTED and not dialog.isVisible()


def test_a_dialog_asked_again_with_a_refused_answer_asks_before_losing_it(
    qtbot, opened, confirming
):
    """What the service refused was typed: the dialog that brings it back does not drop it
    on Esc, and the cursor is where the problem is."""
    escalate = opened(complaint_dialogs.EscalateDialog(EscalationLevel.DESK, "不满意", None, None))
    press(escalate, Qt.Key.Key_Escape)  # first asked: nothing typed yet
    assert escalate.result() == REJECTED
    refused = ValidationError("measures", "处理措施", "太长")
    start = opened(
        complaint_dialogs.StartDialog(
            complaint_dialogs.StartValues("工程部", "换管"), refused, None
        )
    )
    assert has_focus_in(start, field(start, "处理措施"))
    asked = confirming(False)
    press(start, Qt.Key.Key_Escape)
    assert asked and start.isVisible() and start.values().measures == "换管"
    rework = opened(workorder_dialogs.ReworkDialog(None, "仍漏水", "数据库正被占用"))
    press(rework, Qt.Key.Key_Escape)
    assert len(asked) == 2 and rework.isVisible()
    confirming(True)
    for dialog in (start, rework):
        press(dialog, Qt.Key.Key_Escape)
        assert dialog.result() == REJECTED


def test_a_button_passed_with_tab_does_not_take_enter(opened, type_text):
    """The bug: Tab over 取消 on the way to the field, type, Enter — and 取消 was pressed."""
    dialog = opened(workorder_dialogs.DispatchDialog(None, ["水电班"]))
    dialog.assignee.setFocus()
    press(dialog, Qt.Key.Key_Backtab)
    assert dialog.focusWidget() is cancel_button(dialog)
    press(dialog, Qt.Key.Key_Tab)
    assert has_focus_in(dialog, dialog.assignee)
    type_text(dialog.assignee, "张师傅")
    press(dialog, Qt.Key.Key_Return)
    assert dialog.result() == ACCEPTED and dialog.answer() == "张师傅"


def test_enter_on_a_focused_button_presses_that_button(opened, type_text, confirming):
    dialog = opened(workorder_dialogs.ReworkDialog(None))
    type_text(dialog.reason, "仍漏水")
    cancel_button(dialog).setFocus(Qt.FocusReason.TabFocusReason)
    asked = confirming(False)
    press(dialog, Qt.Key.Key_Return)  # 取消: asks, as Esc does
    assert len(asked) == 1 and dialog.isVisible()
    ok = next(b for b in dialog.findChildren(QPushButton) if b.text() == "返工")
    ok.setFocus(Qt.FocusReason.TabFocusReason)
    press(dialog, Qt.Key.Key_Return)
    assert dialog.result() == ACCEPTED and dialog.answer() == "仍漏水"


def test_enter_in_the_materials_table_closes_nothing(opened, type_text):
    dialog = opened(workorder_dialogs.CompletionDialog(None, True))
    table = dialog.materials
    table.setFocus()
    table.setCurrentCell(0, workorder_dialogs.NAME)
    press(dialog, Qt.Key.Key_Return)  # on a row
    assert dialog.isVisible() and dialog.result() != ACCEPTED
    table.editItem(table.item(0, workorder_dialogs.NAME))
    editor = dialog.focusWidget()
    assert isinstance(editor, QLineEdit) and table.isAncestorOf(editor)
    type_text(editor, "阀芯")
    press(dialog, Qt.Key.Key_Return)  # in a cell being edited: the cell takes it
    QTest.qWait(0)  # the delegate commits the cell by a queued call
    assert dialog.isVisible() and dialog.result() != ACCEPTED
    assert dialog.cell(0, workorder_dialogs.NAME) == "阀芯"


def test_the_ask_functions_answer_what_was_typed_and_enter(qtbot, monkeypatch, type_text):
    """Through ``answer_of`` as the tabs call them: ``exec`` shows the dialog, the keys are
    typed, and the answer is what the dialog held."""

    def keys(text: str) -> Callable[[QDialog], int]:
        def exec_(dialog: QDialog) -> int:
            dialog.show()
            type_text(dialog.focusWidget(), text)
            enter(dialog)
            return dialog.result()

        return exec_

    parent = QWidget()
    qtbot.addWidget(parent)
    monkeypatch.setattr(QDialog, "exec", keys("重复登记"))
    assert ask_reason(parent) == "重复登记"
    monkeypatch.setattr(QDialog, "exec", keys("已修剪"))
    assert visits_tab.ask_result(parent) == "已修剪"
    monkeypatch.setattr(QDialog, "exec", keys("张师傅"))
    assert workorder_dialogs.ask_assignee(parent, ["水电班"]) == "张师傅"
    monkeypatch.setattr(QDialog, "exec", keys(""))  # an empty reason is not an answer
    assert ask_reason(parent) is None


# --- the dialogs that work through the database -------------------------------------------


def test_staff_enter_in_the_name_adds_and_never_deactivates(
    qtbot, opened, ops, on_duty, write, fetch, type_text, monkeypatch
):
    with write() as ctx:
        staff.add(ctx, "李娜")
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: asked.append(text))
    dialog = opened(StaffDialog(ops))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=WAIT)
    assert has_focus_in(dialog, dialog.name)
    dialog.table.selectRow(1)  # 李娜: what 停用所选 would take
    dialog.name.setFocus()
    type_text(dialog.name, "赵强")
    press(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3, timeout=WAIT)
    assert asked == [] and dialog.isVisible() and dialog.name.text() == ""
    assert [s.name for s in fetch(select(Staff)) if s.active] == ["王经理", "李娜", "赵强"]
    dialog.table.setFocus()
    press(dialog, Qt.Key.Key_Return)  # on the list: nothing happens
    assert asked == [] and dialog.isVisible()
    type_text(dialog.name, "钱多")
    press(dialog, Qt.Key.Key_Escape)  # a name typed and not added: asks
    assert len(asked) == 1 and dialog.isVisible() and dialog.name.text() == "钱多"


def test_staff_a_refused_name_stays_after_enter(qtbot, opened, ops, on_duty, type_text, settle):
    dialog = opened(StaffDialog(ops))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT)
    type_text(dialog.name, "王经理")  # already there
    press(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=WAIT)
    assert "已经有一位" in dialog.error.text() and dialog.name.text() == "王经理"
    assert dialog.isVisible()


def resident_form(opened, ops, room: str = "") -> ResidentFormDialog:
    return opened(ResidentFormDialog(ops, room=room))


def typed_form(dialog: ResidentFormDialog) -> dict[str, str]:
    return {key: shown_text(widget) for key, widget in dialog.fields.items()}


def test_resident_form_enter_never_loses_the_form(
    qtbot, opened, ops, on_duty, type_text, fetch, confirming
):
    dialog = resident_form(opened, ops)
    assert has_focus_in(dialog, dialog.room_edit)
    # passing 取消 with Tab used to leave it taking Enter: the whole form was lost
    dialog.cancel_button.setFocus(Qt.FocusReason.TabFocusReason)
    type_text(dialog.phones_edit, "13812345678")
    type_text(dialog.notes_edit, "养了一条狗")
    type_text(dialog.room_edit, "3-2-1201")
    press(dialog, Qt.Key.Key_Return)  # 姓名 is missing: said under it, nothing lost
    qtbot.waitUntil(lambda: dialog.errors["name"].isVisibleTo(dialog), timeout=WAIT)
    assert "姓名" in dialog.errors["name"].text() and dialog.isVisible()
    form = typed_form(dialog)
    assert form["room"] == "3-2-1201" and form["phones"] == "13812345678"
    assert form["notes"] == "养了一条狗"
    assert has_focus_in(dialog, dialog.name_edit)  # where the problem is
    asked = confirming(False)
    press(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.isVisible() and typed_form(dialog) == form
    type_text(dialog.name_edit, "张三")
    press(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == ACCEPTED, timeout=WAIT)
    [saved] = fetch(select(Resident))
    assert (saved.name, saved.notes) == ("张三", "养了一条狗")


def test_resident_form_new_line_in_notes_and_ctrl_enter_saves(
    qtbot, opened, ops, on_duty, type_text, fetch
):
    dialog = resident_form(opened, ops, room="3-2-1201")
    assert has_focus_in(dialog, dialog.name_edit)  # the flat searched for is filled in
    type_text(dialog.name_edit, "张三")
    type_text(dialog.notes_edit, "养狗")
    press(dialog, Qt.Key.Key_Return)
    type_text(dialog.notes_edit, "腿脚不便")
    assert dialog.isVisible() and dialog.notes_edit.toPlainText() == "养狗\n腿脚不便"
    press(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.result() == ACCEPTED, timeout=WAIT)
    assert [r.notes for r in fetch(select(Resident))] == ["养狗\n腿脚不便"]


def test_resident_form_edited_and_left_unchanged_closes_on_esc(qtbot, opened, ops, on_duty, write):
    with write() as ctx:
        person = residents.add(ctx, ResidentDraft("张三", "3-2-1201"))
        detail = residents.get_detail(ctx, person.id)
    dialog = opened(ResidentFormDialog(ops, detail))
    assert has_focus_in(dialog, dialog.room_edit)
    press(dialog, Qt.Key.Key_Escape)  # nothing changed: no question (confirm not patched)
    assert dialog.result() == REJECTED


def test_settings_enter_saves_and_esc_asks_only_while_unsaved(
    qtbot, opened, ops, on_duty, type_text, read, confirming, monkeypatch
):
    from desk.services.core import settings

    told: list[str] = []
    monkeypatch.setattr(msgbox, "info", lambda parent, title, text: told.append(text))
    dialog = opened(SettingsDialog(ops))
    key = "lists.workorder.categories"
    qtbot.waitUntil(lambda: key in dialog.edits, timeout=WAIT)
    first = next(iter(dialog.edits.values()))
    qtbot.waitUntil(lambda: has_focus_in(dialog, first), timeout=WAIT)  # once loaded
    edit = dialog.edits[key]
    edit.selectAll()
    type_text(edit, "水电、土建、绿化")
    asked = confirming(False)
    press(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.isVisible() and edit.text() == "水电、土建、绿化"
    press(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(told), timeout=WAIT)
    assert told == ["已保存 1 项设置。"] and dialog.isVisible()
    with read() as ctx:
        assert settings.get(ctx.session, key) == ["水电", "土建", "绿化"]
    press(dialog, Qt.Key.Key_Escape)  # saved: nothing to lose, no question
    assert len(asked) == 1 and dialog.result() == REJECTED


def test_import_preview_enter_in_the_rows_imports_nothing(
    qtbot, opened, ops, on_duty, settle, fetch
):
    dialog = opened(ImportPreviewDialog(ops, DATA / "title_merged.xlsx"))
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    assert has_focus_in(dialog, dialog.mapping_combos["room"])
    dialog.rows_view.setFocus()
    dialog.rows_view.selectRow(0)
    press(dialog, Qt.Key.Key_Return)
    settle(ops, dialog)
    assert dialog.isVisible() and dialog.result is None and fetch(select(Resident)) == []
    dialog.mapping_combos["room"].setFocus()
    press(dialog, Qt.Key.Key_Return)  # in a column choice: 导入, as the default button was
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=WAIT)
    assert fetch(select(Resident))


# --- dialogs that are no forms: Esc just closes them ---------------------------------------


def test_esc_closes_the_about_box_and_a_record_without_asking(qtbot, opened, ops, db_path, write):
    about = opened(AboutDialog(db_path))
    press(about, Qt.Key.Key_Escape)
    assert not about.isVisible()
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201"))
        call = calls.create_call(ctx, calls.CallDraft("报修", "厨房漏水", room="3-2-1201"))
    record = opened(RecordViewDialog(ops, "来电", call.id))
    qtbot.waitUntil(lambda: record.view.detail is not None, timeout=WAIT)
    press(record, Qt.Key.Key_Escape)
    assert not record.isVisible()
