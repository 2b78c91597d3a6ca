"""The detail under a list: the record's fields, the action buttons its state allows and its
history (``widgets.record_detail.RecordDetail``), read through ``Ops``; what an owner puts
above it (回访's note) or beside it (a complaint's attachments); and, for a kind with a paper
form, 打印… and 导出 (PDF or Excel) of the record shown, and the print preview of forms.

The owner decides what an action button does (``detail.action_requested``); which actions
are offered is what the record's state allows and the owner can carry out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QScrollArea, QSplitter, QVBoxLayout, QWidget

from desk.models.signature import Strokes
from desk.reports.form_data import Form, render
from desk.services.core.context import Ctx
from desk.services.io import paper_forms
from desk.services.records import signed_copies
from desk.services.views import details
from desk.ui import dialogs, msgbox, printing, signed_scans
from desk.ui.ops import Ops
from desk.ui.widgets.record_detail import RecordDetail

Failed = Callable[[BaseException], None]
# the 签回 menu's entries (document_action names)
SIGNED_FILE, SIGNED_SCREEN, SIGNED_VIEW = "signed-file", "signed-screen", "signed-view"
SIGN_PROMPTS = {
    "workorder": "请业主在框内签名，确认维修已完成、验收合格",
    "complaint": "请业主在框内签名，确认已收到投诉处理结果",
    "loan": "请借用人在框内签名，确认借到所登记的物品并按时归还",
}


class DetailPane(QWidget):
    status = Signal(str)  # a line for the window's status bar
    shown = Signal(object)  # the details.Detail now on the screen

    def __init__(
        self,
        ops: Ops,
        *,
        forms_kind: str | None = None,
        above: Sequence[QWidget] = (),
        parent: QWidget | None = None,
    ) -> None:
        """``forms_kind``: the paper form of the records shown (paper_forms.record_form's
        kind), None when they have none; ``above``: widgets over the detail, scrolling
        with it."""
        super().__init__(parent)
        self.ops = ops
        self.forms_kind = forms_kind
        self.detail = RecordDetail()
        self.preview: printing.PrintPreviewDialog | None = None
        self.viewer: QWidget | None = None  # the signed copies shown (签回 → 查看签字件)
        # a screen signature not saved (the write failed): (kind, record id), its strokes
        self.unsaved_signature: tuple[tuple[str, int], Strokes] | None = None
        self.preview_pending = False  # a second click while the PDF is made opens nothing
        self._generation = 0  # bumped by each load and clear: older answers are dropped
        if forms_kind is not None:
            self.detail.add_document_button(
                "print", self.tr("打印…"), self.tr("预览这张表单，再打印（Ctrl+P）")
            )
            self.detail.add_document_menu(
                "export",
                self.tr("导出"),
                [("pdf", self.tr("导出PDF…")), ("xlsx", self.tr("导出Excel…"))],
                self.tr("把这张表单存为 PDF 文件或 Excel 表格"),
            )
            if forms_kind in signed_copies.FORMS:  # its paper comes back signed
                self.detail.add_document_menu(
                    "signed",
                    self.tr("签回"),
                    [
                        (SIGNED_FILE, self.tr("归档签字件…")),
                        (SIGNED_SCREEN, self.tr("屏幕签名…")),
                        (SIGNED_VIEW, self.tr("查看签字件")),
                    ],
                    self.tr("签字后的纸质表单扫描归档，或请住户在屏幕上签名"),
                )
            self.detail.document_requested.connect(self.document_action)
        body: QWidget = self.detail
        if above:
            body = QWidget()
            body_layout = QVBoxLayout(body)
            body_layout.setContentsMargins(0, 0, 0, 0)
            for widget in above:
                body_layout.addWidget(widget)
            body_layout.addWidget(self.detail)
            body_layout.addStretch(1)
        scroll = QScrollArea()  # a long record scrolls instead of squeezing the list
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        self.beside = QSplitter(Qt.Orientation.Horizontal)  # the detail, then add_beside
        self.beside.addWidget(scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.beside)

    def add_beside(self, panel: QWidget, stretch: int = 1) -> None:
        """A panel to the right of the detail (the complaint's attachments)."""
        self.beside.addWidget(panel)
        self.beside.setStretchFactor(0, 3)
        self.beside.setStretchFactor(self.beside.indexOf(panel), stretch)

    # --- the record shown ------------------------------------------------------------

    def load(
        self,
        kind: str,
        record_id: int,
        actions: Collection[str] = (),
        on_error: Failed | None = None,
    ) -> None:
        """Show ``kind``'s record ``record_id`` (fields, history) with the buttons of those
        ``actions`` its state allows; the answer of a load since replaced is dropped."""
        self._generation += 1
        generation = self._generation

        def show(found: details.Detail) -> None:
            if generation == self._generation:
                doable = [a for a in found.actions if a in actions]
                self.detail.show_detail(dataclasses.replace(found, actions=doable))
                self.shown.emit(self.detail.detail)

        who = self.ops.desk.duty.staff_id  # a 主管 on duty may correct (修改) more
        self.ops.read(
            lambda ctx: details.record_detail(ctx.session, kind, record_id, staff_id=who),
            show,
            on_error,
        )

    def clear(self) -> None:
        """Show nothing (and nothing a load still on its way brings)."""
        self._generation += 1
        self.detail.show_detail(None)

    # --- its paper form --------------------------------------------------------------

    def document_action(self, name: str, record_id: int) -> None:
        """打印… / 导出PDF… / 导出Excel… of the record shown, and its 签回 menu."""
        kind = self.forms_kind
        if kind is None:
            return
        if name in (SIGNED_FILE, SIGNED_SCREEN, SIGNED_VIEW):
            self.signed_action(name, kind, record_id)
            return
        if name == "print":
            self.preview_forms(lambda ctx: [paper_forms.record_form(ctx, kind, record_id)])
            return
        suffix = ".pdf" if name == "pdf" else ".xlsx"
        serial = self.detail.detail.serial if self.detail.detail is not None else kind
        path = dialogs.ask_save_path(
            self,
            self.tr("导出PDF") if suffix == ".pdf" else self.tr("导出Excel"),
            printing.suggested_path(serial + suffix),
            printing.file_filter(suffix),
        )
        if not path:
            return
        target = printing.with_suffix(path, suffix)

        def job(ctx: Ctx) -> printing.Exported:
            # on the second lane: the snapshot held while it renders keeps no save waiting
            form = paper_forms.record_form(ctx, kind, record_id)
            render(form, target)
            return printing.forms_exported([form])

        def done(exported: printing.Exported) -> None:
            printing.remember_folder(target)
            printing.record_export(
                self.ops,
                self,
                exported,
                target,
                lambda: self.status.emit(self.tr("已导出 {0} 到 {1}").format(serial, target)),
            )

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("未能导出"), printing.write_error_text(exc, target))

        self.ops.render(job, done, failed)

    def preview_forms(
        self, build: Callable[[Ctx], Sequence[Form]], title: str = "", empty: str = ""
    ) -> None:
        """Build forms on the second lane (``build(ctx)``), render them into one PDF there
        too, and open the print preview. ``title`` names a batch; ``empty`` is said when
        ``build`` finds nothing."""
        if self.preview_pending:
            return

        def job(ctx: Ctx) -> tuple[list[Form], Path | None]:
            found = list(build(ctx))
            return found, printing.render_for_preview(found, title) if found else None

        def show(result: tuple[list[Form], Path | None]) -> None:
            self.preview_pending = False
            found, pdf = result
            if pdf is None:
                msgbox.info(self, title or self.tr("打印"), empty)
                return
            one = found[0] if len(found) == 1 else None
            head = found[0].head
            self.preview = printing.open_preview(
                self,
                pdf,
                f"{head.title} {head.serial}" if one else title,
                head.serial if one else title,
                form=one,
                ops=self.ops,
                exported=printing.forms_exported(found, title),
            )
            if self.preview is not None:
                self.preview.finished.connect(self._preview_closed)

        def failed(exc: BaseException) -> None:
            self.preview_pending = False
            if isinstance(exc, OSError):  # the temporary PDF could not be written
                text = printing.write_error_text(exc, Path(exc.filename or "预览.pdf"))
            else:
                text = str(exc)
            msgbox.error(self, self.tr("无法打印"), text)

        self.preview_pending = True
        self.ops.render(job, show, failed)

    # --- its signed copy (签回) ---------------------------------------------------------

    def signed_action(self, name: str, kind: str, record_id: int) -> None:
        shown = self.detail.detail
        serial = shown.serial if shown is not None and shown.record_id == record_id else ""
        if name == SIGNED_VIEW:
            from desk.ui.dialogs import signed_copy_viewer  # the viewer loads QtPdf's widgets

            self.viewer = signed_copy_viewer.open_viewer(self.ops, kind, record_id, serial, self)
        elif name == SIGNED_SCREEN:
            self.sign_on_screen(kind, record_id, serial)
        else:
            self.file_scan(serial)

    def file_scan(self, serial: str) -> None:
        """归档签字件…: a scan or photo filed against the record shown — refused when its
        QR code names another record."""

        def filed(name: str, _kind: str, _record_id: int, serial: str) -> None:
            self.status.emit(self.tr("已归档签字件 {0} → {1}").format(name, serial))

        signed_scans.pick_and_file(self, self.ops, serial, filed)

    def sign_on_screen(self, kind: str, record_id: int, serial: str) -> None:
        """屏幕签名…: the resident signs on the screen; stored as strokes and a PNG, printed
        in the form's signature box. A signature whose save failed (a full disk) is shown
        again the next time, so nobody signs twice."""
        who = signed_copies.SIGNERS[kind]
        kept = self.unsaved_signature
        earlier = kept[1] if kept is not None and kept[0] == (kind, record_id) else None
        strokes = dialogs.ask_signature(
            self,
            self.tr("{0}签字 — {1}").format(who, serial),
            self.tr(SIGN_PROMPTS[kind]),
            earlier,
        )
        if strokes is None:
            return
        self.unsaved_signature = ((kind, record_id), strokes)

        def failed(exc: BaseException) -> None:
            again = self.tr("签名还在：处理好后再点“签回 → 屏幕签名…”，确定即可保存。")
            msgbox.error(self, self.tr("签名未保存"), f"{exc}\n{again}")

        def signed(_row: object) -> None:
            self.unsaved_signature = None
            self.status.emit(self.tr("{0} 已由{1}在屏幕上签名").format(serial, who))

        self.ops.write(
            lambda ctx: signed_copies.sign_on_screen(ctx, kind, record_id, strokes), signed, failed
        )

    def _preview_closed(self, _result: int) -> None:
        self.preview = None  # it deletes itself when closed
