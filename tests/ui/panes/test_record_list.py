"""The list pane on its own, driven from the keyboard where a person would: scopes, the
search box that waits for typing to pause, sorting by a header, the selected row kept
across a reload, Enter on a row, and Tab leaving the table.

The rows are plain objects from a source in this file (the operations still run on the
DB worker through ``ops``, as the tabs' do), so what the pane does is all that is tested."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from helpers.ui import field
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from desk.models.errors import DeskError
from desk.ui.models.paged import ViewColumn
from desk.ui.panes.record_list import RecordList


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    room: str
    done: bool = False


class Source:
    """Rows a test can change; the pane reads them on the DB worker."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.broken = False

    def matching(self, values: dict) -> list[Row]:
        if self.broken:
            raise DeskError("数据库读不出来")
        found = [r for r in self.rows if values["scope"] == "全部" or not r.done]
        text = values.get("text", "")
        return [r for r in found if text in r.name or text in r.room]

    def page(self, _ctx, values: dict, offset: int, limit: int, order) -> list[Row]:
        found = self.matching(values)
        if order is not None:
            key, descending = order
            found.sort(key=lambda r: getattr(r, key), reverse=descending)
        return found[offset : offset + limit]

    def count(self, _ctx, values: dict) -> int:
        return len(self.matching(values))


COLUMNS = [
    ViewColumn("姓名", lambda r: r.name, sort="name"),
    ViewColumn("房号", lambda r: r.room, sort="room"),
    ViewColumn("状态", lambda r: "已办" if r.done else "待办"),  # no sort key
]
PEOPLE = [
    Row(1, "张三", "3-2-1201"),
    Row(2, "李四", "5-1-301", done=True),
    Row(3, "王五", "1-1-101"),
]


@pytest.fixture
def source() -> Source:
    return Source(list(PEOPLE))


def make_pane(qtbot, settle, ops, source: Source, **options) -> RecordList:
    more = QPushButton("登记")  # a button of the owner's, under the list
    settings = {
        "fetch": source.page,
        "count": source.count,
        "scopes": ["待办", "全部"],
        "scope": "全部",
        "search_hint": "查找：姓名、房号",
        "sort": ("name", False),
        "row_colour": lambda r: "#fadbd8" if r.done else None,
        "buttons": [more],
    }
    pane = RecordList(ops, COLUMNS, **(settings | options))
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitExposed(pane)
    pane.reload()
    settle(ops, pane)
    return pane


def names(pane: RecordList) -> list[str]:
    return [r.name for r in pane.model.rows]


def test_every_filter_has_a_label(qtbot, settle, ops, source):
    pane = make_pane(qtbot, settle, ops, source, dates=True, title="名单")
    assert field(pane, "范围") is pane.scope
    assert field(pane, "从") is pane.date_from and field(pane, "到") is pane.date_to
    assert field(pane, "查找") is pane.search
    assert field(pane, "名单") is pane.view


def test_a_scope_switch_loads_that_scope(qtbot, settle, ops, source):
    pane = make_pane(qtbot, settle, ops, source)
    assert names(pane) == ["张三", "李四", "王五"] and pane.count_label.text() == "共 3 条"
    queries: list[dict] = []
    pane.query_changed.connect(queries.append)
    pane.scope.setFocus()
    qtbot.keyClick(pane.scope, Qt.Key.Key_Up)  # 全部 → 待办, from the keyboard
    assert pane.scope.currentText() == "待办"
    settle(ops, pane)
    assert queries == [{"scope": "待办", "text": ""}]
    assert sorted(names(pane)) == ["张三", "王五"] and pane.count_label.text() == "共 2 条"


