"""新增物品: one dialog for what the office lends — name, item or key, how many, deposit."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desk.models.enums import LoanKind
from desk.services.records.loans import CatalogueItem
from desk.ui.dialogs import answer_of
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.field_errors import error_label, show_error


@dataclass(frozen=True)
class NewItem:
    name: str
    stock: int
    deposit: str
    kind: LoanKind


@dataclass(frozen=True)
class ItemChange:
    """修改物品: how many the office owns, the deposit, and whether it is still lent."""

    stock: int
    deposit: str
    active: bool


class LoanItemDialog(FormDialog):
    """新增物品, or with ``existing`` 修改物品: its name and kind stay, the rest is changed."""

    def __init__(
        self, parent: QWidget | None = None, existing: CatalogueItem | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新增物品") if existing is None else self.tr("修改物品"))
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.name.setPlaceholderText(self.tr("如 梯子、推车、天台钥匙"))
        self.kind = QComboBox()
        for kind in LoanKind:
            self.kind.addItem(kind.value, kind)
        self.stock = QSpinBox()
        self.stock.setRange(1, 9999)
        self.deposit = QLineEdit("0")
        self.deposit.setPlaceholderText(self.tr("元，可为 0"))
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("物品名称"), self.name)
        form.addRow(self.tr("类别"), self.kind)
        form.addRow(self.tr("数量"), self.stock)
        form.addRow(self.tr("押金（元）"), self.deposit)
        self.stopped = QCheckBox(self.tr("不再出借（已坏、已丢或不再提供）"))
        if existing is not None:
            self.name.setText(existing.name)
            self.kind.setCurrentIndex(self.kind.findData(existing.kind))
            for fixed in (self.name, self.kind):
                fixed.setEnabled(False)  # a new name is a new item: its loans keep theirs
            self.stock.setValue(existing.stock)
            self.deposit.setText(f"{existing.deposit:.2f}")
            form.addRow("", self.stopped)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        # a key is usually named as one: 天台钥匙 is a key without choosing it
        self.name.textChanged.connect(self._guess_kind)

    def _guess_kind(self, text: str) -> None:
        if "钥匙" in text:
            self.kind.setCurrentIndex(self.kind.findData(LoanKind.KEY))

    def submit(self) -> None:
        self._accept()

    def _accept(self) -> None:
        if not self.name.text().strip():
            show_error(self.error, self.tr("请填写物品名称"))
            self.name.setFocus()
            return
        self.accept()

    def values(self) -> NewItem:
        return NewItem(
            self.name.text().strip(),
            self.stock.value(),
            self.deposit.text().strip() or "0",
            self.kind.currentData(),
        )


def ask_new_item(parent: QWidget | None) -> NewItem | None:
    return answer_of(LoanItemDialog(parent), LoanItemDialog.values)


def ask_item_change(parent: QWidget | None, item: CatalogueItem) -> ItemChange | None:
    """修改物品 of ``item``; None = cancelled."""

    def change(dialog: LoanItemDialog) -> ItemChange:
        new = dialog.values()
        return ItemChange(new.stock, new.deposit, not dialog.stopped.isChecked())

    return answer_of(LoanItemDialog(parent, item), change)


class ReturnDialog(FormDialog):
    """归还: the condition the item came back in and the deposit handed back, in one step."""

    def __init__(self, deposit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("归还"))
        self.condition = QLineEdit(self.tr("完好"))
        self.condition.setMaxLength(200)
        self.condition.selectAll()  # most come back fine: Enter accepts, typing replaces
        self.refund = QLineEdit(deposit)
        self.refund.setPlaceholderText(self.tr("元；扣押金时写退还的金额"))
        form = QFormLayout()
        form.addRow(self.tr("归还状况"), self.condition)
        form.addRow(self.tr("退还押金（元）"), self.refund)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str]:
        return self.condition.text().strip(), self.refund.text().strip()


def ask_return(parent: QWidget | None, deposit: str) -> tuple[str, str] | None:
    """(condition, deposit refunded) when an item comes back; None = cancelled."""
    return answer_of(ReturnDialog(deposit, parent), ReturnDialog.values)
