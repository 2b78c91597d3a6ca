"""交接班: what one shift's duty record holds, confirming, accepting, freezing, flags.

One crafted Monday: 李婷 is on duty for 早班 (08:00–16:00) and hands over to 王晓燕 (中班).
Records made before the shift, in it, closed in it and voided in it show which are counted
and which are carried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.models import Handover, Shift
from desk.models.enums import AuditAction, HandoverState, LoanKind, StaffRole, VisitOutcome
from desk.models.errors import NotFoundError, TransitionError, ValidationError
from desk.services.core import audit as audit_log
from desk.services.core import settings
from desk.services.core.transactions import reading, writing
from desk.services.duty import handover, shifts
from desk.services.duty.handover import CarriedItem, HandoverRecord, KindCount
from desk.services.records import calls, complaints, loans, staff, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import Completion, WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at
DAY = NOW.date()
NEXT_DAY = DAY + timedelta(days=1)


def at(hh_mm: str, day: date = DAY) -> datetime:
    h, m = (int(x) for x in hh_mm.split(":"))
    return datetime.combine(day, time()) + timedelta(hours=h, minutes=m)


@dataclass
class Monday:
    """The ids of the crafted day."""

    li: int
    wang: int
    shift: int
    ids: dict[str, int]


def order(ctx, **values) -> int:
    draft = {"description": "厨房水管漏水", "category": "水电", "room": "3-2-1201", **values}
    return workorders.create(ctx, WorkOrderDraft(**draft)).id


def finish(engine, who, order_id: int, start: datetime) -> None:
    """派工, on site and done, ten minutes apart."""
    steps = [
        lambda ctx: workorders.dispatch(ctx, order_id, "工程部"),
        lambda ctx: workorders.start(ctx, order_id),
        lambda ctx: workorders.complete(ctx, order_id, Completion("已修好")),
    ]
    for i, step in enumerate(steps):
        with writing(engine, staff_id=who, now=start + timedelta(minutes=10 * i)) as ctx:
            step(ctx)


@pytest.fixture
def monday(engine, staff_id) -> Monday:
    with writing(engine, staff_id=staff_id, now=at("06:00", DAY - timedelta(days=3))) as ctx:
        li = staff.add(ctx, "李婷").id
        wang = staff.add(ctx, "王晓燕").id
        ladder = loans.add_item(ctx, "梯子", 2).id
        key = loans.add_item(ctx, "天台钥匙", 1, LoanKind.KEY).id
        umbrella = loans.add_item(ctx, "雨伞", 5).id
    ids: dict[str, int] = {}
    boss = staff_id

    def w(when: datetime, who: int = boss, shift: int | None = None):
        return writing(engine, staff_id=who, shift_id=shift, now=when)

    # --- before the shift: three repairs done, whose callbacks fall due at different times
    for name, done in [
        ("cb_overdue", at("09:00", DAY - timedelta(days=2))),  # due today 09:00
        ("cb_due", at("20:00", DAY - timedelta(days=2))),  # due today 20:00
        ("cb_later", at("10:00", DAY - timedelta(days=1))),  # due tomorrow 10:00
    ]:
        with w(done - timedelta(hours=1)) as ctx:
            ids[f"{name}_order"] = order(ctx, description=f"{name} 灯不亮")
        finish(engine, boss, ids[f"{name}_order"], done - timedelta(minutes=20))
    # an emergency taken in before the shift: on site in time, not finished by 09:00
    with w(at("07:00")) as ctx:
        ids["emergency"] = order(ctx, description="卫生间水管爆裂", urgency="紧急")
    with w(at("07:10")) as ctx:
        workorders.dispatch(ctx, ids["emergency"], "工程部 李师傅")
    with w(at("07:20")) as ctx:
        workorders.start(ctx, ids["emergency"])

    # --- 李婷 comes on duty
    with w(at("07:58"), li) as ctx:
        shift = shifts.come_on_duty(ctx, li, "早班").id

    def d(hh_mm: str):
        return w(at(hh_mm), li, shift)

    with d("08:30") as ctx:
        ids["loan_overdue"] = loans.lend(
            ctx, LoanDraft(ladder, "赵先生", at("12:00"), phone="13800001111", room="1-1-101")
        ).id
    with d("08:40") as ctx:
        ids["key_out"] = loans.lend(
            ctx, LoanDraft(key, "电信李师傅", at("10:00", NEXT_DAY), phone="13800002222")
        ).id
    with d("08:50") as ctx:
        ids["loan_back"] = loans.lend(
            ctx, LoanDraft(umbrella, "钱女士", at("10:00"), phone="13800003333")
        ).id
    with d("09:30") as ctx:
        loans.give_back(ctx, ids["loan_back"])
    # a repair taken in and finished in the shift; its callback is due the day after tomorrow
    with d("09:00") as ctx:
        ids["closed"] = order(ctx, description="客厅插座没电")
    finish(engine, li, ids["closed"], at("09:10"))
    # entered at 09:15, reported by the resident at 07:45 (before the shift): still this shift's
    with d("09:15") as ctx:
        ids["late_entry"] = order(ctx, description="阳台地漏反水", reported_at=at("07:45"))
    with d("09:30") as ctx:
        ids["voided"] = order(ctx, description="重复报修")
    with d("09:40") as ctx:
        workorders.void(ctx, ids["voided"], "业主重复报修")
    with d("10:00") as ctx:
        ids["parts"] = order(ctx, description="热水器不出热水")
    for hh, step in [
        ("10:10", lambda ctx: workorders.dispatch(ctx, ids["parts"], "工程部")),
        ("10:20", lambda ctx: workorders.start(ctx, ids["parts"])),
        ("10:30", lambda ctx: workorders.wait_for_parts(ctx, ids["parts"], date(2026, 11, 25))),
    ]:
        with d(hh) as ctx:
            step(ctx)
    with d("14:00") as ctx:
        ids["new"] = order(ctx, description="卧室吸顶灯不亮")
    # complaints: important and not reported up (overdue at 11:00), minor, voided
    with d("10:00") as ctx:
        draft = ComplaintDraft(
            "楼上装修噪音", "物业管理", "重要", complainant="孙先生", room="2-1-301"
        )
        ids["c_overdue"] = complaints.create(ctx, draft).id
    with d("10:30") as ctx:
        draft = ComplaintDraft("垃圾清运不及时", "物业管理", complainant="周女士", room="5-1-902")
        ids["c_open"] = complaints.create(ctx, draft).id
    with d("11:00") as ctx:
        ids["c_void"] = complaints.create(
            ctx, ComplaintDraft("误登记", "其他", complainant="某")
        ).id
    with d("11:10") as ctx:
        complaints.void(ctx, ids["c_void"], "登记错误")
    # calls: a message waiting for 王晓燕, one delivered, an enquiry, a voided one
    with d("11:30") as ctx:
        draft = CallDraft("转告", "请回电", caller_name="吴先生", message_for_id=wang)
        ids["m_waiting"] = calls.create_call(ctx, draft).id
    with d("11:40") as ctx:
        draft = CallDraft("转告", "请签字", caller_name="郑女士", message_for_id=boss)
        ids["m_delivered"] = calls.create_call(ctx, draft).id
    with d("12:00") as ctx:
        calls.mark_delivered(ctx, ids["m_delivered"])
    with d("11:50") as ctx:
        ids["enquiry"] = calls.create_call(ctx, CallDraft("咨询", "问停车月卡")).id
    with d("12:10") as ctx:
        ids["call_void"] = calls.create_call(ctx, CallDraft("咨询", "打错了")).id
    with d("12:20") as ctx:
        calls.void(ctx, ids["call_void"], "误登记")
    # visits: passed and open, passed and closed, settled on the spot
    passed = {"outcome": VisitOutcome.PASSED, "dept_head": "工程部 刘经理"}
    with d("13:00") as ctx:
        draft = VisitDraft("冯先生", "申请更换门禁卡", room="7-1-301", **passed)
        ids["v_open"] = visits.create(ctx, draft).id
    with d("13:10") as ctx:
        ids["v_closed"] = visits.create(ctx, VisitDraft("陈女士", "反映路灯不亮", **passed)).id
    with d("15:00") as ctx:
        visits.close(ctx, ids["v_closed"], "已更换灯具")
    with d("13:20") as ctx:
        ids["v_settled"] = visits.create(ctx, VisitDraft("褚先生", "咨询装修手续")).id
    return Monday(li, wang, shift, ids)


def assembled(engine, m: Monday, when: datetime, notes: str | None = None) -> HandoverRecord:
    with reading(engine, now=when) as ctx:
        return handover.assemble(ctx, m.shift, notes)


def carried(record: HandoverRecord) -> list[tuple[str, str, int, str]]:
    return [(c.group, c.kind, c.record_id, c.reason) for c in record.carried]


# --- contents ----------------------------------------------------------------------------


def test_counts_per_kind_exclude_voided_records_and_say_so(engine, monday) -> None:
    record = assembled(engine, monday, at("15:50"))
    assert [(c.label, c.made, c.voided) for c in record.counts] == [
        ("来访", 3, 0),
        ("来电", 3, 1),
        ("报修", 4, 1),  # closed, late entry, 待料, new — not the voided one
        ("投诉", 2, 1),
        ("借用", 3, 0),
    ]
    assert record.counts_note == "不含作废记录 3 条"
    assert record.count("workorder") == KindCount("workorder", "报修", 4, 1)
    assert (record.shift_name, record.staff_name, record.day) == ("早班", "李婷", DAY)
    assert (record.started_at, record.planned_end, record.ended_at) == (
        at("07:58"), at("16:00"), None,
    )  # fmt: skip
    assert record.next_shift_end == at("00:00", NEXT_DAY)


def test_carried_items_with_their_reasons(engine, monday) -> None:
    ids = monday.ids
    record = assembled(engine, monday, at("15:50"))
    assert carried(record) == [
        # overdue first: became overdue during the shift (completion due 09:00) …
        ("报修", "workorder", ids["emergency"], "超时"),
        # … nobody on site 2 h after the resident called at 07:45
        ("报修", "workorder", ids["late_entry"], "响应超时"),
        ("报修", "workorder", ids["new"], "待派工"),
        ("报修", "workorder", ids["parts"], "待料（预计11-25到料）"),
        ("投诉", "complaint", ids["c_overdue"], "超时"),
        ("投诉", "complaint", ids["c_open"], "已受理"),
        ("转告", "call", ids["m_waiting"], "未转告"),
        ("物品借用", "loan", ids["loan_overdue"], "逾期未还"),
        ("钥匙借用", "loan", ids["key_out"], "借出未还"),
        ("回访", "callback", record.carried[9].record_id, "回访逾期"),
        ("回访", "callback", record.carried[10].record_id, "回访到期"),
        ("来访", "visit", ids["v_open"], "待部门办结"),
    ]
    by_id = {(c.kind, c.record_id): c for c in record.carried}
    emergency = by_id["workorder", ids["emergency"]]
    assert (emergency.deadline, emergency.overdue, emergency.state) == (at("09:00"), True, "处理中")
    assert emergency.summary == "卫生间水管爆裂" and emergency.room == "3-2-1201"
    assert emergency.serial.startswith("PG-20261123-")
    assert by_id["workorder", ids["late_entry"]].deadline == at("09:45")  # response due
    assert by_id["workorder", ids["new"]].deadline == at("16:00")  # response due, not yet late
    assert by_id["workorder", ids["parts"]].deadline is None  # the clock is stopped
    assert by_id["complaint", ids["c_overdue"]].summary == "【重要】楼上装修噪音"
    assert by_id["complaint", ids["c_overdue"]].deadline == at("11:00")
    assert by_id["call", ids["m_waiting"]].summary == "转告王晓燕：请回电"
    assert by_id["loan", ids["loan_overdue"]].deadline == at("12:00")
    # the callbacks link to their work orders; only those due by the end of the next shift
    due = [c for c in record.carried if c.kind == "callback"]
    assert [(c.link_kind, c.link_id, c.deadline) for c in due] == [
        ("workorder", ids["cb_overdue_order"], at("09:00")),
        ("workorder", ids["cb_due_order"], at("20:00")),
    ]
    assert due[0].summary == "报修回访：cb_overdue 灯不亮"
    visit = by_id["visit", ids["v_open"]]
    assert visit.summary == "转工程部 刘经理：申请更换门禁卡"
    assert visit.deadline == datetime.combine(DAY, time(23, 59, 59))  # passed on the same day
    assert [g for g, _ in record.groups()] == [
        "报修", "投诉", "转告", "物品借用", "钥匙借用", "回访", "来访",
    ]  # fmt: skip


def test_closed_voided_and_delivered_records_are_not_carried(engine, monday) -> None:
    ids = monday.ids
    record = assembled(engine, monday, at("15:50"))
    keys = {(c.kind, c.record_id) for c in record.carried}
    for kind, name in [
        ("workorder", "closed"), ("workorder", "voided"), ("complaint", "c_void"),
        ("call", "m_delivered"), ("call", "call_void"), ("loan", "loan_back"),
        ("visit", "v_closed"), ("visit", "v_settled"),
    ]:  # fmt: skip
        assert (kind, ids[name]) not in keys, name


def test_a_repair_becomes_overdue_during_the_shift(engine, monday) -> None:
    emergency = monday.ids["emergency"]
    before = {c.record_id: c for c in assembled(engine, monday, at("08:30")).carried}
    after = {c.record_id: c for c in assembled(engine, monday, at("09:01")).carried}
    assert (before[emergency].reason, before[emergency].overdue) == ("处理中", False)
    assert (after[emergency].reason, after[emergency].overdue) == ("超时", True)


def test_a_late_assembly_carries_every_callback_already_due(engine, monday) -> None:
    record = assembled(engine, monday, at("10:30", NEXT_DAY))
    due = [c.link_id for c in record.carried if c.kind == "callback"]
    assert monday.ids["cb_later_order"] in due  # due at 10:00 today, before this late assembly


def test_notes_and_the_night_shift_across_midnight(engine, write, monday) -> None:
    with write() as ctx:
        staff.set_setting(ctx, "lists.shifts", [
            {"name": "白班", "start": "08:00", "end": "20:00"},
            {"name": "夜班", "start": "20:00", "end": "08:00"},
        ])  # fmt: skip
    with writing(engine, staff_id=monday.wang, now=at("19:55")) as ctx:
        night = shifts.come_on_duty(ctx, monday.wang, "夜班").id
    with reading(engine, now=at("07:50", NEXT_DAY)) as ctx:
        record = handover.assemble(ctx, night, "夜间巡查无异常")
    assert (record.day, record.planned_end) == (DAY, at("08:00", NEXT_DAY))
    assert record.next_shift_end == at("20:00", NEXT_DAY)
    assert record.notes == "夜间巡查无异常"
    # the callback due tomorrow 10:00 falls inside the next 白班 now
    assert monday.ids["cb_later_order"] in [c.link_id for c in record.carried]


# --- confirm, accept, freeze ---------------------------------------------------------------


def confirm(engine, m: Monday, when: datetime, notes: str = "", who: int | None = None):
    with writing(engine, staff_id=who or m.li, now=when) as ctx:
        return handover.confirm(ctx, m.shift, notes)


def accept(engine, handover_id: int, who: int, when: datetime):
    with writing(engine, staff_id=who, now=when) as ctx:
        return handover.accept(ctx, handover_id, who)


def test_draft_then_confirm_by_the_outgoing_receptionist(engine, fetch, read, monday) -> None:
    with writing(engine, staff_id=monday.li, now=at("15:30")) as ctx:
        h = handover.draft(ctx, monday.shift, "3号楼电梯困人，已通知维保")
    stored = fetch(Handover, h.id)
    assert (stored.state, stored.outgoing_id, stored.confirmed_at) == (
        HandoverState.DRAFT, monday.li, None,
    )  # fmt: skip
    # an assembly without notes keeps the saved draft's
    assert assembled(engine, monday, at("15:40")).notes == "3号楼电梯困人，已通知维保"
    confirmed = confirm(engine, monday, at("15:50"), "3号楼电梯困人，已处理完毕")
    assert confirmed.id == h.id
    stored = fetch(Handover, h.id)
    assert (stored.state, stored.confirmed_at, stored.notes) == (
        HandoverState.CONFIRMED, at("15:50"), "3号楼电梯困人，已处理完毕",
    )  # fmt: skip
    with read(at("15:55")) as ctx:
        record = handover.frozen_record(ctx, h.id)
        events = [(e.action, e.field, e.new) for e in audit_log.history(ctx, "handover", h.id)]
    assert record == assembled(engine, monday, at("15:50"), "3号楼电梯困人，已处理完毕")
    assert record.assembled_at == at("15:50")
    assert (AuditAction.CREATE, "", "交接班 早班 草稿") in events
    assert (AuditAction.TRANSITION, "state", "已确认") in events
    with (
        pytest.raises(TransitionError, match="不能改回草稿"),
        writing(engine, staff_id=monday.li, now=at("15:56")) as ctx,
    ):
        handover.draft(ctx, monday.shift, "")


def test_only_the_person_on_duty_or_a_lead_may_confirm(engine, write, fetch, monday) -> None:
    with pytest.raises(TransitionError, match="李婷"):
        confirm(engine, monday, at("15:50"), who=monday.wang)
    with write() as ctx:
        boss = staff.add(ctx, "孙主管", StaffRole.SUPERVISOR).id
    h = confirm(engine, monday, at("15:50"), "李婷身体不适提前离岗，由主管代为交班", who=boss)
    assert fetch(Handover, h.id).outgoing_id == monday.li  # still 李婷's duty record
    with pytest.raises(ValidationError, match="值班情况"):
        confirm(engine, monday, at("15:51"), "很长" * 1001)


def test_accept_by_another_person_freezes_the_record(engine, fetch, read, monday) -> None:
    ids = monday.ids
    h = confirm(engine, monday, at("15:50"), "无特殊情况")
    snapshot = fetch(Handover, h.id).snapshot
    with pytest.raises(TransitionError, match="本人"):
        accept(engine, h.id, monday.li, at("16:00"))
    with writing(engine, staff_id=monday.wang, now=at("16:00")) as ctx:
        shifts.come_on_duty(ctx, monday.wang, "中班")
        # the incoming receptionist sees the waiting message and the handover at once
        assert [c.id for c in calls.undelivered_for(ctx, monday.wang)] == [ids["m_waiting"]]
        [waiting] = handover.pending(ctx)
        assert (waiting.handover_id, waiting.status, waiting.ended_at) == (
            h.id, "已确认", at("16:00"),
        )  # fmt: skip
        handover.accept(ctx, h.id, monday.wang)
    stored = fetch(Handover, h.id)
    assert (stored.state, stored.incoming_id, stored.accepted_at) == (
        HandoverState.ACCEPTED, monday.wang, at("16:00"),
    )  # fmt: skip
    with read(at("16:01")) as ctx:
        frozen = handover.frozen_record(ctx, h.id)
        assert handover.pending(ctx) == []
    # later changes to the records …
    with writing(engine, staff_id=monday.wang, now=at("16:30")) as ctx:
        calls.mark_delivered(ctx, ids["m_waiting"])
        loans.give_back(ctx, ids["loan_overdue"])
        visits.close(ctx, ids["v_open"], "已办理")
        workorders.complete(ctx, ids["emergency"], Completion("更换水管"))
    with writing(engine, staff_id=monday.li, now=at("16:30")) as ctx:  # who registered it
        complaints.void(ctx, ids["c_open"], "业主撤回")
    # … never change the accepted record
    with read(at("17:00")) as ctx:
        assert handover.frozen_record(ctx, h.id) == frozen
        sheet = handover.sheet(ctx, h.id)
    assert fetch(Handover, h.id).snapshot == snapshot
    assert len(frozen.carried) == 12
    assert len(assembled(engine, monday, at("17:00")).carried) == 7
    assert (sheet.outgoing_name, sheet.confirmed_at, sheet.incoming_name, sheet.accepted_at) == (
        "李婷", at("15:50"), "王晓燕", at("16:00"),
    )  # fmt: skip
    assert (sheet.state, sheet.flagged, sheet.record) == (HandoverState.ACCEPTED, False, frozen)
    for attempt in (
        lambda ctx: handover.confirm(ctx, monday.shift, "补充"),
        lambda ctx: handover.draft(ctx, monday.shift, "补充"),
        lambda ctx: handover.accept(ctx, h.id, monday.wang),
    ):
        with (
            pytest.raises(TransitionError, match="已接班"),
            writing(engine, staff_id=monday.li, now=at("17:00")) as ctx,
        ):
            attempt(ctx)
    assert fetch(Handover, h.id).snapshot == snapshot


def test_accepting_needs_a_confirmed_record(engine, monday) -> None:
    with writing(engine, staff_id=monday.li, now=at("15:40")) as ctx:
        h = handover.draft(ctx, monday.shift, "")
    with pytest.raises(TransitionError, match="还没有确认"):
        accept(engine, h.id, monday.wang, at("16:00"))
    confirm(engine, monday, at("15:50"))
    with pytest.raises(ValidationError, match="在职"):
        accept(engine, h.id, 999, at("16:00"))


def test_reconfirming_before_acceptance_reassembles(engine, fetch, monday) -> None:
    first = confirm(engine, monday, at("15:40"))
    with writing(engine, staff_id=monday.li, shift_id=monday.shift, now=at("15:45")) as ctx:
        calls.create_call(ctx, CallDraft("转告", "快递到了", message_for_id=monday.wang))
    again = confirm(engine, monday, at("15:50"))
    assert again.id == first.id
    stored = fetch(Handover, first.id)
    record = handover.from_json(stored.snapshot)
    assert (stored.confirmed_at, record.assembled_at) == (at("15:50"), at("15:50"))
    assert record.count("call").made == 4
    assert sum(c.group == "转告" for c in record.carried) == 2


# --- flags and lists -------------------------------------------------------------------------


def test_unaccepted_past_the_end_of_the_next_shift_is_flagged(engine, read, monday) -> None:
    h = confirm(engine, monday, at("15:50"))
    with writing(engine, staff_id=monday.wang, now=at("16:00")) as ctx:
        wang_shift = shifts.come_on_duty(ctx, monday.wang, "中班").id
    with read(at("23:59")) as ctx:
        assert handover.unaccepted_flags(ctx) == []
        assert not handover.sheet(ctx, h.id).flagged
    with read(at("00:00", NEXT_DAY) + timedelta(seconds=1)) as ctx:
        [flag] = handover.unaccepted_flags(ctx)
        sheet = handover.sheet(ctx, h.id)
        stored = ctx.session.get(Handover, h.id)
        shift = ctx.session.get(Shift, monday.shift)
        defs = shifts.definitions(settings.all_values(ctx.session))
        assert handover.is_flagged(stored, shift, ctx.now, defs)
    assert (flag.shift_id, flag.handover_id, flag.status, flag.staff_name) == (
        monday.shift, h.id, "已确认", "李婷",
    )  # fmt: skip
    assert flag.accept_by == at("00:00", NEXT_DAY) and flag.flagged and sheet.flagged
    accept(engine, h.id, monday.wang, at("00:05", NEXT_DAY))  # late, but accepted
    with read(at("12:00", NEXT_DAY)) as ctx:
        # only 王晓燕's shift, still open with nobody taking over since 08:00
        assert [f.shift_id for f in handover.unaccepted_flags(ctx)] == [wang_shift]


def test_a_shift_without_any_handover_is_flagged_too(engine, read, monday) -> None:
    with writing(engine, staff_id=monday.wang, now=at("16:00")) as ctx:
        wang_shift = shifts.come_on_duty(ctx, monday.wang, "中班").id
    with read(at("20:00")) as ctx:
        [waiting] = handover.pending(ctx)
        assert (waiting.shift_id, waiting.status, waiting.handover_id) == (
            monday.shift, "未交班", None,
        )  # fmt: skip
        assert not waiting.flagged
    # nobody took over from 王晓燕 either: her open shift is flagged after the next one ends
    with read(at("08:01", NEXT_DAY)) as ctx:
        flags = handover.unaccepted_flags(ctx)
    assert [(f.shift_id, f.status) for f in flags] == [
        (wang_shift, "未交班"),
        (monday.shift, "未交班"),
    ]


def test_latest_and_for_date(engine, read, monday) -> None:
    h = confirm(engine, monday, at("15:50"))
    with writing(engine, staff_id=monday.wang, now=at("16:00")) as ctx:
        shifts.come_on_duty(ctx, monday.wang, "中班")
        handover.accept(ctx, h.id, monday.wang)
    with writing(engine, staff_id=monday.li, now=at("23:55")) as ctx:
        night = shifts.come_on_duty(ctx, monday.li, "晚班").id  # early for tomorrow's night
    with read(at("01:00", NEXT_DAY)) as ctx:
        assert handover.latest(ctx).id == h.id
        today = handover.for_date(ctx, DAY)
        tomorrow = handover.for_date(ctx, NEXT_DAY)
    assert [(e.shift_name, e.staff_name, e.status) for e in today] == [
        ("早班", "李婷", "已接班"),
        ("中班", "王晓燕", "未交班"),
    ]
    assert today[0].incoming_name == "王晓燕" and today[0].accepted_at == at("16:00")
    assert [(e.shift_id, e.day) for e in tomorrow] == [(night, NEXT_DAY)]


def test_unknown_handover_or_shift(engine, read) -> None:
    with read() as ctx:
        with pytest.raises(NotFoundError):
            handover.frozen_record(ctx, 42)
        with pytest.raises(NotFoundError):
            handover.assemble(ctx, 42)
        assert handover.latest(ctx) is None


# --- the snapshot ------------------------------------------------------------------------

_text = st.text(max_size=30)
_moment = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)).map(
    lambda d: d.replace(microsecond=0)
)
_items = st.builds(
    CarriedItem,
    group=st.sampled_from(handover.GROUPS),
    kind=st.sampled_from(["workorder", "complaint", "call", "loan", "callback", "visit"]),
    record_id=st.integers(1, 10**9),
    serial=_text,
    summary=_text,
    room=_text,
    deadline=st.none() | _moment,
    reason=_text,
    state=_text,
    overdue=st.booleans(),
    link_kind=st.sampled_from(["workorder", "complaint", "call", "loan", "visit"]),
    link_id=st.integers(1, 10**9),
)
_records = st.builds(
    HandoverRecord,
    shift_id=st.integers(1, 10**6),
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
    shift_name=_text,
    staff_id=st.integers(1, 1000),
    staff_name=_text,
    started_at=_moment,
    planned_end=st.none() | _moment,
    ended_at=st.none() | _moment,
    assembled_at=_moment,
    next_shift_end=_moment,
    notes=st.text(max_size=200),
    counts=st.lists(
        st.builds(KindCount, kind=_text, label=_text, made=st.integers(0, 999),
                  voided=st.integers(0, 99)), max_size=5,
    ).map(tuple),
    carried=st.lists(_items, max_size=8).map(tuple),
)  # fmt: skip


@given(record=_records)
def test_snapshot_round_trips_exactly(record: HandoverRecord) -> None:
    assert handover.from_json(handover.to_json(record)) == record
