"""Printing and exporting the paper forms and the lists.

The forms are written as PDF (``desk.reports``) on the second worker lane (``Ops.render``,
``Ops.background``), so a save never waits behind them; here the PDF is shown
in a preview (QtPdf) and printed by rendering each page to an image at the printer's
resolution — the printed sheet is the PDF, so it matches 导出PDF exactly. Without a
printer on this computer the preview says so and offers 导出PDF instead.

Every print and export of personal data (forms, lists, the resident list) is recorded
once it has succeeded: one audit row through ``record_export`` (who, when, what, how many;
a record's own form on that record, with its pages, so its history shows the print).

Dialogs that tests replace are module functions (``ask_printer``, ``ask_register``,
``available_printers``); callers use them through the module so a patch applies.
"""

from __future__ import annotations

import errno
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QObject,
    QRectF,
    QSize,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.models.enums import LoanKind
from desk.models.errors import DeskError
from desk.reports.form_data import Form, render
from desk.services.core import audit
from desk.services.core.context import Ctx
from desk.services.io import form_prints, paper_forms
from desk.ui import dialogs, msgbox, temp_files
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.ops import Ops

PRINT_DPI = 300  # enough for text and QR codes; an A4 page is 35 MB as an image
PREVIEW_FOLDER = "desk-print"
PROGRESS_FROM_SHEETS = 3  # a print job longer than this shows its progress

DISK_QUOTA = getattr(errno, "EDQUOT", errno.ENOSPC)  # a full network share's quota
_last_folder: Path | None = None  # where the last export went: the next one starts there


def _tr(text: str) -> str:
    return QCoreApplication.translate("printing", text)


# --- where files go, and what to say when they cannot -------------------------------------


def suggested_path(file_name: str) -> str:
    """``file_name`` in the folder of the last export, else in 文档 (Documents)."""
    folder = _last_folder or Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    )
    return str(folder / file_name)


def remember_folder(path: Path) -> None:
    global _last_folder
    _last_folder = path.parent


def file_filter(suffix: str) -> str:
    """The save dialog's file type line for ``.pdf`` or ``.xlsx``."""
    return _tr("PDF 文件 (*.pdf)") if suffix == ".pdf" else _tr("Excel 工作簿 (*.xlsx)")


def with_suffix(path: str, suffix: str, *also: str) -> Path:
    """The chosen path, with ``suffix`` added when the name typed ends in neither it nor
    one of ``also`` (a .jpeg stays a .jpeg)."""
    target = Path(path)
    if target.suffix.lower() in (suffix, *also):
        return target
    return target.with_name(target.name + suffix)


def write_error_text(exc: BaseException, path: Path) -> str:
    """What went wrong writing ``path``, in words the desk understands, and what to do."""
    cause: BaseException = exc
    if isinstance(exc, DeskError) and isinstance(exc.__cause__, OSError):
        cause = exc.__cause__  # list_export's own words name the file, not the reason
    name, folder = path.name, str(path.parent)
    if isinstance(cause, PermissionError):
        return _tr(
            "无法写入“{0}”：这个文件可能正在 Excel 或 WPS 里打开，或者这个文件夹不允许写入。"
            "\n\n请关闭这个文件再试，或换一个位置保存。"
        ).format(name)
    if isinstance(cause, FileNotFoundError | NotADirectoryError):
        return _tr(
            "找不到文件夹“{0}”：它可能已被删除、改名，或U盘已拔出。\n\n请重新选择保存位置。"
        ).format(folder)
    if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, DISK_QUOTA):
        return _tr(
            "磁盘已满，“{0}”没有写完。\n\n请删除一些不用的文件，或换一个位置（如U盘）再保存。"
        ).format(name)
    if isinstance(cause, OSError):
        return _tr("无法写入“{0}”（{1}）。\n\n请换一个位置再保存。").format(
            name, cause.strerror or cause
        )
    if isinstance(exc, DeskError):
        return str(exc)
    return _tr("保存“{0}”时出错：{1}").format(name, exc)


# --- the audit of what left the program ----------------------------------------------------


