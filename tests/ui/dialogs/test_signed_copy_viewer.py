"""签字件: a record's signed copies listed (voided ones greyed with their reason), the live
newest shown — an image fitted to the width or at its own size, a PDF page by page —
作废 with a reason, 另存为 writing the bytes as filed; the keyboard starts in the list,
Tab leaves it, Esc closes without asking, Enter never voids."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from helpers.office import NOW, finish_order
from helpers.ui import WAIT
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtPdf import QPdfDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QWidget
from shiboken6 import isValid

from desk.models.enums import AuditAction
from desk.models.signature import Strokes
from desk.reports.qr import qr_png
from desk.services.core import audit
from desk.services.io import form_prints, paper_forms
from desk.services.records import signed_copies, staff, workorders
from desk.services.records.workorders import WorkOrderDraft
from desk.ui import dialogs, msgbox
from desk.ui.dialogs import text_question
from desk.ui.dialogs.signed_copy_viewer import LIST_WIDTH, SignedCopyViewer, open_viewer

FIRST, SECOND, THIRD = (NOW + timedelta(hours=h) for h in (1, 2, 3))
SIGNED = Strokes(
    560.0,
    200.0,
    (
        ((40.0, 120.0, 0.4), (90.0, 60.0, 0.6), (140.0, 130.0, 0.7), (200.0, 70.0, 0.5)),
        ((240.0, 90.0, 0.5), (300.0, 100.0, 0.5)),
    ),
)


def scan_of(serial: str, fmt: str, size: tuple[int, int] = (900, 1200)) -> bytes:
    """A 'scan': a white page with the form's QR code in its top right corner and a few
    lines standing for the text."""
    page = Image.new("RGB", size, "white")
    code = Image.open(io.BytesIO(qr_png(serial)))
    page.paste(code, (size[0] - code.width - 40, 40))
    for y in range(300, size[1] - 100, 60):
        page.paste((60, 60, 60), (60, y, size[0] - 60, y + 6))
    out = io.BytesIO()
    page.save(out, format=fmt)
    return out.getvalue()


def new_order(write) -> tuple[int, str]:
    """A finished work order whose 派工单 was printed: its signed copy is due."""
    with write() as ctx:
        order = workorders.create(
            ctx, WorkOrderDraft(description="厨房水管漏水", category="水电", room="3-2-1201")
        )
        finish_order(ctx, order.id)
        form_prints.record(ctx, [paper_forms.workorder_form(ctx, order.serial)], "前台打印机")
    return order.id, order.serial


def file(write, serial: str, data: bytes, name: str, at=FIRST) -> int:
    """File ``data`` against ``serial`` as the manager; the copy's id."""
    scan = signed_copies.read_scan(data, name)
    with write(at) as ctx:
        return signed_copies.file_scan(ctx, scan, serial).id or 0


def stored(read, copy_id: int) -> bytes:
    with read() as ctx:
        return bytes(signed_copies.copy(ctx, copy_id).data)


@pytest.fixture
def viewing(qtbot, ops, on_duty, settle) -> Iterator[Callable[[int, str], SignedCopyViewer]]:
    """``viewing(order_id, serial)``: the viewer opened as the detail opens it (a child of
    a window), with the list and the copy shown loaded. Whatever is still on its way is
    waited for before the window goes."""
    host = QWidget()
    qtbot.addWidget(host)

    def _open(order_id: int, serial: str) -> SignedCopyViewer:
        viewer = open_viewer(ops, "workorder", order_id, serial, host)
        settle(ops)
        return viewer

    yield _open
    settle(ops)


def lines(viewer: SignedCopyViewer) -> list[str]:
    return [viewer.copies.item(i).text() for i in range(viewer.copies.count())]


# --- the list ----------------------------------------------------------------------------


