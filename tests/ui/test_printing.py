"""打印 and 导出 from the tabs, as the desk uses them: a record's form printed through the
preview or saved as PDF/xlsx, a list exported as filtered, the day's loan register, the
day's 派工单 in one go, and files that cannot be written explained in Chinese.

No printer is needed: the print path is driven with a QPrinter writing a PDF, and the
file choosers, the print dialog and the message boxes are replaced (monkeypatch).
poppler-utils (pdftotext, pdfinfo) are required, as for tests/reports.
"""

from __future__ import annotations

import errno
import logging
import re
import subprocess
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers.ui import WAIT
from openpyxl import load_workbook
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QPushButton
from sqlmodel import select

from desk.models import AuditEvent, Staff
from desk.models.enums import AuditAction, LoanKind
from desk.models.errors import DeskError, StorageError
from desk.services.core import audit
from desk.services.records import calls, complaints, loans, residents, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.residents import ResidentDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import WorkOrderDraft
from desk.ui import dialogs, msgbox, printing
from desk.ui.tabs.calls import CallsTab
from desk.ui.tabs.complaints import ComplaintsTab
from desk.ui.tabs.loans import LoansTab
from desk.ui.tabs.visits import VisitsTab
from desk.ui.tabs.workorders import WorkOrdersTab

BUTTONS = ("print", "export")  # 打印…, and 导出 with its menu
TEST_DPI = 150  # print_pdf draws at the printer's resolution up to 300 dpi; 150 is quicker
A4_AT_TEST_DPI = QSize(1240, 1754)
SMALL = QSize(248, 351)


def run(*args: str | Path) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(path: Path) -> str:
    return run("pdftotext", "-raw", "-enc", "UTF-8", path, "-")


def pdf_pages(path: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", path)).group(1))


def xlsx_values(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]


def _small(image: QImage) -> bytes:
    grey = image.scaled(
        SMALL.width(),
        SMALL.height(),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    ).convertToFormat(QImage.Format.Format_Grayscale8)
    return bytes(grey.constBits())[: grey.bytesPerLine() * grey.height()]


def form_pages(path: Path) -> list[bytes]:
    """The form PDF's pages drawn as print_pdf draws them on the test printer, made small."""
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    pages = [
        _small(printing.on_white(document.render(page, A4_AT_TEST_DPI)))
        for page in range(document.pageCount())
    ]
    document.close()
    return pages


def printed_pages(path: Path, tmp_path: Path) -> list[bytes]:
    """The sheets a printer got, made small: the PDF printer holds one image a page."""
    folder = tmp_path / f"sheets-{path.stem}"
    folder.mkdir()
    run("pdfimages", "-png", path, folder / "sheet")
    return [_small(QImage(str(f))) for f in sorted(folder.glob("sheet-*.png"))]


def same_page(a: bytes, b: bytes) -> bool:
    """Equal but for JPEG noise (~0.1 a pixel); two different orders differ by 0.6 or more."""
    return len(a) == len(b) and sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a) < 0.3


def has_ink(page: bytes) -> bool:
    """Not a blank sheet: a form's grid and shaded labels grey a good part of it."""
    return sum(1 for v in page if v < 230) > len(page) // 10


def real_now() -> datetime:
    return datetime.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def fresh_folder(monkeypatch) -> None:
    """No test starts in the folder another test exported to."""
    monkeypatch.setattr(printing, "_last_folder", None)


@pytest.fixture
def messages(monkeypatch) -> dict[str, list[str]]:
    """What the message boxes would have said; 确认 answers yes."""
    said: dict[str, list[str]] = {"error": [], "info": [], "confirm": []}
    monkeypatch.setattr(msgbox, "error", lambda _p, _t, text: said["error"].append(text))
    monkeypatch.setattr(msgbox, "info", lambda _p, _t, text: said["info"].append(text))
    monkeypatch.setattr(
        msgbox, "confirm", lambda _p, _t, text: said["confirm"].append(text) or True
    )
    return said


@pytest.fixture
def save_as(monkeypatch):
    """``save_as(path)``: the file chooser answers ``path``; returns what it was offered."""
    offered: list[tuple[str, str]] = []

    def answer(path: Path | str) -> list[tuple[str, str]]:
        def ask(_parent, _title, suggested, filters):
            offered.append((suggested, filters))
            return str(path)

        monkeypatch.setattr(dialogs, "ask_save_path", ask)
        return offered

    return answer


