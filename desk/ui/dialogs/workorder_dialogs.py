"""报修派工's dialogs: 派工, 待料, 完成 and 返工.

Each dialog has an ``ask_…`` function returning the answer (None = cancelled), so tests
replace one function. The dialogs take the previous answer and an error line: when the
service refuses an answer, the tab asks again with what was typed and the reason shown.
What the dialog can tell itself (a required field left empty) it says before closing; the
keys are ``FormDialog``'s (Enter accepts a valid dialog, Esc asks before losing typing).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.models import kinds
from desk.models.errors import ValidationError
from desk.models.validation import clean_text, parse_money
from desk.services.records.workorders import Completion, MaterialLine
from desk.ui.dialogs import answer_of
from desk.ui.dialogs.form_dialog import FormDialog

MATERIAL_COLUMNS = ("名称", "数量", "单价（元）", "金额（元）")
NAME, QUANTITY, PRICE, AMOUNT = range(4)

label_of = kinds.WORKORDER.label  # a field's one label (desk.models.kinds)


class WorkOrderActionDialog(FormDialog):
    """A form dialog: the service's last refusal on top, rows, then ``ok_text`` / 取消.
    ``problem`` names a field that cannot be right; 确定 and Enter show it on top."""

    def __init__(self, parent: QWidget | None, title: str, ok_text: str, error: str) -> None:
        super().__init__(parent)
        self.typed_before = bool(error)  # asked again with the refused answer
        self.setWindowTitle(self.tr(title))
        self.setMinimumWidth(420)
        self.error = QLabel(error)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.error.setVisible(bool(error))
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr(ok_text), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(self.form)
        layout.addWidget(buttons)

    def add_row(self, label: str, widget: QWidget) -> None:
        self.form.addRow(self.tr(label), widget)

    def problem(self) -> tuple[QWidget, str] | None:
        """The first field the service would refuse, and why; None when all can go."""
        return None

    def accept(self) -> None:
        found = self.problem()
        if found is None:
            super().accept()
            return
        widget, reason = found
        self.error.setText(reason)  # what was typed stays
        self.error.setVisible(True)
        widget.setFocus()


def _check(
    widget: QWidget, text: str, label: str, max_len: int, required: bool = False
) -> tuple[QWidget, str] | None:
    """``widget`` and the service's reason when ``text`` would be refused (clean_text)."""
    try:
        clean_text(text, field="", label=label, max_len=max_len, required=required)
    except ValidationError as exc:
        return widget, str(exc)
    return None


def _text_box(text: str, height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)
    box.setMaximumHeight(height)
    return box


# --- 派工 ---------------------------------------------------------------------------------


class DispatchDialog(WorkOrderActionDialog):
    def __init__(
        self, parent: QWidget | None, known: list[str], previous: str = "", error: str = ""
    ) -> None:
        super().__init__(parent, "派工", "派工", error)
        # editable: a new name is typed, a name used before is picked
        self.assignee = QComboBox()
        self.assignee.setEditable(True)
        self.assignee.addItems(known)
        self.assignee.setCurrentText(previous)
        self.assignee.lineEdit().setMaxLength(60)
        self.assignee.lineEdit().setPlaceholderText(self.tr("如 工程部 张师傅"))
        self.add_row(label_of("assignee"), self.assignee)

    def answer(self) -> str:
        return self.assignee.currentText().strip()

    def problem(self) -> tuple[QWidget, str] | None:
        return _check(self.assignee, self.answer(), label_of("assignee"), 60, required=True)


def ask_assignee(
    parent: QWidget | None, known: list[str], previous: str = "", error: str = ""
) -> str | None:
    """Who goes (a technician or a team); None = cancelled."""
    return answer_of(DispatchDialog(parent, known, previous, error), DispatchDialog.answer)


# --- 待料 ---------------------------------------------------------------------------------


class PartsDialog(WorkOrderActionDialog):
    def __init__(
        self,
        parent: QWidget | None,
        previous: tuple[date, str] | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent, "待料", "待料", error)
        self.expected = QDateEdit()
        self.expected.setCalendarPopup(True)
        self.expected.setDisplayFormat("yyyy-MM-dd")
        today = QDate.currentDate()
        self.expected.setMinimumDate(today)  # the service refuses a day already past
        self.expected.setDate(QDate(previous[0]) if previous else today.addDays(1))
        self.add_row("预计到料日期", self.expected)
        self.note = QLineEdit(previous[1] if previous else "")
        self.note.setMaxLength(1000)
        self.note.setPlaceholderText(self.tr("缺什么料，已告知住户等多久"))
        self.add_row("待料说明", self.note)

    def answer(self) -> tuple[date, str]:
        return self.expected.date().toPython(), self.note.text()  # type: ignore[return-value]


def ask_parts(
    parent: QWidget | None, previous: tuple[date, str] | None = None, error: str = ""
) -> tuple[date, str] | None:
    """(expected day of the parts, note); None = cancelled."""
    return answer_of(PartsDialog(parent, previous, error), PartsDialog.answer)


# --- 完成 ---------------------------------------------------------------------------------


def _amount(text: str) -> Decimal | None:
    """A number as the service will read it, or None while it is empty or unreadable."""
    try:
        return parse_money(text, field="", label="")
    except ValidationError:
        return None


