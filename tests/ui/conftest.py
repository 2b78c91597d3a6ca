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
