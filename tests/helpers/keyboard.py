"""A receptionist's keyboard, for walk-throughs that use no mouse: every key goes where the
focus is — the open drop-down, else the focused widget of the modal dialog on top, else of
the main window — and the keys that are not the facts themselves are counted.

``type`` enters facts (a room, a name, what happened) as a person types them, through the
input method for Chinese; they are not counted. ``press`` is a key (Tab, Enter, Ctrl+P,
Alt+P …) and is counted. A key that opens a modal dialog blocks until the dialog closes,
so ``press(..., then=steps)`` runs ``steps`` once the dialog is up, inside its loop.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from helpers.ui import WAIT

NO_MODIFIER = Qt.KeyboardModifier.NoModifier


class Keyboard:
    def __init__(self, window: QWidget, qtbot: QtBot) -> None:
        self.window = window
        self.qtbot = qtbot
        self.keys: list[str] = []  # the counted keys, named, in order

    @property
    def count(self) -> int:
        return len(self.keys)

    def target(self) -> QWidget:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            return popup
        top = QApplication.activeModalWidget() or self.window
        return top.focusWidget() or top

    def type(self, text: str) -> None:
        """Facts: ASCII as key presses, Chinese as an input method's commit."""
        widget = self.target()
        if text.isascii():
            QTest.keyClicks(widget, text)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(text)
            QApplication.sendEvent(widget, event)

    def press(
        self,
        name: str,
        key: Qt.Key,
        modifiers: Qt.KeyboardModifier = NO_MODIFIER,
        *,
        then: Callable[[QWidget], None] | None = None,
    ) -> None:
        """One counted key. ``then(dialog)`` runs once the modal dialog it opens is up;
        the press returns when ``then`` has run."""
        done: list[bool] = []
        if then is not None:
            _when_a_dialog_is_up(lambda dialog: (then(dialog), done.append(True)))
        if QApplication.activeModalWidget() is None and not self.window.isActiveWindow():
            # a window manager gives the window back its keyboard when a dialog closes;
            # the offscreen platform does not
            self.window.activateWindow()
            QApplication.processEvents()
        self.keys.append(name)
        QTest.keyClick(self.target(), key, modifiers)
        if then is not None:
            self.qtbot.waitUntil(lambda: bool(done), timeout=WAIT)


def _when_a_dialog_is_up(steps: Callable[[QWidget], object], tries: int = 500) -> None:
    """Run ``steps(dialog)`` once a modal dialog is up; give up quietly after ``tries``
    (the press waiting for it fails the test)."""

    def poll(left: int) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible():
            steps(dialog)
        elif left:
            QTimer.singleShot(20, lambda: poll(left - 1))

    QTimer.singleShot(0, lambda: poll(tries))


def on_screen(button: QWidget | None) -> bool:
    """A button a key can reach: there, and shown (a button added to a layout on the
    screen is shown by a queued event, so its Alt+letter works a moment later)."""
    return button is not None and button.isVisible()
