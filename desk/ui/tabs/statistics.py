"""统计: the supervisor's monthly figures — tables and charts, exported to Excel and PDF.

The figures are read on the operations' second lane (``Ops.render``, so saves never wait
behind them; ``statistics_tables.load``: the month and the one before, open work judged
at the office clock) and arrive as plain tables, the same ones the
xlsx and the PDF lay out, so the screen and the files never disagree. Each section is a
table — every figure beside the month before and the change — with a chart where one helps,
all in one scroll area that reads top to bottom.

The tab reloads when a write changes what it counts (``SHOWS``) while it is in view, and
when it comes into view after such a change elsewhere.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.models.errors import DeskError
from desk.reports.statistics_report import (
    PIE_COLOURS,
    SERIES_COLOURS,
    Chart,
    Section,
    StatisticsReport,
    show,
)
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx, local_now
from desk.services.views import statistics_tables
from desk.ui import dialogs, msgbox
from desk.ui.ops import Ops

__all__ = ["StatisticsTab", "documents_dir", "export_report", "load_report"]

RELOAD_DELAY_MS = 300  # typing a year or a burst of saves: one reload
CHART_HEIGHT = 300
CHART_MIN_WIDTH = 380
MAX_TABLE_HEIGHT = 560  # a long repeat list scrolls inside its own table
SERIALS_WIDTH = 420
FIRST_MONTH = QDate(2000, 1, 1)
NOTE_STYLE = "color:#555;"
EMPTY_STYLE = "color:#c0392b; font-weight:bold;"
PLACEHOLDER_STYLE = "color:#7f8c8d; border:1px solid #d0d0d0; background:#fafafa;"
TOTAL_BACKGROUND = QColor("#f2f2f2")

FORMATS = {
    "xlsx": ("导出Excel", ".xlsx", "Excel 工作簿 (*.xlsx)"),
    "pdf": ("导出PDF", ".pdf", "PDF 文件 (*.pdf)"),
}
# what the figures count: the records, the rooms repeats are found by, the office's name
# and limits (settings)
SHOWS = ("visit", "call", "workorder", "complaint", "callback", "unit", "setting")


def documents_dir() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def load_report(ctx: Ctx, year: int, month: int, now: datetime) -> StatisticsReport:
    """The month's tables, open work judged at ``now`` (when the tab asked). An operation."""
    ctx.now = now
    return statistics_tables.load(ctx, year, month)


def export_report(ctx: Ctx, year: int, month: int, path: Path, fmt: str, now: datetime) -> Path:
    """Read the month as ``load_report`` does and write it as ``fmt``. An operation."""
    ctx.now = now
    return statistics_tables.export(ctx, year, month, path, fmt)