@dataclass(frozen=True)
class Exported:
    """A print or export in the audit's words (``audit.exported``): ``what`` it was and
    how many ``rows`` of residents' data it held; for paper forms, the ``forms`` themselves
    (a batch named ``title``), logged by ``form_prints.record`` — one record's own form on
    that record."""

    what: str
    rows: int
    forms: tuple[Form, ...] = ()
    title: str = ""


def forms_exported(forms: Sequence[Form], title: str = "") -> Exported:
    """``forms`` (a batch named ``title``) as the audit names them (paper_forms.audit_words)."""
    return Exported(*paper_forms.audit_words(forms, title), forms=tuple(forms), title=title)


def printer_words(printer: QPrinter) -> str:
    """Where a print went, for the audit row."""
    return _tr("打印机“{0}”").format(printer.printerName())


def record_export(
    ops: Ops,
    parent: QWidget,
    exported: Exported,
    target: Path | str,
    done: Callable[[], None] | None = None,
    pages: int | None = None,
) -> None:
    """After a print or an export succeeded: its audit row — who (on duty), when,
    ``exported``, ``target`` (the file, of which only the name is kept, or the printer's
    words), for forms how many ``pages`` (None: counted from a PDF file) — in a write of
    its own, then ``done``. Personal data leaves on the record only:
    a file whose row cannot be written is deleted again; a print cannot be taken back, so
    the desk is told."""

    def failed(exc: BaseException) -> None:
        if isinstance(target, Path):
            target.unlink(missing_ok=True)
            msgbox.error(
                parent,
                _tr("未能导出"),
                _tr("导出没能记入操作记录（{0}），文件已删除。请稍后再导出一次。").format(exc),
            )
        else:
            msgbox.error(
                parent, _tr("打印没有记录"), _tr("已打印，但没能记入操作记录（{0}）。").format(exc)
            )

    def log(ctx: Ctx) -> None:
        if exported.forms:
            form_prints.record(ctx, exported.forms, target, title=exported.title, pages=pages)
        else:
            audit.exported(ctx, exported.what, exported.rows, target)

    ops.write(log, lambda _: done() if done is not None else None, failed)


# --- the forms as a temporary PDF for the preview -----------------------------------------


def render_for_preview(forms: Sequence[Form], title: str) -> Path:
    """The forms as one temporary PDF (runs on the second worker lane: reportlab takes
    10–40 ms a form). The preview deletes it when it closes; ones left by a crash go a day later."""
    folder = temp_files.temp_folder(PREVIEW_FOLDER)
    temp_files.sweep(folder)
    path = folder / f"{uuid.uuid4().hex}.pdf"
    if len(forms) == 1:
        render(forms[0], path)
    else:
        from desk.reports.pdf_forms import render_pdf_many

        render_pdf_many(forms, path, title)
    return path


# --- printing -------------------------------------------------------------------------


def available_printers() -> list[str]:
    return QPrinterInfo.availablePrinterNames()


def default_printer() -> QPrinter | None:
    """The system's default printer, A4 at full resolution; None when there is none."""
    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        return None
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    return printer


