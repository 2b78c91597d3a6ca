"""回访 from a repair's or complaint's detail, or from the 回访 tab's queue: how the resident
was reached, what they said.

不满意 reopens the repair (返工) or escalates the complaint in the same save
(services.callbacks.record); the dialog says so before the person confirms. When a save
fails, the caller asks again with the previous answer and the reason (``previous``,
``error``), so nothing typed is lost.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk.models import kinds
from desk.models.enums import CallbackWay, Satisfaction
from desk.models.errors import ValidationError
from desk.models.validation import clean_text
from desk.services.records.callbacks import CallbackResult
from desk.ui.dialogs import answer_of
from desk.ui.dialogs.form_dialog import FormDialog

label_of = kinds.CALLBACK.label  # a field's one label (desk.models.kinds)


class CallbackDialog(FormDialog):
    """Enter in 回访结果 (Ctrl+Enter in 住户意见) records it; Esc asks before losing typing."""

    def __init__(
        self,
        parent: QWidget | None = None,
        serial: str = "",
        previous: CallbackResult | None = None,
        error: str = "",
        about: str = "",
    ) -> None:
        super().__init__(parent)
        self.typed_before = previous is not None  # asked again with the refused answer
        self.setWindowTitle(self.tr("回访 {0}").format(serial).strip())
        self.setMinimumWidth(420)
        # the last save's refusal, on top where it is read first
        self.error = QLabel(error)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#c0392b;")
        self.error.setVisible(bool(error))
        # who is being called and the number, in view while the dialog covers the list
        self.about = QLabel(about)
        self.about.setWordWrap(True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.about.setStyleSheet("font-weight:bold;")
        self.about.setVisible(bool(about))
        self.way = QComboBox()
        self.way.addItems([w.value for w in CallbackWay])
        self.satisfaction = QComboBox()
        self.satisfaction.addItems([s.value for s in Satisfaction])
        self.satisfaction.setCurrentText(Satisfaction.SATISFIED.value)
        self.outcome = QLineEdit()
        self.outcome.setMaxLength(500)
        self.outcome.setPlaceholderText(self.tr("如：已修好、仍漏水"))
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(80)
        self.comment.setPlaceholderText(self.tr("业主的原话"))
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color:#c0392b;")
        form = QFormLayout()
        for name, widget in (
            ("way", self.way),
            ("satisfaction", self.satisfaction),
            ("outcome", self.outcome),
            ("comment", self.comment),
        ):
            form.addRow(label_of(name), widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(self.about)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(buttons)
        if previous is not None:
            self.way.setCurrentText(str(previous.way))
            self.satisfaction.setCurrentText(str(previous.satisfaction))
            self.outcome.setText(previous.outcome)
            self.comment.setPlainText(previous.comment)
        self.satisfaction.currentTextChanged.connect(self._satisfaction_changed)
        self._satisfaction_changed(self.satisfaction.currentText())

    def _satisfaction_changed(self, text: str) -> None:
        unhappy = text == Satisfaction.UNSATISFIED.value
        self.warning.setText(
            self.tr("不满意：保存后报修单转为返工、投诉升级处理。") if unhappy else ""
        )
        self.warning.setVisible(unhappy)

    def accept(self) -> None:
        """Refuse a 住户意见 the service would refuse (too long), saying so on top."""
        try:
            clean_text(
                self.comment.toPlainText(), field="", label=label_of("comment"), max_len=1000
            )
        except ValidationError as exc:
            self.error.setText(str(exc))  # what was typed stays
            self.error.setVisible(True)
            self.comment.setFocus()
            return
        super().accept()

    def result_values(self) -> CallbackResult:
        return CallbackResult(
            satisfaction=self.satisfaction.currentText(),
            way=self.way.currentText(),
            outcome=self.outcome.text(),
            comment=self.comment.toPlainText(),
        )


def ask_callback(
    parent: QWidget | None,
    serial: str = "",
    previous: CallbackResult | None = None,
    error: str = "",
    about: str = "",
) -> CallbackResult | None:
    """What the callback found; None when cancelled. ``previous`` fills the dialog in again,
    ``error`` says why the last save failed, ``about`` names who is called and the number."""
    dialog = CallbackDialog(parent, serial, previous, error, about)
    return answer_of(dialog, CallbackDialog.result_values)
