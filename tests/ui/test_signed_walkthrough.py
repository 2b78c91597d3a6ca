"""签回, walked through as the desk does it (issue 16's "done means"):

1. A completed repair's 派工单 is printed; it is then 未签回 in the list. The signed paper
   comes back, is scanned (here: the very page the printer got, as an image holding the
   QR code) and filed from the detail's 签回 → 归档签字件…; the order leaves 未签回 and
   the detail says 已签回, with the scan viewable.
2. The resident signs on the screen instead (synthetic pointer events on the real pad):
   the order is signed, and the exported 派工单 carries the strokes in the 业主签字 box.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from helpers.office import finish_order
from helpers.ui import WAIT
from PIL import Image, ImageChops
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDialog
from sqlmodel import select

from desk.models import SignedCopy
from desk.models.enums import SignedWay
from desk.models.signature import Strokes
from desk.services.records import residents, workorders
from desk.services.records.residents import ResidentDraft
from desk.services.records.workorders import WorkOrderDraft
from desk.ui import dialogs, printing
from desk.ui.dialogs.signature_dialog import SignatureDialog
from desk.ui.tabs.workorders import WorkOrdersTab

DPI = 100


@pytest.fixture
def tab(qtbot, settle, write, on_duty, ops, monkeypatch):
    monkeypatch.setattr(printing, "_last_folder", None)
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
        order = workorders.create(ctx, WorkOrderDraft("卫生间下水管漏水", "水电", room="3-2-1201"))
        finish_order(ctx, order.id)
    widget = WorkOrdersTab(ops)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    settle(ops, widget)
    widget.view.selectRow(0)
    settle(ops, widget)
    assert widget.detail.detail is not None and widget.detail.detail.serial == order.serial
    return widget


def field_value(tab, label: str) -> str:
    return dict(tab.detail.detail.fields).get(label, "")


def page_image(pdf: Path, dpi: int = DPI) -> Image.Image:
    return pdfium.PdfDocument(pdf)[0].render(scale=dpi / 72).to_pil().convert("L")


def print_to(qtbot, tab, monkeypatch, paper: Path) -> None:
    """打印… then the preview's 打印 on the default printer, which writes ``paper``."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(paper))
    printer.setResolution(150)
    monkeypatch.setattr(printing, "available_printers", lambda: ["前台打印机"])
    monkeypatch.setattr(printing, "default_printer", lambda: printer)
    monkeypatch.setattr(printing, "printer_words", lambda _p: "打印机“前台打印机”")
    tab.detail.document_button("print").click()
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible(), timeout=WAIT)
    tab.preview.print_button.click()
    qtbot.waitUntil(lambda: paper.exists() and paper.stat().st_size > 0, timeout=WAIT)
    tab.preview.close()


def test_print_file_the_scan_and_it_leaves_unsigned(
    qtbot, settle, tab, monkeypatch, tmp_path, fetch
) -> None:
    serial = tab.detail.detail.serial
    assert field_value(tab, "签回") == "须签回（表单还未打印）"
    paper = tmp_path / "纸.pdf"
    print_to(qtbot, tab, monkeypatch, paper)
    qtbot.waitUntil(lambda: field_value(tab, "签回") == "未签回", timeout=WAIT)

    scopes = tab.list_pane.scope
    scopes.setCurrentText("未签回")
    settle(tab.ops, tab)
    assert [tab.model.row_at(r).serial for r in range(tab.model.rowCount())] == [serial]

    # the resident signed the paper; the desk scans it (the page the printer got)
    scan = tmp_path / "扫描0001.png"
    scanned = page_image(paper, 150)
    scanned.save(scan)
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *_a: str(scan))
    status: list[str] = []
    tab.detail_pane.status.connect(status.append)
    tab.view.selectRow(0)
    settle(tab.ops, tab)
    tab.detail.document_action("signed-file").trigger()
    # only the new state empties the 未签回 list
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=WAIT)
    assert status == [f"已归档签字件 扫描0001.png → {serial}"]
    (row,) = fetch(select(SignedCopy))
    assert (row.serial, row.way, row.mime) == (serial, SignedWay.SCAN, "image/png")
    assert row.data == scan.read_bytes()

    scopes.setCurrentText("全部")
    settle(tab.ops, tab)
    tab.view.selectRow(0)
    qtbot.waitUntil(lambda: field_value(tab, "签回").startswith("已签回（扫描件，"), timeout=WAIT)
    history = [(h.action, h.new) for h in tab.detail.detail.history]
    assert ("签回", "扫描件 扫描0001.png") in history

    # and it can be seen
    tab.detail.document_action("signed-view").trigger()
    viewer = tab.detail_pane.viewer
    assert viewer is not None
    qtbot.waitUntil(lambda: viewer.loaded is not None, timeout=WAIT)
    assert viewer.loaded.data == scan.read_bytes()
    image = viewer.loaded.image
    assert image is not None and (image.width(), image.height()) == scanned.size
    viewer.close()


