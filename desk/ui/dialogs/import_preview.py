"""导入名单: preview of an import — the guessed columns (changeable) and what every row will do.

Reading the file and planning (``resident_import.read_table``, ``guess_mapping``,
``plan_import`` on a read snapshot) run on the second lane (``Ops.render``): parsing a
long list and matching every row is a long read, and saves at the desk must not wait
behind it. Nothing is written until 导入, which applies the plan shown in one write
transaction (``Ops.write``: all rows or none; the screens refresh on its
``Ops.changed``). A changed column choice plans again; answers to an older choice are
dropped. Enter in a column choice is 导入 (when it can import); Enter in the rows closes
nothing; Esc after a column was changed asks first (``FormDialog``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.models.errors import DeskError, ValidationError
from desk.services.core.context import Ctx
from desk.services.io import resident_import
from desk.services.io.resident_import import (
    FIELDS,
    Action,
    ImportChangedError,
    ImportPlan,
    ImportResult,
    PlanRow,
    RawTable,
)
from desk.ui import dialogs, msgbox
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.field_errors import error_label, show_error
from desk.ui.ops import Ops

Index = QModelIndex | QPersistentModelIndex

REQUIRED = ("room", "name")
ACTION_COLOURS = {
    Action.ADD: "#e8f5e9",
    Action.UPDATE: "#fff8e1",
    Action.REJECT: "#fdecea",
}


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: columns as Excel names them."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _changes_text(row: PlanRow) -> str:
    return "；".join(
        f"{what}：{old or '（空）'} → {new or '（空）'}" for what, (old, new) in row.changes.items()
    )


class PlanRowsModel(QAbstractTableModel):
    """Every planned row: action, source row number, name, room, phones, reason or changes."""

    HEADERS = ("操作", "行号", "姓名", "房号", "电话", "原因 / 变动")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan: ImportPlan | None = None
        self._rows: list[PlanRow] = []

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.beginResetModel()
        self._plan = plan
        self._rows = list(plan.rows) if plan is not None else []
        self.endResetModel()

    def row_at(self, row: int) -> PlanRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def _cell(self, row: PlanRow, field: str) -> str:
        """A rejected row has no parsed values: show what the file says."""
        col = self._plan.mapping.get(field) if self._plan is not None else None
        if col is None or col >= len(row.cells):
            return ""
        return row.cells[col]

    def text(self, row: PlanRow, column: int) -> str:
        rejected = row.action == Action.REJECT
        if column == 0:
            return row.action.value
        if column == 1:
            return str(row.row)
        if column == 2:
            return self._cell(row, "name") if rejected else row.name
        if column == 3:
            return self._cell(row, "room") if rejected else row.room
        if column == 4:
            return self._cell(row, "phones") if rejected else "、".join(row.phones)
        return row.reason if rejected else _changes_text(row)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and row.action in ACTION_COLOURS:
            return QBrush(QColor(ACTION_COLOURS[row.action]))
        return None


def _read_and_plan(ctx: Ctx, path: Path) -> tuple[RawTable, dict[str, int], ImportPlan | None, str]:
    """Operation: the table, the guessed mapping, and its plan (or why it cannot plan)."""
    raw = resident_import.read_table(path)
    mapping = resident_import.guess_mapping(raw)
    try:
        return raw, mapping, _plan(ctx, raw, mapping, "replace"), ""
    except ValidationError as exc:  # e.g. no column was recognised as 姓名
        return raw, mapping, None, str(exc)


def _plan(ctx: Ctx, raw: RawTable, mapping: dict[str, int], phones_mode: str) -> ImportPlan:
    return resident_import.plan_import(ctx.session, raw, mapping, phones_mode=phones_mode)


class ImportPreviewDialog(FormDialog):
    """``ImportPreviewDialog(ops, path, parent=None)``: ``planned`` is emitted each time a
    plan is shown (or refused), ``imported(ImportResult)`` after the import committed (the
    dialog then accepts); the import is stamped with who is on duty."""

    planned = Signal()
    imported = Signal(object)

    def __init__(
        self,
        ops: Ops,
        path: Path | str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self.path = Path(path)
        self.raw: RawTable | None = None
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.busy = True
        self.applying = False
        self._generation = 0
        self.setWindowTitle(self.tr("导入住户名单 — {0}").format(self.path.name))
        self.resize(1180, 740)

        self.file_label = QLabel(self.tr("正在读取 {0} ……").format(self.path.name))
        self.file_label.setWordWrap(True)
        self.file_error = error_label()
        big = QFont(self.file_error.font())
        big.setPointSize(big.pointSize() + 2)
        self.file_error.setFont(big)

        # --- the column mapping ---------------------------------------------------------
        self.mapping_box = QGroupBox(self.tr("列对应（程序按表头猜测，可以修改）"))
        grid = QGridLayout(self.mapping_box)
        self.mapping_combos: dict[str, QComboBox] = {}
        per_row = 5
        for i, (field, name) in enumerate(FIELDS.items()):
            combo = QComboBox()
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(9)
            combo.currentIndexChanged.connect(self._mapping_changed)
            label = QLabel(self.tr(name) + ("*" if field in REQUIRED else ""))
            label.setBuddy(combo)
            if field in REQUIRED:
                label.setToolTip(self.tr("必须指定"))
            row, col = divmod(i, per_row)
            grid.addWidget(label, row, col * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(combo, row, col * 2 + 1)
            grid.setColumnStretch(col * 2 + 1, 1)
            self.mapping_combos[field] = combo
        self.merge_phones = QCheckBox(
            self.tr("电话只增不减（保留已登记的号码，把文件里的新号码加上去）")
        )
        self.merge_phones.toggled.connect(self._mapping_changed)
        grid.addWidget(self.merge_phones, 2, 0, 1, per_row * 2)
        self.mapping_error = error_label()
        grid.addWidget(self.mapping_error, 3, 0, 1, per_row * 2)
        self.mapping_box.setEnabled(False)

        # --- the rows --------------------------------------------------------------------
        self.summary_label = QLabel()
        font = QFont(self.summary_label.font())
        font.setBold(True)
        self.summary_label.setFont(font)
        self.rows_model = PlanRowsModel(self)
        self.rows_view = QTableView()
        self.rows_view.setTabKeyNavigation(False)  # Tab leaves the rows
        self.rows_view.setModel(self.rows_model)
        self.rows_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows_view.verticalHeader().setVisible(False)
        self.rows_view.setWordWrap(False)
        self.rows_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.rows_view.horizontalHeader()
        for column, width in enumerate((56, 56, 110, 90, 240)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        rows_label = QLabel(self.tr("每一行将如何处理"))
        rows_label.setBuddy(self.rows_view)
        note = QLabel(
            self.tr(
                "点“导入”之前不会写入任何内容。导入一次完成：要么全部写入，要么一条也不写。"
                "同一房号、同一姓名视为同一人：已登记的会更新，不会重复。"
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")

        # --- buttons ---------------------------------------------------------------------
        self.save_rejects_button = QPushButton(self.tr("保存拒绝行……"))
        self.save_rejects_button.setEnabled(False)
        self.save_rejects_button.clicked.connect(self.save_rejects)
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.apply)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_rejects_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.file_error)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.summary_label)
        layout.addWidget(rows_label)
        layout.addWidget(self.rows_view, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)

        path_ = self.path
        ops.render(lambda ctx: _read_and_plan(ctx, path_), self._read_done, self._read_failed)

    # --- reading ---------------------------------------------------------------------------

    def _read_done(self, answer: tuple[RawTable, dict[str, int], ImportPlan | None, str]) -> None:
        raw, mapping, plan, problem = answer
        self.raw = raw
        where = self.tr("工作表“{0}”，").format(raw.sheet) if raw.sheet else ""
        self.file_label.setText(
            self.tr("文件：{0}（{1}第 {2} 行是表头，下面共 {3} 行）").format(
                self.path.name, where, raw.header_row, len(raw.rows)
            )
        )
        self.file_label.setToolTip(str(self.path))
        choices = [(self.tr("（不导入）"), None)] + [
            (f"{column_letter(i)}列 {text or self.tr('（无表头）')}", i)
            for i, text in enumerate(raw.header)
        ]
        for field, combo in self.mapping_combos.items():
            combo.blockSignals(True)
            combo.clear()
            for text, data in choices:
                combo.addItem(text, data)
            combo.setCurrentIndex(combo.findData(mapping[field]) if field in mapping else 0)
            combo.blockSignals(False)
        self.mapping_box.setEnabled(True)
        self.mark_clean()  # the columns as guessed: nothing changed yet
        self.focus_first_field()
        self._show_plan(plan, problem)

    def _read_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.file_label.setText(self.tr("无法导入 {0}").format(self.path))
        message = (
            str(exc) if isinstance(exc, DeskError) else self.tr("读取文件时出错：{0}").format(exc)
        )
        show_error(self.file_error, message)
        self.summary_label.setText(self.tr("没有可导入的内容。"))
        self.cancel_button.setText(self.tr("关闭"))
        self.planned.emit()

    # --- planning --------------------------------------------------------------------------

    @property
    def mapping(self) -> dict[str, int]:
        """The columns chosen now: ``{field: column index}``."""
        return {
            field: combo.currentData()
            for field, combo in self.mapping_combos.items()
            if combo.currentData() is not None
        }

    @property
    def phones_mode(self) -> str:
        return "merge" if self.merge_phones.isChecked() else "replace"

    def _mapping_changed(self, *_args: object) -> None:
        if self.raw is None:
            return
        self.replan()

    def replan(self) -> None:
        """Plan again with the columns chosen now (on the worker; older answers dropped)."""
        assert self.raw is not None
        self._generation += 1
        generation, raw, mapping, mode = (
            self._generation,
            self.raw,
            self.mapping,
            self.phones_mode,
        )
        self._set_busy(True)
        self.summary_label.setText(self.tr("正在分析……"))
        self._ops.render(  # after the plans asked before it: the same lane, in order
            lambda ctx: _plan(ctx, raw, mapping, mode),
            lambda plan: self._planned(generation, plan, ""),
            lambda exc: self._plan_failed(generation, exc),
        )

    def _planned(self, generation: int, plan: ImportPlan | None, problem: str) -> None:
        if generation == self._generation:
            self._show_plan(plan, problem)

    def _plan_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        if isinstance(exc, DeskError):
            self._show_plan(None, str(exc))
        else:
            self._show_plan(None, self.tr("分析时出错：{0}").format(exc))

    def _show_plan(self, plan: ImportPlan | None, problem: str) -> None:
        self.plan = plan
        self.rows_model.set_plan(plan)
        show_error(self.mapping_error, problem)
        if plan is None:
            self.summary_label.setText(self.tr("请先改正列对应。"))
        else:
            text = plan.summary()
            if plan.skipped:
                text += self.tr("（另有 {0} 行空行或重复表头已跳过）").format(plan.skipped)
            self.summary_label.setText(text)
        self._set_busy(False)
        self.planned.emit()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        plan = self.plan
        todo = plan is not None and (plan.count(Action.ADD) + plan.count(Action.UPDATE)) > 0
        self.import_button.setEnabled(not busy and todo)
        self.save_rejects_button.setEnabled(not busy and plan is not None and bool(plan.rejects))
        self.mapping_box.setEnabled(not busy and self.raw is not None)
        self.cancel_button.setEnabled(not self.applying)  # the import's answer needs the dialog

    # --- writing ---------------------------------------------------------------------------

    def submit(self) -> None:
        if self.import_button.isEnabled():  # else the summary says why there is nothing
            self.apply()

    def apply(self) -> None:
        """导入: write exactly the plan shown, in one transaction."""
        if self.plan is None or self.busy:
            return
        plan = self.plan
        self.applying = True
        self._set_busy(True)
        self.import_button.setText(self.tr("正在导入……"))
        self._ops.write(
            lambda ctx: resident_import.apply_import(ctx, plan), self._applied, self._apply_failed
        )

    def _applied(self, result: ImportResult) -> None:
        self.result = result
        self.applying = False
        self.import_button.setText(self.tr("导入"))
        self._set_busy(False)
        self.imported.emit(result)
        self.accept()

    def _apply_failed(self, exc: BaseException) -> None:
        self.applying = False
        self.import_button.setText(self.tr("导入"))
        self._set_busy(False)
        if isinstance(exc, ImportChangedError):
            msgbox.error(self, self.tr("没有导入"), str(exc))
            self.replan()  # show what the file would do now
        elif isinstance(exc, DeskError):
            msgbox.error(self, self.tr("没有导入"), str(exc))
        else:
            msgbox.error(
                self, self.tr("没有导入"), self.tr("导入时出错，没有写入任何内容：{0}").format(exc)
            )

    def save_rejects(self) -> None:
        """保存拒绝行: the rejected rows and their reasons as .xlsx, next to the source."""
        plan = self.plan
        if plan is None or not plan.rejects:
            return
        suggested = self.path.with_name(f"{self.path.stem}-未导入的行.xlsx")
        path = dialogs.ask_save_path(
            self, self.tr("保存未导入的行"), str(suggested), self.tr("Excel 工作簿 (*.xlsx)")
        )
        if not path:
            return
        target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
        self._ops.background(  # the plan is in memory: no transaction
            lambda: resident_import.save_rejects_xlsx(plan, target),
            lambda n: msgbox.info(
                self,
                self.tr("已保存"),
                self.tr("已把 {0} 行未导入的行及原因保存到：\n{1}").format(n, target),
            ),
            lambda exc: msgbox.error(
                self, self.tr("未能保存"), self.tr("无法写入 {0}：{1}").format(target, exc)
            ),
        )

    def reject(self) -> None:
        if not self.applying:
            super().reject()
