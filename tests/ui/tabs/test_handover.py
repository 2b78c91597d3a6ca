"""交接班's carried items: 只看未签回 narrows them to the forms handed out to sign and not
back; a double click opens the record of the row shown."""

from __future__ import annotations

from datetime import datetime

from helpers.office import finish_order
from PySide6.QtCore import Qt

from desk.services.duty import handover, shifts
from desk.services.io import form_prints, paper_forms
from desk.services.records import workorders
from desk.services.records.workorders import WorkOrderDraft
from desk.ui.tabs.handover import HandoverTab


def test_only_the_forms_not_back(qtbot, settle, desk, ops, write, staff_id) -> None:
    now = datetime.now().replace(microsecond=0)  # the tab assembles at the real time
    with write(now) as ctx:
        shift = shifts.come_on_duty(ctx, staff_id, "早班")
        workorders.create(ctx, WorkOrderDraft("楼道灯不亮", "水电", room="3-2-1201"))
        done = workorders.create(ctx, WorkOrderDraft("厨房水管漏水", "水电", room="3-2-1201"))
        finish_order(ctx, done.id)
        form_prints.record(ctx, [paper_forms.workorder_form(ctx, done.serial)], "前台打印机")
    desk.on_duty(staff_id, shift.id)
    tab = HandoverTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    settle(ops, tab)
    groups = [tab.items.item(r, 0).text() for r in range(tab.items.rowCount())]
    assert groups == ["报修", handover.UNSIGNED_GROUP]

    opened: list[tuple[str, int]] = []
    tab.record_requested.connect(lambda kind, rid: opened.append((kind, rid)))
    qtbot.keyClick(tab.unsigned_only, Qt.Key.Key_Space)  # Alt+U's box, by the keyboard
    assert tab.unsigned_only.isChecked()
    assert tab.items.rowCount() == 1
    assert (tab.items.item(0, 0).text(), tab.items.item(0, 1).text()) == ("未签回", done.serial)
    assert tab.items.item(0, 5).text() == "派工单未签回"
    tab.open_item(0)
    assert opened == [("workorder", done.id)]

    tab.unsigned_only.setChecked(False)
    assert tab.items.rowCount() == 2