def test_a_scan_of_another_order_is_refused_and_nothing_is_filed(
    qtbot, settle, tab, write, monkeypatch, tmp_path, fetch
) -> None:
    with write() as ctx:
        other = workorders.create(ctx, WorkOrderDraft("门锁坏了", "门窗", room="3-2-1201"))
    from desk.reports.qr import qr_png

    scan = tmp_path / "photo.png"
    scan.write_bytes(qr_png(other.serial))
    said: list[str] = []
    from desk.ui import msgbox

    monkeypatch.setattr(msgbox, "error", lambda _p, _t, text: said.append(text))
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *_a: str(scan))
    serial = tab.detail.detail.serial
    tab.detail.document_action("signed-file").trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=WAIT)
    settle(tab.ops, tab)
    assert f"二维码是 {other.serial}，不是 {serial}" in said[0]
    assert fetch(select(SignedCopy)) == []


# --- signing on the screen ------------------------------------------------------------------


def drag(widget, points: list[tuple[float, float]]) -> None:
    """A mouse stroke over ``widget``: press, moves, release (synthetic events)."""

    def send(kind: QEvent.Type, x: float, y: float, buttons: Qt.MouseButton) -> None:
        at = QPointF(x, y)
        event = QMouseEvent(
            kind,
            at,
            widget.mapToGlobal(at),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(widget, event)

    left = Qt.MouseButton.LeftButton
    send(QEvent.Type.MouseButtonPress, *points[0], left)
    for x, y in points[1:]:
        send(QEvent.Type.MouseMove, x, y, left)
    send(QEvent.Type.MouseButtonRelease, *points[-1], Qt.MouseButton.NoButton)


def sign_when_asked(qtbot, no_unpatched_modal_dialogs, monkeypatch) -> list[Strokes]:
    """The real signature dialog opens; a 'resident' writes two strokes with the mouse
    and presses 确定. Returns the strokes the pad recorded."""
    monkeypatch.setattr(QDialog, "exec", no_unpatched_modal_dialogs)  # the real one
    recorded: list[Strokes] = []

    def write_on_it() -> None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, SignatureDialog)]
        if not found or not found[0].isVisible():
            QTimer.singleShot(20, write_on_it)
            return
        dialog = found[0]
        pad = dialog.pad
        w, h = pad.width(), pad.height()
        drag(pad, [(w * 0.1 + i * w * 0.05, h * (0.7 - 0.4 * (i % 2))) for i in range(8)])
        drag(pad, [(w * 0.55, h * 0.5), (w * 0.7, h * 0.45), (w * 0.85, h * 0.55)])
        recorded.append(pad.strokes())
        dialog.ok.click()

    QTimer.singleShot(0, write_on_it)
    return recorded


