"""来访接待 driven as a receptionist would: a resident settled on the spot, a non-resident
who must leave an ID tail, a visit passed to a department and closed later."""

from __future__ import annotations

import pytest
from helpers.ui import WAIT
from PySide6.QtWidgets import QLabel
from sqlmodel import select

from desk.models import Visit
from desk.models.enums import VisitState
from desk.services.records import residents
from desk.services.records.residents import ResidentDraft
from desk.ui.tabs import visits as visits_tab
from desk.ui.tabs.visits import VisitsTab


@pytest.fixture
def tab(qtbot, settle, write, on_duty, ops):
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
    widget = VisitsTab(ops)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    settle(ops, widget)
    return widget


def visits(fetch) -> list[Visit]:
    return fetch(select(Visit))


def save(qtbot, tab) -> None:
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save_button.click()


def test_every_input_has_a_label(tab):
    labelled = {lbl.text() for lbl in tab.findChildren(QLabel) if lbl.buddy() is not None}
    for label in (
        "查找住户",
        "来访人",
        "电话",
        "房号",
        "身份",
        "证件后四位",
        "拜访住户",
        "来访事由",
        "处理方式",
        "转交负责人",
        "处理结果",
    ):
        assert label in labelled


def test_a_resident_settled_on_the_spot(qtbot, tab, type_text, fetch):
    qtbot.keyClicks(tab.lookup, "3-2-1201")
    tab.lookup.textEdited.emit(tab.lookup.text())
    qtbot.waitUntil(lambda: bool(tab.lookup.matches), timeout=WAIT)
    tab.lookup.choose(0)
    type_text(tab.reason, "咨询物业费缴纳方式")
    type_text(tab.result, "已告知可在前台或线上缴纳")
    save(qtbot, tab)
    [visit] = visits(fetch)
    assert (visit.person_name, visit.room_text, visit.state) == (
        "张三",
        "3-2-1201",
        VisitState.CLOSED,
    )
    assert tab.reason.toPlainText() == ""


def test_a_non_resident_needs_the_id_tail(qtbot, tab, type_text, fetch):
    tab.non_resident.setChecked(True)
    type_text(tab.person, "快递员小王")
    qtbot.keyClicks(tab.phone, "13900001111")
    type_text(tab.visiting, "3-2-1201 张先生")
    type_text(tab.reason, "送大件快递")
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.errors_label("id_tail").isVisible(), timeout=WAIT)
    assert "后4位" in tab.errors_label("id_tail").text()
    assert tab.person.text() == "快递员小王" and visits(fetch) == []
    qtbot.keyClicks(tab.id_tail, "123x")
    save(qtbot, tab)
    [visit] = visits(fetch)
    assert (visit.is_resident, visit.id_tail) == (False, "123X")


def test_passed_to_a_department_then_closed(qtbot, tab, type_text, fetch, monkeypatch):
    type_text(tab.person, "李四")
    type_text(tab.reason, "要求修剪楼下树木")
    tab.outcome.setCurrentText("转部门处理")
    assert tab.dept_head.isEnabled()
    type_text(tab.dept_head, "绿化主管")
    save(qtbot, tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT)
    assert tab.model.row_at(0).state == VisitState.OPEN
    tab.view.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.action_button("办结") is not None, timeout=WAIT)
    monkeypatch.setattr(visits_tab, "ask_result", lambda parent: "已安排周三修剪")
    tab.detail.action_button("办结").click()
    qtbot.waitUntil(lambda: visits(fetch)[0].state == VisitState.CLOSED, timeout=WAIT)
    assert visits(fetch)[0].result == "已安排周三修剪"