def test_the_copies_are_listed_live_newest_first_and_it_opens_on_the_live_newest(
    qtbot, write, viewing
) -> None:
    order_id, serial = new_order(write)
    photo = file(write, serial, scan_of(serial, "JPEG"), "IMG_0012.jpg", FIRST)
    wrong = file(write, serial, scan_of(serial, "PNG"), "IMG_0013.png", SECOND)
    with write(THIRD) as ctx:
        signed_copies.void(ctx, wrong, "拍糊了")
    viewer = viewing(order_id, serial)

    assert viewer.windowTitle() == f"签字件 — {serial}"
    assert not viewer.isModal() and viewer.isVisible()
    assert lines(viewer) == [
        f"扫描件 {FIRST:%Y-%m-%d %H:%M} 王经理 IMG_0012.jpg",
        f"扫描件 {SECOND:%Y-%m-%d %H:%M} 王经理 IMG_0013.png（已作废：拍糊了）",
    ]
    live, voided = (viewer.copies.item(i).foreground().color() for i in (0, 1))
    assert voided != live and voided.lightness() > live.lightness()  # greyed
    assert viewer.list_label.text() == "签字件（2 份）"
    assert viewer.copies.currentRow() == 0 and viewer.loaded is not None
    assert viewer.loaded.copy_id == photo
    assert viewer.focusWidget() is viewer.copies
    assert viewer.void_button.isEnabled() and viewer.save_button.isEnabled()
    assert viewer.about.text() == (
        f"扫描件：IMG_0012.jpg，{viewer.infos[0].size / 1024:.0f} KB；"
        f"{FIRST:%Y-%m-%d %H:%M} 王经理归档"
    )

    QTest.keyClick(viewer.copies, Qt.Key.Key_Down)  # the arrows go through the copies
    qtbot.waitUntil(
        lambda: viewer.loaded is not None and viewer.loaded.copy_id == wrong, timeout=WAIT
    )
    assert not viewer.void_button.isEnabled()  # voided already
    assert viewer.about.text().endswith("已作废（" + f"{THIRD:%Y-%m-%d %H:%M}" + "）：拍糊了")


def test_a_record_without_copies_says_so(write, viewing) -> None:
    order_id, serial = new_order(write)
    viewer = viewing(order_id, serial)
    assert lines(viewer) == []
    assert viewer.stack.currentWidget() is viewer.note
    assert viewer.note.text() == "这条记录还没有签字件。"
    assert not viewer.void_button.isEnabled() and not viewer.save_button.isEnabled()


def test_a_copy_filed_while_it_is_open_appears(qtbot, ops, write, viewing) -> None:
    order_id, serial = new_order(write)
    viewer = viewing(order_id, serial)
    # filed from the detail, through the worker: the viewer follows ops.changed
    ops.write(lambda ctx: signed_copies.sign_on_screen(ctx, "workorder", order_id, SIGNED).id)
    qtbot.waitUntil(lambda: len(lines(viewer)) == 1, timeout=WAIT)
    assert lines(viewer)[0].startswith("屏幕签名 ") and lines(viewer)[0].endswith(" 屏幕签名.png")
    qtbot.waitUntil(lambda: viewer.stack.currentWidget() is viewer.image_view, timeout=WAIT)


# --- what is shown -----------------------------------------------------------------------


def test_an_image_is_fitted_to_the_width_or_shown_at_its_own_size(
    qtbot, write, read, viewing
) -> None:
    order_id, serial = new_order(write)
    file(write, serial, scan_of(serial, "JPEG", (900, 1200)), "IMG_0012.jpg")
    viewer = viewing(order_id, serial)
    view = viewer.image_view

    assert viewer.stack.currentWidget() is view
    assert not view.image.isNull() and (view.image.width(), view.image.height()) == (900, 1200)
    width = view.fit_width()
    assert 0 < width < 900  # the dialog is narrower than the scan
    shown_width, shown_height = view.shown_size()
    assert shown_width == width and abs(shown_height - 1200 * width / 900) <= 1

    viewer.zoom.setCurrentIndex(viewer.zoom.findText("原始大小"))
    assert view.shown_size() == (900, 1200)
    viewer.zoom.setCurrentIndex(viewer.zoom.findText("适合宽度"))
    viewer.resize(viewer.width() - 100, viewer.height())  # a narrower window: scaled again
    qtbot.waitUntil(lambda: view.fit_width() < width, timeout=WAIT)
    assert view.shown_size()[0] == view.fit_width()