class StatisticsTab(QWidget):
    title = "统计"
    status = Signal(str)  # a line for the window's status bar
    loaded = Signal(object)  # the StatisticsReport now shown
    exported = Signal(str)  # the path of a file just written

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.report: StatisticsReport | None = None
        self.tables: dict[str, QTableWidget] = {}
        self.charts: dict[str, QWidget] = {}  # a QChartView, or a 无数据 label
        self.last_export: Path | None = None
        self._wanted: tuple[int, int] | None = None
        self._stale = False

        # --- the bar at the top --------------------------------------------------------
        year, month = statistics_tables.last_full_month(local_now())
        self.month_edit = QDateEdit()
        self.month_edit.setDisplayFormat("yyyy年M月")
        self.month_edit.setMinimumDate(FIRST_MONTH)
        self.month_edit.setDate(QDate(year, month, 1))
        self.month_edit.setCurrentSection(QDateEdit.Section.MonthSection)
        self.month_edit.setMinimumWidth(110)
        month_label = QLabel(self.tr("月份"))
        month_label.setBuddy(self.month_edit)
        self.previous_button = QPushButton(self.tr("‹ 上月"))
        self.next_button = QPushButton(self.tr("下月 ›"))
        self.previous_button.clicked.connect(lambda: self.step_month(-1))
        self.next_button.clicked.connect(lambda: self.step_month(1))
        self.excel_button = QPushButton(self.tr("导出Excel…"))
        self.pdf_button = QPushButton(self.tr("导出PDF…"))
        self.excel_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        for widget in (month_label, self.month_edit, self.previous_button, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(16)
        bar.addWidget(self.status_label, 1)
        bar.addWidget(self.excel_button)
        bar.addWidget(self.pdf_button)

        # --- the report, top to bottom ----------------------------------------------------
        self.title_label = QLabel()
        font = QFont(self.title_label.font())
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.title_label.setFont(font)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet(NOTE_STYLE)
        self.empty_label = QLabel()
        self.empty_label.setStyleSheet(EMPTY_STYLE)
        self.empty_label.hide()
        self.sections_box = QWidget()
        self.sections_layout = QVBoxLayout(self.sections_box)
        self.sections_layout.setContentsMargins(0, 0, 0, 0)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(self.title_label)
        content_layout.addWidget(self.notes_label)
        content_layout.addWidget(self.empty_label)
        content_layout.addWidget(self.sections_box)
        content_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        self.month_edit.dateChanged.connect(lambda _d: self._reload_timer.start())
        ops.changed.connect(self._changed)
        self.reload()

    # --- the month ---------------------------------------------------------------------

    def month(self) -> tuple[int, int]:
        d = self.month_edit.date()
        return d.year(), d.month()

    def set_month(self, year: int, month: int) -> None:
        """Show ``year``-``month`` (loaded at once, not after the typing delay)."""
        self.month_edit.setDate(QDate(year, month, 1))
        self._reload_timer.stop()
        self.reload()

    def step_month(self, months: int) -> None:
        d = self.month_edit.date().addMonths(months)
        if d >= FIRST_MONTH:
            self.set_month(d.year(), d.month())

    # --- loading -----------------------------------------------------------------------

    def reload(self) -> None:
        year, month = self.month()
        self._wanted = (year, month)
        self._stale = False
        now = local_now()
        self.status_label.setText(self.tr("正在统计 {0}年{1}月……").format(year, month))
        self.ops.render(lambda ctx: load_report(ctx, year, month, now), self._show, self._failed)

    def _changed(self, changes: Changes) -> None:
        if not changes.concerns(*SHOWS):
            return
        if self.isVisible():
            self._reload_timer.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.status_label.setText(self.tr("统计失败"))
        text = (
            str(exc) if isinstance(exc, DeskError) else self.tr("无法读取统计数字：{0}").format(exc)
        )
        msgbox.error(self, self.tr("统计失败"), text)

    def _show(self, report: StatisticsReport) -> None:
        if (report.year, report.month) != self._wanted:
            return  # an answer for a month chosen before: the current one is on its way
        scrolled = self.scroll.verticalScrollBar().value()
        self.report = report
        self.title_label.setText(f"{report.office}　{report.title}")
        self.notes_label.setText("\n".join(report.notes))
        self.empty_label.setText(
            self.tr("{0}无数据：这个月没有登记任何记录。").format(report.month_text)
        )
        self.empty_label.setVisible(report.empty)
        self._clear_sections()
        for section in report.sections:
            self.sections_layout.addWidget(self._section_box(section))
        self.status_label.setText(
            self.tr("{0}，上月 {1}年{2}月").format(report.month_text, *report.previous)
        )
        # the same place in the report after a reload (a record saved meanwhile)
        QTimer.singleShot(0, lambda: self.scroll.verticalScrollBar().setValue(scrolled))
        self.loaded.emit(report)

    def _clear_sections(self) -> None:
        while self.sections_layout.count():
            item = self.sections_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.tables.clear()
        self.charts.clear()

    # --- one section -----------------------------------------------------------------

    def _section_box(self, section: Section) -> QWidget:
        """The section's heading, then its note, its table and its chart in a frame."""
        outer = QWidget()
        outer.setObjectName(f"section_{section.key}")
        outer_layout = QVBoxLayout(outer)
        outer_layout.setContentsMargins(0, 8, 0, 0)
        heading = QLabel(section.title)
        font = QFont(heading.font())
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        heading.setFont(font)
        box = QGroupBox()
        outer_layout.addWidget(heading)
        outer_layout.addWidget(box)
        layout = QVBoxLayout(box)
        if section.note:
            note = QLabel(section.note)
            note.setWordWrap(True)
            note.setStyleSheet(NOTE_STYLE)
            layout.addWidget(note)
        row = QHBoxLayout()
        if section.rows:
            table = _table(section)
            self.tables[section.key] = table
            row.addWidget(table, 0, Qt.AlignmentFlag.AlignTop)
        else:
            row.addWidget(_placeholder(section.empty_text, 40), 1)
        if section.chart is not None:
            chart = _chart_view(section, section.chart)
            self.charts[section.key] = chart
            row.addWidget(chart, 1, Qt.AlignmentFlag.AlignTop)
        else:
            row.addStretch(1)
        layout.addLayout(row)
        return outer

    # --- export --------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        """导出Excel… / 导出PDF…: ask where, then read and write on the second lane."""
        title, suffix, filters = FORMATS[fmt]
        year, month = self.month()
        suggested = Path(documents_dir()) / statistics_tables.suggested_name(year, month, suffix)
        path = dialogs.ask_save_path(self, self.tr(title), str(suggested), self.tr(filters))
        if not path:
            return
        target = Path(path) if path.lower().endswith(suffix) else Path(path + suffix)
        now = local_now()
        self._exporting(True)
        self.status_label.setText(self.tr("正在导出……"))
        self.ops.render(
            lambda ctx: export_report(ctx, year, month, target, fmt, now),
            self._exported,
            self._export_failed,
        )

    def _exporting(self, busy: bool) -> None:
        self.excel_button.setEnabled(not busy)
        self.pdf_button.setEnabled(not busy)

    def _exported(self, path: Path) -> None:
        self._exporting(False)
        self.last_export = path
        text = self.tr("已导出：{0}").format(path)
        self.status_label.setText(text)
        self.status.emit(text)
        self.exported.emit(str(path))

    def _export_failed(self, exc: BaseException) -> None:
        self._exporting(False)
        self.status_label.setText(self.tr("未能导出"))
        text = str(exc) if isinstance(exc, DeskError) else self.tr("无法写入文件：{0}").format(exc)
        msgbox.error(self, self.tr("未能导出"), text)

    # --- for tests and the screenshot script ---------------------------------------------

    def cell(self, key: str, row: int, column: int) -> str:
        """The text shown in section ``key``'s table."""
        item = self.tables[key].item(row, column)
        return item.text() if item is not None else ""

    def row_texts(self, key: str, first: str) -> list[str]:
        """The row of section ``key`` whose first cell reads ``first``."""
        table = self.tables[key]
        for r in range(table.rowCount()):
            if self.cell(key, r, 0) == first:
                return [self.cell(key, r, c) for c in range(table.columnCount())]
        raise KeyError(first)


# --- tables -------------------------------------------------------------------------------


def _table(section: Section) -> QTableWidget:
    columns = section.columns
    table = QTableWidget(len(section.rows), len(columns))
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
    table.setObjectName(f"table_{section.key}")
    table.setAccessibleName(section.title)
    table.setHorizontalHeaderLabels([c.title for c in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    first_total = len(section.rows) - section.totals
    for r, row in enumerate(section.rows):
        for c, (value, column) in enumerate(zip(row, columns, strict=True)):
            item = QTableWidgetItem(show(value, column.kind))
            wide = column.kind == "text" and column.span >= 3
            item.setTextAlignment(
                (Qt.AlignmentFlag.AlignLeft if wide else Qt.AlignmentFlag.AlignCenter)
                | Qt.AlignmentFlag.AlignVCenter
            )
            if r >= first_total:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setBackground(TOTAL_BACKGROUND)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.resizeColumnsToContents()
    for c, column in enumerate(columns):
        width = max(table.columnWidth(c) + 16, 64)
        if column.kind == "text" and column.span >= 4:  # the serials: wrapped, not one line
            width = SERIALS_WIDTH
            table.setWordWrap(True)
        table.setColumnWidth(c, width)
    table.resizeRowsToContents()
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    frame = 2 * table.frameWidth()
    height = (
        header.sizeHint().height()
        + frame
        + sum(table.rowHeight(r) for r in range(table.rowCount()))
    )
    if height > MAX_TABLE_HEIGHT:
        height = MAX_TABLE_HEIGHT
    else:
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scrollbar = table.verticalScrollBar().sizeHint().width() if height == MAX_TABLE_HEIGHT else 0
    table.setFixedSize(sum(table.columnWidth(c) for c in range(len(columns))) + frame + scrollbar,
                       height)  # fmt: skip
    table.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return table


def _placeholder(text: str, height: int) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet(PLACEHOLDER_STYLE)
    label.setMinimumHeight(height)
    return label


# --- charts -------------------------------------------------------------------------------


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _colour(hex_colour: str) -> QColor:
    return QColor(f"#{hex_colour}")


def _chart_view(section: Section, spec: Chart) -> QWidget:
    rows = section.chart_rows
    if not any(_number(row[i]) for row in rows for i in spec.series):
        label = _placeholder("无数据", CHART_HEIGHT)
        label.setObjectName(f"chart_{section.key}")
        label.setMinimumWidth(CHART_MIN_WIDTH)
        return label
    chart = QChart()
    chart.setTitle(spec.title)
    title_font = QFont(chart.titleFont())
    title_font.setBold(True)
    chart.setTitleFont(title_font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    if spec.kind == "pie":
        _pie(chart, section, spec)
    else:
        _bars(chart, section, spec)
    view = QChartView(chart)
    view.setObjectName(f"chart_{section.key}")
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(CHART_MIN_WIDTH, CHART_HEIGHT)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return view


def _bars(chart: QChart, section: Section, spec: Chart) -> None:
    rows = section.chart_rows
    series = QStackedBarSeries() if spec.kind == "stacked" else QBarSeries()
    scale = 100.0 if spec.percent else 1.0
    raw = [row[i] for row in rows for i in spec.series]
    for n, index in enumerate(spec.series):
        bar_set = QBarSet(section.columns[index].title)
        bar_set.setColor(_colour(SERIES_COLOURS[n % len(SERIES_COLOURS)]))
        bar_set.setBorderColor(_colour(SERIES_COLOURS[n % len(SERIES_COLOURS)]))
        # whole percents on the chart (the table has the tenths): "88%", never "88.6%81.7%"
        values = [_number(row[index]) * scale for row in rows]
        bar_set.append([round(v) if spec.percent else v for v in values])
        bar_set.setLabelColor(QColor("#333333"))  # the theme's white is lost above the bar
        series.append(bar_set)
    # value labels on grouped bars, unless a bar stands for nothing measured ("—", not 0 %)
    if spec.kind == "bar" and None not in raw and len(rows) <= 12:
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value%" if spec.percent else "@value")
        series.setLabelsPrecision(4)
    chart.addSeries(series)

    labels = [str(row[0]) for row in rows]
    axis_x = QBarCategoryAxis()
    if all(label.endswith("时") for label in labels):  # 24 hours: the numbers fit, "时" once
        labels = [label[:-1] for label in labels]
        axis_x.setTitleText("时")
    axis_x.append(labels)
    small = QFont(axis_x.labelsFont())
    small.setPointSizeF(max(small.pointSizeF() - 1, 7))
    axis_x.setLabelsFont(small)
    axis_y = QValueAxis()
    axis_y.setLabelsFont(small)
    if spec.percent:
        axis_y.setRange(0, 110)  # room above 100 % for the labels
        axis_y.setTickType(QValueAxis.TickType.TicksDynamic)
        axis_y.setTickAnchor(0)
        axis_y.setTickInterval(20)
        axis_y.setLabelFormat("%d%%")
    else:
        values = [
            sum(_number(row[i]) for i in spec.series)
            if spec.kind == "stacked"
            else max(_number(row[i]) for i in spec.series)
            for row in rows
        ]
        top = max(values)
        step = _step(top)
        ticks = int(-(-top // step)) or 1
        if ticks * step == top:
            ticks += 1  # room above the tallest bar
        axis_y.setRange(0, ticks * step)
        axis_y.setTickCount(ticks + 1)
        axis_y.setLabelFormat("%d")
        if spec.axis_title:
            axis_y.setTitleText(spec.axis_title)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)


def _step(top: float, ticks: int = 5) -> int:
    """A whole step of 1, 2 or 5 × 10ⁿ dividing 0…``top`` into at most ``ticks`` parts."""
    power = 1
    while True:
        for m in (1, 2, 5):
            if m * power * ticks >= top:
                return m * power
        power *= 10


def _pie(chart: QChart, section: Section, spec: Chart) -> None:
    rows = section.chart_rows
    column = spec.series[0]
    total = sum(_number(row[column]) for row in rows)
    series = QPieSeries()
    for row, colour in zip(rows, PIE_COLOURS, strict=False):
        value = _number(row[column])
        if value <= 0:
            continue  # a zero slice would only stack labels on top of each other
        pie_slice = series.append(f"{row[0]} {value:g}（{value / total * 100:.1f}%）", value)
        pie_slice.setColor(_colour(colour))
        pie_slice.setBorderColor(QColor("white"))
    series.setPieSize(0.8)
    series.setHorizontalPosition(0.4)
    chart.addSeries(series)
    # the legend names each slice with its count and share: no labels crowd a thin slice
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
