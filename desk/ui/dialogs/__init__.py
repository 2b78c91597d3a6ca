"""Dialogs, one module each (resident form, import preview …).

The file choosers are made here and only here (as message boxes are in ``desk.ui.msgbox``),
so tests replace one function with ``monkeypatch`` instead of driving a native dialog.
Callers use them through the module (``dialogs.ask_save_path(...)``) so a patch applies.
The small ``ask_…`` dialogs run through ``answer_of``, which deletes each one after use.
Every dialog that collects input is a ``form_dialog.FormDialog``: it opens in its first field,
Enter accepts it when valid, Esc asks before throwing typing away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from desk.models.signature import Strokes
from desk.ui.ops import collect_soon

D = TypeVar("D", bound=QDialog)
T = TypeVar("T")


def answer_of(dialog: D, answer: Callable[[D], T]) -> T | None:
    """Run ``dialog`` modally: ``answer(dialog)`` when accepted, None when cancelled; then
    the dialog is deleted. Qt owns a dialog with a parent, so without this every question
    asked would live as long as the window (no garbage collector frees it)."""
    try:
        return answer(dialog) if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()  # by the event loop, once the slot that asked has returned
        collect_soon()  # its Python side: slots and lambdas that hold it in cycles


def ask_open_path(parent: QWidget | None, title: str, directory: str, filters: str) -> str:
    """The file the user picked, or ``""`` when they cancelled."""
    path, _filter = QFileDialog.getOpenFileName(parent, title, directory, filters)
    return path


def ask_save_path(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
    """Where to write a file (the dialog asks before replacing one), or ``""`` if cancelled."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path


def ask_signature(
    parent: QWidget | None, title: str, prompt: str, strokes: Strokes | None = None
) -> Strokes | None:
    """The signature written on the screen, checked (``Strokes.check``); None = cancelled.
    ``strokes``: a signature written before whose save failed, shown again."""
    # imported when asked, as field_errors.ask_reason does: dialog modules import this package
    from desk.ui.dialogs.signature_dialog import SignatureDialog

    dialog = SignatureDialog(parent, title, prompt, strokes)
    return answer_of(dialog, lambda d: d.result_strokes)
