"""The detail pane: fields with labels, one button per allowed action, the history."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel

from desk.services.views.details import Detail, HistoryRow
from desk.ui.widgets.record_detail import RecordDetail

DETAIL = Detail(
    kind="workorder",
    record_id=7,
    serial="PG-20261123-001",
    state="已派工",
    fields=[("单号", "PG-20261123-001"), ("报修内容", "厨房水管漏水"), ("维修人员/班组", "李师傅")],
    actions=["开始处理", "作废"],
    history=[
        HistoryRow(datetime(2026, 11, 23, 10, 0), "王经理", "新建", "", "", "PG-20261123-001", ""),
        HistoryRow(
            datetime(2026, 11, 23, 10, 10), "王经理", "状态", "状态", "待派工", "已派工", ""
        ),
    ],
)


def test_shows_fields_actions_and_history(qtbot):
    pane = RecordDetail()
    qtbot.addWidget(pane)
    pane.show_detail(DETAIL)
    assert pane.title.text() == "PG-20261123-001　已派工"
    labels = {
        lbl.text(): lbl.buddy().text()
        for lbl in pane.findChildren(QLabel)
        if lbl.buddy() is not None and isinstance(lbl.buddy(), QLabel)
    }
    assert labels["报修内容："] == "厨房水管漏水"
    assert pane.history.rowCount() == 2
    assert pane.history.item(1, 3).text() == "状态：待派工 → 已派工"
    with qtbot.waitSignal(pane.action_requested) as asked:
        pane.action_button("开始处理").click()
    assert asked.args == ["开始处理", 7]
    assert pane.action_button("完成") is None


def test_a_new_detail_replaces_the_buttons(qtbot):
    pane = RecordDetail()
    qtbot.addWidget(pane)
    pane.show_detail(DETAIL)
    pane.show_detail(None)
    # at once, not after the old buttons' deleteLater: no click can reach the record before
    assert pane.action_button("开始处理") is None
    assert pane.history.rowCount() == 0