def make_tab(qtbot, cls, ops):
    """A tab; its writes are stamped with whoever is on duty (the ``on_duty`` fixture)."""
    widget = cls(ops)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    return widget


@pytest.fixture
def orders_tab(qtbot, settle, write, on_duty, ops):
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
    tab = make_tab(qtbot, WorkOrdersTab, ops)
    settle(ops, tab)
    assert "响应" in tab.urgency.currentText()  # the choices have loaded
    return tab


def add_order(write, text: str = "厨房水龙头滴水", at: datetime | None = None):
    with write(at or real_now()) as ctx:
        return workorders.create(ctx, WorkOrderDraft(text, "水电", room="3-2-1201"))


def show_first(settle, tab, count: int = 1) -> None:
    """Reload the list, select its first row once the reload is on the screen, and wait
    for that record's detail."""
    tab.reload()
    settle(tab.ops, tab)
    assert tab.model.rowCount() == count
    tab.view.selectRow(0)
    settle(tab.ops, tab)
    assert tab.detail.detail is not None
    assert tab.detail.detail.record_id == tab.model.row_at(0).id


def click(tab, name: str) -> None:
    """打印… (``print``), or 导出 → 导出PDF… / 导出Excel… (``pdf``, ``xlsx``)."""
    button = tab.detail.document_button("print" if name == "print" else "export")
    assert button is not None and button.isEnabled()
    if name == "print":
        button.click()
    else:
        tab.detail.document_action(name).trigger()


def open_preview(qtbot, tab) -> printing.PrintPreviewDialog:
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible(), timeout=WAIT)
    return tab.preview


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(TEST_DPI)
    return printer


# --- one record: 导出PDF, 导出Excel, 打印 ---------------------------------------------------


def test_export_a_work_order_as_pdf_and_xlsx(qtbot, settle, orders_tab, write, save_as, tmp_path):
    order = add_order(write)
    show_first(settle, orders_tab)
    status: list[str] = []
    orders_tab.status.connect(status.append)

    offered = save_as(tmp_path / "派工单")  # typed without the suffix
    click(orders_tab, "pdf")
    qtbot.waitUntil(lambda: bool(status), timeout=WAIT)
    pdf = tmp_path / "派工单.pdf"
    assert Path(offered[0][0]).name == f"{order.serial}.pdf" and "*.pdf" in offered[0][1]
    assert order.serial in pdf_text(pdf) and "厨房水龙头滴水" in pdf_text(pdf)
    assert status == [f"已导出 {order.serial} 到 {pdf}"]

    offered = save_as(tmp_path / "派工单.xlsx")
    click(orders_tab, "xlsx")
    qtbot.waitUntil(lambda: len(status) == 2, timeout=WAIT)
    assert Path(offered[-1][0]).name == f"{order.serial}.xlsx"
    assert Path(offered[-1][0]).parent == tmp_path  # the folder of the last export
    assert order.serial in " ".join(xlsx_values(tmp_path / "派工单.xlsx"))


def test_print_goes_through_the_preview(qtbot, settle, orders_tab, write, monkeypatch, tmp_path):
    order = add_order(write)
    show_first(settle, orders_tab)
    click(orders_tab, "print")
    preview = open_preview(qtbot, orders_tab)
    temporary = preview.pdf_path
    assert preview.document.pageCount() == pdf_pages(temporary) == 1
    assert order.serial in preview.windowTitle() and order.serial in pdf_text(temporary)
    assert preview.pages_label.text() == "共 1 页"
    assert preview.xlsx_button.isVisibleTo(preview)

    out = tmp_path / "打印.pdf"
    asked: list[int] = []

    def ask_printer(_parent, pages):
        asked.append(pages)
        return pdf_printer(out)

    monkeypatch.setattr(printing, "available_printers", lambda: ["前台打印机"])
    monkeypatch.setattr(printing, "default_printer", lambda: None)  # none set: it asks
    monkeypatch.setattr(printing, "ask_printer", ask_printer)
    preview.print_button.click()
    assert asked == [1]  # pages to choose from
    assert pdf_pages(out) == 1
    [printed], [shown] = printed_pages(out, tmp_path), form_pages(temporary)
    assert has_ink(printed) and same_page(printed, shown)
    assert "共 1 页" in preview.note.text()

    preview.close_button.click()
    qtbot.waitUntil(lambda: orders_tab.preview is None, timeout=WAIT)
    assert not temporary.exists()  # the preview's temporary PDF goes with it


