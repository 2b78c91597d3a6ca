"""Every tab's list sorts by a click on a column header; a second click turns the order
round. Shown here on 来电记录 — the base class does it for all the desk's tabs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from desk.services import calls
from desk.services.calls import CallDraft
from desk.ui.tabs.calls import CallsTab

WAIT = 5000
NOW = datetime(2026, 11, 23, 10, 0)  # as tests/conftest.py


@pytest.fixture
def tab(qtbot, engine, write, staff_id, ops):
    for minutes, name in ((0, "王五"), (10, "李四"), (20, "张三")):
        with write(NOW + timedelta(minutes=minutes)) as ctx:
            calls.create_call(ctx, CallDraft(call_type="咨询", content="咨询", caller_name=name))
    widget = CallsTab(engine, ops, lambda: staff_id)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3, timeout=WAIT)
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
    assert header.sortIndicatorSection() == section(tab, "时间")
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_header_click_sorts_and_a_second_click_reverses(qtbot, tab):
    col = section(tab, "单号")
    tab.view.horizontalHeader().sectionClicked.emit(col)
    qtbot.waitUntil(lambda: people(tab) == ["王五", "李四", "张三"], timeout=WAIT)
    assert tab.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    tab.view.horizontalHeader().sectionClicked.emit(col)
    qtbot.waitUntil(lambda: people(tab) == ["张三", "李四", "王五"], timeout=WAIT)
    assert tab.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_the_order_holds_while_searching(qtbot, tab, type_text):
    tab.view.horizontalHeader().sectionClicked.emit(section(tab, "时间"))  # oldest first now
    qtbot.waitUntil(lambda: people(tab) == ["王五", "李四", "张三"], timeout=WAIT)
    type_text(tab.search, "咨询")
    qtbot.waitUntil(lambda: tab.search.text() == "咨询", timeout=WAIT)
    tab.reload()
    qtbot.waitUntil(lambda: people(tab) == ["王五", "李四", "张三"], timeout=WAIT)


def test_show_scope_clears_search_and_dates(qtbot, tab, type_text):
    type_text(tab.search, "没有这个")
    tab.reload()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=WAIT)
    tab.show_scope("全部")
    assert tab.search.text() == ""
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=WAIT)
    tab.show_scope("未完成")  # calls are open only while a 转告 waits
    assert tab.scope.currentText() == "未完成"
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=WAIT)
