"""业主签字 on the screen: 确定 only with strokes; a signature not worth keeping is refused
under the pad and stays; the keyboard starts on the pad, Enter never throws a signature
away nor closes without one, Esc and 取消 ask first when something is written.

The dialog is shown (no nested event loop); ``ask_signature`` is run with ``exec``
replaced, as every ``ask_…`` is in tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.ui import WAIT, field
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QWidget

from desk.models.signature import Strokes
from desk.ui import dialogs
from desk.ui.dialogs.signature_dialog import SignatureDialog
from desk.ui.widgets.signature_pad import SignaturePad

TITLE = "业主签字 — PG-20261206-003"
PROMPT = "请业主在框内签名，确认维修结果"
ACCEPTED, REJECTED = QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected
NO_SIGNATURE = "签名：还没有签名，请在框内签上姓名"
TOO_SMALL = "签名：签名太小，请在框内签上完整的姓名"


def _mouse(pad: SignaturePad, kind: QEvent.Type, x: float, y: float) -> None:
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    held = none if kind == QEvent.Type.MouseButtonRelease else left
    button = none if kind == QEvent.Type.MouseMove else left
    at = QPointF(x, y)
    event = QMouseEvent(kind, at, pad.mapToGlobal(at), button, held, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(pad, event)


def write(pad: SignaturePad, *points: tuple[float, float]) -> None:
    """One mouse stroke through ``points``."""
    _mouse(pad, QEvent.Type.MouseButtonPress, *points[0])
    for x, y in points[1:]:
        _mouse(pad, QEvent.Type.MouseMove, x, y)
    _mouse(pad, QEvent.Type.MouseButtonRelease, *points[-1])


def sign(pad: SignaturePad) -> None:
    """A name's worth of strokes: three zig-zags across the middle of the pad."""
    for start in (60, 200, 340):
        write(pad, *[(start + 9 * i, 90 + (-1) ** i * 35 + i) for i in range(14)])


def scribble(pad: SignaturePad) -> None:
    """A slip of the hand: a few pixels long."""
    write(pad, (100, 100), (103, 102), (105, 104))


def said(dialog: QWidget) -> str:
    return "\n".join(lbl.text() for lbl in dialog.findChildren(QLabel) if lbl.isVisibleTo(dialog))


def ok_button(dialog: SignatureDialog) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == "确定")