def test_print_pdf_writes_every_page_and_respects_range_and_copies(
    qtbot, orders_tab, write, tmp_path
):
    for text in ("厨房水龙头滴水", "卫生间地漏堵塞，水漫到了客厅，住户在家等着", "客厅灯不亮"):
        order = add_order(write, text)
        with write(real_now()) as ctx:
            workorders.dispatch(ctx, order.id, "水工 张师傅")
    orders_tab.batch_button.click()
    preview = open_preview(qtbot, orders_tab)
    assert preview.document.pageCount() == 3

    source = form_pages(preview.pdf_path)
    assert not same_page(source[1], source[2])  # the pages can be told apart
    everything = tmp_path / "all.pdf"
    assert printing.print_pdf(preview.pdf_path, pdf_printer(everything)) == 3
    assert pdf_pages(everything) == 3
    assert "pts (A4)" in run("pdfinfo", everything)
    assert all(map(same_page, printed_pages(everything, tmp_path), source))

    some = pdf_printer(tmp_path / "some.pdf")
    some.setPrintRange(QPrinter.PrintRange.PageRange)
    some.setFromTo(2, 3)
    some.setCopyCount(2)
    some.setCollateCopies(True)
    assert printing.print_pdf(preview.pdf_path, some) == 4
    expected = [source[1], source[2]] * 2  # collated: 2 3 2 3
    assert all(map(same_page, printed_pages(tmp_path / "some.pdf", tmp_path), expected))

    current = pdf_printer(tmp_path / "current.pdf")
    current.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert printing.print_pdf(preview.pdf_path, current, current=2) == 1
    [printed] = printed_pages(tmp_path / "current.pdf", tmp_path)
    assert same_page(printed, source[2])

    seen: list[tuple[int, int]] = []
    stopped = printing.print_pdf(
        preview.pdf_path,
        pdf_printer(tmp_path / "stopped.pdf"),
        progress=lambda done, total: seen.append((done, total)) or done < 2,
    )
    assert stopped == 2 and seen == [(0, 3), (1, 3), (2, 3)]  # 取消 after two sheets
    preview.close()


def test_without_a_printer_the_preview_offers_pdf(
    qtbot, settle, orders_tab, write, monkeypatch, messages, save_as, tmp_path
):
    order = add_order(write)
    show_first(settle, orders_tab)
    click(orders_tab, "print")
    preview = open_preview(qtbot, orders_tab)
    monkeypatch.setattr(printing, "available_printers", lambda: [])
    monkeypatch.setattr(printing, "ask_printer", lambda *a: pytest.fail("no printer to ask"))
    offered = save_as(tmp_path / "拿去打印")
    preview.print_button.click()
    assert "没有安装打印机" in messages["confirm"][0] and "导出PDF" in messages["confirm"][0]
    assert Path(offered[0][0]).name == f"{order.serial}.pdf"
    assert order.serial in pdf_text(tmp_path / "拿去打印.pdf")
    # said once the export is on the record (its audit row written)
    qtbot.waitUntil(lambda: str(tmp_path / "拿去打印.pdf") in preview.note.text(), timeout=WAIT)
    preview.close()


@pytest.mark.parametrize("kind", ["complaint", "loan"])
def test_complaints_and_loans_print_their_forms(
    qtbot, settle, write, on_duty, ops, save_as, tmp_path, kind
):
    with write(real_now()) as ctx:
        if kind == "complaint":
            record = complaints.create(
                ctx,
                ComplaintDraft(
                    "楼上每晚装修噪音",
                    "物业管理",
                    complainant="张三",
                    room="3-2-1201",
                    phone="13812345678",
                ),
            )
        else:
            item = loans.add_item(ctx, "梯子", 2, deposit="0")
            record = loans.lend(
                ctx,
                LoanDraft(item.id, "李四", real_now() + timedelta(hours=2), phone="13812345678"),
            )
    tab = make_tab(qtbot, ComplaintsTab if kind == "complaint" else LoansTab, ops)
    assert tab.forms_kind == kind
    show_first(settle, tab)
    click(tab, "print")
    preview = open_preview(qtbot, tab)
    assert record.serial in pdf_text(preview.pdf_path)
    preview.close()
    save_as(tmp_path / "单.pdf")
    with qtbot.waitSignal(tab.status, timeout=WAIT):
        click(tab, "pdf")
    assert record.serial in pdf_text(tmp_path / "单.pdf")


