"""住户: find anyone in a keystroke, see their record and everything that happened at the flat.

- The search box searches as you type (150 ms after the last key) with
  ``resident_search.search_residents`` on the DB worker; an empty box shows the whole registry,
  loaded page by page (``PagedTableModel`` + ``residents.list_page``).
- Privacy: the list shows phone numbers masked; the detail panel — a staff member opening
  the record — shows them in full.
- The detail panel holds the unit's timeline (``timeline.unit_timeline``, newest first).
- Saves are operations on ``Ops.write``; this tab, like any other, refreshes when the
  ``Ops.changed`` after a commit concerns residents or units (the list and the record) or
  the records of the flat shown (its timeline). The export renders on the second lane.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.models.errors import DeskError, ValidationError
from desk.models.validation import mask_phone, normalize_room
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx
from desk.services.io import resident_import
from desk.services.io.resident_import import ImportResult
from desk.services.records import residents
from desk.services.records.residents import ResidentDetail, ResidentRow
from desk.services.views import resident_search, timeline
from desk.services.views.timeline import TimelineEntry
from desk.ui import dialogs, msgbox, printing
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.dialogs.import_preview import ImportPreviewDialog
from desk.ui.dialogs.resident_form import MoveOutDialog, ResidentFormDialog
from desk.ui.models.paged import PagedTableModel, ViewColumn
from desk.ui.ops import Ops

SEARCH_DELAY_MS = 150
LIST_PAGE = 100
SEARCH_PAGE = 50  # each found resident is opened for its move-in date: keep pages small
TIMELINE_PAGE = 100
# what the list and the record show; and what a flat's timeline is made of (table names)
REGISTRY_KINDS = ("resident", "unit")
TIMELINE_KINDS = ("visit", "call", "workorder", "complaint", "loan", "loanitem", "callback")


# ---------------------------------------------------------------------------------------
# Operations on a read snapshot, and what they hand back (plain data)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    """One line of the list, whether it came from the registry or from a resident_search."""

    resident_id: int
    unit_id: int | None
    room: str
    name: str
    role: str
    phones_masked: str
    moved_in: date | None
    moved_out: date | None

    @property
    def status(self) -> str:
        return "已迁出" if self.moved_out else "在住"


def _from_row(row: ResidentRow) -> ListRow:
    return ListRow(
        row.resident_id,
        row.unit_id,
        row.room,
        row.name,
        row.role.value,
        row.phones_masked,
        row.moved_in,
        row.moved_out,
    )


def _from_detail(d: ResidentDetail) -> ListRow:
    return ListRow(
        d.resident_id,
        d.unit_id,
        d.room,
        d.name,
        d.role.value,
        "、".join(mask_phone(p) for p in d.phones),
        d.moved_in,
        d.moved_out,
    )


def list_page(ctx: Ctx, offset: int, limit: int, include_moved_out: bool) -> list[ListRow]:
    page = residents.list_page(ctx, offset, limit, include_moved_out=include_moved_out)
    return [_from_row(r) for r in page]


def search_page(
    ctx: Ctx, query: str, offset: int, limit: int, include_moved_out: bool
) -> list[ListRow]:
    """Rows ``offset …`` of the search's ranking (the ranking is the same for any limit)."""
    end = min(offset + limit, resident_search.MAX_LIMIT)
    if end <= offset:
        return []
    found = resident_search.search_residents(
        ctx.session, query, limit=end, include_moved_out=include_moved_out
    )
    # A Match has no move-in date: open each found resident (phones masked below).
    return [_from_detail(residents.get_detail(ctx, m.resident_id)) for m in found[offset:]]


@dataclass(frozen=True)
class DetailAnswer:
    detail: ResidentDetail
    housemates: list[ResidentRow]  # everyone else registered at the unit


def load_detail(ctx: Ctx, resident_id: int) -> DetailAnswer:
    detail = residents.get_detail(ctx, resident_id)
    others = (
        [
            r
            for r in residents.residents_of_unit(ctx, detail.unit_id)
            if r.resident_id != resident_id
        ]
        if detail.unit_id is not None
        else []
    )
    return DetailAnswer(detail, others)


def timeline_page(ctx: Ctx, unit_id: int, offset: int, limit: int) -> list[TimelineEntry]:
    return timeline.unit_timeline(ctx.session, unit_id, limit=offset + limit)[offset:]


def _nothing(_ctx: Ctx, _offset: int, _limit: int) -> list[TimelineEntry]:
    return []


