"""查单: the field a scanner or a person types a form's serial into, from any tab.

A hand scanner types the QR code's text and presses Enter, like a keyboard; so does a
person reading the serial off a signed paper. Ctrl+L puts the cursor here from anywhere.
On a match the field empties (ready for the next paper) and ``found`` names the record;
otherwise the reason shows beside the field and the text stays, selected, so the next
scan replaces it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from desk.models.errors import DeskError
from desk.services.views import by_serial
from desk.ui.ops import Ops

SHORTCUT = "Ctrl+L"
ERROR_CHARS = 28  # beside the field; the whole message is in the tooltip


class SerialLookup(QWidget):
    found = Signal(object)  # by_serial.Found

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.field = QLineEdit()
        self.field.setPlaceholderText(self.tr("扫码或输入单号，回车"))
        self.field.setToolTip(
            self.tr("表单右上角的单号或二维码，如 PG-20261129-003；快捷键 {0}").format(SHORTCUT)
        )
        self.field.setClearButtonEnabled(True)
        self.field.setMaxLength(by_serial.MAX_LEN + 20)  # room for blanks a scanner adds
        self.field.setMinimumWidth(190)
        self.field.returnPressed.connect(self.look_up)
        self.field.textEdited.connect(lambda _t: self.error.hide())
        label = QLabel(self.tr("查单(&L)"))
        label.setBuddy(self.field)
        self.error = QLabel()
        self.error.setStyleSheet("color:#c0392b;")
        self.error.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        shortcut = QShortcut(QKeySequence(SHORTCUT), self)
        shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        shortcut.activated.connect(self.focus_field)

    def focus_field(self) -> None:
        self.window().activateWindow()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def look_up(self) -> None:
        text = self.field.text()
        self.ops.read(lambda ctx: by_serial.find(ctx, text), self._found, self._failed)

    def _found(self, found: by_serial.Found) -> None:
        self.error.hide()
        self.field.clear()
        self.found.emit(found)

    def _failed(self, exc: BaseException) -> None:
        why = str(exc) if isinstance(exc, DeskError) else self.tr("查单出错：{0}").format(exc)
        why = why.removeprefix(self.tr("单号："))  # the field says it is about a serial
        short = why if len(why) <= ERROR_CHARS else why[: ERROR_CHARS - 1] + "…"
        self.error.setText(short)
        self.error.setToolTip(why)
        self.error.show()
        self.field.setFocus()
        self.field.selectAll()