# --- on the record: who printed or exported what, how many --------------------------------


def exports(fetch) -> list[tuple[str, int | None, str, str, str | None, str]]:
    """The audit's 导出 and 打印 rows: on what, who, which, what, how many, where to."""
    rows = fetch(
        select(AuditEvent)
        .where(AuditEvent.action.in_((AuditAction.EXPORT, AuditAction.PRINT)))  # type: ignore[attr-defined]
        .order_by(AuditEvent.id)  # type: ignore[arg-type]
    )
    return [(e.entity, e.staff_id, e.action.value, e.field, e.new, e.reason) for e in rows]


def test_prints_and_exports_are_on_the_record_without_phones(
    qtbot, settle, orders_tab, write, fetch, on_duty, monkeypatch, save_as, tmp_path
):
    with write(real_now()) as ctx:
        order = workorders.create(
            ctx,
            WorkOrderDraft("厨房水龙头滴水", "水电", room="3-2-1201", phone="13812345678"),
        )
    show_first(settle, orders_tab)
    status: list[str] = []
    orders_tab.status.connect(status.append)
    save_as(tmp_path / "张三13812345678")  # a number typed into the file's name
    click(orders_tab, "pdf")
    qtbot.waitUntil(lambda: bool(status), timeout=WAIT)
    assert (tmp_path / "张三13812345678.pdf").exists()

    click(orders_tab, "print")
    preview = open_preview(qtbot, orders_tab)
    monkeypatch.setattr(printing, "available_printers", lambda: ["前台打印机"])
    monkeypatch.setattr(printing, "default_printer", lambda: pdf_printer(tmp_path / "纸.pdf"))
    preview.print_button.click()
    qtbot.waitUntil(lambda: len(exports(fetch)) == 2, timeout=WAIT)
    save_as(tmp_path / "派工单.xlsx")
    preview.xlsx_button.click()
    qtbot.waitUntil(lambda: "导出到" in preview.note.text(), timeout=WAIT)
    preview.close()

    save_as(tmp_path / "列表")
    orders_tab.export_button.click()
    qtbot.waitUntil(lambda: len(status) == 2, timeout=WAIT)
    recorded = exports(fetch)
    printed = recorded[1][5]
    assert recorded == [  # the order's form on the order, with its pages
        ("workorder", on_duty, "导出", "派工单", "1 页", "张三138****5678.pdf"),  # masked
        ("workorder", on_duty, "打印", "派工单", "1 页", printed),
        ("workorder", on_duty, "导出", "派工单", None, "派工单.xlsx"),  # Excel paginates
        ("export", on_duty, "导出", "报修派工列表", "1", "列表.xlsx"),
    ]
    assert printed.startswith("打印机")
    assert {
        e.entity_id for e in fetch(select(AuditEvent).where(AuditEvent.entity == "workorder"))
    } == {order.id}
    assert not any("13812345678" in str(value) for row in recorded for value in row)


def history_lines(tab) -> list[tuple[str, ...]]:
    """The detail's 变更记录 as shown: who, 操作, 内容, 原因."""
    table = tab.detail.history
    return [tuple(table.item(r, c).text() for c in (1, 2, 3, 4)) for r in range(table.rowCount())]


