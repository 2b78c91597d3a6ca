"""The password a person types to come on duty or unlock — or, at their first log-in, the
new one they set (twice, so a typo does not lock them out).

The rules of a new password are the service's (``passwords.check_new``): the message lands
under the field and nothing else typed is touched. A refused password is cleared, as
every log-in screen does, and the cursor goes back to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desk.models.errors import ValidationError
from desk.services.core import passwords
from desk.ui.field_errors import error_label, show_error


@dataclass(frozen=True)
class PasswordAnswer:
    password: str  # the one typed to prove who one is ("" at a first log-in)
    new_password: str | None  # set at a first log-in; None otherwise


def _secret_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(passwords.MAX_LENGTH)
    return edit


class PasswordFields(QWidget):
    """密码, or 新密码 and 再输一次 (``ask_new(True)``), with one error line below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.password = _secret_edit()
        self.new = _secret_edit()
        self.again = _secret_edit()
        self.new.setPlaceholderText(
            self.tr("至少 {0} 个字符，只有您自己知道").format(passwords.MIN_LENGTH)
        )
        self.note = QLabel(self.tr("第一次上班：请设置您自己的密码，以后上班和解锁都用它。"))
        self.note.setWordWrap(True)
        self.error = error_label()
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.tr("密码"), self.password)
        self.form.addRow(self.tr("新密码"), self.new)
        self.form.addRow(self.tr("再输一次"), self.again)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        self.setting_new = False
        self.ask_new(False)

    def ask_new(self, new: bool) -> None:
        """Ask for a new password (twice) instead of the password."""
        self.setting_new = new
        self.form.setRowVisible(self.password, not new)
        self.form.setRowVisible(self.new, new)
        self.form.setRowVisible(self.again, new)
        self.note.setVisible(new)
        show_error(self.error, "")

    def first_field(self) -> QLineEdit:
        return self.new if self.setting_new else self.password

    def answer(self) -> PasswordAnswer | None:
        """What was typed, or None after showing what to change (the cursor goes there)."""
        show_error(self.error, "")
        if not self.setting_new:
            if not self.password.text():
                return self._refuse(self.tr("请输入密码"), self.password)
            return PasswordAnswer(self.password.text(), None)
        try:
            passwords.check_new(self.new.text())
        except ValidationError as exc:
            return self._refuse(str(exc), self.new)
        if self.again.text() != self.new.text():
            self.again.clear()
            return self._refuse(self.tr("两次输入的密码不一样，请再输一次"), self.again)
        return PasswordAnswer("", self.new.text())

    def typed(self) -> PasswordAnswer:
        """What is typed now, unchecked (``answer`` checks it)."""
        if self.setting_new:
            return PasswordAnswer("", self.new.text())
        return PasswordAnswer(self.password.text(), None)

    def refuse(self, message: str) -> None:
        """A refusal from the service: say it, clear what was typed, type again."""
        for edit in (self.password, self.new, self.again):
            edit.clear()
        self._refuse(message, self.first_field())

    def _refuse(self, message: str, edit: QLineEdit) -> None:
        show_error(self.error, message)
        edit.setFocus()
        return None
