"""One required text in a small dialog: the reason for 作废, what a department did (办结).

Replaces ``QInputDialog``, whose OK took an empty answer and whose Esc threw typing away
without asking (see ``form_dialog``).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk.models.errors import ValidationError
from desk.models.validation import clean_text
from desk.ui.dialogs import answer_of
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.field_errors import error_label, show_error

TEXT_LINES = 4  # height of the multi-line box, in lines


class TextQuestion(FormDialog):
    """One required field named ``label``, one line or several (Enter, or Ctrl+Enter
    there, gives the answer); an empty or too long answer is refused under the field."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        label: str,
        *,
        multi_line: bool = False,
        max_len: int = 200,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.label = label
        self.max_len = max_len
        self.edit: QLineEdit | QPlainTextEdit
        if multi_line:
            self.edit = QPlainTextEdit()
            self.edit.setTabChangesFocus(True)
            self.edit.setFixedHeight(self.fontMetrics().lineSpacing() * TEXT_LINES + 12)
        else:
            self.edit = QLineEdit()
            self.edit.setMaxLength(max_len)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("{0}（必填）").format(label), self.edit)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def text(self) -> str:
        edit = self.edit
        return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

    def accept(self) -> None:
        try:
            clean_text(self.text(), field="", label=self.label, max_len=self.max_len, required=True)
        except ValidationError as exc:
            show_error(self.error, str(exc))  # what was typed stays
            self.edit.setFocus()
            return
        super().accept()


def ask_text(
    parent: QWidget | None,
    title: str,
    label: str,
    *,
    multi_line: bool = False,
    max_len: int = 200,
) -> str | None:
    """The text typed (never empty); None = cancelled."""
    dialog = TextQuestion(parent, title, label, multi_line=multi_line, max_len=max_len)
    return answer_of(dialog, TextQuestion.text)