def button(dialog: SignatureDialog, text: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


@pytest.fixture
def dialog(qtbot) -> Iterator[SignatureDialog]:
    """Shown and active, as the program shows it. Hidden and deleted after the test:
    closing one with a signature would ask (the question is not patched then)."""
    dialog = SignatureDialog(None, TITLE, PROMPT)
    with qtbot.waitExposed(dialog, timeout=WAIT):
        dialog.show()
    with qtbot.waitActive(dialog, timeout=WAIT):  # focus events as on a screen
        dialog.activateWindow()
    yield dialog
    dialog.hide()
    dialog.deleteLater()


def test_it_opens_on_the_pad_saying_what_is_signed(qtbot, dialog):
    qtbot.waitUntil(dialog.pad.hasFocus, timeout=WAIT)
    assert dialog.focusWidget() is dialog.pad
    assert dialog.windowTitle() == TITLE
    assert PROMPT in said(dialog)
    assert field(dialog, PROMPT) is dialog.pad  # a screen reader names the pad by it
    assert not ok_button(dialog).isEnabled()
    assert dialog.result_strokes is None


def test_ok_is_enabled_only_while_something_is_written(dialog):
    ok = ok_button(dialog)
    sign(dialog.pad)
    assert ok.isEnabled()
    QTest.mouseClick(button(dialog, "清除(&C)"), Qt.MouseButton.LeftButton)
    assert dialog.pad.is_empty()
    assert not ok.isEnabled()
    scribble(dialog.pad)  # not a signature yet, but 确定 says so when pressed
    assert ok.isEnabled()


def test_alt_c_clears_the_pad_and_no_enter_does(qtbot, dialog):
    qtbot.waitUntil(dialog.pad.hasFocus, timeout=WAIT)
    sign(dialog.pad)
    for _ in range(4):  # Tab goes round 确定, 取消 and the pad, never to 清除
        QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        assert dialog.focusWidget() is not dialog.clear_button
    assert dialog.focusWidget() is dialog.ok
    QTest.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert dialog.pad.is_empty()
    qtbot.waitUntil(dialog.pad.hasFocus, timeout=WAIT)  # ready to sign again
    sign(dialog.pad)
    QTest.keyClick(dialog.pad, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.pad.is_empty, timeout=WAIT)
    assert dialog.isVisible()


def test_ok_gives_the_checked_signature(dialog):
    sign(dialog.pad)
    written = dialog.pad.strokes()
    QTest.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == ACCEPTED and not dialog.isVisible()
    assert dialog.result_strokes == written
    assert written.lines and written.width == dialog.pad.width()


def test_enter_on_the_pad_gives_a_valid_signature(qtbot, dialog):
    qtbot.waitUntil(dialog.pad.hasFocus, timeout=WAIT)
    sign(dialog.pad)
    QTest.keyClick(dialog.pad, Qt.Key.Key_Return)
    assert dialog.result() == ACCEPTED
    assert dialog.result_strokes == dialog.pad.strokes()


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_with_no_signature_closes_nothing(qtbot, dialog, key):
    qtbot.waitUntil(dialog.pad.hasFocus, timeout=WAIT)
    QTest.keyClick(dialog.pad, key)
    assert NO_SIGNATURE in said(dialog)  # it says what to do …
    assert dialog.isVisible() and dialog.result() != ACCEPTED  # … and waits
    assert dialog.result_strokes is None
    assert dialog.pad.hasFocus()


def test_a_signature_too_small_is_refused_under_the_pad_and_kept(qtbot, dialog):
    scribble(dialog.pad)
    written = dialog.pad.strokes()
    QTest.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result_strokes is None
    assert dialog.error.text() == TOO_SMALL and dialog.error.isVisibleTo(dialog)
    assert dialog.error.geometry().top() >= dialog.pad.geometry().bottom()
    assert dialog.pad.strokes() == written
    assert dialog.pad.hasFocus()  # Enter and Esc go on working
    QTest.keyClick(dialog.pad, Qt.Key.Key_Return)  # Enter refuses it the same way
    assert dialog.isVisible() and dialog.error.text() == TOO_SMALL
    sign(dialog.pad)  # written on: the refusal was about what was there before
    assert not dialog.error.isVisibleTo(dialog)
    QTest.keyClick(dialog.pad, Qt.Key.Key_Return)
    assert dialog.result() == ACCEPTED
    assert dialog.result_strokes is not None
    assert dialog.result_strokes.lines[0] == written.lines[0]  # the slip is part of it


def test_a_refusal_does_not_move_the_pad(dialog):
    scribble(dialog.pad)
    before = dialog.pad.geometry()
    QTest.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    QCoreApplication.processEvents()  # the layout's pending request
    assert dialog.error.isVisibleTo(dialog)
    assert dialog.pad.geometry() == before


def test_esc_on_an_empty_pad_closes_at_once(qtbot, dialog):
    # msgbox.confirm is not patched: asking would fail the test
    qtbot.waitUntil(dialog.pad.hasFocus, timeout=WAIT)
    QTest.keyClick(dialog.pad, Qt.Key.Key_Escape)
    assert dialog.result() == REJECTED and not dialog.isVisible()
    assert dialog.result_strokes is None


def test_esc_with_a_signature_asks_first(qtbot, dialog, confirming):
    qtbot.waitUntil(dialog.pad.hasFocus, timeout=WAIT)
    sign(dialog.pad)
    written = dialog.pad.strokes()
    asked = confirming(False)
    QTest.keyClick(dialog.pad, Qt.Key.Key_Escape)
    assert len(asked) == 1 and "放弃" in asked[0]
    assert dialog.isVisible() and dialog.pad.strokes() == written  # 否: all as it was
    asked = confirming(True)
    QTest.keyClick(dialog.pad, Qt.Key.Key_Escape)
    assert len(asked) == 1
    assert dialog.result() == REJECTED and not dialog.isVisible()
    assert dialog.result_strokes is None


def test_cancel_asks_too(dialog, confirming):
    sign(dialog.pad)
    asked = confirming(False)
    QTest.mouseClick(button(dialog, "取消"), Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and dialog.isVisible()
    asked = confirming(True)
    QTest.mouseClick(button(dialog, "取消"), Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and dialog.result() == REJECTED


def test_the_text_fits_and_the_pad_takes_the_room(dialog, tmp_path: Path):
    """Nothing is cut off in Chinese; a larger dialog gives the pad the room. The
    pictures are there to look at when this fails."""
    assert dialog.grab().save(str(tmp_path / "empty.png"))
    scribble(dialog.pad)
    QTest.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    QCoreApplication.processEvents()
    assert dialog.grab().save(str(tmp_path / "refused.png"))
    for label in (dialog.prompt, dialog.error):
        assert label.width() >= label.sizeHint().width(), label.text()
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    for each in dialog.findChildren(QPushButton):
        assert each.width() >= each.sizeHint().width(), each.text()
    dialog.pad.clear()
    sign(dialog.pad)
    assert dialog.grab().save(str(tmp_path / "signed.png"))
    small = dialog.pad.size()
    dialog.resize(dialog.width() + 200, dialog.height() + 150)
    QCoreApplication.processEvents()
    assert dialog.pad.width() >= small.width() + 200
    assert dialog.pad.height() >= small.height() + 150 - 1


# --- ask_signature ----------------------------------------------------------------------------


def _deferred_deletes() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def parent(qtbot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    return parent


def test_ask_signature_gives_what_was_signed_then_deletes_the_dialog(parent, monkeypatch):
    asked: list[SignatureDialog] = []

    def signs_and_accepts(self: QDialog) -> int:
        assert isinstance(self, SignatureDialog)
        asked.append(self)
        self.show()
        sign(self.pad)
        QTest.mouseClick(ok_button(self), Qt.MouseButton.LeftButton)
        return self.result()

    monkeypatch.setattr(QDialog, "exec", signs_and_accepts)
    answer = dialogs.ask_signature(parent, TITLE, PROMPT)
    assert isinstance(answer, Strokes) and answer.check() == answer
    assert asked[0].parent() is parent and asked[0].windowTitle() == TITLE
    _deferred_deletes()
    assert parent.findChildren(QDialog) == []


def test_ask_signature_gives_none_when_cancelled(parent, monkeypatch):
    monkeypatch.setattr(QDialog, "exec", lambda self: REJECTED)
    assert dialogs.ask_signature(parent, TITLE, PROMPT) is None
    _deferred_deletes()
    assert parent.findChildren(QDialog) == []
