"""物品借用 driven as a receptionist would: add an item, lend it, stock cannot go negative,
take it back with the deposit refunded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers.ui import WAIT
from sqlmodel import select

from desk.models import Loan
from desk.models.enums import LoanKind, LoanState
from desk.ui.dialogs import loan_item_dialog
from desk.ui.tabs.loans import LoansTab


@pytest.fixture
def tab(qtbot, settle, on_duty, ops, monkeypatch):
    widget = LoansTab(ops)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    monkeypatch.setattr(
        loan_item_dialog,
        "ask_new_item",
        lambda parent: loan_item_dialog.NewItem("梯子", 1, "50", LoanKind.ITEM),
    )
    widget.add_item()
    settle(ops, widget)
    assert widget.item.count() == 1
    return widget


def lent(fetch) -> list[Loan]:
    return fetch(select(Loan))


def fill(qtbot, tab, type_text) -> None:
    type_text(tab.person, "孙八")
    qtbot.keyClicks(tab.phone, "13900001111")
    qtbot.keyClicks(tab.room, "3-2-1201")


def test_lend_shows_stock_and_refuses_more_than_there_is(qtbot, tab, type_text, fetch):
    assert tab.item.itemText(0) == "梯子（可借 1/1，押金 50.00 元）"
    fill(qtbot, tab, type_text)
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save_button.click()
    [loan] = lent(fetch)
    assert (loan.quantity, loan.deposit, loan.person_name) == (1, Decimal("50.00"), "孙八")
    qtbot.waitUntil(lambda: "可借 0/1" in tab.item.itemText(0), timeout=WAIT)
    fill(qtbot, tab, type_text)
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.errors_label("quantity").isVisible(), timeout=WAIT)
    assert "只剩 0 件" in tab.errors_label("quantity").text()
    assert tab.person.text() == "孙八" and len(lent(fetch)) == 1


def test_with_nothing_to_choose_the_item_field_says_so(qtbot, settle, on_duty, ops, type_text):
    widget = LoansTab(ops)  # an office whose catalogue is empty
    qtbot.addWidget(widget)
    widget.show()
    settle(ops, widget)
    assert widget.item.count() == 0
    fill(qtbot, widget, type_text)
    widget.save_button.click()
    qtbot.waitUntil(lambda: widget.errors_label("item_id").isVisible(), timeout=WAIT)
    assert "请选择要借出的物品" in widget.errors_label("item_id").text()
    assert widget.person.text() == "孙八"  # what was typed stays


def test_return_refunds_the_deposit(qtbot, tab, type_text, fetch, monkeypatch):
    fill(qtbot, tab, type_text)
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save_button.click()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT)
    tab.view.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.action_button("归还") is not None, timeout=WAIT)
    monkeypatch.setattr(loan_item_dialog, "ask_return", lambda parent, deposit: ("完好", deposit))
    tab.detail.action_button("归还").click()
    qtbot.waitUntil(lambda: lent(fetch)[0].state == LoanState.RETURNED, timeout=WAIT)
    assert lent(fetch)[0].deposit_refunded == Decimal("50.00")
    qtbot.waitUntil(lambda: "可借 1/1" in tab.item.itemText(0), timeout=WAIT)


def test_the_new_item_dialog_guesses_keys_and_needs_a_name(qtbot):
    dialog = loan_item_dialog.LoanItemDialog()
    qtbot.addWidget(dialog)
    dialog._accept()  # no name yet: stays open and says why
    assert dialog.result() == 0 and "物品名称" in dialog.error.text()
    dialog.name.setText("天台钥匙")
    dialog.stock.setValue(2)
    dialog.deposit.setText("100")
    assert dialog.values() == loan_item_dialog.NewItem("天台钥匙", 2, "100", LoanKind.KEY)


def test_the_return_dialog_offers_the_deposit_back(qtbot):
    dialog = loan_item_dialog.ReturnDialog("50.00")
    qtbot.addWidget(dialog)
    assert dialog.values() == ("完好", "50.00")
    dialog.condition.setText("梯子一条腿松了")
    dialog.refund.setText("30")
    assert dialog.values() == ("梯子一条腿松了", "30")


def test_an_item_is_changed_and_stopped(qtbot, settle, ops, tab, monkeypatch):
    """修改物品: more ladders and a new deposit; then no longer lent, it leaves the list."""
    asked: list = []

    def more(_parent, item):
        asked.append(item)
        return loan_item_dialog.ItemChange(3, "80", True)

    monkeypatch.setattr(loan_item_dialog, "ask_item_change", more)
    tab.change_item()
    qtbot.waitUntil(lambda: tab.item.itemText(0) == "梯子（可借 3/3，押金 80.00 元）", timeout=WAIT)
    assert [i.name for i in asked] == ["梯子"]
    monkeypatch.setattr(
        loan_item_dialog,
        "ask_item_change",
        lambda _parent, _item: loan_item_dialog.ItemChange(3, "80", False),
    )
    tab.change_item()
    qtbot.waitUntil(lambda: tab.item.count() == 0, timeout=WAIT)
    assert not tab.change_item_button.isEnabled()


def test_the_change_dialog_keeps_the_name_and_shows_the_stock(qtbot):
    from desk.services.records.loans import CatalogueItem

    item = CatalogueItem(7, "天台钥匙", LoanKind.KEY, 2, 1, Decimal("0"))
    dialog = loan_item_dialog.LoanItemDialog(None, item)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "修改物品"
    assert dialog.name.text() == "天台钥匙" and not dialog.name.isEnabled()
    assert dialog.kind.currentData() == LoanKind.KEY and dialog.stock.value() == 2
    assert dialog.deposit.text() == "0.00" and not dialog.stopped.isChecked()