def test_a_printed_work_order_says_so_in_its_history(
    qtbot, settle, orders_tab, write, fetch, on_duty, monkeypatch, save_as, tmp_path
):
    order = add_order(write)
    show_first(settle, orders_tab)
    assert [line[1] for line in history_lines(orders_tab)] == ["新建"]
    click(orders_tab, "print")
    preview = open_preview(qtbot, orders_tab)
    monkeypatch.setattr(printing, "available_printers", lambda: ["前台打印机"])
    monkeypatch.setattr(printing, "default_printer", lambda: pdf_printer(tmp_path / "纸.pdf"))
    monkeypatch.setattr(printing, "printer_words", lambda _printer: "打印机“前台打印机”")
    preview.print_button.click()  # Enter in the preview: on the default printer
    # the detail reloads with the print's row: only the new history has two lines
    qtbot.waitUntil(lambda: len(history_lines(orders_tab)) == 2, timeout=WAIT)
    who = fetch(Staff, on_duty).name
    assert history_lines(orders_tab)[-1] == (who, "打印", "派工单 1 页（打印机“前台打印机”）", "")

    save_as(tmp_path / "派工单.pdf")
    preview.pdf_button.click()
    qtbot.waitUntil(lambda: len(history_lines(orders_tab)) == 3, timeout=WAIT)
    assert history_lines(orders_tab)[-1] == (who, "导出PDF", "派工单 1 页（派工单.pdf）", "")
    assert orders_tab.detail.detail.record_id == order.id
    preview.close()
    [row, _pdf] = fetch(
        select(AuditEvent)
        .where(AuditEvent.entity == "workorder", AuditEvent.entity_id == order.id)
        .where(AuditEvent.action.in_((AuditAction.PRINT, AuditAction.EXPORT)))  # type: ignore[attr-defined]
        .order_by(AuditEvent.id)  # type: ignore[arg-type]
    )
    assert (row.action, row.staff_id, row.new) == (AuditAction.PRINT, on_duty, "1 页")


def test_an_export_that_cannot_be_recorded_leaves_no_file(
    qtbot, settle, orders_tab, write, fetch, messages, monkeypatch, save_as, tmp_path
):
    add_order(write)
    orders_tab.reload()
    settle(orders_tab.ops, orders_tab)

    def locked(*_args):
        raise StorageError("数据库正被另一个程序使用", kind="locked")

    monkeypatch.setattr(audit, "exported", locked)
    save_as(tmp_path / "列表")
    orders_tab.export_button.click()
    qtbot.waitUntil(lambda: bool(messages["error"]), timeout=WAIT)
    assert "没能记入操作记录" in messages["error"][0] and "文件已删除" in messages["error"][0]
    assert not (tmp_path / "列表.xlsx").exists()
    assert orders_tab.export_button.isEnabled() and exports(fetch) == []


# --- which tabs have the buttons, and when -------------------------------------------------


def test_document_buttons_only_with_a_record_shown(qtbot, settle, orders_tab, write):
    detail = orders_tab.detail
    for name in BUTTONS:
        button = detail.document_button(name)
        assert button is not None and not button.isEnabled()  # nothing selected yet
    assert [detail.document_button(n).text() for n in BUTTONS] == ["打印…", "导出"]
    assert [a.text() for a in detail.document_button("export").menu().actions()] == [
        "导出PDF…",
        "导出Excel…",
    ]
    add_order(write)
    show_first(settle, orders_tab)
    assert all(detail.document_button(n).isEnabled() for n in BUTTONS)
    detail.show_detail(None)
    assert not any(detail.document_button(n).isEnabled() for n in BUTTONS)


@pytest.mark.parametrize("cls", [VisitsTab, CallsTab])
def test_visits_and_calls_have_no_form_but_export_their_list(
    qtbot, settle, write, on_duty, ops, cls
):
    with write(real_now()) as ctx:
        if cls is VisitsTab:
            visits.create(
                ctx,
                VisitDraft(
                    "张三",
                    "问停车",
                    phone="13812345678",
                    is_resident=False,
                    id_tail="1234",
                    visiting="3-2-1201",
                ),
            )
        else:
            calls.create_call(ctx, CallDraft("咨询", "停车月卡多少钱"))
    tab = make_tab(qtbot, cls, ops)
    assert tab.forms_kind is None
    show_first(settle, tab)
    assert all(tab.detail.document_button(n) is None for n in BUTTONS)
    assert tab.detail.document_action("pdf") is None
    assert tab.export_button.isEnabled() and tab.export_button.text() == "导出Excel…"


# --- lists ----------------------------------------------------------------------------


