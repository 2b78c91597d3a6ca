"""签字件: the signed copies filed against one record (``services.records.signed_copies``),
side by side with the selected one shown — a scan or photo, a PDF from the scanner or the
signature written on the screen — with 作废… and 另存为….

Non-modal, so the detail stays usable beside it; the detail pane opens it with
``open_viewer``. The list follows ``ops.changed``: a copy filed or voided meanwhile (from
here or from the detail) shows at once. A copy's bytes — up to 20 MB — are read and an
image decoded on the second lane (``Ops.render``), so neither saves nor the screen wait;
a PDF is shown by QtPdf from memory, as the print preview shows forms.

The keyboard: the list has the focus when it opens, the arrows go through the copies,
Tab leaves the list, Esc closes (nothing is typed here, so nothing is asked). Enter is
关闭, never 作废.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageOps
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desk.models.errors import DeskError
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx
from desk.services.records import signed_copies
from desk.services.records.signed_copies import CopyInfo, SignedStatus
from desk.ui import dialogs, msgbox, printing
from desk.ui.dialogs import text_question
from desk.ui.file_sizes import size_text
from desk.ui.ops import Ops, delete_when_closed

PDF = "application/pdf"
# what a stored copy is, by its media type: the save dialog's words and the suffixes that
# name it (the first is added to a name typed without one)
FILE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    PDF: ("PDF 文件", (".pdf",)),
    "image/jpeg": ("JPG 图片", (".jpg", ".jpeg")),
    "image/png": ("PNG 图片", (".png",)),
    "image/tiff": ("TIFF 图片", (".tif", ".tiff")),
    "image/bmp": ("BMP 图片", (".bmp",)),
    "image/webp": ("WebP 图片", (".webp",)),
}
SIZE = (1100, 760)  # px, less where the screen is smaller
LIST_WIDTH = 330  # px: "扫描件 2026-12-06 14:03 王经理 IMG_0012.jpg" on one line
VOIDED = QColor("#95a5a6")  # a voided copy's line, greyed
ZOOMS = (("fit", "适合宽度"), ("actual", "原始大小"))  # the 显示 choices, for images and PDFs


def _tr(text: str) -> str:
    return QCoreApplication.translate("signed_copy_viewer", text)


# --- reading a copy, on the second lane ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Loaded:
    """One copy's bytes as read, with its image decoded (None for a PDF or an image Qt
    cannot read: ``problem`` says why)."""

    copy_id: int
    data: bytes
    mime: str
    image: QImage | None
    problem: str = ""


def read_copy(ctx: Ctx, copy_id: int) -> Loaded:
    """The copy's bytes as plain values (the session closes after the op), and its image
    decoded here, off the GUI thread (QImage, unlike QPixmap, may be made in any thread):
    a phone photo takes a noticeable moment."""
    row = signed_copies.copy(ctx, copy_id)
    data, mime = bytes(row.data), row.mime
    if mime == PDF:
        return Loaded(copy_id, data, mime, None)
    image, problem = decode_image(data)
    return Loaded(copy_id, data, mime, image, problem)


def decode_image(data: bytes) -> tuple[QImage | None, str]:
    """The image upright (a phone photo kept as it came carries its turn in EXIF) and on
    white paper (a screen signature is ink on transparent), or None and why not. Pillow
    reads it, as it read the scan when it was filed: the office package keeps none of Qt's
    image format plugins (JPEG, TIFF, WebP), and one reader sees what the other saw."""
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    except (OSError, ValueError, PILImage.DecompressionBombError) as exc:
        return None, str(exc) or type(exc).__name__
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        paper = PILImage.new("RGB", picture.size, "white")
        paper.paste(picture, mask=picture.convert("RGBA").getchannel("A"))
        picture = paper
    rgb = picture.convert("RGB")
    width, height = rgb.size
    image = QImage(rgb.tobytes(), width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy(), ""  # copy: the QImage owns its pixels once the bytes are gone


# --- words --------------------------------------------------------------------------------


def copy_line(info: CopyInfo) -> str:
    """The list's line: 扫描件 2026-12-06 14:03 王经理 IMG_0012.jpg（已作废：拍错了单）."""
    parts = [info.way.value, f"{info.filed_at:%Y-%m-%d %H:%M}", info.staff, info.filename]
    line = " ".join(p for p in parts if p)
    if info.voided_at is not None:
        line += _tr("（已作废：{0}）").format(info.void_reason)
    return line


