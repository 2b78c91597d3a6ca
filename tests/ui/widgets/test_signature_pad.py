"""The signature pad records what a mouse, a pen tablet or fingers write, each stroke once:
points in the pad's pixels (clamped to it), the pen's pressure (0.5 for a mouse or a
finger), one stroke per finger; mouse events Qt or the system make from a pen or a touch
draw nothing. It paints the hint while empty and the ink where it was written.

Mouse and tablet events are sent to the pad as Qt delivers them; touches go through
``QTest.touchEvent``, Qt's own path from the screen (the one that makes mouse events of
touches nobody accepted)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QInputDevice,
    QMouseEvent,
    QPointingDevice,
    QTabletEvent,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desk.models.signature import Strokes
from desk.ui.widgets import signature_pad
from desk.ui.widgets.signature_pad import SignaturePad

W, H = 600, 240
LEFT, NONE = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
PRESS, MOVE, RELEASE = (
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.MouseButtonRelease,
)
T_PRESS, T_MOVE, T_RELEASE = (
    QEvent.Type.TabletPress,
    QEvent.Type.TabletMove,
    QEvent.Type.TabletRelease,
)
Pen = QPointingDevice.PointerType


@pytest.fixture
def pad(qtbot) -> SignaturePad:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(W, H)
    with qtbot.waitExposed(pad):
        pad.show()
    return pad


@pytest.fixture
def changes(pad) -> list[int]:
    """One entry per ``changed`` signal, with the number of strokes at that moment."""
    seen: list[int] = []
    pad.changed.connect(lambda: seen.append(len(pad.strokes().lines)))
    return seen


def _device(name: str, kind: QInputDevice.DeviceType, pointer: Pen) -> QPointingDevice:
    caps = QInputDevice.Capability.Position | QInputDevice.Capability.Pressure
    return QPointingDevice(name, 1, kind, pointer, caps, 1, 0)


@pytest.fixture
def stylus(qapp) -> QPointingDevice:
    return _device("pen", QInputDevice.DeviceType.Stylus, Pen.Pen)


@pytest.fixture(scope="module")
def touch_screen(qapp) -> QPointingDevice:
    # registered with Qt's input: once per module, not once per test
    return QTest.createTouchDevice(QInputDevice.DeviceType.TouchScreen)


def mouse(
    pad: SignaturePad,
    kind: QEvent.Type,
    x: float,
    y: float,
    button: Qt.MouseButton = LEFT,
    device: QPointingDevice | None = None,
) -> bool:
    """A mouse event as Qt delivers it; whether the pad took it."""
    held = NONE if kind == RELEASE else (button if kind == PRESS else LEFT)
    if kind == MOVE:
        button = NONE
    at = QPointF(x, y)
    modifiers = Qt.KeyboardModifier.NoModifier
    if device is None:
        event = QMouseEvent(kind, at, pad.mapToGlobal(at), button, held, modifiers)
    else:
        event = QMouseEvent(kind, at, pad.mapToGlobal(at), button, held, modifiers, device)
    QApplication.sendEvent(pad, event)
    return event.isAccepted()


def stroke(pad: SignaturePad, *points: tuple[float, float]) -> None:
    """Press at the first point, move through the others, release at the last."""
    (x0, y0), *rest = points
    mouse(pad, PRESS, x0, y0)
    for x, y in rest:
        mouse(pad, MOVE, x, y)
    mouse(pad, RELEASE, *points[-1])


def tablet(
    pad: SignaturePad, device: QPointingDevice, kind: QEvent.Type, x: float, y: float, p: float
) -> bool:
    """A pen tablet's event; whether the pad accepted it (else Qt makes mouse events)."""
    held = NONE if kind == T_RELEASE else LEFT
    button = LEFT if kind in (T_PRESS, T_RELEASE) else NONE
    at = QPointF(x, y)
    event = QTabletEvent(
        kind, device, at, pad.mapToGlobal(at), p, 0, 0, 0, 0, 0,
        Qt.KeyboardModifier.NoModifier, button, held,
    )  # fmt: skip
    QApplication.sendEvent(pad, event)
    return event.isAccepted()


# --- mouse ----------------------------------------------------------------------------------


def test_a_mouse_stroke_is_recorded_in_the_pads_pixels(pad, changes):
    assert pad.is_empty()
    stroke(pad, (10, 20), (50, 60), (100, 80))
    assert pad.strokes() == Strokes(
        float(W), float(H), (((10.0, 20.0, 0.5), (50.0, 60.0, 0.5), (100.0, 80.0, 0.5)),)
    )
    assert not pad.is_empty()
    assert changes == [1, 1]  # the stroke began, it ended — not once a point