# ---------------------------------------------------------------------------------------
# Small dialogs, reached through module functions so tests replace them with monkeypatch
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportOptions:
    full_phones: bool = False
    include_moved_out: bool = False


class ExportOptionsDialog(FormDialog):
    """导出一览表: masked phones (the default) or full ones, with or without moved-out people."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导出业主信息一览表"))
        box = QGroupBox(self.tr("电话号码"))
        self.masked_radio = QRadioButton(
            self.tr("隐藏中间几位（如 138****5678），可打印张贴或交给外单位")
        )
        self.full_radio = QRadioButton(self.tr("完整号码（仅供内部使用，请妥善保管，用后删除）"))
        self.masked_radio.setChecked(True)
        inner = QVBoxLayout(box)
        inner.addWidget(self.masked_radio)
        inner.addWidget(self.full_radio)
        self.moved_out_check = QCheckBox(self.tr("包括已迁出的住户"))
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("选择保存位置……"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(self.moved_out_check)
        layout.addWidget(buttons)

    @property
    def options(self) -> ExportOptions:
        return ExportOptions(self.full_radio.isChecked(), self.moved_out_check.isChecked())


def ask_export_options(parent: QWidget) -> ExportOptions | None:
    return dialogs.answer_of(ExportOptionsDialog(parent), lambda d: d.options)


def ask_move_out_day(parent: QWidget, detail: ResidentDetail) -> date | None:
    return dialogs.answer_of(MoveOutDialog(detail, date.today(), parent), lambda d: d.day)


def documents_dir() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


# ---------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


LIST_COLUMNS = [
    ViewColumn("房号", lambda r: r.room),
    ViewColumn("姓名", lambda r: r.name),
    ViewColumn("身份", lambda r: r.role),
    ViewColumn("电话", lambda r: r.phones_masked),
    ViewColumn("入住日期", lambda r: _day(r.moved_in)),
    ViewColumn("状态", lambda r: r.status),
]
TIMELINE_COLUMNS = [
    ViewColumn("时间", lambda e: e.at.strftime("%Y-%m-%d %H:%M")),
    ViewColumn("类别", lambda e: e.kind),
    ViewColumn("单号", lambda e: e.serial),
    ViewColumn("状态", lambda e: e.state),
    ViewColumn("摘要", lambda e: e.summary),
]
DETAIL_ROWS = (
    ("room", "房号"),
    ("name", "姓名"),
    ("pinyin", "拼音"),
    ("role", "身份"),
    ("phones", "电话"),
    ("moved_in", "入住日期"),
    ("status", "状态"),
    ("area", "建筑面积"),
    ("housemates", "同户住户"),
    ("notes", "备注"),
    ("updated", "登记 / 更新"),
)


class ResidentsTab(QWidget):
    """The 住户 tab. ``ResidentsTab(ops)``; its writes are stamped with who is on duty.

    Signals: ``detail_shown(resident_id)`` once a record is on screen (0 when cleared);
    ``record_requested(kind, record_id)`` when a timeline entry is double-clicked.
    """

    detail_shown = Signal(int)
    record_requested = Signal(str, int)

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.current: ResidentDetail | None = None  # the record in the detail panel
        self.current_id: int | None = None  # … or the one on its way
        self.form_dialog: ResidentFormDialog | None = None
        self.import_dialog: ImportPreviewDialog | None = None
        self.last_export: Path | None = None
        self._detail_request = 0
        self._select_first = False
        self._query = ""

        # --- search ------------------------------------------------------------------------
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("房号 / 姓名 / 拼音首字母 / 电话后四位"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaxLength(resident_search.MAX_QUERY)
        search_label = QLabel(self.tr("查找"))
        search_label.setBuddy(self.search_edit)
        self.include_moved_out = QCheckBox(self.tr("显示已迁出"))
        self.include_moved_out.setChecked(True)
        self.status_label = QLabel()
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_search)
        self.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        self.include_moved_out.toggled.connect(lambda _on: self.apply_search())
        self.search_edit.installEventFilter(self)
        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.include_moved_out)
        top.addSpacing(12)
        top.addWidget(self.status_label)

        # --- the list -----------------------------------------------------------------------
        self.model = PagedTableModel(
            ops,
            LIST_COLUMNS,
            page_size=LIST_PAGE,
            row_colour=lambda r: "#eeeeee" if r.moved_out else None,
        )
        self.model.loaded.connect(self._list_loaded)
        self.model.failed.connect(self._list_failed)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move in it
        self.table.setModel(self.model)
        _table_look(self.table, (80, 72, 44, 190, 86, 56))
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_resident())

        self.add_button = QPushButton(self.tr("新增住户"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.move_out_button = QPushButton(self.tr("迁出……"))
        self.import_button = QPushButton(self.tr("导入名单……"))
        self.export_button = QPushButton(self.tr("导出一览表……"))
        self.add_button.clicked.connect(self.add_resident)
        self.edit_button.clicked.connect(self.edit_resident)
        self.move_out_button.clicked.connect(self.move_out)
        self.import_button.clicked.connect(self.import_list)
        self.export_button.clicked.connect(self.export_list)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.move_out_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(buttons)

        # --- the record ---------------------------------------------------------------------
        self.detail_box = QGroupBox(self.tr("住户资料"))
        form = QFormLayout(self.detail_box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.detail_values: dict[str, QLabel] = {}
        for key, label in DETAIL_ROWS:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(self.tr(label), value)
            self.detail_values[key] = value
        self.empty_label = QLabel(self.tr("在左边选中一位住户，这里显示其资料和房屋记录。"))
        self.empty_label.setStyleSheet("color: #777;")
        form.addRow(self.empty_label)

        self.timeline_box = QGroupBox(self.tr("房屋记录（最新在前）"))
        self.timeline_model = PagedTableModel(
            ops,
            TIMELINE_COLUMNS,
            page_size=TIMELINE_PAGE,
            row_colour=lambda e: "#eeeeee" if e.state == "作废" else None,
        )
        self.timeline_view = QTableView()
        self.timeline_view.setTabKeyNavigation(False)
        self.timeline_view.setModel(self.timeline_model)
        _table_look(self.timeline_view, (118, 44, 130, 64))
        self.timeline_view.doubleClicked.connect(self._timeline_activated)
        timeline_layout = QVBoxLayout(self.timeline_box)
        timeline_layout.addWidget(self.timeline_view)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail_box)
        right_layout.addWidget(self.timeline_box, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([540, 720])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        order = [
            self.search_edit,
            self.table,
            self.add_button,
            self.edit_button,
            self.move_out_button,
            self.import_button,
            self.export_button,
            self.include_moved_out,
            self.timeline_view,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        ops.changed.connect(self._changed)
        self._show_detail(None)
        self.apply_search()

    # --- searching and listing -----------------------------------------------------------

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def apply_search(self, *, open_first: bool = True) -> None:
        """Show what the search box asks for now (the timer calls this after typing); the
        best match is opened unless ``open_first`` is False (a refresh keeps the record)."""
        self.search_timer.stop()
        query, moved = self.search_edit.text().strip(), self.include_moved_out.isChecked()
        self._query = query
        if query:
            self.status_label.setText(self.tr("正在查找……"))
            self._select_first = open_first
            self.model.set_fetch(
                lambda ctx, offset, limit: search_page(ctx, query, offset, limit, moved)
            )
        else:
            self._select_first = False
            self.model.set_fetch(lambda ctx, offset, limit: list_page(ctx, offset, limit, moved))
            self.ops.read(
                lambda ctx: residents.count(ctx, include_moved_out=moved), self._show_count
            )

    def refresh(self) -> None:
        """Reload the list (same search) and the record shown."""
        self.apply_search(open_first=self.current_id is None)
        if self.current_id is not None:
            self.show_resident(self.current_id)

    def _show_count(self, n: int) -> None:
        if not self._query:
            self.status_label.setText(self.tr("共 {0} 位住户").format(n))

    def _list_loaded(self) -> None:
        rows = self.model.rowCount()
        if self._query:
            more = "+" if self.model.canFetchMore() else ""
            self.status_label.setText(
                self.tr("找到 {0}{1} 位").format(rows, more) if rows else self.tr("没有找到")
            )
        if self._select_first and rows:
            self._select_first = False
            self.table.selectRow(0)
            return
        # After a refresh, keep the record shown selected when its row is on screen.
        if self.current_id is not None and not self.table.selectionModel().hasSelection():
            for row in range(rows):
                if self.model.row_at(row).resident_id == self.current_id:
                    self.table.selectRow(row)  # the same record: _row_changed loads nothing
                    break

    def _list_failed(self, message: str) -> None:
        self.status_label.setText(self.tr("读取失败：{0}").format(message))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """↓ or Enter in the search box moves into the list (the first row if none is chosen)."""
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.search_timer.isActive():
                    self.apply_search()
                self.table.setFocus()
                if not self.table.selectionModel().hasSelection() and self.model.rowCount():
                    self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    # --- the record ----------------------------------------------------------------------

    def selected_row(self) -> ListRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() < self.model.rowCount():
            resident_id = self.model.row_at(current.row()).resident_id
            if resident_id != self.current_id or self.current is None:
                self.show_resident(resident_id)

    def show_resident(self, resident_id: int) -> None:
        """Open one record in the detail panel (loaded on the worker)."""
        self.current_id = resident_id
        self._detail_request += 1
        request = self._detail_request
        self.ops.read(
            lambda ctx: load_detail(ctx, resident_id),
            lambda answer: self._detail_loaded(request, answer),
            lambda exc: self._detail_failed(request, exc),
        )

    def _detail_loaded(self, request: int, answer: DetailAnswer) -> None:
        if request == self._detail_request:
            self._show_detail(answer)

    def _detail_failed(self, request: int, exc: BaseException) -> None:
        if request != self._detail_request:
            return
        self.current_id = None
        self._show_detail(None)
        self.status_label.setText(str(exc))

    def _show_detail(self, answer: DetailAnswer | None) -> None:
        d = answer.detail if answer else None
        self.current = d
        v = self.detail_values
        for label in v.values():
            label.setText("")
        self.empty_label.setVisible(d is None)
        self.edit_button.setEnabled(d is not None)
        self.move_out_button.setEnabled(d is not None and d.moved_out is None)
        if d is None or answer is None:
            self.timeline_box.setTitle(self.tr("房屋记录（最新在前）"))
            self.timeline_model.set_fetch(_nothing)
            self.detail_shown.emit(0)
            return
        v["room"].setText(
            f"{d.room}（{d.room_label}）" if d.room_label and d.room_label != d.room else d.room
        )
        v["name"].setText(d.name)
        v["pinyin"].setText(f"{d.name_pinyin}（{d.name_initials}）" if d.name_pinyin else "")
        v["role"].setText(d.role.value)
        v["phones"].setText("、".join(d.phones) or self.tr("（未登记）"))  # full: the record
        v["moved_in"].setText(_day(d.moved_in))
        v["status"].setText(
            self.tr("已于 {0} 迁出").format(d.moved_out) if d.moved_out else self.tr("在住")
        )
        v["area"].setText(f"{d.area_m2:g} ㎡" if d.area_m2 else "")
        v["housemates"].setText(
            "、".join(
                f"{r.name}（{r.role.value}{self.tr('，已迁出') if r.moved_out else ''}）"
                for r in answer.housemates
            )
            or self.tr("（无）")
        )
        v["notes"].setText(d.notes)
        v["updated"].setText(f"{d.created_at:%Y-%m-%d %H:%M} / {d.updated_at:%Y-%m-%d %H:%M}")
        self.timeline_box.setTitle(self.tr("{0} 的房屋记录（最新在前）").format(d.room or d.name))
        if d.unit_id is not None:
            unit_id = d.unit_id
            self.timeline_model.set_fetch(
                lambda ctx, offset, limit: timeline_page(ctx, unit_id, offset, limit)
            )
        else:
            self.timeline_model.set_fetch(_nothing)
        self.detail_shown.emit(d.resident_id)

    def _timeline_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            entry: TimelineEntry = self.timeline_model.row_at(index.row())
            self.record_requested.emit(entry.kind, entry.record_id)

    def _changed(self, changes: Changes) -> None:
        if changes.concerns(*REGISTRY_KINDS):
            self.refresh()  # the record too, and with it its timeline
        elif (
            changes.concerns(*TIMELINE_KINDS)
            and self.current is not None
            and self.current.unit_id is not None
        ):
            self.timeline_model.refresh()  # a visit, call, repair … may belong to this flat

    # --- actions ---------------------------------------------------------------------------

    def _open_form(self, detail: ResidentDetail | None) -> None:
        room = ""
        if detail is None and self._query:
            try:
                room = normalize_room(self._query).code  # searched a flat: add to it
            except ValidationError:
                room = ""
        _discard(self.form_dialog)
        dialog = ResidentFormDialog(self.ops, detail, self, room=room)
        dialog.saved.connect(self._resident_saved)
        self.form_dialog = dialog
        dialog.open()

    def add_resident(self) -> None:
        self._open_form(None)

    def edit_resident(self) -> None:
        if self.current is not None:
            self._open_form(self.current)

    def _resident_saved(self, resident_id: int) -> None:
        # the record to show when the save's Ops.changed (right after this) reloads the tab
        self.current_id = resident_id

    def move_out(self) -> None:
        d = self.current
        if d is None or d.moved_out is not None:
            return
        day = ask_move_out_day(self, d)
        if day is None:
            return
        if not msgbox.confirm(
            self,
            self.tr("确认迁出"),
            self.tr("确定登记 {0} 的 {1} 于 {2} 迁出吗？\n迁出后资料和相关记录都会保留。").format(
                d.room, d.name, day
            ),
        ):
            return
        resident_id = d.resident_id
        self.move_out_button.setEnabled(False)  # the refresh after the commit shows the rest
        self.ops.write(
            lambda ctx: residents.move_out(ctx, resident_id, day),
            on_error=self._move_out_failed,
        )

    def _move_out_failed(self, exc: BaseException) -> None:
        self.move_out_button.setEnabled(self.current is not None and self.current.moved_out is None)
        text = str(exc) if isinstance(exc, DeskError) else self.tr("迁出时出错：{0}").format(exc)
        msgbox.error(self, self.tr("未能迁出"), text)

    def import_list(self) -> None:
        path = dialogs.ask_open_path(
            self,
            self.tr("选择住户名单"),
            documents_dir(),
            self.tr("住户名单 (*.xlsx *.xls *.csv);;所有文件 (*)"),
        )
        if not path:
            return
        _discard(self.import_dialog)
        dialog = ImportPreviewDialog(self.ops, path, self)
        dialog.imported.connect(self._imported)
        self.import_dialog = dialog
        dialog.open()

    def _imported(self, result: ImportResult) -> None:
        text = result.summary()
        if result.units_created:
            text += self.tr("；新建房屋 {0} 户").format(result.units_created)
        # Once this answer is delivered: Ops.changed, after it, reloads the list behind the
        # box instead of waiting for its click.
        QTimer.singleShot(
            0,
            self,
            lambda: msgbox.info(self, self.tr("导入完成"), self.tr("导入完成：{0}。").format(text)),
        )

    def export_list(self) -> None:
        """业主信息一览表 as xlsx: only a 主管 or 经理 on duty (asked before the dialogs, and
        by the export itself); recorded in the audit once written."""
        who = self.ops.desk.duty.staff_id
        self.ops.read(
            lambda ctx: resident_import.check_export(ctx.session, who),
            lambda _: self._export_as(who),
            self._export_failed,
        )

    def _export_as(self, who: int | None) -> None:
        options = ask_export_options(self)
        if options is None:
            return
        suggested = Path(documents_dir()) / f"业主信息一览表-{date.today():%Y%m%d}.xlsx"
        path = dialogs.ask_save_path(
            self, self.tr("导出业主信息一览表"), str(suggested), self.tr("Excel 工作簿 (*.xlsx)")
        )
        if not path:
            return
        target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")

        def export(ctx: Ctx) -> int:
            return resident_import.export_residents_xlsx(
                ctx.session,
                target,
                staff_id=who,
                full_phones=options.full_phones,
                include_moved_out=options.include_moved_out,
            )

        def written(n: int) -> None:
            self.export_button.setEnabled(True)
            exported = printing.Exported(resident_import.export_title(options.full_phones), n)
            printing.record_export(
                self.ops, self, exported, target, lambda: self._exported(target, n, options)
            )

        self.export_button.setEnabled(False)
        self.ops.render(export, written, self._export_failed)

    def _exported(self, target: Path, n: int, options: ExportOptions) -> None:
        self.export_button.setEnabled(True)
        self.last_export = target
        text = self.tr("已导出 {0} 位住户到：\n{1}").format(n, target)
        if options.full_phones:
            text += self.tr("\n\n表中是完整电话号码，请妥善保管，用后删除。")
        msgbox.info(self, self.tr("导出完成"), text)

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        text = str(exc) if isinstance(exc, DeskError) else self.tr("无法写入文件：{0}").format(exc)
        msgbox.error(self, self.tr("未能导出"), text)


def _discard(dialog: QDialog | None) -> None:
    """Delete a finished dialog of this tab (on the GUI thread, by the event loop)."""
    if dialog is not None and not dialog.isVisible():
        dialog.deleteLater()


def _table_look(view: QTableView, widths: tuple[int, ...]) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    header.setStretchLastSection(True)
