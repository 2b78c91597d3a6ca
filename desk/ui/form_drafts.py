"""What is typed into a form and not yet saved survives a crash, a power cut or a closed
window: a second after the last keystroke the form's fields are written to a small file
beside the database, and the next start puts them back.

A save or 清空 deletes the file at once (before the form is emptied), so a record that was
saved never comes back as a draft. The file holds the fields in the form's order with
their kinds; if a newer program's form has other fields, the draft is not forced into it
(it stays on disk, named in the log). The 查找住户 box is a search, not data: left out.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, QObject, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from desk.ui.widgets.resident_lookup import ResidentLookup

log = logging.getLogger("desk.ui")

DEBOUNCE_MS = 1000
VERSION = 1

# what a person fills in; each is saved whole (an editable combo's or a date edit's own
# inner line edit is part of it, not a field of its own)
FIELD_TYPES = (QLineEdit, QPlainTextEdit, QComboBox, QDateTimeEdit, QSpinBox, QDoubleSpinBox)


def fields(container: QWidget) -> list[QWidget]:
    """The form's fields in the order they were added; checkable buttons count."""
    found: list[QWidget] = []

    def walk(parent: QObject) -> None:
        for child in parent.children():
            if not isinstance(child, QWidget) or isinstance(child, ResidentLookup):
                continue
            if isinstance(child, FIELD_TYPES) or (
                isinstance(child, QAbstractButton) and child.isCheckable()
            ):
                found.append(child)
            else:
                walk(child)

    walk(container)
    return found


def read(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTime().toString("yyyy-MM-ddTHH:mm:ss")
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    assert isinstance(widget, QAbstractButton)
    return widget.isChecked()


def write(widget: QWidget, value: Any) -> None:
    if isinstance(widget, QLineEdit):
        widget.setText(str(value))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value))
    elif isinstance(widget, QComboBox):
        index = widget.findText(str(value))
        if index >= 0:
            widget.setCurrentIndex(index)
        elif widget.isEditable():
            widget.setCurrentText(str(value))
    elif isinstance(widget, QDateTimeEdit):
        moment = QDateTime.fromString(str(value), "yyyy-MM-ddTHH:mm:ss")
        if moment.isValid():
            widget.setDateTime(moment)
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QDoubleSpinBox):
        widget.setValue(float(value))
    elif isinstance(widget, QAbstractButton):
        widget.setChecked(bool(value))


def _fits(widget: QWidget, value: Any) -> bool:
    """Is ``value`` what ``read`` gives for this kind of field?"""
    if isinstance(widget, QSpinBox):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(widget, QDoubleSpinBox):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(widget, FIELD_TYPES):
        return isinstance(value, str)
    return isinstance(value, bool)


def _signal(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        return widget.textChanged
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentTextChanged
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTimeChanged
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.valueChanged
    return widget.toggled  # type: ignore[attr-defined]


class FormDrafts(QObject):
    """Keeps one form's unsaved fields in ``path`` while ``has_input()`` says there are any."""

    def __init__(
        self, container: QWidget, has_input: Callable[[], bool], path: Path, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.container = container
        self.has_input = has_input
        self.path = path
        self.fields = fields(container)
        self.kinds = [type(w).__name__ for w in self.fields]
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.keep)
        for widget in self.fields:
            _signal(widget).connect(self.timer.start)

    def keep(self) -> None:
        """Write the fields now (or remove the file when the form is empty)."""
        self.timer.stop()
        if not self.has_input():
            self.discard()
            return
        data = {"version": VERSION, "kinds": self.kinds, "values": [read(w) for w in self.fields]}
        part = self.path.with_name(self.path.name + ".part")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(part, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())
            part.replace(self.path)
        except OSError as exc:  # a full disk: the form itself still holds everything
            log.warning("draft %s not kept: %s", self.path, exc)

    def discard(self) -> None:
        """Saved or cleared: no draft any more (before the form empties)."""
        self.timer.stop()
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    def restore(self) -> bool:
        """Put a kept draft back into the form; True when one was restored."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        except (OSError, ValueError) as exc:
            log.warning("draft %s unreadable: %s", self.path, exc)
            return False
        if data.get("version") != VERSION or data.get("kinds") != self.kinds:
            log.warning("draft %s is for another form; left as it is", self.path)
            return False
        values = data.get("values")
        if (
            not isinstance(values, list)
            or len(values) != len(self.fields)
            or not all(_fits(w, v) for w, v in zip(self.fields, values, strict=True))
        ):  # edited by hand, or cut short: all or nothing, never half a form
            log.warning("draft %s does not fit its form; left as it is", self.path)
            return False
        for widget, value in zip(self.fields, values, strict=True):
            write(widget, value)
        self.timer.stop()  # restoring is no new typing
        return self.has_input()