def ask_printer(parent: QWidget | None, pages: int) -> QPrinter | None:
    """The system print dialog (printer, pages, copies); None when cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_tr("打印"))
    dialog.setMinMax(1, pages)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, True)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return printer if accepted else None


def _chosen_pages(printer: QPrinter, count: int, current: int) -> list[int]:
    """The 0-based pages the print dialog asked for."""
    if printer.printRange() == QPrinter.PrintRange.CurrentPage:
        return [min(max(current, 0), count - 1)]
    ranges = printer.pageRanges()
    if printer.printRange() == QPrinter.PrintRange.PageRange and not ranges.isEmpty():
        return [p - 1 for p in range(1, count + 1) if ranges.contains(p)]
    return list(range(count))


def print_pdf(
    pdf_path: Path | str,
    printer: QPrinter,
    current: int = 0,
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """Print the PDF's pages on ``printer`` as the print dialog set it up (page range,
    copies, collation; ``current`` is the 0-based page shown, for 打印当前页); returns
    the number of sheets sent. ``progress(done, total)`` is called before each sheet (a
    sheet takes ~0.3 s); when it returns False the job is cancelled. Raises DeskError
    when the file cannot be read or the printer cannot start."""
    document = QPdfDocument()
    try:
        if document.load(str(pdf_path)) != QPdfDocument.Error.None_:
            raise DeskError(_tr("无法读取要打印的文件，请关闭预览后重新点“打印”。"))
        count = document.pageCount()
        pages = _chosen_pages(printer, count, current)
        if not pages:
            return 0
        first = document.pagePointSize(pages[0])
        landscape = first.width() > first.height()
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))  # the forms are A4
        printer.setPageOrientation(
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        )
        printer.setFullPage(True)  # the PDF brings its own margins
        # a printer that makes copies itself gets each page once
        copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
        if printer.collateCopies():
            order = [p for _ in range(copies) for p in pages]
        else:
            order = [p for p in pages for _ in range(copies)]
        painter = QPainter()
        if not painter.begin(printer):
            raise DeskError(
                _tr("打印机“{0}”没有开始打印：请检查它是否开着、连着，纸和墨粉够不够。").format(
                    printer.printerName()
                )
            )
        try:
            for sheet, page in enumerate(order):
                if progress is not None and not progress(sheet, len(order)):
                    printer.abort()  # the spooler drops what it has got so far
                    return sheet
                if sheet and not printer.newPage():
                    raise DeskError(_tr("打印机在第 {0} 页停了下来，请检查打印机。").format(sheet))
                _paint_page(painter, printer, document, page)
        finally:
            painter.end()
        return len(order)
    finally:
        document.close()


def _paint_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int) -> None:
    target = printer.paperRect(QPrinter.Unit.DevicePixel)
    dpi = min(printer.resolution(), PRINT_DPI)
    points = document.pagePointSize(page)
    image = on_white(
        document.render(
            page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        )
    )
    # keep the page's proportions on paper of another shape, centred
    scale = min(target.width() / image.width(), target.height() / image.height())
    w, h = image.width() * scale, image.height() * scale
    x = target.x() + (target.width() - w) / 2
    y = target.y() + (target.height() - h) / 2
    painter.drawImage(QRectF(x, y, w, h), image)


def on_white(image: QImage) -> QImage:
    """QtPdf renders on a transparent background: put it on white paper, without the
    alpha channel that printer drivers rasterise slowly (or print black)."""
    paper = QImage(image.size(), QImage.Format.Format_RGB32)
    paper.fill(Qt.GlobalColor.white)
    painter = QPainter(paper)
    painter.drawImage(0, 0, image)
    painter.end()
    return paper


# --- the preview ----------------------------------------------------------------------


class PrintPreviewDialog(QDialog):
    """A PDF page by page, fit to the window's width, with 打印…, 导出PDF… and — when it
    shows one form — 导出Excel…; a temporary PDF is deleted when the preview closes. Each
    print and export is recorded (``record_export``) when ``ops`` and ``exported`` say
    what it holds."""

    def __init__(
        self,
        pdf_path: Path,
        title: str,
        file_name: str,
        parent: QWidget | None = None,
        *,
        form: Form | None = None,
        ops: Ops | None = None,
        exported: Exported | None = None,
        temporary: bool = True,
    ) -> None:
        super().__init__(parent)
        self.pdf_path = pdf_path
        self.file_name = file_name  # the suggested name for 导出, without the suffix
        self.form = form
        self.ops = ops
        self.exported = exported
        self.temporary = temporary
        self.released = False  # closed: it deletes itself, a late answer says nothing here
        self.print_progress: QProgressDialog | None = None
        self.print_total = 0
        self.setWindowTitle(_tr("打印预览 — {0}").format(title))

        self.document = QPdfDocument(self)
        self.load_error = self.document.load(str(pdf_path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName(_tr("预览"))

        self.zoom = QComboBox()
        self.zoom.addItem(_tr("适合宽度"), QPdfView.ZoomMode.FitToWidth)
        self.zoom.addItem(_tr("整页"), QPdfView.ZoomMode.FitInView)
        self.zoom.currentIndexChanged.connect(
            lambda _i: self.view.setZoomMode(self.zoom.currentData())
        )
        zoom_label = QLabel(_tr("显示"))
        zoom_label.setBuddy(self.zoom)
        self.pages_label = QLabel()
        self.note = QLabel()  # what the last 打印 / 导出 did
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Enter prints on the default printer: the preview itself is the check before
        # printing; 选打印机… is there for pages, copies or another printer
        self.print_button = QPushButton(_tr("打印"))  # Ctrl+P, its shortcut below
        self.print_button.setDefault(True)
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setToolTip(_tr("在默认打印机上打印全部页（Enter 或 Ctrl+P）"))
        self.choose_button = QPushButton(_tr("选打印机…(&O)"))
        self.choose_button.setToolTip(_tr("选打印机、页数和份数后打印"))
        self.pdf_button = QPushButton(_tr("导出PDF…(&D)"))
        self.xlsx_button = QPushButton(_tr("导出Excel…(&E)"))
        self.xlsx_button.setVisible(form is not None and ops is not None)
        self.close_button = QPushButton(_tr("关闭"))
        self.print_button.clicked.connect(lambda: self.print_document())
        self.choose_button.clicked.connect(lambda: self.print_document(choose=True))
        self.pdf_button.clicked.connect(self.export_pdf)
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.close_button.clicked.connect(self.reject)
        self.view.pageNavigator().currentPageChanged.connect(lambda _p: self._show_pages())

        bar = QHBoxLayout()
        bar.addWidget(zoom_label)
        bar.addWidget(self.zoom)
        bar.addSpacing(12)
        bar.addWidget(self.pages_label)
        bar.addStretch(1)
        buttons = (self.print_button, self.choose_button, self.pdf_button, self.xlsx_button)
        for button in (*buttons, self.close_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        layout.addLayout(bar)
        self._show_pages()
        self.finished.connect(self._release)
        self._size_to_screen(landscape=self._landscape())
        self.first_button = self.print_button  # what has the focus when it opens
        if not available_printers():  # nothing to print on: Enter exports the PDF at once
            self.print_button.setDefault(False)
            self.pdf_button.setDefault(True)
            self.first_button = self.pdf_button
            self.note.setText(
                _tr("这台电脑没有安装打印机：按 Enter 导出PDF，拷到连着打印机的电脑上打印。")
            )

    def page_count(self) -> int:
        return self.document.pageCount()

    def _landscape(self) -> bool:
        if self.page_count() == 0:
            return False
        size = self.document.pagePointSize(0)
        return size.width() > size.height()

    def _size_to_screen(self, landscape: bool) -> None:
        width, height = (1100, 800) if landscape else (820, 980)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)

    def _show_pages(self) -> None:
        count = self.page_count()
        current = self.view.pageNavigator().currentPage() + 1
        self.pages_label.setText(
            _tr("共 {0} 页").format(count)
            if count <= 1
            else _tr("第 {0} 页 / 共 {1} 页").format(current, count)
        )

    # --- 打印 ---------------------------------------------------------------------------

    def print_document(self, choose: bool = False) -> None:
        """打印: on the default printer; ``choose`` (选打印机…), or without a default, the
        system print dialog first."""
        if not available_printers():
            if msgbox.confirm(
                self,
                _tr("没有打印机"),
                _tr(
                    "这台电脑上没有安装打印机，无法直接打印。\n\n"
                    "可以先导出成PDF文件，拷到连着打印机的电脑上打印。现在导出PDF吗？"
                ),
            ):
                self.export_pdf()
            return
        current = self.view.pageNavigator().currentPage()
        printer = None if choose else default_printer()
        if printer is None:
            printer = ask_printer(self, self.page_count())
        if printer is None:
            return
        self.print_button.setEnabled(False)
        self.print_total = 0
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            sheets = print_pdf(self.pdf_path, printer, current, self._printing)
        except DeskError as exc:
            msgbox.error(self, _tr("没有打印"), str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
            self.print_button.setEnabled(True)
            if self.print_progress is not None:
                self.print_progress.close()
                self.print_progress.deleteLater()
                self.print_progress = None
        total = self.print_total
        if sheets:  # a cancelled job's sheets sent so far are on paper too
            self._record(printer_words(printer), pages=sheets)
        if sheets < total:
            self.note.setText(_tr("已取消打印（送出了 {0} / {1} 页）。").format(sheets, total))
        else:
            self.note.setText(
                _tr("已送往打印机“{0}”，共 {1} 页。").format(printer.printerName(), sheets)
            )

    def _record(self, target: Path | str, said: str = "", pages: int | None = None) -> None:
        """The audit row of a print or export from here (``record_export``; ``pages``: the
        sheets printed, or the PDF's), then ``said`` in the note — unless the preview has
        closed meanwhile (it deletes itself: a failure is told by its parent, the window's
        part that opened it)."""

        def done() -> None:
            if said and not self.released:
                self.note.setText(said)

        if self.ops is not None and self.exported is not None:
            parent = self.parentWidget() or self
            record_export(self.ops, parent, self.exported, target, done, pages)
        else:
            done()

    def _printing(self, done: int, total: int) -> bool:
        """print_pdf's progress: a many-page job shows how far it is and can be stopped;
        the modal progress dialog keeps the window painting between sheets."""
        self.print_total = total
        if total <= PROGRESS_FROM_SHEETS:
            return True
        if self.print_progress is None:
            self.print_progress = QProgressDialog(_tr("正在打印……"), _tr("取消"), 0, total, self)
            self.print_progress.setWindowTitle(_tr("打印"))
            self.print_progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.print_progress.setMinimumDuration(0)
        self.print_progress.setLabelText(_tr("正在打印第 {0} / {1} 页……").format(done + 1, total))
        self.print_progress.setValue(done)
        return not self.print_progress.wasCanceled()

    # --- 导出 ---------------------------------------------------------------------------

    def export_pdf(self) -> None:
        path = dialogs.ask_save_path(
            self, _tr("导出PDF"), suggested_path(self.file_name + ".pdf"), file_filter(".pdf")
        )
        if not path:
            return
        target = with_suffix(path, ".pdf")
        try:
            shutil.copyfile(self.pdf_path, target)  # a few dozen kB: no need for the worker
        except OSError as exc:
            msgbox.error(self, _tr("未能导出"), write_error_text(exc, target))
            return
        remember_folder(target)
        self._record(target, _tr("已导出到 {0}").format(target), self.page_count())

    def export_xlsx(self) -> None:
        if self.form is None or self.ops is None:
            return
        path = dialogs.ask_save_path(
            self, _tr("导出Excel"), suggested_path(self.file_name + ".xlsx"), file_filter(".xlsx")
        )
        if not path:
            return
        target, form = with_suffix(path, ".xlsx"), self.form
        self.xlsx_button.setEnabled(False)

        def done(_path: object) -> None:
            self.xlsx_button.setEnabled(True)
            remember_folder(target)
            self._record(target, _tr("已导出到 {0}").format(target))

        def failed(exc: BaseException) -> None:
            self.xlsx_button.setEnabled(True)
            msgbox.error(self, _tr("未能导出"), write_error_text(exc, target))

        # the form was read when the preview opened: rendering it needs no transaction
        self.ops.background(lambda: render(form, target), done, failed)

    def _release(self, _result: int) -> None:
        """Let go of the file (Windows keeps an open file from being deleted), then delete
        a temporary one."""
        self.released = True
        self.document.close()
        if self.temporary:
            self.pdf_path.unlink(missing_ok=True)


def open_preview(
    parent: QWidget,
    pdf_path: Path,
    title: str,
    file_name: str,
    *,
    form: Form | None = None,
    ops: Ops | None = None,
    exported: Exported | None = None,
) -> PrintPreviewDialog | None:
    """Show the preview (window-modal, without blocking); None when the PDF cannot be read
    — the desk has been told why. ``exported``: what the forms hold, for the audit row of
    each print or export (with ``ops``)."""
    dialog = PrintPreviewDialog(
        pdf_path, title, file_name, parent, form=form, ops=ops, exported=exported
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if dialog.load_error != QPdfDocument.Error.None_:
        msgbox.error(
            parent,
            _tr("无法预览"),
            _tr("打印预览打不开（{0}）。请再点一次“打印”；仍不行时先导出PDF。").format(
                dialog.load_error.name
            ),
        )
        dialog.done(QDialog.DialogCode.Rejected)  # finished: the temporary PDF goes
        return None
    dialog.open()
    dialog.first_button.setFocus()  # Enter prints (or exports, with no printer)
    return dialog


# --- 打印登记表: which day ---------------------------------------------------------------


class RegisterDialog(FormDialog):
    """The day (default today) and which register: items or keys."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("打印登记表"))
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.kind = QComboBox()
        self.kind.addItem(_tr("物品借用登记表"), LoanKind.ITEM)
        self.kind.addItem(_tr("钥匙借用登记表"), LoanKind.KEY)
        form = QFormLayout()
        form.addRow(_tr("日期"), self.day)
        form.addRow(_tr("登记表"), self.kind)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_tr("预览"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def answer(self) -> tuple[date, LoanKind]:
        picked: date = self.day.date().toPython()  # type: ignore[assignment]
        return picked, self.kind.currentData()


def ask_register(parent: QWidget, today: date) -> tuple[date, LoanKind] | None:
    """(day, items or keys) of the register to print; None when cancelled."""
    dialog = RegisterDialog(today, parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    answer = dialog.answer()
    dialog.deleteLater()
    return answer if accepted else None


# --- a long list export ---------------------------------------------------------------


class ExportCancelled(DeskError):
    """The desk pressed 取消 while a list was being written; no file is left. A DeskError,
    so the worker logs it as a refusal, not as a failure with a traceback."""

    def __init__(self) -> None:
        super().__init__("已取消导出")


class ExportProgress(QObject):
    """A progress dialog fed from the worker: ``report`` is list_export's ``progress``
    callback, called on the worker; the signal carries it to the GUI thread. Shown only
    when an export takes more than half a second."""

    moved = Signal(int, int)  # rows done, rows in all

    def __init__(self, parent: QWidget, label: str) -> None:
        super().__init__(parent)
        self.cancelled = False  # set on the GUI thread, read on the worker
        self.dialog = QProgressDialog(label, _tr("取消"), 0, 0, parent)
        self.dialog.setWindowTitle(_tr("导出"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(500)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self._cancel)
        self.moved.connect(self._show)
        self.done = False

    def report(self, done: int, total: int) -> None:
        if self.cancelled:
            raise ExportCancelled
        self.moved.emit(done, total)

    def _cancel(self) -> None:
        self.cancelled = True

    def _show(self, done: int, total: int) -> None:
        if not self.done:  # a late page's signal must not show a closed dialog again
            self.dialog.setMaximum(max(total, 1))
            self.dialog.setValue(min(done, max(total, 1)))

    def finish(self) -> None:
        self.done = True
        self.dialog.canceled.disconnect(self._cancel)  # closing a progress dialog cancels
        self.dialog.close()
        self.dialog.deleteLater()
        self.deleteLater()


def run_export(
    ops: Ops,
    parent: QWidget,
    label: str,
    job: Callable[[Ctx, Callable[[int, int], None]], Any],
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None],
    cancelled: Callable[[], None],
) -> ExportProgress:
    """Run ``job(ctx, progress)`` with a progress dialog as a long read (``Ops.render``: on
    its own snapshot, saves go on meanwhile); one of ``done``, ``failed`` or
    ``cancelled`` follows on the GUI thread."""
    progress = ExportProgress(parent, label)

    def ok(result: Any) -> None:
        progress.finish()
        done(result)

    def error(exc: BaseException) -> None:
        progress.finish()
        if isinstance(exc, ExportCancelled):
            cancelled()
        else:
            failed(exc)

    ops.render(lambda ctx: job(ctx, progress.report), ok, error)
    return progress