def test_each_press_starts_a_stroke_of_its_own(pad):
    stroke(pad, (10, 20), (50, 60))
    stroke(pad, (200, 20), (210, 90), (260, 100))
    lines = pad.strokes().lines
    assert [len(line) for line in lines] == [2, 3]
    assert lines[1][0] == (200.0, 20.0, 0.5)


def test_a_release_elsewhere_ends_the_stroke_there(pad):
    mouse(pad, PRESS, 10, 20)
    mouse(pad, MOVE, 40, 50)
    mouse(pad, RELEASE, 45, 52)
    mouse(pad, MOVE, 300, 100)  # moved with no button held: no ink
    assert pad.strokes().lines == (((10.0, 20.0, 0.5), (40.0, 50.0, 0.5), (45.0, 52.0, 0.5)),)


def test_other_buttons_draw_nothing(pad, changes):
    assert not mouse(pad, PRESS, 30, 30, Qt.MouseButton.RightButton)
    assert not mouse(pad, MOVE, 80, 80)
    assert not mouse(pad, RELEASE, 80, 80, Qt.MouseButton.RightButton)
    assert pad.is_empty() and changes == []


def test_points_outside_the_pad_are_clamped_to_its_edge(pad):
    stroke(pad, (300, 100), (-40, 500), (900, -5), (650.5, 120.25))
    assert pad.strokes().lines == (
        (
            (300.0, 100.0, 0.5),
            (0.0, float(H), 0.5),
            (float(W), 0.0, 0.5),
            (float(W), 120.25, 0.5),
        ),
    )


@pytest.mark.parametrize(
    "kind",
    [QInputDevice.DeviceType.TouchScreen, QInputDevice.DeviceType.Stylus],
    ids=["touch", "pen"],
)
def test_mouse_events_made_from_a_touch_or_a_pen_draw_nothing(qapp, pad, kind):
    device = _device("copied", kind, Pen.Finger if kind.name == "TouchScreen" else Pen.Pen)
    assert not mouse(pad, PRESS, 20, 20, device=device)
    assert not mouse(pad, MOVE, 120, 90, device=device)
    assert not mouse(pad, RELEASE, 120, 90, device=device)
    assert pad.is_empty()


def test_strokes_is_the_pads_size_and_grows_with_it(pad):
    assert (pad.strokes().width, pad.strokes().height) == (W, H)
    assert pad.strokes().lines == ()
    pad.resize(W + 100, H + 50)
    assert (pad.strokes().width, pad.strokes().height) == (W + 100, H + 50)


def test_a_signature_written_by_mouse_passes_the_check(pad):
    stroke(pad, *[(40 + 8 * i, 120 + (-1) ** i * 30) for i in range(40)])
    assert pad.strokes().check().points == 40


# --- pen tablet -------------------------------------------------------------------------------


def test_a_pen_stroke_keeps_its_pressure_and_is_accepted(pad, stylus, changes):
    assert tablet(pad, stylus, T_PRESS, 20, 30, 0.2)
    assert tablet(pad, stylus, T_MOVE, 60, 70, 0.6)
    assert tablet(pad, stylus, T_MOVE, 120, 75.5, 0.9)
    assert tablet(pad, stylus, T_RELEASE, 121, 76, 0.0)
    assert pad.strokes().lines == (
        ((20.0, 30.0, 0.2), (60.0, 70.0, 0.6), (120.0, 75.5, 0.9), (121.0, 76.0, 0.9)),
    )
    assert changes == [1, 1]


def test_a_pen_lifted_where_it_last_moved_adds_no_point(pad, stylus):
    tablet(pad, stylus, T_PRESS, 20, 30, 0.4)
    tablet(pad, stylus, T_MOVE, 60, 70, 0.7)
    tablet(pad, stylus, T_RELEASE, 60, 70, 0.0)
    assert pad.strokes().lines == (((20.0, 30.0, 0.4), (60.0, 70.0, 0.7)),)


def test_a_hovering_pen_or_its_eraser_writes_nothing_yet_is_accepted(qapp, pad, stylus):
    assert tablet(pad, stylus, T_MOVE, 60, 70, 0.0)  # in range, not touching
    eraser = _device("eraser", QInputDevice.DeviceType.Stylus, Pen.Eraser)
    for kind, x in ((T_PRESS, 10), (T_MOVE, 90), (T_RELEASE, 90)):
        assert tablet(pad, eraser, kind, x, 40, 0.8)
    assert pad.is_empty()


def test_the_mouse_draws_nothing_while_the_pen_is_down(pad, stylus):
    tablet(pad, stylus, T_PRESS, 20, 30, 0.5)
    assert not mouse(pad, PRESS, 200, 100)  # a system's copy of the pen, as a mouse
    assert not mouse(pad, MOVE, 220, 110)
    tablet(pad, stylus, T_MOVE, 80, 40, 0.5)
    tablet(pad, stylus, T_RELEASE, 80, 40, 0.0)
    assert not mouse(pad, RELEASE, 220, 110)
    assert pad.strokes().lines == (((20.0, 30.0, 0.5), (80.0, 40.0, 0.5)),)


