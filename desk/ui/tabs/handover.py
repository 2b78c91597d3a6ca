"""交接班: the duty record of the shift — what was done, what the next shift must carry —
confirmed by the outgoing receptionist and accepted by the incoming one; and the list of
recent shifts with their handovers, the late ones in red.

Writes are stamped with who is on duty (``ops.desk.duty``, kept by the window); the tab
reloads when a write changes what a duty record is made of (``SHOWS``)."""

from __future__ import annotations

from operator import attrgetter
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.models import kinds
from desk.models.errors import ValidationError
from desk.reports.form_data import Form
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx
from desk.services.duty import handover, on_duty
from desk.services.duty.handover import CarriedItem, DutyEntry
from desk.services.duty.on_duty import DUTY_SCOPES, ShiftView
from desk.services.io import paper_forms
from desk.ui import msgbox, printing
from desk.ui.deadlines import RED
from desk.ui.field_errors import error_label, show_error
from desk.ui.models.paged import ViewColumn, columns_of, short_time
from desk.ui.ops import Ops
from desk.ui.panes.record_list import RecordList
from desk.ui.widgets.tables import list_table

ITEM_HEADERS = ["类别", "单号", "房号/位置", "内容", "期限", "说明"]
# what a duty record and the list are made of: the shifts and handovers, the names, the
# shifts' hours (settings), and the records counted and carried over
SHOWS = (
    "shift", "handover", "staff", "setting",
    "visit", "call", "workorder", "complaint", "loan", "loanitem", "callback", "unit",
)  # fmt: skip


