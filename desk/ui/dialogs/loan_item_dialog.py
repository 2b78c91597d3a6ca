"""新增物品: one dialog for what the office lends — name, item or key, how many, deposit."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desk.models.enums import LoanKind
from desk.ui.forms import error_label, show_error


@dataclass(frozen=True)
class NewItem:
    name: str
    stock: int
    deposit: str
    kind: LoanKind


class LoanItemDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新增物品"))
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
    dialog = LoanItemDialog(parent)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None