def test_list_export_is_the_list_as_filtered(
    qtbot, settle, orders_tab, write, type_text, save_as, tmp_path
):
    kept = add_order(write, "卫生间地漏堵塞")
    add_order(write, "厨房水龙头滴水")
    add_order(write, "客厅灯不亮")
    orders_tab.reload()
    settle(orders_tab.ops, orders_tab)
    assert orders_tab.model.rowCount() == 3
    type_text(orders_tab.search, "地漏")
    settle(orders_tab.ops, orders_tab)  # the search box's debounce, then its load
    assert [r.id for r in orders_tab.model.rows] == [kept.id]
    status: list[str] = []
    orders_tab.status.connect(status.append)
    offered = save_as(tmp_path / "列表")
    orders_tab.export_button.click()
    assert not orders_tab.export_button.isEnabled()  # until this export is done
    qtbot.waitUntil(lambda: bool(status), timeout=WAIT)
    target = tmp_path / "列表.xlsx"
    assert status == [f"已导出 1 条到 {target}"]
    assert Path(offered[0][0]).name.startswith("报修派工列表-")
    values = " ".join(xlsx_values(target))
    assert kept.serial in values and "地漏" in values
    assert "水龙头" not in values and "客厅灯" not in values
    assert "查找：“地漏”" in values  # the subtitle says which rows these are
    assert orders_tab.export_button.isEnabled()


def test_a_list_export_can_be_cancelled(qtbot, orders_tab, write, save_as, ops, tmp_path):
    add_order(write)
    status: list[str] = []
    orders_tab.status.connect(status.append)
    save_as(tmp_path / "列表.xlsx")
    gate = threading.Event()
    ops.background(lambda: gate.wait(WAIT / 1000))  # the long lane is busy with something first
    orders_tab.export_button.click()
    cancel = orders_tab.list_export.dialog.findChild(QPushButton)
    assert cancel.text() == "取消"
    cancel.click()
    gate.set()
    qtbot.waitUntil(lambda: bool(status), timeout=WAIT)
    assert status == ["已取消导出"]
    assert not (tmp_path / "列表.xlsx").exists()
    assert orders_tab.export_button.isEnabled()


# --- 打印登记表, 打印今日派工单 ------------------------------------------------------------------


def test_loan_register_of_a_day(qtbot, write, on_duty, ops, monkeypatch, save_as, tmp_path):
    now = real_now()
    with write(now) as ctx:
        ladder = loans.add_item(ctx, "梯子", 3, deposit="50")
        key = loans.add_item(ctx, "天台钥匙", 1, LoanKind.KEY)
        back = now + timedelta(hours=2)
        lent = loans.lend(ctx, LoanDraft(ladder.id, "李四", back, phone="13812345678"))
        loans.lend(ctx, LoanDraft(key.id, "王五", back, phone="13912345678"))
    tab = make_tab(qtbot, LoansTab, ops)
    assert tab.register_button.text() == "打印登记表…"
    days: list[object] = []

    def ask(_parent, today):
        days.append(today)
        return now.date(), LoanKind.ITEM

    monkeypatch.setattr(printing, "ask_register", ask)
    tab.register_button.click()
    preview = open_preview(qtbot, tab)
    assert days == [now.date()]  # today is offered
    text = "".join(pdf_text(preview.pdf_path).split())  # a serial wraps in its cell
    assert lent.serial in text and "李四" in text and "王五" not in text  # items, not keys
    assert preview.document.pageCount() == 1
    assert f"JYDJ-{now:%Y%m%d}" in preview.windowTitle()
    size = preview.document.pagePointSize(0)
    assert size.width() > size.height()  # the register is landscape

    save_as(tmp_path / "登记表")
    preview.xlsx_button.click()
    qtbot.waitUntil(lambda: "导出到" in preview.note.text(), timeout=WAIT)
    assert lent.serial in " ".join(xlsx_values(tmp_path / "登记表.xlsx"))
    preview.close()


def test_register_dialog_defaults_to_today(qtbot):
    today = real_now().date()
    dialog = printing.RegisterDialog(today)
    qtbot.addWidget(dialog)
    assert dialog.answer() == (today, LoanKind.ITEM)
    dialog.kind.setCurrentIndex(1)
    assert dialog.answer() == (today, LoanKind.KEY)
    labels = {lbl.buddy(): lbl.text() for lbl in dialog.findChildren(QLabel) if lbl.buddy()}
    assert labels == {dialog.day: "日期", dialog.kind: "登记表"}


