"""Dialogs, one module each (resident form, import preview …).

The file choosers are made here and only here (as message boxes are in ``desk.ui.msgbox``),
so tests replace one function with ``monkeypatch`` instead of driving a native dialog.
Callers use them through the module (``dialogs.ask_save_path(...)``) so a patch applies.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget


def ask_open_path(parent: QWidget | None, title: str, directory: str, filters: str) -> str:
    """The file the user picked, or ``""`` when they cancelled."""
    path, _filter = QFileDialog.getOpenFileName(parent, title, directory, filters)
    return path


def ask_save_path(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
    """Where to write a file (the dialog asks before replacing one), or ``""`` if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path
