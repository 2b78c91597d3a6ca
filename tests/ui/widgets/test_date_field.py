"""The 从/到 date filters of a list, from the keyboard: typed dates filter on Enter, text
that is no date stays with the reason, Tab leaves each field in one press, and the
calendar opens at the field's day or today.

The list is a ``RecordList`` over rows of this file (read on the DB worker through
``ops``, as the tabs' are); the day is fixed by patching ``date_field.today``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from helpers.ui import WAIT, field
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desk.ui.models.paged import ViewColumn
from desk.ui.panes.record_list import RecordList
from desk.ui.widgets import date_field
from desk.ui.widgets.date_field import DateField

TODAY = date(2026, 12, 9)  # a Wednesday
NOT_A_DAY = "看不懂的日期：{0}，请输入如 2026-12-05"


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    day: date


ROWS = [
    Row(1, "赵六", date(2026, 1, 5)),
    Row(2, "张三", date(2026, 12, 5)),
    Row(3, "李四", date(2026, 12, 8)),
    Row(4, "王五", date(2026, 12, 9)),
]


def page(_ctx, values: dict, offset: int, limit: int, _order) -> list[Row]:
    start, end = values["date_from"], values["date_to"]
    found = [r for r in ROWS if (start is None or r.day >= start) and (end is None or r.day <= end)]
    return found[offset : offset + limit]


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr(date_field, "today", lambda: TODAY)


@pytest.fixture
def pane(qtbot, settle, ops) -> RecordList:
    pane = RecordList(
        ops,
        [ViewColumn("姓名", lambda r: r.name), ViewColumn("日期", lambda r: r.day.isoformat())],
        fetch=page,
        scopes=["今天", "全部"],
        scope="全部",
        dates=True,
        search_hint="查找",
    )
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitExposed(pane)
    pane.activateWindow()
    pane.reload()
    settle(ops, pane)
    return pane


def names(pane: RecordList) -> list[str]:
    return [r.name for r in pane.model.rows]


def enter(qtbot, type_text, edit: DateField, text: str) -> None:
    """Type ``text`` into an empty ``edit`` as a person would, then press Enter."""
    edit.setFocus()
    if text.isascii():
        qtbot.keyClicks(edit.line, text)
    else:
        type_text(edit.line, text)
    assert edit.line.text() == text
    qtbot.keyClick(edit.line, Qt.Key.Key_Return)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("2026/12/5", date(2026, 12, 5)),
        ("20261205", date(2026, 12, 5)),
        ("12-05", date(2026, 12, 5)),
        ("12.5", date(2026, 12, 5)),
        ("1205", date(2026, 12, 5)),
        ("12-08", date(2026, 12, 8)),
        ("今天", TODAY),
        ("昨天", date(2026, 12, 8)),
    ],
)
def test_a_typed_date_filters_on_enter(qtbot, settle, ops, pane, type_text, typed, day):
    queries: list[dict] = []
    pane.query_changed.connect(queries.append)
    enter(qtbot, type_text, pane.date_from, typed)
    settle(ops, pane)
    assert [q["date_from"] for q in queries] == [day]  # one load, from that day
    assert names(pane) == [r.name for r in ROWS if r.day >= day]
    assert pane.date_from.line.text() == day.isoformat()  # the year it understood, in view
    assert pane.date_from.error() == ""

    enter(qtbot, type_text, pane.date_to, typed)
    settle(ops, pane)
    assert [(q["date_from"], q["date_to"]) for q in queries] == [(day, None), (day, day)]
    assert names(pane) == [r.name for r in ROWS if r.day == day]
    assert pane.filter_values()["date_to"] == day == pane.date_to.date()


def test_what_is_no_date_stays_typed_and_says_why(qtbot, settle, ops, pane, type_text):
    said: list[str] = []
    pane.status.connect(said.append)
    queries: list[dict] = []
    pane.query_changed.connect(queries.append)
    edit = pane.date_from
    enter(qtbot, type_text, edit, "明天见")
    why = NOT_A_DAY.format("明天见")
    assert edit.line.text() == "明天见" and edit.error() == why
    assert edit.line.toolTip() == why and "#c0392b" in edit.line.styleSheet()  # the red frame
    assert said == [why]
    settle(ops, pane)
    assert queries == [] and edit.date() is None  # no limit from it: nothing to reload
    assert QApplication.focusWidget() is edit.line  # there to be put right

    # put right: the frame goes with the first key, the day filters on Enter
    edit.line.selectAll()
    qtbot.keyClicks(edit.line, "12-8")
    assert edit.error() == "" and edit.line.styleSheet() == ""
    qtbot.keyClick(edit.line, Qt.Key.Key_Return)
    settle(ops, pane)
    assert [q["date_from"] for q in queries] == [date(2026, 12, 8)]
    assert names(pane) == ["李四", "王五"]

    # a limit typed over with garbage: the list drops that limit and says why
    edit.line.selectAll()
    qtbot.keyClicks(edit.line, "2026-02-30")
    qtbot.keyClick(edit.line, Qt.Key.Key_Return)
    settle(ops, pane)
    assert edit.line.text() == "2026-02-30" and said[-1] == NOT_A_DAY.format("2026-02-30")
    assert [q["date_from"] for q in queries] == [date(2026, 12, 8), None]
    assert names(pane) == [r.name for r in ROWS]


def test_emptying_a_field_drops_its_limit(qtbot, settle, ops, pane, type_text):
    enter(qtbot, type_text, pane.date_from, "12-8")
    settle(ops, pane)
    assert names(pane) == ["李四", "王五"]
    queries: list[dict] = []
    pane.query_changed.connect(queries.append)
    pane.date_from.line.selectAll()
    qtbot.keyClick(pane.date_from.line, Qt.Key.Key_Delete)  # no Enter needed
    settle(ops, pane)
    assert [q["date_from"] for q in queries] == [None] and len(names(pane)) == len(ROWS)


def test_tab_leaves_each_date_in_one_press(qtbot, settle, ops, pane):
    assert field(pane, "从") is pane.date_from and field(pane, "到") is pane.date_to
    pane.date_from.setFocus()
    assert QApplication.focusWidget() is pane.date_from.line
    qtbot.keyClicks(pane.date_from.line, "1205")  # typed, then Tab: read on the way out
    qtbot.keyClick(pane.date_from.line, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is pane.date_to.line
    assert pane.date_from.date() == date(2026, 12, 5)
    qtbot.keyClick(pane.date_to.line, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is pane.search
    qtbot.keyClick(pane.search, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is pane.date_to.line
    settle(ops, pane)
    assert names(pane) == ["张三", "李四", "王五"]


def test_the_calendar_opens_at_today_when_empty(qtbot, pane):
    edit = pane.date_from
    edit.button.click()
    popup = edit.popup
    assert popup is not None
    qtbot.waitUntil(popup.isVisible, timeout=WAIT)
    calendar = popup.calendar
    assert calendar.selectedDate().toPython() == TODAY
    assert (calendar.yearShown(), calendar.monthShown()) == (2026, 12)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=WAIT)
    assert edit.date() is None and edit.line.text() == ""


def test_the_calendar_opens_at_the_fields_day_and_enter_picks(qtbot, settle, ops, pane):
    edit = pane.date_to
    edit.setDate(date(2026, 1, 4))
    settle(ops, pane)
    queries: list[dict] = []
    pane.query_changed.connect(queries.append)
    edit.setFocus()
    qtbot.keyClick(edit.line, Qt.Key.Key_F4)  # from the keyboard, as a combo box opens
    popup = edit.popup
    assert popup is not None
    qtbot.waitUntil(popup.isVisible, timeout=WAIT)
    calendar = popup.calendar
    assert calendar.selectedDate().toPython() == date(2026, 1, 4)
    assert (calendar.yearShown(), calendar.monthShown()) == (2026, 1)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # the next day
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=WAIT)
    assert edit.date() == date(2026, 1, 5) and edit.line.text() == "2026-01-05"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is edit.line, timeout=WAIT)
    settle(ops, pane)
    assert [q["date_to"] for q in queries] == [date(2026, 1, 5)]
    assert names(pane) == ["赵六"]


def test_the_calendar_button_is_out_of_the_tab_chain(pane):
    for edit in (pane.date_from, pane.date_to):
        assert edit.button.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in pane.quick_dates)


def test_set_date_shows_and_signals_a_change_once(qtbot):
    edit = DateField()
    qtbot.addWidget(edit)
    changes: list = []
    edit.dateChanged.connect(changes.append)
    edit.setDate(date(2026, 12, 5))
    edit.setDate(date(2026, 12, 5))
    edit.setDate(None)
    assert changes == [date(2026, 12, 5), None] and edit.line.text() == ""


@pytest.mark.parametrize(
    ("name", "start", "end", "shown"),
    [
        ("今天", TODAY, TODAY, ["王五"]),
        ("昨天", date(2026, 12, 8), date(2026, 12, 8), ["李四"]),
        ("本周", date(2026, 12, 7), TODAY, ["李四", "王五"]),  # from Monday
    ],
)
def test_a_quick_scope_fills_both_dates_and_loads_once(
    qtbot, settle, ops, pane, type_text, name, start, end, shown
):
    type_text(pane.search, "王")  # kept (this source does not search)
    pane.scope.setCurrentIndex(0)  # 今天: a day of its own, it gives way to 全部
    settle(ops, pane)
    queries: list[dict] = []
    pane.query_changed.connect(queries.append)
    button = next(b for b in pane.quick_dates if b.text() == name)
    button.click()
    settle(ops, pane)
    assert queries == [{"scope": "全部", "date_from": start, "date_to": end, "text": "王"}]
    assert pane.date_from.line.text() == start.isoformat()
    assert pane.date_to.line.text() == end.isoformat()
    assert names(pane) == shown
