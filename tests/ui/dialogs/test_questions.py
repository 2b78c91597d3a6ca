"""The small ``ask_…`` dialogs give their answer and are deleted after use: a dialog with a
parent is owned by Qt and would otherwise live as long as the window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog, QWidget

from desk.models.enums import EscalationLevel
from desk.ui.dialogs import (
    answer_of,
    callback_dialog,
    complaint_dialogs,
    duty_dialog,
    loan_item_dialog,
    workorder_dialogs,
)
from desk.ui.tabs import residents as residents_tab

# each asker with what it needs, called with the parent widget
QUESTIONS: dict[str, Callable[[QWidget], Any]] = {
    "assignee": lambda p: workorder_dialogs.ask_assignee(p, ["水电班"], "水电班"),
    "parts": lambda p: workorder_dialogs.ask_parts(p),
    "completion": lambda p: workorder_dialogs.ask_completion(p, False),
    "rework": lambda p: workorder_dialogs.ask_rework_reason(p, "仍漏水"),
    "new item": lambda p: loan_item_dialog.ask_new_item(p),
    "return": lambda p: loan_item_dialog.ask_return(p, "50"),
    "start": lambda p: complaint_dialogs.ask_start(p, complaint_dialogs.StartValues("客服部")),
    "escalation": lambda p: complaint_dialogs.ask_escalation(p, EscalationLevel.DESK),
    "answer": lambda p: complaint_dialogs.ask_answer(p, complaint_dialogs.AnswerValues("已修")),
    "callback": lambda p: callback_dialog.ask_callback(p, "PG-20261123-001"),
    "duty": lambda p: duty_dialog.ask_duty(p, [(1, "张三")], [("早班", "早班")], staff_id=1),
    "export options": lambda p: residents_tab.ask_export_options(p),
    "move-out day": lambda p: residents_tab.ask_move_out_day(
        p, SimpleNamespace(room="3-2-1201", room_label="", name="张三", moved_in=None)
    ),
}


@pytest.fixture
def answering(monkeypatch) -> Callable[[QDialog.DialogCode], list[QDialog]]:
    """``answering(code)``: every dialog's ``exec`` returns ``code`` at once; the dialogs
    that were asked are listed."""

    def _answering(code: QDialog.DialogCode) -> list[QDialog]:
        asked: list[QDialog] = []

        def exec_(self: QDialog) -> int:
            asked.append(self)
            return code

        monkeypatch.setattr(QDialog, "exec", exec_)
        return asked

    return _answering


def _deferred_deletes() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.mark.parametrize("code", [QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected])
@pytest.mark.parametrize("question", QUESTIONS)
def test_every_question_is_deleted_after_its_answer(qtbot, answering, question, code):
    parent = QWidget()
    qtbot.addWidget(parent)
    asked = answering(code)
    answer = QUESTIONS[question](parent)
    assert len(asked) == 1 and asked[0].parent() is parent
    assert (answer is None) == (code == QDialog.DialogCode.Rejected)
    _deferred_deletes()
    assert parent.findChildren(QDialog) == []


def test_answer_of_reads_the_accepted_dialog_before_deleting_it(qtbot, answering):
    parent = QWidget()
    qtbot.addWidget(parent)
    answering(QDialog.DialogCode.Accepted)
    assert workorder_dialogs.ask_rework_reason(parent, "仍漏水") == "仍漏水"
    day = date(2026, 11, 1)
    assert answer_of(QDialog(parent), lambda d: day) == day
    _deferred_deletes()
    assert parent.findChildren(QDialog) == []