def _table(headers: list[str], stretch: int) -> QTableWidget:
    table = list_table(headers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fill_row(table: QTableWidget, row: int, values: list[str], red: bool) -> None:
    for col, value in enumerate(values):
        item = QTableWidgetItem(value)
        if red:
            item.setBackground(QBrush(QColor(RED)))
        table.setItem(row, col, item)


class HandoverTab(QWidget):
    status = Signal(str)
    record_requested = Signal(str, int)  # kind ("workorder" …), record id

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.view: ShiftView | None = None  # the shift shown on the left

        # --- the shift's duty record (left) ------------------------------------------
        self.heading = QLabel(self.tr("还没有人上班：请先点右上角的“上班”。"))
        font = self.heading.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 1)
        self.heading.setFont(font)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.items = _table(ITEM_HEADERS, 3)
        self.items.cellDoubleClicked.connect(lambda row, _col: self.open_item(row))
        items_label = QLabel(self.tr("移交事项（双击打开原单）"))
        items_label.setBuddy(self.items)
        # the forms handed out to sign and not back: the shift chases them on their own
        self.unsigned_only = QCheckBox(self.tr("只看未签回(&U)"))
        self.unsigned_only.toggled.connect(lambda _on: self._fill_items())
        self.shown_items: list[CarriedItem] = []  # the table's rows, in order
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        self.notes.setPlaceholderText(self.tr("本班重要事项：停水停电、突发情况、领导交办……"))
        self.notes_error = error_label()
        notes_form = QFormLayout()
        notes_form.addRow(kinds.HANDOVER.label("notes"), self.notes)
        notes_form.addRow(self.notes_error)
        self.draft_button = QPushButton(self.tr("保存草稿"))
        self.confirm_button = QPushButton(self.tr("确认交班"))
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.setToolTip(self.tr("客服值班记录表：预览、打印，或导出PDF/Excel"))
        self.print_button.clicked.connect(self.print_record)
        self.draft_button.clicked.connect(lambda: self.write("draft"))
        self.confirm_button.clicked.connect(lambda: self.write("confirm"))
        self.refresh_button.clicked.connect(self.reload)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.confirm_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.heading)
        left_layout.addWidget(self.counts)
        items_head = QHBoxLayout()
        items_head.addWidget(items_label)
        items_head.addStretch(1)
        items_head.addWidget(self.unsigned_only)
        left_layout.addLayout(items_head)
        left_layout.addWidget(self.items, 1)
        left_layout.addLayout(notes_form)
        left_layout.addLayout(buttons)

        # --- the shifts and their handovers (right: the list pane) ----------------------
        self.view_button = QPushButton(self.tr("查看"))
        self.accept_button = QPushButton(self.tr("接班确认"))
        self.view_button.clicked.connect(lambda: self.show_entry(self.duty_list.current_row()))
        self.accept_button.clicked.connect(self.accept_selected)
        self.duty_list = RecordList(
            ops,
            self.duty_columns(),
            fetch_all=lambda ctx, values: on_duty.duty_list(ctx, values["scope"]),
            scopes=DUTY_SCOPES,
            scope_label=self.tr("交接记录"),
            row_colour=lambda e: RED if e.flagged else None,
            row_id=attrgetter("shift_id"),
            buttons=[self.view_button, self.accept_button],
        )
        self.duty_list.activated.connect(self.show_entry)  # Enter or a double click
        self.duty_list.loaded.connect(self._enable)
        self.duty_list.failed.connect(lambda text: msgbox.error(self, self.tr("读取失败"), text))
        self.scope = self.duty_list.scope
        self.duty_table = self.duty_list.view

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.duty_list)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([740, 520])  # the duty list's seven columns fit without scrolling
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        ops.changed.connect(self._changed)
        self.reload()

    # --- loading -----------------------------------------------------------------------

    def reload(self) -> None:
        """The shift shown (the one on duty unless another was picked) and the list."""
        shown = self.view.shift_id if self.view is not None else None
        self.load_shift(shown or self.ops.desk.duty.shift_id)
        self.load_list()

    def _changed(self, changes: Changes) -> None:
        if changes.concerns(*SHOWS):
            self.reload()

    def load_shift(self, shift_id: int | None) -> None:
        if shift_id is None:
            self._show_view(None)
            return
        self.ops.read(lambda ctx: on_duty.shift_view(ctx, shift_id), self._show_view, self._failed)

    def load_list(self) -> None:
        self.duty_list.reload()

    def duty_columns(self) -> list[ViewColumn]:
        """The shifts' list: the registry's columns of 值班记录 (desk.models.kinds.HANDOVER)."""
        return columns_of(kinds.HANDOVER)

    @property
    def entries(self) -> list[DutyEntry]:
        """The shifts the list shows now."""
        return self.duty_list.model.rows

    def _failed(self, exc: BaseException) -> None:
        msgbox.error(self, self.tr("读取失败"), str(exc))

    def _show_view(self, view: ShiftView | None) -> None:
        typed = self.notes.toPlainText()
        same_shift = (
            view is not None and self.view is not None and view.shift_id == self.view.shift_id
        )
        self.view = view
        if view is None:
            self.heading.setText(self.tr("还没有人上班：请先点右上角的“上班”。"))
            self.counts.clear()
            self._fill_items()
            self._enable()
            return
        r = view.record
        state = self.tr("未交班") if view.state is None else str(view.state)
        ends = f"，计划 {r.planned_end:%H:%M} 下班" if r.planned_end else ""
        self.heading.setText(
            self.tr("{0} {1} {2}　{3} 上班{4}　·　{5}").format(
                f"{r.day:%m-%d}",
                r.shift_name,
                view.staff_name,
                short_time(r.started_at),
                ends,
                state,
            )
        )
        counts = "　".join(f"{c.label} {c.made}" for c in r.counts)
        accepted = (
            self.tr("　·　{0} 于 {1} 接班").format(view.incoming_name, short_time(view.accepted_at))
            if view.frozen
            else ""
        )
        self.counts.setText(self.tr("本班：{0}（{1}）").format(counts, r.counts_note) + accepted)
        self._fill_items()
        # keep what is being typed; otherwise show the notes saved with the record
        if not (same_shift and typed and not view.frozen):
            self.notes.setPlainText(r.notes)
        self._enable()

    def _fill_items(self) -> None:
        """The carried items of the record shown — only the 未签回 ones when asked."""
        carried = self.view.record.carried if self.view is not None else ()
        if self.unsigned_only.isChecked():
            carried = tuple(i for i in carried if i.group == handover.UNSIGNED_GROUP)
        self.shown_items = list(carried)
        self.items.setRowCount(len(carried))
        for row, item in enumerate(carried):
            _fill_row(
                self.items,
                row,
                [item.group, item.serial, item.room, item.summary, short_time(item.deadline),
                 item.reason],
                item.overdue,
            )  # fmt: skip

    def _enable(self) -> None:
        open_to_write = self.view is not None and not self.view.frozen
        self.notes.setReadOnly(not open_to_write)
        self.draft_button.setEnabled(open_to_write and self.view.state != "已确认")  # type: ignore[union-attr]
        self.confirm_button.setEnabled(open_to_write)
        listed = self.duty_list.model.rowCount() > 0
        self.view_button.setEnabled(listed)
        self.accept_button.setEnabled(listed)

    # --- actions -----------------------------------------------------------------------

    def write(self, how: str) -> None:
        """保存草稿 / 确认交班 of the shift shown."""
        if self.view is None:
            return
        show_error(self.notes_error, "")
        shift_id, notes = self.view.shift_id, self.notes.toPlainText()
        fn = handover.confirm if how == "confirm" else handover.draft

        def done(_row: object) -> None:
            word = (
                self.tr("已确认交班，请接班同事上班后点“接班确认”。")
                if how == "confirm"
                else self.tr("草稿已保存")
            )
            self.status.emit(word)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                show_error(self.notes_error, str(exc))
            else:
                msgbox.error(
                    self, self.tr("没有保存"), self.tr("{0}\n\n您写的内容还在。").format(exc)
                )

        self.ops.write(lambda ctx: fn(ctx, shift_id, notes), done, failed)

    def show_entry(self, entry: DutyEntry | None) -> None:
        if entry is not None:
            self.load_shift(entry.shift_id)

    def show_current(self) -> None:
        self.view = None
        self.reload()

    def accept_selected(self) -> None:
        entry = self.duty_list.current_row()
        if entry is None:
            msgbox.info(self, self.tr("接班确认"), self.tr("请先在列表里选中要接的班。"))
            return
        if entry.handover_id is None or entry.state != "已确认":
            msgbox.info(
                self,
                self.tr("接班确认"),
                self.tr("这一班还没有确认交班（{0}），请交班同事先点“确认交班”。").format(
                    entry.status
                ),
            )
            return
        self.accept(entry.handover_id)

    def accept(self, handover_id: int) -> None:
        """接班确认 by the person on on_duty."""
        who = self.ops.desk.duty.staff_id
        if who is None:
            return

        def done(_row: object) -> None:
            self.status.emit(self.tr("已接班，交接班记录已固定"))

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("没有接班"), str(exc))

        self.ops.write(lambda ctx: handover.accept(ctx, handover_id, who), done, failed)

    def print_record(self) -> None:
        """The 客服值班记录表 of the shift shown, as saved, in the print preview."""
        if self.view is None or self.view.handover_id is None:
            msgbox.info(
                self,
                self.tr("打印"),
                self.tr("这一班还没有交接班记录：请先“保存草稿”或“确认交班”。"),
            )
            return
        handover_id = self.view.handover_id

        def render(ctx: Ctx) -> tuple[Form, Path]:
            form = paper_forms.handover_form(ctx, handover_id)
            return form, printing.render_for_preview([form], "")

        def show(result: tuple[Form, Path]) -> None:
            form, pdf = result
            self.preview = printing.open_preview(
                self, pdf, f"{form.head.title} {form.head.serial}", form.head.serial,
                form=form, ops=self.ops, exported=printing.forms_exported([form]),
            )  # fmt: skip

        self.ops.render(render, show, lambda exc: msgbox.error(self, self.tr("无法打印"), str(exc)))

    def show_scope(self, scope: str) -> None:
        self.duty_list.show_scope(scope)

    def open_item(self, row: int) -> None:
        if 0 <= row < len(self.shown_items):
            item = self.shown_items[row]
            self.record_requested.emit(item.link_kind, item.link_id)
