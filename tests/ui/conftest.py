"""UI test helpers. Chinese text is typed with input-method events: qtbot.keyClicks aborts
the whole run on non-ASCII text (Qt's qasciikey.cpp assertion).

After an action, wait with ``settle(ops, window)`` (or for a condition only the new state
can make true), never for a condition the screen before the action already satisfies:
on a slow machine the old list is still shown when such a wait returns."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

# generous: under CPU contention a burst of loads takes seconds; a hang is still caught
SETTLE_MS = 30_000


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
def desk(engine, db_path):
    """The desk's handle on the test's database file, nobody on duty yet."""
    from desk.services.core.handle import DeskHandle

    return DeskHandle(engine, db_path)


@pytest.fixture
def ops(desk):
    """The two worker lanes on the test's database, as the window has them; stopped after
    the test."""
    from desk.ui.ops import Ops

    ops = Ops(desk)
    yield ops
    ops.shutdown()


@pytest.fixture
def on_duty(desk, staff_id):
    """The manager on duty (no shift): what tabs and dialogs stamp their writes with."""
    desk.on_duty(staff_id)
    return staff_id


def _settled(ops, within: tuple[QObject, ...]) -> bool:
    if not ops.idle:
        return False
    # a debounce (search box, "data changed" coalescing) that has yet to fire and load
    return not any(
        timer.isSingleShot() and timer.isActive()
        for root in within
        for timer in root.findChildren(QTimer)
    )


@pytest.fixture
def settle(qtbot) -> Callable[..., None]:
    """``settle(ops, window)``: wait until every job given to ``ops`` has run and its result
    is on the screen (including the loads those results started), and no single-shot timer
    under ``window`` (a search debounce) is still to fire.

    Use it after an action whose result replaces something already shown (a scope switch,
    a reload, a search), and instead of ``qtbot.wait(N)`` before asserting that something
    did not happen. Timers started with the static ``QTimer.singleShot`` are not seen."""

    def _settle(ops, *within: QObject, timeout: int = SETTLE_MS) -> None:
        QApplication.processEvents()  # signals and zero-time timers the action posted
        qtbot.waitUntil(lambda: _settled(ops, within), timeout=timeout)

    return _settle


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
    return original  # a test that answers its dialogs itself puts the real exec back


@pytest.fixture
def confirming(monkeypatch) -> Callable[[bool], list[str]]:
    """``confirming(answer)``: msgbox.confirm answers ``answer``; the questions are listed."""
    from desk.ui import msgbox

    def _confirming(answer: bool) -> list[str]:
        asked: list[str] = []
        monkeypatch.setattr(
            msgbox, "confirm", lambda parent, title, text: asked.append(text) or answer
        )
        return asked

    return _confirming


@pytest.fixture
def window_opens(monkeypatch):
    """``desk.ui.app.run`` makes and shows its window, then the event loop returns at once;
    the windows shown are listed. They are closed after the test: their timers (the daily
    backup's first check) must not fire in a later test."""
    from desk.ui import app as app_module
    from desk.ui.main_window import MainWindow

    shown: list = []
    monkeypatch.setattr(MainWindow, "show", lambda self: shown.append(self))
    monkeypatch.setattr(app_module.QApplication, "exec", lambda self: 0)
    yield shown
    for window in shown:
        window.close()  # stops its refresh timer and the daily backup's
        window.deleteLater()
