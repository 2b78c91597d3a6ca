"""业主签字 on the screen: a line saying what is signed, the pad, 清除 / 确定 / 取消.

The keyboard as in every dialog that collects input (``form_dialog``): it opens with the
focus on the pad, so Esc works at once; Enter is 确定 — a signature that is missing or
not worth keeping is refused under the pad and stays; Esc and 取消 ask before throwing a
signature away.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desk.models.errors import ValidationError
from desk.models.signature import Strokes
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.field_errors import error_label, show_error
from desk.ui.widgets.signature_pad import SignaturePad

MESSAGE_WIDTH = 1000  # px: a refusal fits on one line


class SignatureDialog(FormDialog):
    """``title`` such as "业主签字 — PG-20261206-003", ``prompt`` what the signature
    confirms. After 确定, ``result_strokes`` is the checked signature."""

    def __init__(
        self, parent: QWidget | None, title: str, prompt: str, strokes: Strokes | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.result_strokes: Strokes | None = None
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        self.pad = SignaturePad()
        self.prompt.setBuddy(self.pad)  # a screen reader names the pad by what it is for
        self.error = error_label()
        # its line is kept while empty: a refusal must not shrink the pad under the strokes
        policy = self.error.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.error.setSizePolicy(policy)
        self.error.setText(self.tr("签名"))  # a line of Chinese: its fallback font is taller
        self.error.setMinimumHeight(self.error.heightForWidth(MESSAGE_WIDTH))
        self.error.setText("")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.clear_button = buttons.addButton(
            self.tr("清除(&C)"), QDialogButtonBox.ButtonRole.ResetRole
        )
        # never focused, so no Enter presses it: it is clicked, tapped or reached with Alt+C
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.clear_button.clicked.connect(self._clear)
        self.pad.changed.connect(self._pad_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.pad, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if strokes is not None:  # written before, not saved: the resident need not sign again
            self.pad.load(strokes)
        self._pad_changed()

    def _clear(self) -> None:
        self.pad.clear()
        self.pad.setFocus()  # to sign again; Esc and Enter act from there

    def _pad_changed(self) -> None:
        self.ok.setEnabled(not self.pad.is_empty())
        show_error(self.error, "")  # a refusal was about the signature before this change

    # --- FormDialog -----------------------------------------------------------------------

    def first_field(self) -> QWidget | None:
        return self.pad

    def has_changes(self) -> bool:
        return super().has_changes() or not self.pad.is_empty()

    def accept(self) -> None:
        """确定 and Enter: only a signature worth keeping closes the dialog."""
        try:
            strokes = self.pad.strokes().check()
        except ValidationError as exc:
            show_error(self.error, str(exc))  # the strokes stay: add to them or 清除
            self.pad.setFocus()
            return
        self.result_strokes = strokes
        super().accept()