# --- touch ----------------------------------------------------------------------------------


def test_each_finger_writes_a_stroke_of_its_own_and_no_mouse_copy(pad, touch_screen, changes):
    touches = QTest.touchEvent(pad, touch_screen, False)
    touches.press(0, QPoint(10, 10), pad).press(1, QPoint(100, 100), pad).commit()
    touches.move(0, QPoint(20, 15), pad).move(1, QPoint(120, 110), pad).commit()
    touches.move(0, QPoint(30, 18), pad).stationary(1).commit()
    touches.release(0, QPoint(35, 20), pad).release(1, QPoint(130, 120), pad).commit()
    assert pad.strokes().lines == (
        ((10.0, 10.0, 0.5), (20.0, 15.0, 0.5), (30.0, 18.0, 0.5), (35.0, 20.0, 0.5)),
        ((100.0, 100.0, 0.5), (120.0, 110.0, 0.5), (130.0, 120.0, 0.5)),
    )
    assert changes == [1, 2, 2, 2]


def test_a_finger_that_leaves_the_pad_is_clamped(pad, touch_screen):
    touches = QTest.touchEvent(pad, touch_screen, False)
    touches.press(0, QPoint(W - 20, 50), pad).commit()
    touches.move(0, QPoint(W + 40, H + 10), pad).commit()
    touches.release(0, QPoint(W + 40, H + 10), pad).commit()
    assert pad.strokes().lines == (((W - 20.0, 50.0, 0.5), (float(W), float(H), 0.5)),)


# --- clear ----------------------------------------------------------------------------------


def test_clear_empties_the_pad(pad, stylus, changes):
    stroke(pad, (10, 20), (50, 60))
    tablet(pad, stylus, T_PRESS, 20, 30, 0.5)  # even with a stroke still being written
    pad.clear()
    assert pad.is_empty()
    assert pad.strokes().lines == ()
    assert changes[-1] == 0
    tablet(pad, stylus, T_MOVE, 80, 40, 0.5)  # the pen still down writes nothing more
    assert pad.is_empty()


# --- painting and size ------------------------------------------------------------------------


def _dark(image: QImage, x: int, y: int) -> bool:
    return QColor(image.pixel(x, y)).lightness() < 100


def _ink_in_column(image: QImage, x: int, top: int, bottom: int) -> int:
    return sum(_dark(image, x, y) for y in range(top, bottom))


def _is_blank(image: QImage, left: int, top: int, right: int, bottom: int) -> bool:
    return all(
        QColor(image.pixel(x, y)) == QColor("white")
        for x in range(left, right)
        for y in range(top, bottom, 2)
    )


def test_the_hint_shows_until_something_is_written_then_the_ink(pad, stylus):
    hint_box = (W // 2 - 60, 40, W // 2 + 60, int(H * signature_pad.BASELINE) - 10)
    empty = pad.grab().toImage()
    assert not _is_blank(empty, *hint_box)  # 请在此处签名
    assert _is_blank(empty, 40, 10, 200, 30)
    # a light and a heavy line, written well away from the hint
    for y, pressure in ((20, 0.1), (205, 1.0)):
        tablet(pad, stylus, T_PRESS, 40, y, pressure)
        tablet(pad, stylus, T_MOVE, 200, y, pressure)
        tablet(pad, stylus, T_RELEASE, 200, y, 0.0)
    signed = pad.grab().toImage()
    assert _is_blank(signed, *hint_box)
    light = _ink_in_column(signed, 120, 10, 30)
    heavy = _ink_in_column(signed, 120, 195, 215)
    assert 0 < light < heavy


def test_a_sensible_size(pad):
    assert pad.minimumSize().width() >= 560 and pad.minimumSize().height() >= 200
    assert pad.sizeHint().expandedTo(pad.minimumSize()) == pad.sizeHint()
    assert pad.sizeHint() != QSize(-1, -1)
    assert pad.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert pad.testAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)


def test_a_signature_loaded_again_is_what_was_written_and_goes_on(pad, changes):
    """A signature whose save failed comes back on the pad as it was; a stroke added goes on
    after it."""
    written = Strokes(float(W) + 80, float(H), (((10.0, 20.0, 0.7), (300.0, 90.0, 0.4)),))
    pad.load(written)
    assert pad.strokes() == written and not pad.is_empty() and changes == [1]
    stroke(pad, (40, 40), (60, 70))
    assert pad.strokes().lines == (*written.lines, ((40.0, 40.0, 0.5), (60.0, 70.0, 0.5)))
    assert pad.strokes().width == written.width  # never shrinks below what holds its points