def test_a_screen_signature_is_shown_on_white_and_never_enlarged(
    qtbot, write, read, viewing
) -> None:
    order_id, serial = new_order(write)
    with write(FIRST) as ctx:
        copy_id = signed_copies.sign_on_screen(ctx, "workorder", order_id, SIGNED).id or 0
    png = Image.open(io.BytesIO(stored(read, copy_id)))
    assert png.mode == "RGBA"  # ink on transparent, as stored
    viewer = viewing(order_id, serial)
    view = viewer.image_view
    assert viewer.stack.currentWidget() is view
    assert (view.image.width(), view.image.height()) == png.size
    assert view.image.pixelColor(0, 0) == QColor("white")  # on paper, not on the grey
    viewer.resize(png.width + LIST_WIDTH + 400, png.height + 400)  # room to spare
    qtbot.waitUntil(lambda: view.width() > png.width + 100, timeout=WAIT)
    assert view.shown_size() == png.size


def test_a_pdf_is_shown_page_by_page(write, viewing) -> None:
    order_id, serial = new_order(write)
    file(write, serial, scan_of(serial, "PDF"), "扫描.pdf")
    viewer = viewing(order_id, serial)
    assert viewer.stack.currentWidget() is viewer.pdf_view
    assert viewer.pdf_document.status() == QPdfDocument.Status.Ready
    assert viewer.pdf_document.pageCount() == 1
    assert viewer.pdf_view.pageMode() == viewer.pdf_view.PageMode.MultiPage
    viewer.zoom.setCurrentIndex(viewer.zoom.findText("原始大小"))
    assert viewer.pdf_view.zoomMode() == viewer.pdf_view.ZoomMode.Custom
    assert viewer.pdf_view.zoomFactor() == 1.0


def test_a_copy_qt_cannot_read_says_to_save_it(write, viewing) -> None:
    order_id, serial = new_order(write)
    damaged = signed_copies.Scan("坏.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png", ())
    with write(FIRST) as ctx:
        signed_copies.file_scan(ctx, damaged, serial)
    viewer = viewing(order_id, serial)
    assert viewer.stack.currentWidget() is viewer.note
    assert viewer.note.text().startswith("这份图片无法显示（")
    assert "另存为" in viewer.note.text()
    assert viewer.save_button.isEnabled()  # its bytes can still be saved


# --- 作废 ---------------------------------------------------------------------------------


def test_void_asks_a_reason_and_the_copy_turns_grey(
    qtbot, monkeypatch, write, read, viewing, settle, ops
) -> None:
    order_id, serial = new_order(write)
    copy_id = file(write, serial, scan_of(serial, "JPEG"), "IMG_0012.jpg")
    viewer = viewing(order_id, serial)

    monkeypatch.setattr(text_question, "ask_text", lambda *a, **k: None)  # cancelled
    viewer.void_button.click()
    settle(ops, viewer)
    assert lines(viewer)[0].endswith("IMG_0012.jpg") and viewer.void_button.isEnabled()

    asked: list[tuple[str, int]] = []

    def ask(parent, title, label, *, multi_line=False, max_len=200):
        asked.append((label, max_len))
        return "拿错了单"

    monkeypatch.setattr(text_question, "ask_text", ask)
    viewer.void_button.click()
    qtbot.waitUntil(lambda: "已作废" in lines(viewer)[0], timeout=WAIT)
    assert asked == [("作废原因", 200)]
    assert lines(viewer)[0].endswith("IMG_0012.jpg（已作废：拿错了单）")
    assert viewer.copies.currentRow() == 0 and not viewer.void_button.isEnabled()
    assert viewer.loaded is not None and viewer.loaded.copy_id == copy_id  # still shown
    with read() as ctx:
        found = signed_copies.status(ctx.session, "workorder", order_id)
    assert found is not None and not found.signed
    assert found.copies[0].void_reason == "拿错了单"


def test_void_refused_says_who_may(qtbot, monkeypatch, write, desk, viewing, settle, ops) -> None:
    order_id, serial = new_order(write)
    file(write, serial, scan_of(serial, "JPEG"), "IMG_0012.jpg")  # filed by the manager
    with write() as ctx:
        clerk = staff.add(ctx, "小赵").id
    viewer = viewing(order_id, serial)
    desk.on_duty(clerk)
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append((title, text)))
    monkeypatch.setattr(text_question, "ask_text", lambda *a, **k: "不对")
    viewer.void_button.click()
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT)
    settle(ops, viewer)
    assert errors[0][0] == "没有作废" and "主管" in errors[0][1]
    assert "已作废" not in lines(viewer)[0] and viewer.void_button.isEnabled()