def test_sign_on_screen_and_the_form_carries_it(
    qtbot, settle, tab, monkeypatch, tmp_path, fetch, no_unpatched_modal_dialogs
) -> None:
    serial = tab.detail.detail.serial
    before = tmp_path / "未签.pdf"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(before))
    tab.detail.document_action("pdf").trigger()
    qtbot.waitUntil(lambda: before.exists() and before.stat().st_size > 0, timeout=WAIT)

    recorded = sign_when_asked(qtbot, no_unpatched_modal_dialogs, monkeypatch)
    tab.detail.document_action("signed-screen").trigger()
    qtbot.waitUntil(lambda: field_value(tab, "签回").startswith("已签回（屏幕签名，"), timeout=WAIT)
    (row,) = fetch(select(SignedCopy))
    assert row.way == SignedWay.SCREEN and row.data.startswith(b"\x89PNG")
    stored = Strokes.from_json(row.strokes or "")
    assert len(stored.lines) == 2 == len(recorded[0].lines)
    assert [len(line) for line in stored.lines] == [8, 3]
    assert ("签回", "屏幕签名 屏幕签名.png") in [
        (h.action, h.new) for h in tab.detail.detail.history
    ]

    after = tmp_path / "已签.pdf"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(after))
    tab.detail.document_action("pdf").trigger()
    qtbot.waitUntil(lambda: after.exists() and after.stat().st_size > 0, timeout=WAIT)

    # the ink added lies in the 业主签字 box: right of its label, left of its row's 日期
    label = _boxes(after, "业主签字")[0]
    middle = (label[1] + label[3]) / 2
    half = 34 * DPI / 72 / 2  # the signature row's height (form_layout.SIGN_H points)
    date = next(b for b in _boxes(after, "日期") if abs((b[1] + b[3]) / 2 - middle) < half)
    cell = (int(label[2]), int(middle - half), int(date[0]), int(middle + half))
    diff = ImageChops.difference(page_image(before), page_image(after)).point(
        lambda v: 255 if v > 60 else 0
    )
    inked = diff.crop(cell).getbbox()
    assert inked is not None, "no signature drawn in the 业主签字 box"
    assert inked[2] - inked[0] > 0.3 * (cell[2] - cell[0])  # a name's width, not a dot
    # elsewhere only the row's date changed (now the signing time)
    outside = diff.copy()
    outside.paste(0, (cell[0], cell[1], diff.width, cell[3]))
    assert outside.getbbox() is None, f"ink outside the signature row at {outside.getbbox()}"
    assert serial in pdf_text(after)


def _boxes(pdf: Path, needle: str) -> list[tuple[float, float, float, float]]:
    """The pixel boxes (at DPI, y down) of every ``needle`` on the first page."""
    page = pdfium.PdfDocument(pdf)[0]
    height = page.get_height()
    text = page.get_textpage()
    search = text.search(needle)
    found = []
    k = DPI / 72
    while (hit := search.get_next()) is not None:
        index, count = hit
        chars = [text.get_charbox(i) for i in range(index, index + count)]
        left, bottom = min(b[0] for b in chars), min(b[1] for b in chars)
        right, top = max(b[2] for b in chars), max(b[3] for b in chars)
        found.append((left * k, (height - top) * k, right * k, (height - bottom) * k))
    assert found, needle
    return found


def pdf_text(pdf: Path) -> str:
    page = pdfium.PdfDocument(pdf)[0]
    return page.get_textpage().get_text_range()


# --- 文件 → 归档签字件…: by the code, or by the serial asked for -------------------------------


