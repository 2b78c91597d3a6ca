"""A list of records with its filters: what 来访 … 借用, 回访 and 交接班 show on the right.

A scope (今天/未完成/…), optionally a date range (typed; 今天/昨天/本周 beside it), and a
search box that waits ``SEARCH_DEBOUNCE_MS`` after the last keystroke; the rows page in lazily
(``PagedTableModel``) in the order a header click chose, coloured by the owner's rule, with
a count and buttons under them (导出Excel… when the owner can export). The row selected
before a reload is selected again after it, and a repeating tick repaints rows whose colour
moves with the clock, without a reload.

The pane reads its widgets in the GUI thread and hands plain values (``filter_values``) to
the owner's fetch, which runs on the DB worker. A source that is not paged
(``fetch_all``) is read whole as one page. Tab leaves the table instead of walking its
cells: the keyboard gets from the list to the buttons and the detail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk.models.typed_dates import QUICK_RANGES, quick_range
from desk.services.core.context import Ctx
from desk.ui import dialogs, msgbox, printing
from desk.ui.models.paged import PagedTableModel, ViewColumn
from desk.ui.ops import Ops
from desk.ui.widgets import date_field
from desk.ui.widgets.date_field import DateField

SEARCH_DEBOUNCE_MS = 200

Values = dict[str, Any]  # the filters as plain values: scope, date_from, date_to, text
Order = tuple[str, bool]  # a sort key (lists.sortable) and whether it runs descending
Page = Callable[[Ctx, Values, int, int, Order | None], Sequence[Any]]  # offset, limit
Whole = Callable[[Ctx, Values], Sequence[Any]]
Count = Callable[[Ctx, Values], int]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ListExport:
    """导出Excel… under the list: the file name to offer, and the job that writes the list
    as filtered and sorted now into ``target`` (run with a progress dialog on the long
    lane; it returns how many rows it wrote); ``what`` names the list in the audit row
    each export writes (``printing.record_export``)."""

    name: Callable[[], str]
    job: Callable[[Values, Order | None, Path], Callable[[Ctx, Progress], int]]
    what: str


class RecordList(QWidget):
    status = Signal(str)  # a line for the window's status bar
    failed = Signal(str)  # the rows or the count could not be read (once per load)
    loaded = Signal()  # a page is on the screen, the kept row selected again
    current_changed = Signal(object)  # the row now current; None when none is
    activated = Signal(object)  # Enter or a double click on a row
    query_changed = Signal(object)  # the filter values a reload is about to show
    ticked = Signal()  # the clock moved on (``tick_ms``): the rows were repainted

    def __init__(
        self,
        ops: Ops,
        columns: list[ViewColumn],
        *,
        fetch: Page | None = None,
        fetch_all: Whole | None = None,
        count: Count | None = None,
        scopes: Sequence[str],
        scope: str | None = None,
        scope_label: str | None = None,
        dates: bool = False,
        search_hint: str | None = None,
        sort: Order | None = None,
        row_colour: Callable[[Any], str | None] | None = None,
        row_id: Callable[[Any], Any] = attrgetter("id"),
        keep: Callable[[], Any] | None = None,
        select_first: bool = False,
        count_cap: int | None = None,
        widest: dict[int, int] | None = None,
        title: str | None = None,
        buttons: Sequence[QPushButton] = (),
        export: ListExport | None = None,
        tick_ms: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``fetch`` pages (offset, limit, order) or ``fetch_all`` reads everything at once;
        ``count`` shows 共 N 条 (N+ from ``count_cap``). ``sort`` is the order to start
        with; without it the headers do not sort. Columns are fitted to the first page,
        each at most its ``widest`` width in pixels. After a reload the row whose
        ``row_id`` is ``keep()`` (default: the row selected last) is selected again, or
        with ``select_first`` the first row."""
        super().__init__(parent)
        if (fetch is None) == (fetch_all is None):
            raise ValueError("a list needs fetch or fetch_all")
        self.ops = ops
        self.scopes = list(scopes)
        self._fetch, self._fetch_all, self._count = fetch, fetch_all, count
        self._row_id, self._keep, self._select_first = row_id, keep, select_first
        self._count_cap = count_cap
        self._widest = widest or {}
        self._fitted = False  # the columns fitted to this load's first page
        self._export = export
        self.sort_key, self.descending = sort if sort is not None else ("", True)
        self._sorts = sort is not None
        self.selected_id: Any = None  # the row selected last (what a reload keeps)
        self._restoring = False  # a reload's rows are coming: select the kept row in them
        self._reselect_at: int | None = None  # reselect_at: a position instead of the row
        self._generation = 0  # bumped by each reload: late answers of older ones are dropped
        self._failed_generation = -1
        self.export_progress: printing.ExportProgress | None = None

        layout = QVBoxLayout(self)

        # --- filters -------------------------------------------------------------------
        self.scope = QComboBox()
        self.scope.addItems([self.tr(s) for s in self.scopes])
        self.scope.setCurrentIndex(self.scopes.index(scope) if scope is not None else 0)
        self.date_from = DateField() if dates else None  # empty: no limit
        self.date_to = DateField() if dates else None
        # 今天/昨天/本周 fill 从/到; out of the Tab chain, which stays 从 → 到 → 查找: the
        # keyboard types 今天 or 昨天 into the fields instead
        self.quick_dates: list[QToolButton] = []
        for name in QUICK_RANGES if dates else ():
            button = QToolButton()
            button.setText(self.tr(name))
            button.setToolTip(self.tr("从/到 填为{0}").format(self.tr(name)))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, n=name: self.show_dates(n))
            self.quick_dates.append(button)
        self.search: QLineEdit | None = None
        if search_hint is not None:
            self.search = QLineEdit()
            self.search.setPlaceholderText(search_hint)
            self.search.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        for text, widget in (
            (scope_label or self.tr("范围"), self.scope),
            (self.tr("从"), self.date_from),
            (self.tr("到"), self.date_to),
            (self.tr("查找"), self.search),
        ):
            if widget is None:
                continue
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, 1 if widget is self.search else 0)
            if widget is self.date_to:
                for button in self.quick_dates:
                    filters.addWidget(button)
        if self.search is None:
            filters.addStretch(1)
        layout.addLayout(filters)

        # --- the rows ------------------------------------------------------------------
        self.model = PagedTableModel(ops, columns, row_colour=row_colour)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setTabKeyNavigation(False)  # Tab leaves the list; arrows move in it
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        if self._sorts:
            header.setSectionsClickable(True)
            header.setSortIndicatorShown(True)
            header.sectionClicked.connect(self.sort_by_column)
        if title is not None:
            title_label = QLabel(title)
            title_label.setBuddy(self.view)
            layout.addWidget(title_label)
        layout.addWidget(self.view, 1)

        # --- under the rows ------------------------------------------------------------
        self.count_label = QLabel()
        self.count_label.setVisible(count is not None)
        self.export_button: QPushButton | None = None
        if export is not None:
            self.export_button = QPushButton(self.tr("导出Excel…"))
            self.export_button.setToolTip(self.tr("把列表按现在的筛选和排序导出为 Excel 表格"))
            self.export_button.clicked.connect(self.export_list)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        for button in [*buttons, self.export_button]:
            if button is not None:
                footer.addWidget(button)
        layout.addLayout(footer)

        # --- behaviour -----------------------------------------------------------------
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.activated.connect(self._activated)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda text: self._fail(self._generation, text))
        self.scope.currentIndexChanged.connect(lambda _i: self.reload())
        for edit in (self.date_from, self.date_to):
            if edit is not None:
                edit.dateChanged.connect(lambda _d: self.reload())
                edit.invalid.connect(self.status)  # the list stays without that limit
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.reload)
        if self.search is not None:
            self.search.textChanged.connect(lambda _t: self._search_timer.start())
            self.search.returnPressed.connect(self.view.setFocus)  # typed: now the rows
            QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        self.clock: QTimer | None = None
        if tick_ms is not None:
            self.clock = QTimer(self)
            self.clock.setInterval(tick_ms)
            self.clock.timeout.connect(self._tick)
            self.clock.start()
        self._show_sort_indicator()
        # the owner calls reload() once it has connected to the signals

    # --- the query -------------------------------------------------------------------

    def filter_values(self) -> Values:
        """The filters shown, as plain values for the fetch on the DB worker."""
        values: Values = {"scope": self.scopes[self.scope.currentIndex()]}
        if self.date_from is not None and self.date_to is not None:
            values["date_from"] = self.date_from.date()
            values["date_to"] = self.date_to.date()
        if self.search is not None:
            values["text"] = self.search.text().strip()
        return values

    def order(self) -> Order | None:
        return (self.sort_key, self.descending) if self._sorts else None

    def reload(self) -> None:
        """Show the rows of the filters and order as they are now, from the first page."""
        values, order = self.filter_values(), self.order()  # the widgets, on this thread
        self._search_timer.stop()  # this load already has the text
        self._generation += 1
        generation = self._generation
        self._restoring = True
        self._fitted = False
        self.query_changed.emit(values)
        if self._fetch_all is not None:
            whole = self._fetch_all
            self.model.set_fetch(
                lambda ctx, offset, _limit: list(whole(ctx, values)) if offset == 0 else []
            )
        else:
            page = self._fetch
            assert page is not None
            self.model.set_fetch(lambda ctx, offset, limit: page(ctx, values, offset, limit, order))
        count = self._count
        if count is not None:
            self.ops.read(
                lambda ctx: count(ctx, values),
                lambda n: self._show_count(generation, n),
                lambda exc: self._fail(generation, str(exc)),
            )

    def show_scope(self, scope: str) -> None:
        """``scope`` with no date or search limit: where a status-bar count jumps to."""
        self.show_filtered(scope)

    def show_filtered(
        self, scope: str, start: date | None = None, end: date | None = None, text: str = ""
    ) -> None:
        """Set every filter at once and load the list once (not once per filter)."""
        for edit, day in ((self.date_from, start), (self.date_to, end)):
            if edit is not None:
                edit.blockSignals(True)
                edit.setDate(day)
                edit.blockSignals(False)
        if self.search is not None:
            self.search.blockSignals(True)
            self.search.setText(text)
            self.search.blockSignals(False)
        if self.scope.currentIndex() == self.scopes.index(scope):
            self.reload()
        else:
            self.scope.setCurrentIndex(self.scopes.index(scope))  # reloads

    def show_dates(self, name: str) -> None:
        """今天/昨天/本周 beside the dates: 从/到 filled, the search kept, one load. The
        scope stays, but 今天 — a day of its own — gives way to 全部, or 昨天 would show
        nothing."""
        start, end = quick_range(name, date_field.today())
        scope = self.scopes[self.scope.currentIndex()]
        if scope == "今天" and "全部" in self.scopes:
            scope = "全部"
        text = self.search.text() if self.search is not None else ""
        self.show_filtered(scope, start, end, text)

    def sort_by_column(self, section: int) -> None:
        """Header click: sort by that column; a second click on it turns the order round."""
        key = self.model.column(section).sort
        if key is None:
            self.status.emit(self.tr("这一列不能排序"))
        elif key == self.sort_key:
            self.descending = not self.descending
        else:
            self.sort_key, self.descending = key, key == "created_at"
        self._show_sort_indicator()
        if key is not None:
            self.reload()
        self.view.horizontalHeader().update()

    def _show_sort_indicator(self) -> None:
        header = self.view.horizontalHeader()
        for section in range(self.model.columnCount()):
            if self._sorts and self.model.column(section).sort == self.sort_key:
                order = (
                    Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder
                )
                header.setSortIndicator(section, order)
                return
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)

    def _show_count(self, generation: int, n: int) -> None:
        if generation != self._generation:
            return  # the count of a query since replaced
        cap = self._count_cap
        shown = f"{cap}+" if cap is not None and n >= cap else str(n)
        self.count_label.setText(self.tr("共 {0} 条").format(shown))

    def _fail(self, generation: int, text: str) -> None:
        if generation == self._generation and generation != self._failed_generation:
            self._failed_generation = generation  # the rows and the count fail together
            self.failed.emit(text)

    # --- the rows --------------------------------------------------------------------

    def current_row(self) -> Any | None:
        index = self.view.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def reselect_at(self, position: int) -> None:
        """After the next reload select the row at ``position`` (or the last one) instead of
        the kept row: the one that took the place of a row that left the list."""
        self._reselect_at = position

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.current_row()
        if row is not None:
            self.selected_id = self._row_id(row)
        self.current_changed.emit(row)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid() and index.row() < self.model.rowCount():
            self.activated.emit(self.model.row_at(index.row()))

    def _loaded(self) -> None:
        if not self._fitted:  # once, on the first page; later pages keep the widths
            self._fitted = True
            self.view.resizeColumnsToContents()
            for column, width in self._widest.items():
                if self.view.columnWidth(column) > width:
                    self.view.setColumnWidth(column, width)
        if self._restoring:
            self._restore()
        self.loaded.emit()

    def _restore(self) -> None:
        """A reload cleared the selection: select the kept row again once it has come."""
        if self.view.selectionModel().currentIndex().isValid():
            self._restoring, self._reselect_at = False, None  # someone chose a row meanwhile
            return
        rows = self.model.rows
        target = None
        if self._reselect_at is not None and rows:
            target = min(self._reselect_at, len(rows) - 1)
        else:
            wanted = self._keep() if self._keep is not None else self.selected_id
            if wanted is not None:
                target = next((i for i, r in enumerate(rows) if self._row_id(r) == wanted), None)
            if target is None and self._select_first and rows:
                target = 0
        self._reselect_at = None
        if not rows:
            self.selected_id = None  # an empty list: nothing is selected any more
        if target is not None:
            self._restoring = False
            self.view.selectRow(target)
        elif self._select_first or not rows:
            self._restoring = False
        # otherwise the kept row may come with a later page

    def _tick(self) -> None:
        self.model.repaint()
        self.ticked.emit()

    # --- export ----------------------------------------------------------------------

    def export_list(self) -> None:
        """The list as filtered and sorted now, as an xlsx; a progress dialog when long."""
        if self._export is None or self.export_button is None:
            return
        values, order = self.filter_values(), self.order()  # the widgets, read on this thread
        path = dialogs.ask_save_path(
            self,
            self.tr("导出列表"),
            printing.suggested_path(self._export.name()),
            printing.file_filter(".xlsx"),
        )
        if not path:
            return
        target = printing.with_suffix(path, ".xlsx")
        button = self.export_button
        button.setEnabled(False)

        what = self._export.what

        def done(n: int) -> None:
            button.setEnabled(True)
            printing.remember_folder(target)
            printing.record_export(
                self.ops,
                self,
                printing.Exported(what, n),
                target,
                lambda: self.status.emit(self.tr("已导出 {0} 条到 {1}").format(n, target)),
            )

        def failed(exc: BaseException) -> None:
            button.setEnabled(True)
            msgbox.error(self, self.tr("未能导出"), printing.write_error_text(exc, target))

        def cancelled() -> None:
            button.setEnabled(True)
            self.status.emit(self.tr("已取消导出"))

        self.export_progress = printing.run_export(
            self.ops,
            self,
            self.tr("正在导出列表……"),
            self._export.job(values, order, target),
            done,
            failed,
            cancelled,
        )