def copy_words(info: CopyInfo) -> str:
    """Under the copy shown: what it is, who filed it, and why it was voided."""
    text = _tr("{0}：{1}，{2}；{3} {4}归档").format(
        info.way.value,
        info.filename,
        size_text(info.size),
        f"{info.filed_at:%Y-%m-%d %H:%M}",
        info.staff or _tr("（无人值班时）"),
    )
    if info.signer:
        text += _tr("；签名人 {0}").format(info.signer)
    if info.voided_at is not None:
        text += "\n" + _tr("已作废（{0}）：{1}").format(
            f"{info.voided_at:%Y-%m-%d %H:%M}", info.void_reason
        )
    return text


def suffixes(mime: str, filename: str) -> tuple[str, ...]:
    """The suffixes a saved copy may carry: its media type's (a large photo is stored
    re-encoded as JPEG whatever it was called), else its own name's."""
    known = FILE_TYPES.get(mime)
    if known is not None:
        return known[1]
    own = Path(filename).suffix.lower()
    return (own,) if own else ()


def save_name(serial: str, info: CopyInfo, mime: str) -> str:
    """The suggested file name: the serial, then the copy's own name with its true suffix
    (PG-20261206-003 IMG_0012.jpg), so saved copies sort by record."""
    name = Path(info.filename)
    wanted = suffixes(mime, info.filename)
    if wanted and name.suffix.lower() not in wanted:
        name = name.with_name(name.stem + wanted[0])
    return f"{serial} {name.name}"


def save_filter(mime: str, filename: str) -> str:
    known = FILE_TYPES.get(mime)
    if known is not None:
        words, names = known
        patterns = " ".join(f"*{s}" for s in names)
        return f"{_tr(words)} ({patterns})"
    return _tr("所有文件 (*)")


def write_copy(target: Path, data: bytes) -> Path:
    """Write the bytes. The desk is told what went wrong (``printing.write_error_text``
    reads the cause), so a failure is a DeskError, not a program error in the log; a file
    cut off by a full disk is not left behind, one that could not be opened is untouched."""
    try:
        out = target.open("wb")
    except OSError as exc:
        raise DeskError(str(exc)) from exc
    try:
        with out:
            out.write(data)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise DeskError(str(exc)) from exc
    return target


# --- the image, fitted or at its own size -------------------------------------------------


