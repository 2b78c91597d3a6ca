"""What the five desk tabs share: entry form on the left, list on the right, detail below.

A tab subclass supplies its form (``build_form``), how to save it (``save_job``), its list
columns and its actions. Everything touching the database is an operation — a function of
a ``Ctx`` — handed to ``Ops``: saves and actions to ``ops.write``, list pages, counts and
details to ``ops.read``, exports and previews to ``ops.render``. The form is cleared only
after the save committed, and on an error what was typed stays. The list and the detail
follow ``ops.changed``: whatever screen changed a record, every tab showing it reloads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.models import kinds
from desk.models.errors import ValidationError
from desk.reports.form_data import Form, render
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx, local_now
from desk.services.io import paper_forms
from desk.services.records import callbacks, carry
from desk.services.views import details, list_export, lists
from desk.services.views.resident_search import Match
from desk.ui import dialogs, msgbox, printing
from desk.ui.dialogs import callback_dialog
from desk.ui.field_errors import FieldErrors, ask_reason, error_label
from desk.ui.form_drafts import FormDrafts
from desk.ui.models.paged import PagedTableModel, ViewColumn
from desk.ui.ops import Ops
from desk.ui.widgets.record_detail import RecordDetail
from desk.ui.widgets.resident_lookup import ResidentLookup

SCOPES = ["今天", "未完成", "已超时", "全部"]
# 转报修 / 转投诉: a visit or a call becomes a new record on another tab
TURN_INTO = {"转报修": "workorder", "转投诉": "complaint"}
SEARCH_DEBOUNCE_MS = 200
COUNT_CAP = 10_000  # "10000+" is all a person needs; an exact count of a huge match costs

Op = Callable[[Ctx], Any]  # an operation: run by Ops in a transaction it opens


class RecordTab(QWidget):
    """Base of 来访接待, 来电记录, 报修派工, 投诉处理, 物品借用."""

    kind = ""  # "call", "visit", … — the details/lists kind
    title = ""
    actions: frozenset[str] = frozenset()  # the detail actions this tab can carry out
    # other kinds (table names) the list shows, besides ``kind``: a change to one reloads it
    shows: frozenset[str] = frozenset()
    # the paper form of a record (paper_forms.record_form's kind): 打印/导出PDF/导出Excel; None:
    # visits and calls have none
    forms_kind: str | None = None
    saved = Signal(object)  # the record just saved
    status = Signal(str)  # a line for the window's status bar
    turn_into = Signal(str, object)  # target kind, carry.Carry: the window opens that form

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops  # writes are stamped with ops.desk.duty: who and which shift
        self.saving = False
        # the list's order: a column's sort key from lists.sortable, newest first by default
        self.sort_key = "created_at"
        self.descending = True

        # --- form (left) -------------------------------------------------------------
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setDefault(True)
        self.clear_button = QPushButton(self.tr("清空"))
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.ask_clear)
        self.build_form()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        # a long form scrolls; the error line and 保存/清空 stay in view under it
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addLayout(self.form)
        inner_layout.addStretch(1)
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        form_scroll.setWidget(inner)
        self.form_widget = inner
        self.drafts: FormDrafts | None = None  # keep_drafts turns it on (the window does)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(form_scroll, 1)
        left_layout.addWidget(self.general_error)
        left_layout.addLayout(buttons)

        # --- list (right) ------------------------------------------------------------
        self.scope = QComboBox()
        self.scope.addItems([self.tr(s) for s in SCOPES])
        self.scope.setCurrentIndex(SCOPES.index("全部"))
        self.date_from = _date_edit()
        self.date_to = _date_edit()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("查找：单号、姓名、房号、电话、内容……"))
        self.search.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        for text, widget in (
            (self.tr("范围"), self.scope),
            (self.tr("从"), self.date_from),
            (self.tr("到"), self.date_to),
            (self.tr("查找"), self.search),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        self.model = PagedTableModel(ops, self.columns(), row_colour=self.row_colour)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self.sort_by_column)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.loaded.connect(self._fit_columns)
        self.model.loaded.connect(self._keep_shown_record)
        self.count_label = QLabel()
        self.export_button = QPushButton(self.tr("导出Excel…"))
        self.export_button.setToolTip(self.tr("把列表按现在的筛选和排序导出为 Excel 表格"))
        self.export_button.clicked.connect(self.export_list)
        self.list_export: printing.ExportProgress | None = None
        self.preview: printing.PrintPreviewDialog | None = None
        self.preview_pending = False  # a second click while the PDF is made opens nothing
        under_list = QHBoxLayout()
        under_list.addWidget(self.count_label)
        under_list.addStretch(1)
        for button in [*self.list_buttons(), self.export_button]:
            under_list.addWidget(button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addLayout(filters)
        right_layout.addWidget(self.view)
        right_layout.addLayout(under_list)

        # --- detail (below) ----------------------------------------------------------
        self.detail = RecordDetail()
        self.detail.action_requested.connect(self.run_action)
        self.detail.document_requested.connect(self.document_action)
        if self.forms_kind is not None:
            self.detail.add_document_button(
                "print", self.tr("打印…"), self.tr("预览这张表单，再选打印机打印")
            )
            self.detail.add_document_menu(
                "export",
                self.tr("导出"),
                [("pdf", self.tr("导出PDF…")), ("xlsx", self.tr("导出Excel…"))],
                self.tr("把这张表单存为 PDF 文件或 Excel 表格"),
            )

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(left)
        top.addWidget(right)
        top.setStretchFactor(0, 2)
        top.setStretchFactor(1, 5)
        top.setSizes([360, 900])
        # the detail, and beside it whatever a tab adds (add_beside_detail)
        self.below = QSplitter(Qt.Orientation.Horizontal)
        detail_scroll = QScrollArea()  # a long record scrolls instead of squeezing the list
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        detail_scroll.setWidget(self.detail)
        self.below.addWidget(detail_scroll)
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(top)
        outer.addWidget(self.below)
        outer.setStretchFactor(0, 3)
        outer.setStretchFactor(1, 2)
        outer.setSizes([520, 240])  # the form and list first; the detail scrolls if long
        layout = QVBoxLayout(self)
        layout.addWidget(outer)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.scope.currentIndexChanged.connect(lambda _i: self.reload())
        self.date_from.dateChanged.connect(lambda _d: self.reload())
        self.date_to.dateChanged.connect(lambda _d: self.reload())
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_record)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.ask_clear)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        ops.changed.connect(self.on_changed)
        self._show_sort_indicator()
        self.reload()

    # --- for subclasses --------------------------------------------------------------

    def build_form(self) -> None:
        raise NotImplementedError

    def columns(self) -> list[ViewColumn]:
        raise NotImplementedError

    def save_job(self) -> Op:
        """Read the form into a draft (in the GUI thread) and return the write operation
        (``write_job``)."""
        raise NotImplementedError

    def clear_form(self) -> None:
        raise NotImplementedError

    def has_input(self) -> bool:
        raise NotImplementedError

    def fetch_page(
        self, ctx: Ctx, values: dict[str, Any], offset: int, limit: int, order: tuple[str, bool]
    ) -> list[Any]:
        """One page of the list. Runs on the DB worker: use ``values``, never the widgets."""
        key, descending = order
        return lists.list_rows(
            ctx.session,
            self.kind,
            flt=lists.ListFilter(**values),
            now=ctx.now,
            offset=offset,
            limit=limit,
            sort=key,
            descending=descending,
        )

    def row_id(self, row: Any) -> int:
        return row.id

    def row_colour(self, row: Any) -> str | None:
        return None

    def action_job(self, action: str, record_id: int) -> Op | None:
        """The write operation for a detail action, or None when the action was cancelled."""
        raise NotImplementedError

    def take_over(self, carried: carry.Carry) -> None:
        """转报修 / 转投诉: the form filled with who, where and what from a visit or a call;
        the saved record links back to it. The repair and complaint tabs have the fields
        used here (``description``, ``carried_note``, ``category``) and ``fill_carried``."""
        source = self.tr("来电") if carried.source == "call" else self.tr("来访")
        if self.has_input() and not msgbox.confirm(
            self,
            self.tr(self.title),
            self.tr("表单里有未保存的内容，换成{0} {1} 的内容吗？").format(source, carried.serial),
        ):
            return
        self.clear_form()
        self.errors.clear()
        self.person.setText(carried.person)
        self.phone.setText(carried.phone)
        self.room.setText(carried.room)
        self.resident_id = carried.resident_id
        self.fill_carried(carried)
        self.carried = carried
        self.carried_note.setText(self.tr("由{0} {1} 转来").format(source, carried.serial))
        self.carried_note.setVisible(True)
        self.category.setFocus()  # the one thing the visit or call did not say

    def fill_carried(self, carried: carry.Carry) -> None:
        """The tab's own fields from a carried visit or call (text, channel)."""
        raise NotImplementedError

    # --- form ------------------------------------------------------------------------

    def add_row(self, label: str, widget: QWidget, field: str | None = None) -> QLabel | None:
        """A form row with, when ``field`` is given, an error label right under it."""
        self.form.addRow(self.tr(label), widget)
        if field is None:
            return None
        err = error_label()
        self.form.addRow(err)
        self.errors.add(field, err, widget)
        return err

    def add_field(self, widget: QWidget, field: str, *, error: str | None = None) -> QLabel | None:
        """A form row for a stored field, under its one label (desk.models.kinds); the
        services' errors for it (``error``, when they name it otherwise) show beneath."""
        return self.add_row(kinds.kind(self.kind).label(field), widget, error or field)

    def add_beside_detail(self, panel: QWidget, stretch: int = 1) -> None:
        """A panel to the right of the detail (the complaint's attachments)."""
        self.below.addWidget(panel)
        self.below.setStretchFactor(0, 3)
        self.below.setStretchFactor(self.below.indexOf(panel), stretch)

    def errors_label(self, field: str) -> QLabel:
        return self.errors.label(field)

    def add_party_rows(self) -> None:
        """查找住户 + who + phone + room: the lookup fills the three below it."""
        self.lookup = ResidentLookup(self.ops)
        self.lookup.chosen.connect(self.fill_from)
        self.add_row("查找住户", self.lookup)
        self.person = QLineEdit()
        self.person.setMaxLength(40)
        self.add_field(self.person, "person_name")
        self.phone = QLineEdit()
        self.add_field(self.phone, "phone")
        self.room = QLineEdit()
        self.room.setPlaceholderText(self.tr("如 3-2-1201"))
        self.add_field(self.room, "room_text", error="room")
        self.resident_id: int | None = None
        for line in (self.person, self.phone, self.room):
            line.returnPressed.connect(self.save)

    def fill_from(self, match: Match) -> None:
        self.person.setText(match.name)
        self.phone.setText(match.phone)
        self.room.setText(match.room)
        self.resident_id = match.resident_id

    def clear_party(self) -> None:
        for widget in (self.lookup, self.person, self.phone, self.room):
            widget.clear()
        self.resident_id = None

    def party_has_input(self) -> bool:
        return any((self.person.text(), self.phone.text(), self.room.text()))

    def write_job(self, fn: Callable[..., Any], *args: Any) -> Op:
        """The operation ``fn(ctx, *args)``, for ``ops.write``: it runs in one write
        transaction stamped with the person and shift on duty when it is submitted."""
        return lambda ctx: fn(ctx, *args)

    def void_job(self, fn: Callable[..., Any], record_id: int) -> Op | None:
        reason = ask_reason(self)
        return None if reason is None else self.write_job(fn, record_id, reason)

    def save(self) -> None:
        if self.saving:
            return
        self.errors.clear()
        try:
            job = self.save_job()
        except ValidationError as exc:  # checked in the form before any write
            self.errors.show(exc)
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.ops.write(job, self._saved, self._save_failed)

    def keep_drafts(self, path: Path) -> bool:
        """Keep what is typed in ``path`` until it is saved; put back a draft kept there by
        an earlier run. True when one was put back."""
        self.drafts = FormDrafts(self.form_widget, self.has_input, path, self)
        return self.drafts.restore()

    def _saved(self, record: Any) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if self.drafts is not None:
            self.drafts.discard()  # first: a saved record must never come back as a draft
        self.clear_form()  # only now: the save has been committed
        self.status.emit(self.tr("已保存 {0}").format(getattr(record, "serial", "")))
        self.saved.emit(record)  # the list reloads on ops.changed, which follows

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.errors.show(exc)
        else:
            msgbox.error(
                self,
                self.tr("没有保存"),
                self.tr("{0}\n\n您填写的内容还在，处理后可再点“保存”。").format(exc),
            )

    def ask_clear(self) -> None:
        if self.has_input() and not msgbox.confirm(
            self, self.tr("清空"), self.tr("清空已填写的内容？")
        ):
            return
        if self.drafts is not None:
            self.drafts.discard()
        self.clear_form()
        self.errors.clear()

    def new_record(self) -> None:
        self.ask_clear()
        self.first_field().setFocus()

    def first_field(self) -> QWidget:
        """The form's first input (rows spanning the form, like a greeting line, are not)."""
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if item is not None and item.widget() is not None:
                return item.widget()
        return self

    # --- list ------------------------------------------------------------------------

    def filter_values(self) -> dict[str, Any]:
        return {
            "scope": SCOPES[self.scope.currentIndex()],
            "date_from": _py_date(self.date_from),
            "date_to": _py_date(self.date_to),
            "text": self.search.text().strip(),
        }

    def count_rows(self, ctx: Ctx, values: dict[str, Any]) -> int:
        """How many rows the list has, at most COUNT_CAP. Runs on the DB worker."""
        return lists.count_rows(
            ctx.session, self.kind, flt=lists.ListFilter(**values), now=ctx.now, cap=COUNT_CAP
        )

    def show_scope(self, scope: str) -> None:
        """Show the list filtered to ``scope`` (今天/未完成/已超时/全部), no date or search limit:
        where a status-bar count jumps to."""
        self.show_filtered(scope)

    def show_found(self, serial: str, record_id: int) -> None:
        """A record found by its serial (扫码查单): the list narrowed to it, its detail shown."""
        self.show_filtered("全部", text=serial)
        self.show_record(record_id)

    def show_filtered(
        self, scope: str, start: date | None = None, end: date | None = None, text: str = ""
    ) -> None:
        """Set every filter at once and load the list once (not once per filter)."""
        for edit, day in ((self.date_from, start), (self.date_to, end)):
            edit.blockSignals(True)
            edit.setDate(edit.minimumDate() if day is None else QDate(day))
            edit.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)
        if self.scope.currentIndex() == SCOPES.index(scope):
            self.reload()
        else:
            self.scope.setCurrentIndex(SCOPES.index(scope))  # reloads

    def sort_by_column(self, section: int) -> None:
        """Header click: sort by that column; a second click on it turns the order round."""
        key = self.model.column(section).sort
        header = self.view.horizontalHeader()
        if key is None:
            self.status.emit(self.tr("这一列不能排序"))
        elif key == self.sort_key:
            self.descending = not self.descending
        else:
            self.sort_key, self.descending = key, key == "created_at"
        self._show_sort_indicator()
        if key is not None:
            self.reload()
        header.update()

    def _show_sort_indicator(self) -> None:
        header = self.view.horizontalHeader()
        for section in range(self.model.columnCount()):
            if self.model.column(section).sort == self.sort_key:
                order = (
                    Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder
                )
                header.setSortIndicator(section, order)
                return
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)

    def reload(self) -> None:
        values = self.filter_values()  # read the widgets here, in the GUI thread
        order = (self.sort_key, self.descending)
        self.model.set_fetch(
            lambda ctx, offset, limit: self.fetch_page(ctx, values, offset, limit, order)
        )
        self.ops.read(lambda ctx: self.count_rows(ctx, values), self._show_count)

    def _show_count(self, n: int) -> None:
        shown = f"{COUNT_CAP}+" if n >= COUNT_CAP else str(n)
        self.count_label.setText(self.tr("共 {0} 条").format(shown))

    def _fit_columns(self) -> None:
        """Size the columns to the first page once; later pages keep the widths."""
        if self.model.rowCount() <= self.model.page_size:
            self.view.resizeColumnsToContents()

    def on_changed(self, changes: Changes) -> None:
        """A write committed (on this tab or any other screen): reload the list when it
        shows what changed. Subclasses extend it for what else they show."""
        if not changes.concerns(self.kind, *self.shows):
            return
        self.reload()
        # the detail follows what an action did, even when the record has left the
        # filtered list (未完成 after 完成); a change without ids may be anything
        shown = self.detail.detail
        ids = changes.ids_of(self.kind)
        if shown is not None and (shown.record_id in ids or not ids):
            self.show_record(shown.record_id)

    def _keep_shown_record(self) -> None:
        """A reload clears the list's selection: select the record the detail shows again."""
        shown = self.detail.detail
        if shown is None or self.view.selectionModel().currentIndex().isValid():
            return
        for i, row in enumerate(self.model.rows):
            if self.row_id(row) == shown.record_id:
                self.view.selectRow(i)
                return

    def _row_changed(self, current: Any, _previous: Any) -> None:
        self._show_current()

    def _show_current(self) -> None:
        index = self.view.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return
        self.show_record(self.row_id(self.model.row_at(index.row())))

    def show_record(self, record_id: int) -> None:
        """Load ``record_id`` into the detail (fields, allowed actions, history)."""
        kind = self.kind

        def show(found: details.Detail) -> None:
            doable = [a for a in found.actions if a in self.actions]
            self.detail.show_detail(dataclasses.replace(found, actions=doable))

        self.ops.read(lambda ctx: details.record_detail(ctx.session, kind, record_id), show)

    def run_action(self, action: str, record_id: int) -> None:
        if action in TURN_INTO:
            self.start_turn_into(TURN_INTO[action], record_id)
            return
        job = (
            self.callback_job(record_id) if action == "回访" else self.action_job(action, record_id)
        )
        if job is None:
            return

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("操作未完成"), str(exc))

        # the list and the detail follow on ops.changed once it has committed
        self.ops.write(job, None, failed)

    def callback_job(self, record_id: int) -> Op | None:
        """回访 of a completed repair or an answered complaint (its pending callback)."""
        serial = self.detail.detail.serial if self.detail.detail is not None else ""
        result = callback_dialog.ask_callback(self, serial)
        if result is None:
            return None
        return self.write_job(callbacks.record_for, self.kind, record_id, result)

    def start_turn_into(self, target: str, record_id: int) -> None:
        """Read what the record hands over, then ask the window to open ``target``'s form."""
        source = self.kind

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("操作未完成"), str(exc))

        self.ops.read(
            lambda ctx: carry.carry_over(ctx, source, record_id),
            lambda found: self.turn_into.emit(target, found),
            failed,
        )

    # --- printing and exporting --------------------------------------------------------

    def list_buttons(self) -> list[QPushButton]:
        """Buttons of a tab beside 导出Excel… under the list (打印登记表…)."""
        return []

    def export_list(self) -> None:
        """The list as filtered and sorted now, as an xlsx; a progress dialog when long."""
        kind = self.kind
        flt = lists.ListFilter(**self.filter_values())  # the widgets, read on this thread
        key, descending = self.sort_key, self.descending
        name = f"{list_export.TITLES[kind]}-{local_now():%Y%m%d}.xlsx"
        path = dialogs.ask_save_path(
            self, self.tr("导出列表"), printing.suggested_path(name), printing.file_filter(".xlsx")
        )
        if not path:
            return
        target = printing.with_suffix(path, ".xlsx")
        self.export_button.setEnabled(False)

        def job(ctx: Ctx, progress: Callable[[int, int], None]) -> int:
            return list_export.export_list(
                ctx.session,
                kind,
                target,
                flt=flt,
                sort=key,
                descending=descending,
                now=ctx.now,
                progress=progress,
            )

        def done(n: int) -> None:
            self.export_button.setEnabled(True)
            printing.remember_folder(target)
            self.status.emit(self.tr("已导出 {0} 条到 {1}").format(n, target))

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            msgbox.error(self, self.tr("未能导出"), printing.write_error_text(exc, target))

        def cancelled() -> None:
            self.export_button.setEnabled(True)
            self.status.emit(self.tr("已取消导出"))

        self.list_export = printing.run_export(
            self.ops, self, self.tr("正在导出列表……"), job, done, failed, cancelled
        )

    def document_action(self, name: str, record_id: int) -> None:
        """打印… / 导出PDF… / 导出Excel… of the record the detail shows."""
        kind = self.forms_kind
        if kind is None:
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

        def job(ctx: Ctx) -> None:
            # on the second lane: the snapshot held while it renders keeps no save waiting
            render(paper_forms.record_form(ctx, kind, record_id), target)

        def done(_result: None) -> None:
            printing.remember_folder(target)
            self.status.emit(self.tr("已导出 {0} 到 {1}").format(serial, target))

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

    def _preview_closed(self, _result: int) -> None:
        self.preview = None  # it deletes itself when closed


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setSpecialValueText(" ")  # the minimum date shows as blank: no limit
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setDate(edit.minimumDate())
    return edit


def _py_date(edit: QDateEdit) -> date | None:
    if edit.date() == edit.minimumDate():
        return None
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def text_of(widget: QLineEdit | QPlainTextEdit) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
