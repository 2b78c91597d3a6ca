"""Every tab's list sorts by a click on a column header; a second click turns the order
round. Shown here on 来电记录 — the base class does it for all the desk's tabs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from desk.services.records import calls
from desk.services.records.calls import CallDraft
from desk.ui.tabs.calls import CallsTab

NOW = datetime(2026, 11, 23, 10, 0)  # as tests/conftest.py


@pytest.fixture
def tab(qtbot, settle, write, on_duty, ops):
    for minutes, name in ((0, "王五"), (10, "李四"), (20, "张三")):
        with write(NOW + timedelta(minutes=minutes)) as ctx:
            calls.create_call(ctx, CallDraft(call_type="咨询", content="咨询", caller_name=name))
    widget = CallsTab(ops)
    qtbot.addWidget(widget)
    widget.show()
    settle(ops, widget)
    assert widget.model.rowCount() == 3
    return widget


def section(tab, header: str) -> int:
    for i in range(tab.model.columnCount()):
        if tab.model.headerData(i, Qt.Orientation.Horizontal) == header:
            return i
    raise LookupError(header)


def people(tab) -> list[str]:
    return [r.person for r in tab.model.rows]


def test_newest_first_until_a_header_is_clicked(tab):
    assert people(tab) == ["张三", "李四", "王五"]
    header = tab.view.horizontalHeader()
    assert header.sortIndicatorSection() == section(tab, "来电时间")
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_header_click_sorts_and_a_second_click_reverses(tab, settle, ops):
    col = section(tab, "单号")
    tab.view.horizontalHeader().sectionClicked.emit(col)
    settle(ops, tab)
    assert people(tab) == ["王五", "李四", "张三"]
    assert tab.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    tab.view.horizontalHeader().sectionClicked.emit(col)
    settle(ops, tab)
    assert people(tab) == ["张三", "李四", "王五"]
    assert tab.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_the_order_holds_while_searching(tab, settle, ops, type_text):
    tab.view.horizontalHeader().sectionClicked.emit(section(tab, "来电时间"))  # oldest first now
    settle(ops, tab)
    assert people(tab) == ["王五", "李四", "张三"]
    type_text(tab.search, "咨询")
    settle(ops, tab)  # the search box's debounce, then its load
    assert tab.search.text() == "咨询"
    assert people(tab) == ["王五", "李四", "张三"]
    assert tab.count_label.text() == "共 3 条"


def test_show_scope_clears_search_and_dates(tab, settle, ops, type_text):
    type_text(tab.search, "没有这个")
    settle(ops, tab)  # an emptied list is not yet the search's answer: wait for it
    assert tab.model.rowCount() == 0 and tab.count_label.text() == "共 0 条"
    tab.show_scope("全部")
    assert tab.search.text() == ""
    settle(ops, tab)
    assert tab.model.rowCount() == 3
    tab.show_scope("未完成")  # calls are open only while a 转告 waits
    assert tab.scope.currentText() == "未完成"
    settle(ops, tab)
    assert tab.model.rowCount() == 0 and tab.count_label.text() == "共 0 条"