class CompletionDialog(WorkOrderActionDialog):
    """故障原因 and 维修内容; for a paid service also 人工费 and the materials with a live total."""

    def __init__(
        self,
        parent: QWidget | None,
        paid: bool,
        previous: Completion | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent, "完成", "完成", error)
        self.paid = paid
        previous = previous or Completion(work_done="")
        self.cause = QLineEdit(previous.cause)
        self.cause.setMaxLength(1000)
        self.add_row(label_of("cause"), self.cause)
        self.work_done = _text_box(previous.work_done)
        self.work_done.setPlaceholderText(self.tr("修了什么、换了什么，住户是否验收"))
        self.add_row(label_of("work_done"), self.work_done)
        if not paid:
            return
        self.setMinimumWidth(560)
        self.labour = QLineEdit(str(previous.labour_fee or ""))
        self.labour.setPlaceholderText(self.tr("元，没有可不填"))
        self.add_row(label_of("labour_fee"), self.labour)
        self.materials = QTableWidget(0, len(MATERIAL_COLUMNS))
        self.materials.setHorizontalHeaderLabels([self.tr(c) for c in MATERIAL_COLUMNS])
        self.materials.verticalHeader().setVisible(False)
        self.materials.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.materials.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.materials.setMinimumHeight(140)
        self.add_row("材料", self.materials)
        add = QPushButton(self.tr("添加材料"))
        remove = QPushButton(self.tr("删除所选"))
        add.clicked.connect(lambda: self.add_material())
        remove.clicked.connect(self.remove_material)
        row_buttons = QHBoxLayout()
        row_buttons.addStretch(1)
        row_buttons.addWidget(add)
        row_buttons.addWidget(remove)
        self.form.addRow(row_buttons)
        self.total = QLabel()
        self.add_row(label_of("total_fee"), self.total)
        for line in previous.materials or [MaterialLine("", "", "")]:
            self.add_material(line)
        self.labour.textChanged.connect(self.update_total)
        self.materials.itemChanged.connect(self.update_total)
        self.update_total()

    def add_material(self, line: MaterialLine | None = None) -> None:
        line = line or MaterialLine("", "", "")
        row = self.materials.rowCount()
        self.materials.blockSignals(True)
        self.materials.insertRow(row)
        for col, value in ((NAME, line.name), (QUANTITY, line.quantity), (PRICE, line.unit_price)):
            self.materials.setItem(row, col, QTableWidgetItem(str(value)))
        amount = QTableWidgetItem()
        amount.setFlags(amount.flags() & ~Qt.ItemFlag.ItemIsEditable)  # worked out, not typed
        amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.materials.setItem(row, AMOUNT, amount)
        self.materials.blockSignals(False)
        self.update_total()

    def remove_material(self) -> None:
        rows = sorted({i.row() for i in self.materials.selectedIndexes()}, reverse=True)
        for row in rows:
            self.materials.removeRow(row)
        self.update_total()

    def cell(self, row: int, col: int) -> str:
        item = self.materials.item(row, col)
        return item.text().strip() if item is not None else ""

    def update_total(self) -> None:
        """Each line's 金额 and the 合计, rounded as the service will store them."""
        materials = Decimal(0)
        self.materials.blockSignals(True)  # writing 金额 must not call this again
        for row in range(self.materials.rowCount()):
            qty, price = _amount(self.cell(row, QUANTITY)), _amount(self.cell(row, PRICE))
            amount = None
            if qty is not None:
                amount = (qty * (price or Decimal(0))).quantize(Decimal("0.01"))
                materials += amount
            self.materials.item(row, AMOUNT).setText("" if amount is None else f"{amount:.2f}")
        self.materials.blockSignals(False)
        labour = _amount(self.labour.text()) or Decimal(0)
        self.total.setText(
            self.tr("材料 {0} 元 + 人工 {1} 元 = {2} 元").format(
                f"{materials:.2f}", f"{labour:.2f}", f"{materials + labour:.2f}"
            )
        )

    def problem(self) -> tuple[QWidget, str] | None:
        return _check(self.cause, self.cause.text(), label_of("cause"), 1000) or _check(
            self.work_done,
            self.work_done.toPlainText(),
            label_of("work_done"),
            2000,
            required=True,
        )

    def answer(self) -> Completion:
        """What was typed, as text: the service reads and checks the numbers."""
        done = Completion(work_done=self.work_done.toPlainText(), cause=self.cause.text())
        if self.paid:
            done.labour_fee = self.labour.text().strip() or None
            for row in range(self.materials.rowCount()):
                line = [self.cell(row, col) for col in (NAME, QUANTITY, PRICE)]
                if any(line):  # a row left empty is no material
                    done.materials.append(MaterialLine(*line))
        return done


def ask_completion(
    parent: QWidget | None, paid: bool, previous: Completion | None = None, error: str = ""
) -> Completion | None:
    """The completed work (with fees when ``paid``); None = cancelled."""
    return answer_of(CompletionDialog(parent, paid, previous, error), CompletionDialog.answer)


# --- 返工 ---------------------------------------------------------------------------------


class ReworkDialog(WorkOrderActionDialog):
    def __init__(self, parent: QWidget | None, previous: str = "", error: str = "") -> None:
        super().__init__(parent, "返工", "返工", error)
        self.reason = QLineEdit(previous)
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(self.tr("回访时住户说仍未修好……"))
        self.add_row("返工原因", self.reason)

    def answer(self) -> str:
        return self.reason.text()

    def problem(self) -> tuple[QWidget, str] | None:
        return _check(self.reason, self.answer(), "返工原因", 200, required=True)


def ask_rework_reason(parent: QWidget | None, previous: str = "", error: str = "") -> str | None:
    """Why the order is reopened (required); None = cancelled."""
    return answer_of(ReworkDialog(parent, previous, error), ReworkDialog.answer)
