"""Nobody at the keyboard: after the office's idle time (设置 ``lock.idle_minutes``) the
window locks (离开时锁定屏幕).

Every key, click, wheel turn, mouse move or input-method commit anywhere in the program
starts the count again, so a receptionist who is typing or reading with the mouse is never
locked out in the middle of it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

MINUTE_MS = 60_000  # tests make minutes short
DEFAULT_MINUTES = 5

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.InputMethod,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatch(QObject):
    idle = Signal()  # nobody touched the program for the whole idle time

    def __init__(self, parent: QObject | None = None, minutes: int = DEFAULT_MINUTES) -> None:
        super().__init__(parent)
        # not single-shot: the lock it leads to stops it, and a timer that is always
        # running is no pending one-off (tests wait for those to fire)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.idle.emit)
        self.minutes = minutes
        self.timer.setInterval(minutes * MINUTE_MS)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        """A new idle time (the setting changed); the count starts again."""
        if minutes == self.minutes:
            return
        self.minutes = minutes
        self.timer.setInterval(minutes * MINUTE_MS)
        if self.timer.isActive():
            self.timer.start()

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        """While locked there is nothing to count."""
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT and self.timer.isActive():
            self.timer.start()
        return False  # the event goes on where it was going

    def remove(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.timer.stop()
