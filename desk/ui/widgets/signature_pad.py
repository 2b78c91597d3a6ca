"""The pad a resident signs on at the desk: mouse, finger (touch screen) or a pen tablet.

It records ``desk.models.signature.Strokes``: one line per pen-down to pen-up, points in
the pad's own pixels (y down) with the pen's pressure; a mouse or a finger gives 0.5.

One pen stroke must never be recorded twice. Qt turns a tablet or touch event nobody
accepted into mouse events, so the pad accepts those events, and it ignores any mouse
event that a touch screen or a pen produced (the device of the event says so) as well as
the mouse while a pen or a finger is down (a system may send both).
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEventPoint,
    QFocusEvent,
    QInputDevice,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPointingDevice,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from desk.models.signature import MAX_POINTS, Point, Strokes

MINIMUM = QSize(560, 200)
HINT = QSize(720, 260)
FINGER = 0.5  # the pressure a mouse or a finger writes with (as Strokes says)
PEN_MIN, PEN_MAX = 1.2, 4.8  # line width in pixels at pressure 0 and 1
INK = QColor("#15171c")
PAPER = QColor("#ffffff")
RULE = QColor("#d5d8de")  # the baseline one signs on
FRAME = QColor("#a9aeb6")
HINT_TEXT = QColor("#9aa0a8")
BASELINE = 0.72  # of the height
MARGIN = 24  # px, the baseline's distance from the sides

# devices whose mouse events are copies of a stroke the pad records from their own events
NOT_A_MOUSE = (
    QInputDevice.DeviceType.TouchScreen,
    QInputDevice.DeviceType.Stylus,
    QInputDevice.DeviceType.Airbrush,
    QInputDevice.DeviceType.Puck,
)
TOUCH_EVENTS = (
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TouchEnd,
    QEvent.Type.TouchCancel,
)
MOUSE = "mouse"
TABLET = "tablet"


def pen_width(pressure: float) -> float:
    return PEN_MIN + (PEN_MAX - PEN_MIN) * pressure


class SignaturePad(QWidget):
    """A white box with a baseline to sign on; ``strokes()`` is what was written."""

    changed = Signal()  # a stroke began or ended, or the pad was cleared (not every point)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines: list[list[Point]] = []
        # the strokes being written, by what writes them: MOUSE, TABLET or a touch point's id
        self._open: dict[str | int, list[Point]] = {}
        self._points = 0
        # the area the points lie in: the pad's size, or larger if it shrank after signing
        self._extent = QSize()
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Esc and Enter reach the dialog
        self.setMinimumSize(MINIMUM)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName(self.tr("签名板"))
        self.setAccessibleDescription(self.tr("用鼠标、手写笔或手指在框内签名"))

    # --- API ------------------------------------------------------------------------------

    def strokes(self) -> Strokes:
        """Everything written so far (a stroke still being written included)."""
        extent = self._extent.expandedTo(self.size())
        return Strokes(
            float(extent.width()),
            float(extent.height()),
            tuple(tuple(line) for line in self._lines),
        )

    def is_empty(self) -> bool:
        return not self._lines

    def load(self, strokes: Strokes) -> None:
        """Show ``strokes`` again (a signature whose save failed), in their own coordinates:
        the pad's area is at least the one they were written on."""
        self._lines = [list(line) for line in strokes.lines]
        self._open.clear()
        self._points = strokes.points
        self._extent = QSize(int(strokes.width), int(strokes.height))
        self.update()
        self.changed.emit()

    def clear(self) -> None:
        self._lines.clear()
        self._open.clear()
        self._points = 0
        self._extent = QSize()
        self.update()
        self.changed.emit()

    def sizeHint(self) -> QSize:
        return HINT

    def minimumSizeHint(self) -> QSize:
        return MINIMUM

    # --- recording ----------------------------------------------------------------------

    def _begin(self, key: str | int, at: QPointF, pressure: float) -> None:
        self._end(key)  # a press without its release (a lost grab) closes the old stroke
        line: list[Point] = []
        self._lines.append(line)
        self._open[key] = line
        self._extent = self._extent.expandedTo(self.size())
        self._add(key, at, pressure)
        self.changed.emit()

    def _add(self, key: str | int, at: QPointF, pressure: float) -> None:
        line = self._open.get(key)
        if line is None or self._points > MAX_POINTS:  # Strokes.check refuses more anyway
            return
        point = (
            min(max(at.x(), 0.0), float(self.width())),
            min(max(at.y(), 0.0), float(self.height())),
            min(max(pressure, 0.0), 1.0),
        )
        if line and line[-1] == point:
            return
        line.append(point)
        self._points += 1
        self._repaint_around(line[-2] if len(line) > 1 else point, point)

    def _end(self, key: str | int, at: QPointF | None = None, pressure: float = FINGER) -> None:
        if key not in self._open:
            return
        if at is not None:
            self._add(key, at, pressure)
        del self._open[key]
        self.changed.emit()

    def _repaint_around(self, a: Point, b: Point) -> None:
        grow = PEN_MAX + 2
        box = QRectF(QPointF(a[0], a[1]), QPointF(b[0], b[1])).normalized()
        self.update(box.adjusted(-grow, -grow, grow, grow).toAlignedRect())

    def _pen_or_finger_down(self) -> bool:
        return any(key != MOUSE for key in self._open)

    # --- mouse ------------------------------------------------------------------------------

    def _is_mouse(self, event: QMouseEvent) -> bool:
        """A real mouse's event, not a copy Qt or the system made of a touch or a pen."""
        return event.device().type() not in NOT_A_MOUSE and not self._pen_or_finger_down()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self._is_mouse(event):
            event.ignore()
            return
        event.accept()
        self._begin(MOUSE, event.position(), FINGER)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if MOUSE not in self._open or not self._is_mouse(event):
            event.ignore()
            return
        event.accept()
        self._add(MOUSE, event.position(), FINGER)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or MOUSE not in self._open:
            event.ignore()
            return
        event.accept()
        self._end(MOUSE, event.position(), FINGER)

    # --- pen tablet -------------------------------------------------------------------------

    def tabletEvent(self, event: QTabletEvent) -> None:
        # accepted, even when not drawn: otherwise Qt sends the same stroke as mouse events
        event.accept()
        if event.pointerType() == QPointingDevice.PointerType.Eraser:
            return  # the pen turned round: nothing to write with
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._end(MOUSE)  # the pen wins over a mouse stroke a system began for it
            self._begin(TABLET, event.position(), event.pressure())
        elif kind == QEvent.Type.TabletMove:
            self._add(TABLET, event.position(), event.pressure())  # hovering: no stroke open
        elif kind == QEvent.Type.TabletRelease and TABLET in self._open:
            # the pressure at release is 0: the point keeps the one the stroke ended with
            line = self._open[TABLET]
            self._end(TABLET, event.position(), line[-1][2] if line else FINGER)

    # --- touch ------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() in TOUCH_EVENTS and isinstance(event, QTouchEvent):
            return self._touch(event)
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> bool:
        if event.device().type() != QInputDevice.DeviceType.TouchScreen:
            # a touch pad's points are on the pad under the hand, not on this widget
            return super().event(event)
        event.accept()  # so Qt makes no mouse events of it
        if event.type() == QEvent.Type.TouchCancel:
            for key in [k for k in self._open if isinstance(k, int)]:
                self._end(key)  # the system took the touch over: keep what was written
            return True
        self._end(MOUSE)
        for point in event.points():
            state = point.state()
            at = point.position()
            if state == QEventPoint.State.Pressed:
                self._begin(point.id(), at, FINGER)
            elif state == QEventPoint.State.Updated:
                self._add(point.id(), at, FINGER)
            elif state == QEventPoint.State.Released:
                self._end(point.id(), at, FINGER)
        return True

    # --- painting ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), PAPER)
        baseline = round(self.height() * BASELINE) + 0.5
        painter.setPen(QPen(RULE, 1))
        painter.drawLine(QPointF(MARGIN, baseline), QPointF(self.width() - MARGIN, baseline))
        if self.is_empty():
            font = painter.font()
            font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.6)  # -1 when set in pixels
            painter.setFont(font)
            painter.setPen(HINT_TEXT)
            above = QRectF(0, 0, self.width(), baseline - 8)
            painter.drawText(above, Qt.AlignmentFlag.AlignCenter, self.tr("请在此处签名"))
        for line in self._lines:
            self._paint_line(painter, line)
        frame = self.palette().color(QPalette.ColorRole.Highlight) if self.hasFocus() else FRAME
        painter.setPen(QPen(frame, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        painter.end()

    @staticmethod
    def _paint_line(painter: QPainter, line: list[Point]) -> None:
        pen = QPen(INK)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        if len(line) == 1:  # a dot
            x, y, pressure = line[0]
            pen.setWidthF(pen_width(pressure))
            painter.setPen(pen)
            painter.drawPoint(QPointF(x, y))
            return
        for (x1, y1, p1), (x2, y2, p2) in pairwise(line):
            pen.setWidthF(pen_width((p1 + p2) / 2))
            painter.setPen(pen)
            painter.drawLine(QPointF(x1, y1), QPointF(x2, y2))

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()  # the frame shows where the keyboard is

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()
