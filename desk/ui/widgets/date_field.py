"""A one-line date for a list's filters (从/到): empty means no limit.

A person types ``2026-12-05``, ``20261205``, ``12-05``, 今天 … (``desk.models.typed_dates``
says what is understood); Enter or leaving the field reads it, and the field then shows
the full date it understood. Text it cannot read stays as typed, framed in red with the
reason in its tooltip (and in ``invalid``, for the status bar), and sets no limit. The
small button beside it — or F4 / Alt+↓ in the field — opens a calendar at the field's
date, or today when empty. The button takes no focus, so Tab leaves the field in one
press (a QDateEdit walks its year, month and day sections first).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk.models.typed_dates import FIRST_DAY, LAST_DAY, parse_day

ERROR_STYLE = "QLineEdit { border: 1px solid #c0392b; border-radius: 2px; padding: 1px; }"


def today() -> date:
    """The office's date (a module function: tests patch it to fix the day)."""
    return date.today()


class DateField(QWidget):
    dateChanged = Signal(object)  # the day read changed: a date, or None for no limit
    invalid = Signal(str)  # what was typed could not be read: the message saying so

    def __init__(
        self, parent: QWidget | None = None, *, today: Callable[[], date] | None = None
    ) -> None:
        """``today`` gives the day for 今天/12-05 and the empty calendar (default: the
        module's ``today``, looked up at each use)."""
        super().__init__(parent)
        self._today = today
        self._day: date | None = None
        self._error = ""
        self._read: str | None = ""  # the text as last read or set (None: edited since)
        self.line = _DayLine(self)
        self.line.setPlaceholderText(self.tr("不限"))
        self.line.setToolTip(self._hint())
        self.line.setClearButtonEnabled(True)
        self.line.setMaxLength(40)
        width = self.line.fontMetrics().horizontalAdvance("2026-12-05")
        self.line.setFixedWidth(width + 34)  # the date and the clear button beside it
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.button.setToolTip(self.tr("从日历选日期（F4）"))
        self.button.setAccessibleName(self.tr("选日期"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes on to the next field
        self.popup: CalendarPopup | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line)
        layout.addWidget(self.button)
        self.setFocusProxy(self.line)  # a label's buddy and setFocus() reach the text

        self.line.returnPressed.connect(self.apply)
        self.line.editingFinished.connect(self.apply)  # Tab or a click elsewhere
        self.line.textEdited.connect(self._edited)
        self.line.calendar_asked.connect(self.open_calendar)
        self.button.clicked.connect(self.open_calendar)

    # --- the value -------------------------------------------------------------------

    def date(self) -> date | None:
        """The day read last; None when empty or not understood (no limit)."""
        return self._day

    def setDate(self, day: date | None) -> None:
        """Show ``day`` (None: empty); ``dateChanged`` when that changes the value."""
        self._show_error("")
        self._read = "" if day is None else day.isoformat()
        self.line.setText(self._read)
        self._set_value(day)

    def error(self) -> str:
        """Why the text shown was not understood; empty when it was."""
        return self._error

    def apply(self) -> None:
        """Read what is typed: show the full date understood, or say why not."""
        if self.line.text() == self._read:
            return  # Enter, then editingFinished: read once
        typed = parse_day(self.line.text(), self._today_now())
        self._show_error(typed.error)
        if typed.day is not None:
            self.line.setText(typed.day.isoformat())
        self._read = self.line.text()
        self._set_value(typed.day)
        if typed.error:
            self.invalid.emit(typed.error)

    def _set_value(self, day: date | None) -> None:
        if day != self._day:
            self._day = day
            self.dateChanged.emit(day)

    def _show_error(self, text: str) -> None:
        self._error = text
        self.line.setStyleSheet(ERROR_STYLE if text else "")
        self.line.setToolTip(text or self._hint())

    def _edited(self, text: str) -> None:
        self._read = None
        if self._error:
            self._show_error("")  # being corrected: the red frame goes until it is read
        if not text:
            self.apply()  # emptied (the clear button too): no limit at once

    def _hint(self) -> str:
        return self.tr(
            "输入日期，如 2026-12-05、20261205、12-05、今天、昨天；空着为不限。F4 打开日历"
        )

    def _today_now(self) -> date:
        return self._today() if self._today is not None else today()

    # --- the calendar ----------------------------------------------------------------

    def open_calendar(self) -> None:
        """The calendar under the field, at its date or today; a click or Enter picks."""
        if self.popup is None:
            self.popup = CalendarPopup(self)
            self.popup.chosen.connect(self._chosen)
        self.popup.open_at(self._day or self._today_now(), self.line)

    def _chosen(self, day: date) -> None:
        self.setDate(day)
        self.line.setFocus(Qt.FocusReason.PopupFocusReason)


class _DayLine(QLineEdit):
    """The text; F4 or Alt+↓ asks for the calendar, as in a combo box."""

    calendar_asked = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt_down = (
            event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if event.key() == Qt.Key.Key_F4 or alt_down:
            self.calendar_asked.emit()
            return
        super().keyPressEvent(event)


class CalendarPopup(QFrame):
    """A month to pick a day from; Esc or a click outside closes it."""

    chosen = Signal(object)  # the day clicked or entered

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget()
        self.calendar.setDateRange(QDate(FIRST_DAY), QDate(LAST_DAY))
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.clicked.connect(self._choose)
        self.calendar.activated.connect(self._choose)  # Enter on a day
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.calendar)

    def open_at(self, day: date, under: QWidget) -> None:
        self.calendar.setSelectedDate(QDate(day))
        self.calendar.setCurrentPage(day.year, day.month)
        self.adjustSize()
        self.move(under.mapToGlobal(QPoint(0, under.height())))
        self.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _choose(self, day: QDate) -> None:
        self.close()
        self.chosen.emit(day.toPython())