def test_the_file_menu_files_by_the_code_or_asks_the_serial(
    qtbot, settle, write, on_duty, ops, monkeypatch, tmp_path, fetch
) -> None:
    from helpers.scans import scan_of

    from desk.ui.dialogs import text_question
    from desk.ui.main_window import MainWindow
    from desk.ui.signed_scans import SCAN_FILTER

    with write() as ctx:
        first = workorders.create(ctx, WorkOrderDraft("卫生间漏水", "水电", room="3-2-1201"))
        second = workorders.create(ctx, WorkOrderDraft("门锁坏了", "门窗", room="3-2-1201"))
    window = MainWindow(ops)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    settle(ops, window)
    coded, plain = tmp_path / "coded.png", tmp_path / "plain.jpg"
    coded.write_bytes(scan_of(second.serial))
    plain.write_bytes(scan_of(fmt="JPEG"))
    offered: list[str] = []

    def pick(path: Path):
        def ask(_parent, _title, _folder, filters):
            offered.append(filters)
            return str(path)

        monkeypatch.setattr(dialogs, "ask_open_path", ask)

    action = next(a for a in window.menuBar().actions()[0].menu().actions() if "签字件" in a.text())
    pick(coded)
    action.trigger()
    tab = window.workorders_tab
    qtbot.waitUntil(
        lambda: tab.detail.detail is not None and tab.detail.detail.record_id == second.id,
        timeout=WAIT,
    )
    assert window.tabs.currentWidget() is tab and offered == [SCAN_FILTER]
    qtbot.waitUntil(lambda: field_value(tab, "签回").startswith("已签回"), timeout=WAIT)

    asked: list[str] = []

    def answer(_parent, title, label, **_kw):
        asked.append(f"{title} {label}")
        return first.serial.lower()  # as a person types it

    monkeypatch.setattr(text_question, "ask_text", answer)
    pick(plain)
    action.trigger()
    qtbot.waitUntil(
        lambda: tab.detail.detail is not None and tab.detail.detail.record_id == first.id,
        timeout=WAIT,
    )
    assert asked == ["归档签字件 plain.jpg：没有认出二维码，请输入单号 单号"]
    rows = fetch(select(SignedCopy).order_by(SignedCopy.id))
    assert [(r.record_id, r.filename) for r in rows] == [
        (second.id, "coded.png"),
        (first.id, "plain.jpg"),
    ]


def test_a_signature_whose_save_failed_is_offered_again(
    qtbot, settle, tab, monkeypatch, fetch
) -> None:
    """Nothing is lost: the disk was full when the resident signed; the next 屏幕签名…
    shows the same strokes, and 确定 saves them."""
    from desk.models.errors import StorageError
    from desk.services.records import signed_copies
    from desk.ui import msgbox

    written = Strokes(
        560.0, 200.0, (((40.0, 150.0, 0.5), (200.0, 60.0, 0.5), (330.0, 140.0, 0.6)),)
    )
    offered: list[Strokes | None] = []

    def ask(_parent, _title, _prompt, strokes=None):
        offered.append(strokes)
        return written if strokes is None else strokes

    real = signed_copies.sign_on_screen
    full = [True]

    def save(ctx, kind, record_id, strokes):
        if full[0]:
            raise StorageError("磁盘已满，没有保存。请删除一些不用的文件后再试。", "full")
        return real(ctx, kind, record_id, strokes)

    said: list[str] = []
    monkeypatch.setattr(dialogs, "ask_signature", ask)
    monkeypatch.setattr(signed_copies, "sign_on_screen", save)
    monkeypatch.setattr(msgbox, "error", lambda _p, _t, text: said.append(text))
    tab.detail.document_action("signed-screen").trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=WAIT)
    assert "磁盘已满" in said[0] and "签名还在" in said[0]
    assert fetch(select(SignedCopy)) == []

    full[0] = False
    tab.detail.document_action("signed-screen").trigger()
    qtbot.waitUntil(lambda: field_value(tab, "签回").startswith("已签回（屏幕签名，"), timeout=WAIT)
    assert offered == [None, written]
    (row,) = fetch(select(SignedCopy))
    assert Strokes.from_json(row.strokes or "") == written
    assert tab.detail_pane.unsaved_signature is None