def test_batch_prints_the_orders_dispatched_today(
    qtbot, orders_tab, write, messages, monkeypatch, tmp_path
):
    orders_tab.batch_button.click()
    qtbot.waitUntil(lambda: bool(messages["info"]), timeout=WAIT)
    assert messages["info"] == ["今天还没有派出的工单。"]

    first, second, voided, waiting = (add_order(write, t) for t in ("一", "二", "三", "四"))
    for order in (first, second, voided):
        with write(real_now()) as ctx:
            workorders.dispatch(ctx, order.id, "水工 张师傅")
    with write(real_now()) as ctx:
        workorders.void(ctx, voided.id, "住户取消")
    orders_tab.batch_button.click()
    preview = open_preview(qtbot, orders_tab)
    assert preview.document.pageCount() == 2  # one page an order
    text = pdf_text(preview.pdf_path)
    assert first.serial in text and second.serial in text
    assert voided.serial not in text and waiting.serial not in text
    assert not preview.xlsx_button.isVisibleTo(preview)  # a batch is for printing
    assert preview.pages_label.text() == "第 1 页 / 共 2 页"

    def two_copies(_parent, _pages):
        printer = pdf_printer(tmp_path / "两份.pdf")
        printer.setCopyCount(2)
        return printer

    monkeypatch.setattr(printing, "available_printers", lambda: ["前台打印机"])
    monkeypatch.setattr(printing, "default_printer", lambda: None)  # none set: it asks
    monkeypatch.setattr(printing, "ask_printer", two_copies)
    shown: list[bool] = []
    report = preview._printing
    monkeypatch.setattr(
        preview,
        "_printing",
        lambda d, t: report(d, t) and not shown.append(bool(preview.print_progress)),
    )
    preview.print_button.click()  # 4 sheets: long enough to show how far it is
    assert shown == [True] * 4 and "共 4 页" in preview.note.text()
    assert pdf_pages(tmp_path / "两份.pdf") == 4
    assert preview.print_progress is None and preview.print_button.isEnabled()
    preview.close()


# --- files that cannot be written ---------------------------------------------------------


def test_a_missing_folder_is_explained(
    qtbot, settle, orders_tab, write, messages, save_as, tmp_path, caplog
):
    add_order(write)
    show_first(settle, orders_tab)
    missing = tmp_path / "已拔出的U盘"
    # the DB worker logs a failed job with its traceback
    with caplog.at_level(logging.ERROR, logger="desk.ui"):
        for name in ("pdf", "xlsx"):
            save_as(missing / f"单.{name}")
            click(orders_tab, name)
            qtbot.waitUntil(
                lambda n=name: len(messages["error"]) == ("pdf", "xlsx").index(n) + 1,
                timeout=WAIT,
            )
    assert [r.exc_info[0] for r in caplog.records] == [FileNotFoundError] * 2
    save_as(missing / "列表.xlsx")
    orders_tab.export_button.click()
    qtbot.waitUntil(lambda: len(messages["error"]) == 3, timeout=WAIT)
    for text in messages["error"]:
        assert f"找不到文件夹“{missing}”" in text and "请重新选择保存位置" in text
    assert orders_tab.export_button.isEnabled()

    save_as(tmp_path / "单.pdf")  # and the next try, somewhere else, works
    with qtbot.waitSignal(orders_tab.status, timeout=WAIT):
        click(orders_tab, "pdf")
    assert (tmp_path / "单.pdf").exists() and len(messages["error"]) == 3


def test_write_errors_say_what_to_do(tmp_path):
    path = tmp_path / "报修派工列表.xlsx"
    locked = printing.write_error_text(PermissionError(13, "Permission denied"), path)
    assert "Excel 或 WPS 里打开" in locked and "请关闭这个文件" in locked
    full = printing.write_error_text(OSError(errno.ENOSPC, "No space left on device"), path)
    assert "磁盘已满" in full and "换一个位置" in full
    wrapped = DeskError("无法写入“报修派工列表.xlsx”：Permission denied。")
    wrapped.__cause__ = PermissionError(13, "Permission denied")
    assert "Excel 或 WPS" in printing.write_error_text(wrapped, path)
    too_long = DeskError("这个列表有 2000000 条，超过了 Excel 一张表能放下的 1048570 条。")
    assert printing.write_error_text(too_long, path) == str(too_long)
