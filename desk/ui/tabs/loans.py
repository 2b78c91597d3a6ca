"""物品借用: lend an item or a key from the catalogue (stock never goes negative), take it
back with its condition and the deposit refunded; overdue loans stand out."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
)

from desk.models import kinds
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx, local_now
from desk.services.io import paper_forms
from desk.services.records import loans
from desk.services.records.loans import LoanDraft
from desk.ui import msgbox, printing
from desk.ui.deadlines import RED
from desk.ui.dialogs import loan_item_dialog
from desk.ui.models.paged import ViewColumn, columns_of
from desk.ui.tabs.record_tab import Op, RecordTab

DEFAULT_LOAN_HOURS = 2


class LoansTab(RecordTab):
    kind = "loan"
    title = "物品借用"
    actions = frozenset({"归还", "修改", "作废"})
    forms_kind = "loan"
    shows = frozenset({"loanitem"})  # the item's name in the list

    def build_form(self) -> None:
        self.item = QComboBox()
        self.add_field(self.item, "item_id")
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 99)
        self.add_field(self.quantity, "quantity")
        self.add_party_rows()
        self.deposit = QLineEdit()
        self.deposit.setPlaceholderText(self.tr("不填按物品押金×数量"))
        self.add_field(self.deposit, "deposit")
        self.expected = QDateTimeEdit()
        self.expected.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.expected.setCalendarPopup(True)
        self.add_field(self.expected, "expected_return_at")
        self.remarks = QLineEdit()
        self.remarks.setMaxLength(200)
        self.add_field(self.remarks, "remarks")
        self.add_item_button = QPushButton(self.tr("新增物品…"))
        self.add_item_button.clicked.connect(self.add_item)
        self.change_item_button = QPushButton(self.tr("修改物品…"))
        self.change_item_button.setToolTip(self.tr("改上面选中物品的数量、押金，或不再出借"))
        self.change_item_button.clicked.connect(self.change_item)
        item_buttons = QHBoxLayout()
        item_buttons.addWidget(self.add_item_button)
        item_buttons.addWidget(self.change_item_button)
        item_buttons.addStretch(1)
        self.form.addRow(item_buttons)
        self.catalogue: dict[int, loans.CatalogueItem] = {}
        self._reset_expected()
        self.load_catalogue()

    def _reset_expected(self) -> None:
        later = datetime.now().replace(second=0, microsecond=0) + timedelta(
            hours=DEFAULT_LOAN_HOURS
        )
        self.expected.setDateTime(QDateTime(later))

    def load_catalogue(self) -> None:
        def show(items: list[loans.CatalogueItem]) -> None:
            current = self.item.currentData()
            self.catalogue = {it.id: it for it in items}
            self.change_item_button.setEnabled(bool(items))
            self.item.clear()
            for it in items:
                self.item.addItem(
                    self.tr("{0}（可借 {1}/{2}，押金 {3} 元）").format(
                        it.name, it.available, it.stock, it.deposit
                    ),
                    it.id,
                )
            index = self.item.findData(current)
            self.item.setCurrentIndex(max(index, 0))

        self.ops.read(loans.catalogue, show)

    def add_item(self) -> None:
        item = loan_item_dialog.ask_new_item(self)
        if item is None:
            return

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("没有保存"), str(exc))

        # the catalogue reloads on ops.changed (on_changed)
        self.ops.write(
            self.write_job(loans.add_item, item.name, item.stock, item.kind, item.deposit),
            None,
            failed,
        )

    def change_item(self) -> None:
        """修改物品: the item chosen above — how many, the deposit, or no longer lent."""
        item = self.catalogue.get(self.item.currentData())
        if item is None:
            return
        change = loan_item_dialog.ask_item_change(self, item)
        if change is None:
            return

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("没有保存"), str(exc))

        def job(ctx: Ctx) -> object:
            return loans.update_item(
                ctx, item.id, stock=change.stock, deposit=change.deposit, active=change.active
            )

        self.ops.write(job, None, failed)  # the catalogue reloads on ops.changed

    def has_input(self) -> bool:
        return self.party_has_input() or bool(self.deposit.text() or self.remarks.text())

    def clear_form(self) -> None:
        self.clear_party()
        self.deposit.clear()
        self.remarks.clear()
        self.quantity.setValue(1)
        self._reset_expected()

    def draft(self) -> LoanDraft:
        expected: datetime = self.expected.dateTime().toPython()  # type: ignore[assignment]
        return LoanDraft(
            item_id=self.item.currentData(),  # None: nothing to choose from
            borrower=self.person.text(),
            expected_return_at=expected.replace(second=0, microsecond=0),
            quantity=self.quantity.value(),
            room=self.room.text(),
            room_confirmed=self.room_confirmed(),
            phone=self.phone.text(),
            resident_id=self.resident_id,
            deposit=self.deposit.text() or None,
            remarks=self.remarks.text(),
        )

    def fill_draft(self, draft: LoanDraft) -> None:
        self.item.setCurrentIndex(self.item.findData(draft.item_id))
        self.quantity.setValue(draft.quantity)
        self.fill_party(draft.borrower, draft.phone, draft.room, draft.resident_id)
        self.deposit.setText("" if draft.deposit is None else str(draft.deposit))
        self.expected.setDateTime(QDateTime(draft.expected_return_at))
        self.remarks.setText(draft.remarks)

    def save_job(self) -> Op:
        return self.write_job(loans.lend, self.draft())

    def on_changed(self, changes: Changes) -> None:
        super().on_changed(changes)
        if changes.concerns("loan", "loanitem"):  # lent, returned, voided, a new item
            self.load_catalogue()  # what is still there to lend

    def columns(self) -> list[ViewColumn]:
        return columns_of(kinds.LOAN)

    def row_colour(self, row: Any) -> str | None:
        return RED if row.overdue else None

    def action_job(self, action: str, record_id: int) -> Op | None:
        if action == "作废":
            return self.void_job(loans.void, record_id)
        if action == "归还":
            deposit = ""
            if self.detail.detail is not None:
                deposit = dict(self.detail.detail.fields).get("押金", "")
            answer = loan_item_dialog.ask_return(self, deposit)
            if answer is None:
                return None
            condition, refund = answer
            return self.write_job(loans.give_back, record_id, condition, refund or Decimal(0))
        return None

    def list_buttons(self) -> list[QPushButton]:
        self.register_button = QPushButton(self.tr("打印登记表…"))
        self.register_button.setToolTip(self.tr("某一天的物品借用登记表或钥匙借用登记表"))
        self.register_button.clicked.connect(self.print_register)
        return [self.register_button]

    def print_register(self) -> None:
        """物品借用登记表 (or 钥匙借用登记表) of a day, to print or export."""
        answer = printing.ask_register(self, local_now().date())
        if answer is None:
            return
        day, kind = answer
        self.preview_forms(lambda ctx: [paper_forms.loan_register(ctx, day, kind=kind)])