# --- 另存为 -------------------------------------------------------------------------------


def test_save_as_writes_the_bytes_as_filed_and_logs_the_export(
    qtbot, monkeypatch, tmp_path, write, read, viewing
) -> None:
    order_id, serial = new_order(write)
    copy_id = file(write, serial, scan_of(serial, "JPEG"), "IMG_0012.jpg")
    viewer = viewing(order_id, serial)
    suggested: list[tuple[str, str]] = []

    def ask(parent, title, name, filters):
        suggested.append((Path(name).name, filters))
        return str(tmp_path / "签字件")  # typed without a suffix

    monkeypatch.setattr(dialogs, "ask_save_path", ask)
    viewer.save_button.click()
    target = tmp_path / "签字件.jpg"
    qtbot.waitUntil(lambda: viewer.said.text() == f"已另存到 {target}", timeout=WAIT)
    assert suggested == [(f"{serial} IMG_0012.jpg", "JPG 图片 (*.jpg *.jpeg)")]
    assert target.read_bytes() == stored(read, copy_id)
    with read() as ctx:
        logged = [
            (e.action, e.field, e.reason)
            for e in audit.history(ctx, "export", 0)
            if e.field == f"签字件 {serial}"
        ]
    assert logged == [(AuditAction.EXPORT, f"签字件 {serial}", target.name)]


def test_save_as_a_pdf_and_into_a_missing_folder(
    qtbot, monkeypatch, tmp_path, write, read, viewing, settle, ops
) -> None:
    order_id, serial = new_order(write)
    copy_id = file(write, serial, scan_of(serial, "PDF"), "扫描.pdf")
    viewer = viewing(order_id, serial)
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: str(tmp_path / "a.pdf"))
    viewer.save_button.click()
    qtbot.waitUntil(
        lambda: (tmp_path / "a.pdf").exists() and viewer.said.text() != "", timeout=WAIT
    )
    assert (tmp_path / "a.pdf").read_bytes() == stored(read, copy_id)

    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append((title, text)))
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: str(tmp_path / "没有" / "b.pdf"))
    viewer.save_button.click()
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT)
    settle(ops, viewer)
    assert errors[0][0] == "没有另存" and "找不到文件夹" in errors[0][1]
    assert viewer.save_button.isEnabled()


# --- the keyboard and closing -------------------------------------------------------------


def test_tab_leaves_the_list_and_esc_closes_without_asking(qtbot, write, viewing) -> None:
    order_id, serial = new_order(write)
    file(write, serial, scan_of(serial, "JPEG"), "IMG_0012.jpg")
    viewer = viewing(order_id, serial)
    assert viewer.focusWidget() is viewer.copies
    QTest.keyClick(viewer.copies, Qt.Key.Key_Tab)
    assert viewer.focusWidget() is viewer.image_view
    viewer.copies.setFocus()
    QTest.keyClick(viewer.copies, Qt.Key.Key_Escape)  # msgbox.confirm would fail the test
    assert not viewer.isVisible() and viewer.result() == QDialog.DialogCode.Rejected
    qtbot.waitUntil(lambda: not isValid(viewer), timeout=WAIT)  # deleted once closed


def test_enter_in_the_list_closes_and_never_voids(qtbot, monkeypatch, write, viewing) -> None:
    order_id, serial = new_order(write)
    file(write, serial, scan_of(serial, "JPEG"), "IMG_0012.jpg")
    viewer = viewing(order_id, serial)

    def never(*args, **kwargs):
        raise AssertionError("Enter asked for a reason to void")

    monkeypatch.setattr(text_question, "ask_text", never)
    QTest.keyClick(viewer.copies, Qt.Key.Key_Return)
    assert not viewer.isVisible()
    qtbot.waitUntil(lambda: not isValid(viewer), timeout=WAIT)