def test_the_search_waits_for_typing_to_pause(qtbot, settle, ops, source, type_text):
    pane = make_pane(qtbot, settle, ops, source)
    queries: list[dict] = []
    pane.query_changed.connect(queries.append)
    for ch in "3-2":  # three keystrokes, no event loop between them: no load yet
        type_text(pane.search, ch)
    assert pane.search.text() == "3-2" and queries == []
    settle(ops, pane)  # the debounce fires once, then its load
    assert queries == [{"scope": "全部", "text": "3-2"}]
    assert names(pane) == ["张三"] and pane.count_label.text() == "共 1 条"
    # Enter in the search box goes to the rows, where Enter acts on a row
    qtbot.keyClick(pane.search, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is pane.view


def test_show_scope_drops_the_search_and_dates(qtbot, settle, ops, source, type_text):
    pane = make_pane(qtbot, settle, ops, source, dates=True)
    type_text(pane.search, "张三")
    settle(ops, pane)
    assert names(pane) == ["张三"]
    pane.show_scope("待办")  # where a status-bar count jumps to
    assert pane.search.text() == "" and pane.filter_values()["date_from"] is None
    settle(ops, pane)
    assert sorted(names(pane)) == ["张三", "王五"]


def test_a_header_click_sorts_and_a_second_click_reverses(qtbot, settle, ops, source):
    pane = make_pane(qtbot, settle, ops, source)
    header = pane.view.horizontalHeader()
    assert names(pane) == sorted(names(pane))  # by 姓名, ascending as asked
    assert header.sortIndicatorSection() == 0
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    header.sectionClicked.emit(1)  # 房号
    settle(ops, pane)
    assert [r.room for r in pane.model.rows] == ["1-1-101", "3-2-1201", "5-1-301"]
    assert header.sortIndicatorSection() == 1
    header.sectionClicked.emit(1)
    settle(ops, pane)
    assert [r.room for r in pane.model.rows] == ["5-1-301", "3-2-1201", "1-1-101"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    with qtbot.waitSignal(pane.status) as status:
        header.sectionClicked.emit(2)  # 状态 has no sort key: the order stays
    assert status.args == ["这一列不能排序"] and header.sortIndicatorSection() == 1


def test_the_selected_row_stays_selected_across_a_reload(qtbot, settle, ops, source):
    pane = make_pane(qtbot, settle, ops, source)
    current: list = []
    pane.current_changed.connect(current.append)
    pane.view.setFocus()
    pane.view.selectRow(0)
    qtbot.keyClick(pane.view, Qt.Key.Key_Down)  # the second row: 李四
    assert pane.current_row().name == "李四" and current[-1].name == "李四"
    source.rows.insert(0, Row(4, "丁一", "2-2-202"))  # sorts first: 李四 moves down a row
    pane.reload()
    settle(ops, pane)
    assert names(pane)[:2] == ["丁一", "张三"]
    assert pane.current_row().id == 2 and current[-1].id == 2
    # Enter on the row is the owner's action on it
    with qtbot.waitSignal(pane.activated) as activated:
        qtbot.keyClick(pane.view, Qt.Key.Key_Return)
    assert activated.args[0].id == 2


def test_the_owner_says_which_row_to_keep(qtbot, settle, ops, source):
    """A tab keeps the record its detail shows, even one it opened without a click."""
    shown = [3]
    pane = make_pane(qtbot, settle, ops, source, keep=lambda: shown[-1])
    assert pane.current_row().id == 3  # selected as its rows came, though nobody clicked
    shown.append(1)
    pane.reload()
    settle(ops, pane)
    assert pane.current_row().id == 1


def test_a_queue_starts_at_its_top_and_moves_on(qtbot, settle, ops, source):
    pane = make_pane(qtbot, settle, ops, source, select_first=True)
    assert pane.current_row().name == "张三" == names(pane)[0]
    pane.view.selectRow(1)
    source.rows = [r for r in source.rows if r.id != pane.current_row().id]  # done: it leaves
    pane.reselect_at(1)  # the row that takes its place is next
    pane.reload()
    settle(ops, pane)
    assert names(pane) == ["张三", "王五"] and pane.current_row().name == "王五"
    source.rows = []
    pane.reload()
    settle(ops, pane)
    assert pane.current_row() is None and pane.selected_id is None


def test_tab_leaves_the_list(qtbot, settle, ops, source):
    pane = make_pane(qtbot, settle, ops, source)
    pane.activateWindow()
    pane.view.setFocus()
    pane.view.selectRow(0)
    qtbot.keyClick(pane.view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is pane.findChild(QPushButton)  # 登记, under the list
    assert pane.current_row().name == names(pane)[0]  # Tab did not walk the cells
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is pane.view


def test_a_whole_source_is_one_page(qtbot, settle, ops):
    rows = [Row(i, f"住户{i}", f"1-1-{i}") for i in range(150)]  # more than a page
    asked: list[str] = []

    def everything(_ctx, values: dict) -> list[Row]:
        asked.append(values["scope"])
        return rows if values["scope"] == "全部" else rows[:5]

    pane = make_pane(
        qtbot,
        settle,
        ops,
        Source([]),
        fetch=None,
        fetch_all=everything,
        count=None,
        sort=None,
        widest={1: 30},
    )
    assert pane.model.rowCount() == 150 and not pane.count_label.isVisibleTo(pane)
    # fitted to the rows, though they came as one page longer than a page
    assert pane.view.columnWidth(0) > 30 and pane.view.columnWidth(1) == 30
    assert not pane.view.horizontalHeader().isSortIndicatorShown()
    pane.show_scope("待办")
    settle(ops, pane)
    assert pane.model.rowCount() == 5 and asked[-1] == "待办"


def test_rows_are_coloured_and_the_tick_repaints_them(qtbot, settle, ops, source):
    pane = make_pane(qtbot, settle, ops, source, tick_ms=30_000)
    brush = pane.model.data(pane.model.index(1, 0), Qt.ItemDataRole.BackgroundRole)
    assert pane.model.rows[1].done and brush.color().name() == "#fadbd8"
    assert pane.model.data(pane.model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert pane.clock is not None and pane.clock.isActive()
    with qtbot.waitSignals([pane.model.dataChanged, pane.ticked]):
        pane.clock.timeout.emit()


def test_a_failed_read_is_said_once(qtbot, settle, ops, source):
    pane = make_pane(qtbot, settle, ops, source)
    said: list[str] = []
    pane.failed.connect(said.append)
    source.broken = True  # the page and the count both fail
    pane.reload()
    settle(ops, pane)
    assert said == ["数据库读不出来"]