class ImageView(QScrollArea):
    """An image scaled down to the view's width (``fit``: a scan or photo is read down the
    page), or at its own size, scrolling. A small one (a screen signature) is never
    enlarged: blown up, its strokes look like another hand's."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidget(self.label)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrows and PgDn scroll a long scan
        self.setBackgroundRole(QPalette.ColorRole.Dark)  # the page stands out from around it
        self.image = QImage()
        self.pixmap = QPixmap()
        self.fit = True
        self._fitted_to = -1  # the width the pixmap shown was scaled to

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.pixmap = QPixmap.fromImage(image)
        self._fitted_to = -1
        self._show()

    def clear(self) -> None:
        self.image = QImage()
        self.pixmap = QPixmap()
        self.label.clear()
        self._fitted_to = -1

    def set_fit(self, fit: bool) -> None:
        self.fit = fit
        self._fitted_to = -1
        self._show()

    def fit_width(self) -> int:
        """The width a fitted image takes: the view's, less the vertical scroll bar when
        the fitted image is taller than the view — decided from the sizes alone, so the
        bar appearing never makes the image scale again — and never more than its own."""
        frame = 2 * self.frameWidth()
        width, height = self.width() - frame, self.height() - frame
        own_width, own_height = self.image.width(), self.image.height()
        if own_width <= 0:
            return max(width, 1)
        fitted = min(width, own_width)
        if own_height * fitted / own_width > height:  # it scrolls: room for the bar
            fitted = min(width - self.verticalScrollBar().sizeHint().width(), own_width)
        return max(fitted, 1)

    def _show(self) -> None:
        if self.pixmap.isNull():
            return
        if not self.fit:
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
            shown = self.pixmap
        else:
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            width = self.fit_width()
            if width == self._fitted_to:
                return
            self._fitted_to = width
            if width >= self.image.width():
                shown = self.pixmap  # small enough already
            else:
                ratio = self.devicePixelRatioF()  # sharp on a high-DPI screen
                shown = self.pixmap.scaledToWidth(
                    round(width * ratio), Qt.TransformationMode.SmoothTransformation
                )
                shown.setDevicePixelRatio(ratio)
        self.label.setPixmap(shown)
        self.label.resize(shown.deviceIndependentSize().toSize())

    def shown_size(self) -> tuple[int, int]:
        """The size the image takes on the screen, in device-independent pixels."""
        shown = self.label.pixmap()
        if shown.isNull():
            return (0, 0)
        size = shown.deviceIndependentSize().toSize()
        return (size.width(), size.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fit:
            self._show()


# --- the dialog ---------------------------------------------------------------------------


class SignedCopyViewer(QDialog):
    """The copies of ``kind``'s record ``record_id`` (serial ``serial``): the list on the
    left — live ones first, newest first, voided ones greyed with their reason — the
    selected copy on the right. The live newest is selected when it opens."""

    NOTE, IMAGE, PDF_PAGE = 0, 1, 2  # the pages of the right-hand side

    def __init__(
        self, ops: Ops, kind: str, record_id: int, serial: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.kind = kind
        self.record_id = record_id
        self.serial = serial
        self.infos: tuple[CopyInfo, ...] = ()
        self.loaded: Loaded | None = None  # the bytes of the copy shown
        self.closed = False  # a late answer after closing touches nothing
        self.listed = False  # the first list has arrived
        self._list_generation = 0
        self._copy_generation = 0
        self.setWindowTitle(_tr("签字件 — {0}").format(serial))

        self.copies = QListWidget()
        self.copies.setAccessibleName(_tr("签字件列表"))
        self.copies.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.copies.setWordWrap(True)  # a voided copy's reason goes on a second line
        self.copies.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.copies.setMinimumWidth(220)
        self.copies.currentRowChanged.connect(self._row_changed)
        self.list_label = QLabel(_tr("签字件"))
        self.list_label.setBuddy(self.copies)

        self.note = QLabel(_tr("正在读取……"))  # shown when there is nothing to show
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.image_view = ImageView()
        self.image_view.setAccessibleName(_tr("签字件图片"))
        self.pdf_buffer: QBuffer | None = None  # the PDF's bytes, held while it is shown
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf_view.setAccessibleName(_tr("签字件 PDF"))
        self.stack = QStackedWidget()
        for page in (self.note, self.image_view, self.pdf_view):
            self.stack.addWidget(page)
        self.about = QLabel()  # the copy shown, in words
        self.about.setWordWrap(True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.zoom = QComboBox()
        for key, words in ZOOMS:
            self.zoom.addItem(_tr(words), key)
        self.zoom.currentIndexChanged.connect(lambda _i: self._apply_zoom())
        zoom_label = QLabel(_tr("显示"))
        zoom_label.setBuddy(self.zoom)

        self.void_button = QPushButton(_tr("作废…(&Z)"))
        self.void_button.setToolTip(
            _tr("归档错了（拿错了单、照片看不清）时作废这份签字件，要写原因")
        )
        self.save_button = QPushButton(_tr("另存为…(&S)"))
        self.save_button.setToolTip(_tr("把这份签字件存成文件（PDF 或图片）"))
        self.close_button = QPushButton(_tr("关闭"))
        self.close_button.setDefault(True)  # Enter closes; it never voids
        self.void_button.clicked.connect(self.void_current)
        self.save_button.clicked.connect(self.save_current)
        self.close_button.clicked.connect(self.reject)
        self.said = QLabel()  # what the last 另存为 did
        self.said.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list_label)
        left_layout.addWidget(self.copies, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(zoom_label)
        top.addWidget(self.zoom)
        right_layout.addLayout(top)
        right_layout.addWidget(self.stack, 1)
        right_layout.addWidget(self.about)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        bar = QHBoxLayout()
        bar.addWidget(self.said, 1)
        for button in (self.void_button, self.save_button, self.close_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bar)

        # Tab from the list to the copy shown, 显示, then the buttons
        chain = (
            self.copies,
            self.image_view,
            self.pdf_view,
            self.zoom,
            self.void_button,
            self.save_button,
            self.close_button,
        )
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.copies.setFocus()

        self._size_to_screen()
        self.splitter.setSizes([LIST_WIDTH, self.width() - LIST_WIDTH])
        self._enable()
        self.finished.connect(self._release)
        ops.changed.connect(self._changed)
        self.reload()

    def _size_to_screen(self) -> None:
        width, height = SIZE
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)

    # --- the list ------------------------------------------------------------------------

    def current_info(self) -> CopyInfo | None:
        row = self.copies.currentRow()
        return self.infos[row] if 0 <= row < len(self.infos) else None

    def reload(self, select: int | None = None) -> None:
        """Read the record's copies again; the copy shown stays selected (``select``: that
        one instead), the first time the live newest."""
        self._list_generation += 1
        generation = self._list_generation
        kind, record_id = self.kind, self.record_id

        def show(found: SignedStatus | None) -> None:
            if self.closed or generation != self._list_generation:
                return
            current = self.current_info()
            wanted = select if select is not None else current.id if current else None
            self._show_list(found.copies if found is not None else (), wanted)

        def failed(exc: BaseException) -> None:
            if self.closed or generation != self._list_generation:
                return
            self._show_note(_tr("签字件没能读出：{0}").format(exc))
            msgbox.error(self, _tr("打不开签字件"), str(exc))

        self.ops.read(lambda ctx: signed_copies.status(ctx.session, kind, record_id), show, failed)

    def _show_list(self, infos: tuple[CopyInfo, ...], wanted: int | None) -> None:
        self.listed = True
        self.infos = infos
        self.list_label.setText(_tr("签字件（{0} 份）").format(len(infos)))
        ids = [info.id for info in infos]
        # the copy shown stays; the first time (or when it is gone), the live newest —
        # the list comes live first, newest first
        row = ids.index(wanted) if wanted in ids else 0 if infos else -1
        self.copies.blockSignals(True)  # one load of the copy, after the list is complete
        try:
            self.copies.clear()
            for info in infos:
                item = QListWidgetItem(copy_line(info))
                item.setToolTip(copy_words(info))
                if info.voided_at is not None:
                    item.setForeground(VOIDED)
                self.copies.addItem(item)
            self.copies.setCurrentRow(row)
        finally:
            self.copies.blockSignals(False)
        self._row_changed(row)

    def _changed(self, changes: Changes) -> None:
        """A copy of this record filed or voided, here or elsewhere."""
        if not self.closed and self.record_id in changes.ids_of(self.kind):
            self.reload()

    # --- the copy shown ------------------------------------------------------------------

    def _row_changed(self, row: int) -> None:
        info = self.infos[row] if 0 <= row < len(self.infos) else None
        self.about.setText(copy_words(info) if info is not None else "")
        self.about.setStyleSheet(
            "color:#c0392b;" if info is not None and info.voided_at is not None else ""
        )
        if info is None:
            self._copy_generation += 1  # an answer on its way for another copy is dropped
            self.loaded = None
            self._show_note(_tr("这条记录还没有签字件。") if self.listed else _tr("正在读取……"))
            self._enable()
            return
        if self.loaded is not None and self.loaded.copy_id == info.id:
            self._enable()  # the same copy, its words may have changed (作废)
            return
        self.load_copy(info.id)

    def load_copy(self, copy_id: int) -> None:
        self._copy_generation += 1
        generation = self._copy_generation
        self.loaded = None
        self._show_note(_tr("正在读取……"))
        self._enable()

        def show(loaded: Loaded) -> None:
            if not self.closed and generation == self._copy_generation:
                self._show_copy(loaded)

        def failed(exc: BaseException) -> None:
            if not self.closed and generation == self._copy_generation:
                self._show_note(_tr("这份签字件没能读出：{0}").format(exc))

        # up to 20 MB read and a photo decoded: on the second lane, so saves never wait
        self.ops.render(lambda ctx: read_copy(ctx, copy_id), show, failed)

    def _show_copy(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self._close_pdf()
        self.image_view.clear()
        if loaded.mime == PDF:
            self.pdf_buffer = QBuffer(self)
            self.pdf_buffer.setData(QByteArray(loaded.data))
            self.pdf_buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.pdf_document.load(self.pdf_buffer)
            if self.pdf_document.status() == QPdfDocument.Status.Error:
                self._show_note(
                    _tr("这份 PDF 无法显示（{0}）。请点“另存为…”存下来，用其他程序打开。").format(
                        self.pdf_document.error().name
                    )
                )
            else:
                self.stack.setCurrentIndex(self.PDF_PAGE)
        elif loaded.image is not None:
            self.image_view.set_image(loaded.image)
            self.stack.setCurrentIndex(self.IMAGE)
        else:
            self._show_note(
                _tr("这份图片无法显示（{0}）。请点“另存为…”存下来，用其他程序打开。").format(
                    loaded.problem or loaded.mime
                )
            )
        self._apply_zoom()
        self._enable()

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.stack.setCurrentIndex(self.NOTE)

    def _close_pdf(self) -> None:
        self.pdf_document.close()
        if self.pdf_buffer is not None:
            self.pdf_buffer.close()
            self.pdf_buffer.deleteLater()
            self.pdf_buffer = None

    def _apply_zoom(self) -> None:
        fit = self.zoom.currentData() == "fit"
        self.image_view.set_fit(fit)
        if fit:
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        else:
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.pdf_view.setZoomFactor(1.0)

    def _enable(self) -> None:
        info = self.current_info()
        self.void_button.setEnabled(info is not None and info.voided_at is None)
        self.save_button.setEnabled(
            info is not None and self.loaded is not None and self.loaded.copy_id == info.id
        )
        self.zoom.setEnabled(self.stack.currentIndex() != self.NOTE)

    # --- 作废 ----------------------------------------------------------------------------

    def void_current(self) -> None:
        """作废…: with a reason; the list follows on ``ops.changed``."""
        info = self.current_info()
        if info is None or info.voided_at is not None:
            return
        reason = text_question.ask_text(
            self,
            _tr("作废签字件 — {0}").format(info.filename),
            _tr("作废原因"),
            max_len=200,
        )
        if reason is None:
            return
        copy_id = info.id
        self.void_button.setEnabled(False)

        def failed(exc: BaseException) -> None:
            if self.closed:
                return
            self._enable()
            msgbox.error(self, _tr("没有作废"), str(exc))

        # an id, not the row: the session is closed when the answer arrives
        self.ops.write(lambda ctx: signed_copies.void(ctx, copy_id, reason).id, None, failed)

    # --- 另存为 ---------------------------------------------------------------------------

    def save_current(self) -> None:
        """另存为…: the copy's bytes, as filed, to a file the desk chooses."""
        info, loaded = self.current_info(), self.loaded
        if info is None or loaded is None or loaded.copy_id != info.id:
            return
        allowed = suffixes(loaded.mime, info.filename)
        path = dialogs.ask_save_path(
            self,
            _tr("另存为"),
            printing.suggested_path(save_name(self.serial, info, loaded.mime)),
            save_filter(loaded.mime, info.filename),
        )
        if not path:
            return
        target = printing.with_suffix(path, *allowed) if allowed else Path(path)
        data, serial = loaded.data, self.serial
        self.save_button.setEnabled(False)

        def done(_path: Path) -> None:
            printing.remember_folder(target)
            # a resident's signature left the program: on the record of exports
            printing.record_export(
                self.ops,
                self,
                printing.Exported(_tr("签字件 {0}").format(serial), 1),
                target,
                lambda: self._saved(target),
            )

        def failed(exc: BaseException) -> None:
            if not self.closed:
                self._enable()
            msgbox.error(self, _tr("没有另存"), printing.write_error_text(exc, target))

        # 20 MB onto a USB stick takes a while: not on the GUI thread
        self.ops.background(lambda: write_copy(target, data), done, failed)

    def _saved(self, target: Path) -> None:
        if self.closed:
            return
        self._enable()
        self.said.setText(_tr("已另存到 {0}").format(target))

    # --- closing -------------------------------------------------------------------------

    def _release(self, _result: int) -> None:
        """Let go of the bytes and the PDF at once; the dialog itself is deleted once the
        worker is idle (``open_viewer``)."""
        if self.closed:
            return
        self.closed = True
        self.ops.changed.disconnect(self._changed)  # the window's ops outlive this dialog
        self.loaded = None
        self._close_pdf()
        self.image_view.clear()


def open_viewer(
    ops: Ops, kind: str, record_id: int, serial: str, parent: QWidget | None
) -> SignedCopyViewer:
    """Show the copies of ``kind``'s record ``record_id`` (non-modal), the list focused.
    The dialog is deleted after it closes, once no answer is on its way to it
    (``delete_when_closed``; plain ``WA_DeleteOnClose`` would let a late one reach a
    deleted dialog)."""
    viewer = SignedCopyViewer(ops, kind, record_id, serial, parent)
    delete_when_closed(viewer, ops)
    viewer.show()
    viewer.copies.setFocus()
    return viewer
