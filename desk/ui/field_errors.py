"""Form helpers: an error message right under its field, and ValidationError routed there.

The services raise ``ValidationError(field, label, reason)``; a form registers which error
label belongs to which field name, so the message lands next to the input the person has
to fix — and nothing they typed is touched.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desk.models.errors import ValidationError


def error_label() -> QLabel:
    """A red, selectable, word-wrapped label that takes no room while empty."""
    label = QLabel()
    label.setStyleSheet("color: #c0392b;")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class FieldErrors:
    """Which error label and input belong to which service field name."""

    def __init__(self, general: QLabel) -> None:
        self.general = general  # for errors that belong to no single field
        self._fields: dict[str, tuple[QLabel, QWidget | None]] = {}

    def add(self, field: str, label: QLabel, widget: QWidget | None = None) -> None:
        self._fields[field] = (label, widget)

    def clear(self) -> None:
        show_error(self.general, "")
        for label, _ in self._fields.values():
            show_error(label, "")

    def show(self, exc: ValidationError) -> None:
        """Put the message under its field and move the cursor there."""
        self.clear()
        label, widget = self._fields.get(exc.field, (self.general, None))
        show_error(label, str(exc))
        if widget is not None:
            widget.setFocus()

    def label(self, field: str) -> QLabel:
        return self._fields.get(field, (self.general, None))[0]


def ask_reason(parent: QWidget, title: str = "作废") -> str | None:
    """Ask for the reason a record is voided (required by the services); None = cancelled."""
    from desk.ui.dialogs.text_question import ask_text  # it uses this module's error label

    return ask_text(parent, title, "作废原因", max_len=200)
