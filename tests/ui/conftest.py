"""UI test helpers. Chinese text is typed with input-method events: qtbot.keyClicks aborts
the whole run on non-ASCII text (Qt's qasciikey.cpp assertion)."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def _type_text(widget: QWidget, text: str) -> None:
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def type_text() -> Callable[[QWidget, str], None]:
    """``type_text(widget, "张三")`` types like a person with a Chinese input method."""
    return _type_text


@pytest.fixture(autouse=True)
def gc_on_the_gui_thread():
    """As the program does (ops.collect_on_gui_thread): no collection on the DB worker,
    where freeing the Qt wrappers of an earlier test would crash PySide."""
    gc.disable()
    yield
    gc.enable()
    gc.collect()


@pytest.fixture
def ops():
    """The DB worker thread, as the window has it; stopped after the test."""
    from desk.ui.ops import Ops

    ops = Ops()
    yield ops
    ops.shutdown()


class ModalInTest(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_unpatched_modal_dialogs(monkeypatch):
    """A modal dialog or message box nobody answers would hang the run: fail instead.
    Tests that expect one patch ``msgbox.*`` or the dialog's ``ask_…`` function."""
    from PySide6.QtWidgets import QDialog, QProgressDialog

    from desk.ui import msgbox

    def refuse(*args, **kwargs):
        raise ModalInTest("a modal dialog opened in a test; patch the function that asks")

    original = QDialog.exec

    def dialog_exec(self):
        if isinstance(self, QProgressDialog):  # closes itself when the work is done
            return original(self)
        refuse()

    for name in ("error", "info", "confirm"):
        monkeypatch.setattr(msgbox, name, refuse)
    monkeypatch.setattr(QDialog, "exec", dialog_exec)
