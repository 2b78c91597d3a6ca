"""Rules added with the hot save path and the reviews of the first round: what is stored
by the driver reads back through the ORM exactly, appointments, public areas, residents,
paid rework, rework deadlines, voiding a paused order."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from desk.models import AuditEvent, Call, Unit, WorkOrder
from desk.models.enums import AuditAction, CallType, MessageState, RecordState, UnitKind
from desk.models.enums import WorkOrderState as W
from desk.models.errors import ValidationError
from desk.services.records import calls, residents, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.workorders import Completion, MaterialLine, WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)
HOUR = timedelta(hours=1)


def test_a_record_written_by_the_driver_reads_back_identically(write, fetch, staff_id):
    with write() as ctx:
        made = calls.create_call(
            ctx,
            CallDraft(
                CallType.MESSAGE,
                "请回电：物业费发票",
                caller_name="张三",
                phone="138-1234-5678",
                room="３栋２单元１２０１室",
                message_for_id=staff_id,
            ),
        )
        assert ctx.session.get(Call, made.id) is made  # attached, no second load
    stored = fetch(Call, made.id)
    assert (stored.serial, stored.created_at, stored.staff_id) == ("LD-20261123-001", NOW, staff_id)
    assert (stored.call_type, stored.state, stored.message_state) == (
        CallType.MESSAGE,
        RecordState.ACTIVE,
        MessageState.PENDING,
    )
    assert (stored.phone, stored.room_text, stored.reply) == ("13812345678", "3-2-1201", "")
    [event] = fetch(select(AuditEvent).where(AuditEvent.entity == "call"))
    assert (event.action, event.entity_id, event.new, event.at, event.staff_id) == (
        AuditAction.CREATE,
        made.id,
        "LD-20261123-001",
        NOW,
        staff_id,
    )


def test_money_goes_through_the_driver_exactly(write, fetch):
    with write() as ctx:
        order = workorders.create(
            ctx, WorkOrderDraft("换灯泡", "水电", room="3-2-1201", is_paid=True)
        )
        workorders.dispatch(ctx, order.id, "李师傅")
        workorders.start(ctx, order.id)
        workorders.complete(
            ctx,
            order.id,
            Completion(
                "更换灯泡", labour_fee="0.10", materials=[MaterialLine("灯泡", "3", "0.20")]
            ),
        )
    stored = fetch(WorkOrder, order.id)
    assert (stored.labour_fee, stored.materials_fee, stored.total_fee) == (
        Decimal("0.10"),
        Decimal("0.60"),
        Decimal("0.70"),
    )


def test_an_appointment_starts_the_clock_at_the_agreed_time(write):
    visit = NOW + timedelta(days=2, hours=4)
    with write() as ctx:
        order = workorders.create(
            ctx,
            WorkOrderDraft(
                "安装晾衣架", "其他", urgency="预约", room="3-2-1201", appointment_at=visit
            ),
        )
    assert order.response_due == visit + 4 * HOUR
    assert order.completion_due == datetime(2026, 12, 2, 14, 0)  # 5 working days after
    with pytest.raises(ValidationError) as err, write() as ctx:
        workorders.create(
            ctx,
            WorkOrderDraft(
                "安装晾衣架", "其他", urgency="预约", room="3-2-1201", appointment_at=NOW - HOUR
            ),
        )
    assert err.value.field == "appointment_at"


def test_a_public_area_links_its_unit_so_it_has_a_history(write, fetch):
    with write() as ctx:
        area = residents.add_public_area(ctx, "1号楼电梯厅")
        order = workorders.create(
            ctx, WorkOrderDraft("电梯按钮失灵", "电梯", location="1号楼电梯厅")
        )
        other = workorders.create(
            ctx, WorkOrderDraft("路灯不亮", "公共设施", location="北门外路边")
        )
    assert fetch(WorkOrder, order.id).unit_id == area.id
    assert fetch(WorkOrder, other.id).unit_id is None  # free text stays free text
    assert fetch(Unit, area.id).kind == UnitKind.PUBLIC


def test_a_chosen_resident_fills_the_room_and_an_unknown_one_is_refused(write, fetch):
    with write() as ctx:
        person = residents.add(
            ctx, residents.ResidentDraft("王芳", "5-1-302", phones="13900001111")
        )
        order = workorders.create(ctx, WorkOrderDraft("门锁坏了", "门窗", resident_id=person.id))
    stored = fetch(WorkOrder, order.id)
    assert (stored.room_text, stored.unit_id) == ("5-1-302", person.unit_id)
    with pytest.raises(ValidationError) as err, write() as ctx:
        workorders.create(ctx, WorkOrderDraft("门锁坏了", "门窗", room="5-1-302", resident_id=9999))
    assert err.value.field == "resident_id" and "找不到" in str(err.value)


def test_paid_rework_adds_its_materials_and_labour_to_the_first_visit(write, fetch):
    with write() as ctx:
        order = workorders.create(
            ctx, WorkOrderDraft("马桶漏水", "水电", room="3-2-1201", is_paid=True)
        )
        workorders.dispatch(ctx, order.id, "李师傅")
        workorders.start(ctx, order.id)
        workorders.complete(
            ctx,
            order.id,
            Completion("更换进水阀", labour_fee="30", materials=[MaterialLine("进水阀", 1, "45")]),
        )
    with write(NOW + 24 * HOUR) as ctx:
        workorders.rework(ctx, order.id, "仍然漏水")
        workorders.start(ctx, order.id)
        workorders.complete(
            ctx,
            order.id,
            Completion("更换密封圈", labour_fee="20", materials=[MaterialLine("密封圈", 2, "5")]),
        )
    stored = fetch(WorkOrder, order.id)
    assert (stored.labour_fee, stored.materials_fee, stored.total_fee) == (
        Decimal("50.00"),
        Decimal("55.00"),
        Decimal("105.00"),
    )


def test_a_reopened_order_gets_a_fresh_completion_deadline(write, read, fetch):
    with write() as ctx:
        order = workorders.create(
            ctx, WorkOrderDraft("水管漏水", "水电", urgency="紧急", room="3-2-1201")
        )
        workorders.dispatch(ctx, order.id, "李师傅")
        workorders.start(ctx, order.id)
        workorders.complete(ctx, order.id, Completion("更换阀门"))
    reopened_at = NOW + 30 * HOUR
    with write(reopened_at) as ctx:
        workorders.rework(ctx, order.id, "又漏了")
    stored = fetch(WorkOrder, order.id)
    assert stored.completion_due == reopened_at + 2 * HOUR
    assert stored.arrived_at == NOW  # the first arrival stays the response time
    with read(reopened_at + HOUR) as ctx:
        assert workorders.count_overdue(ctx) == 0
    with read(reopened_at + 3 * HOUR) as ctx:
        assert workorders.count_overdue(ctx) == 1


def test_voiding_a_paused_order_ends_the_pause(write, fetch):
    with write() as ctx:
        order = workorders.create(ctx, WorkOrderDraft("热水器坏", "水电", room="3-2-1201"))
        workorders.dispatch(ctx, order.id, "李师傅")
        workorders.start(ctx, order.id)
        workorders.wait_for_parts(ctx, order.id, date(2026, 11, 25))
    with write(NOW + 5 * HOUR) as ctx:
        workorders.void(ctx, order.id, "业主自行更换")
    stored = fetch(WorkOrder, order.id)
    assert (stored.state, stored.paused_since, stored.paused_seconds) == (W.VOID, None, 18000)
