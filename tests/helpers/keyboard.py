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

NO_MODIFIER = Qt.KeyboardModifier.NoModifier


class Keyboard:
    def __init__(self, window: QWidget) -> None:
        self.window = window
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
        """One counted key. ``then(dialog)`` runs once the modal dialog it opens is up."""
        if then is not None:
            _when_a_dialog_is_up(then)
        if QApplication.activeModalWidget() is None and not self.window.isActiveWindow():
            # a window manager gives the window back its keyboard when a dialog closes;
            # the offscreen platform does not
            self.window.activateWindow()
            QApplication.processEvents()
        self.keys.append(name)
        QTest.keyClick(self.target(), key, modifiers)


def _when_a_dialog_is_up(steps: Callable[[QWidget], None], tries: int = 500) -> None:
    def poll(left: int) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible():
            steps(dialog)
        elif left:
            QTimer.singleShot(20, lambda: poll(left - 1))
        else:
            raise AssertionError("no dialog opened")

    QTimer.singleShot(0, lambda: poll(tries))
