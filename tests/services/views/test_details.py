"""The detail view's data: labelled fields, allowed actions, history with names."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from desk.services.core import audit
from desk.services.records import calls, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.workorders import WorkOrderDraft
from desk.services.views import details, lists

NOW = datetime(2026, 11, 23, 10, 0)


def test_work_order_detail_lists_fields_actions_and_history(write, read, staff_id):
    with write() as ctx:
        order = workorders.create(
            ctx,
            WorkOrderDraft(
                "厨房水管漏水",
                "水电",
                urgency="紧急",
                room="3-2-1201",
                reporter="张三",
                phone="13812345678",
            ),
        )
    with write(NOW + timedelta(minutes=10)) as ctx:
        workorders.dispatch(ctx, order.id, "李师傅")
    with read() as ctx:
        detail = details.record_detail(ctx.session, "workorder", order.id, staff_id=staff_id)
    fields = dict(detail.fields)
    assert fields["单号"] == "PG-20261123-001"
    assert fields["紧急程度"] == "紧急"
    assert fields["响应时限"] == "2026-11-23 10:30"
    assert fields["受理人"] == "王经理"  # the manager tests/conftest.py sets up
    assert "作废原因" not in fields  # empty values are left out
    assert detail.state == "已派工"
    assert detail.actions == ["开始处理", "修改", "作废"]  # 修改: still open
    created, *changes = detail.history
    assert (created.action, created.new) == ("新建", "PG-20261123-001")
    assert ("状态", "状态", "待派工", "已派工") in [
        (h.action, h.field, h.old, h.new) for h in changes
    ]
    assert ("修改", "维修人员/班组", "", "李师傅") in [
        (h.action, h.field, h.old, h.new) for h in changes
    ]
    assert all(h.who for h in detail.history)


def test_call_actions_follow_its_state(write, read, staff_id):
    with write() as ctx:
        message = calls.create_call(ctx, CallDraft("转告", "请回电", message_for_id=staff_id))
        repair = calls.create_call(ctx, CallDraft("报修", "卫生间漏水", room="3-2-1201"))
    with read() as ctx:

        def actions(call_id: int) -> list[str]:  # as the manager on duty, who registered it
            return details.record_detail(ctx.session, "call", call_id, staff_id=staff_id).actions

        assert actions(message.id) == ["已转告", "修改", "作废"]
        assert actions(repair.id) == ["转报修", "转投诉", "修改", "作废"]
        fields = dict(details.record_detail(ctx.session, "call", message.id).fields)
    assert fields["转告状态"] == "未转告" and fields["转告给"]


def test_the_detail_turns_amber_and_red_when_the_list_row_does(write, read, staff_id):
    with write() as ctx:
        order = workorders.create(ctx, WorkOrderDraft("厨房水管漏水", "水电", room="3-2-1201"))
        call = calls.create_call(ctx, CallDraft("咨询", "问停车"))
    with write(NOW + timedelta(minutes=30)) as ctx:
        workorders.dispatch(ctx, order.id, "李师傅")
    with read() as ctx:
        detail = details.record_detail(ctx.session, "workorder", order.id)
        [row] = lists.list_rows(ctx.session, "workorder", flt=lists.ListFilter(), now=NOW)
        assert details.record_detail(ctx.session, "call", call.id).red_at is None
    # 一般: two hours to respond, amber for the last 0.2 of them
    assert (detail.amber_at, detail.red_at) == (row.amber_at, row.red_at)
    assert detail.red_at == NOW + timedelta(hours=2)
    assert detail.amber_at == NOW + timedelta(minutes=96)


def test_prints_and_exports_of_its_form_are_in_the_history(write, read, staff_id):
    """One line each: 打印 / 导出PDF / 导出Excel, the form and its pages, where it went."""
    with write() as ctx:
        order = workorders.create(ctx, WorkOrderDraft("厨房水管漏水", "水电", room="3-2-1201"))
    with write(NOW + timedelta(minutes=5)) as ctx:
        audit.form_exported(ctx, "workorder", order.id, "派工单", "打印机“前台打印机”", pages=2)
        audit.form_exported(ctx, "workorder", order.id, "派工单", Path("/u/派工单.pdf"), pages=1)
        audit.form_exported(
            ctx, "workorder", order.id, "派工单", Path("/u/派工单.xlsx"), pages=None
        )
    with read() as ctx:
        detail = details.record_detail(ctx.session, "workorder", order.id, staff_id=staff_id)
    created, *outputs = detail.history
    assert created.action == "新建"
    assert [(h.action, h.field, h.old, h.new, h.reason) for h in outputs] == [
        ("打印", "", "", "派工单 2 页（打印机“前台打印机”）", ""),
        ("导出PDF", "", "", "派工单 1 页（派工单.pdf）", ""),
        ("导出Excel", "", "", "派工单（派工单.xlsx）", ""),
    ]
    assert {(h.who, h.at) for h in outputs} == {("王经理", NOW + timedelta(minutes=5))}
