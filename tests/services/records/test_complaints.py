"""投诉处理: intake by severity, handling, escalation, answer + callback, void, attachments."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from desk.models import Callback, Complaint, ComplaintAttachment
from desk.models.enums import AuditAction, CallbackSource, CallbackState, EscalationLevel
from desk.models.enums import ComplaintState as C
from desk.models.errors import NotFoundError, TransitionError, ValidationError
from desk.services.core import audit, sla
from desk.services.records import complaints, staff
from desk.services.records.complaints import ComplaintDraft

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def draft(**overrides) -> ComplaintDraft:
    values = {
        "description": "楼上每晚十二点后装修噪音",
        "category": "物业管理",
        "complainant": "李女士",
        "room": "3-2-1101",
        "phone": "13912345678",
    }
    values.update(overrides)
    return ComplaintDraft(**values)


def create(write, at: datetime = NOW, **overrides) -> Complaint:
    with write(at) as ctx:
        return complaints.create(ctx, draft(**overrides))


def state_rows(read, complaint_id: int) -> list[tuple]:
    with read() as ctx:
        return [
            (e.action, e.old, e.new)
            for e in audit.history(ctx, "complaint", complaint_id)
            if e.field == "state"
        ]


# --- intake -------------------------------------------------------------------------------


def test_create_numbers_and_audits(write, read, fetch, staff_id) -> None:
    complaint = create(write, subtype="噪音", target="装修队", demand="晚上不要施工")
    stored = fetch(Complaint, complaint.id)
    assert stored.serial == "TS-20261123-001"
    assert (stored.state, stored.level, stored.staff_id) == (C.ACCEPTED, "前台/部门", staff_id)
    assert (stored.subtype, stored.target, stored.demand) == ("噪音", "装修队", "晚上不要施工")
    with read() as ctx:
        [event] = [(e.action, e.new, e.staff_id, e.at) for e in audit.history(ctx, "complaint", 1)]
    assert event == (AuditAction.CREATE, "TS-20261123-001", staff_id, NOW)


@pytest.mark.parametrize(
    ("severity", "level", "due"),
    [
        ("重大", EscalationLevel.LEADERSHIP, datetime(2026, 11, 23, 23, 59, 59)),
        ("重要", EscalationLevel.SUPERVISOR, NOW + HOUR),
        ("轻微", EscalationLevel.DESK, NOW + 2 * DAY),
    ],
)
def test_severity_sets_who_hears_and_by_when(write, read, severity, level, due) -> None:
    """The desk records it; a 重大/重要 complaint must be reported up (升级) by ``due``,
    a minor one resolved by then."""
    complaint = create(write, severity=severity)
    assert (complaint.level, complaint.due_at) == (EscalationLevel.DESK, due)
    assert complaints.REQUIRED_LEVEL[complaint.severity] == level
    with read(due) as ctx:
        assert complaints.count_overdue(ctx) == 0
    with read(due + timedelta(seconds=1)) as ctx:
        assert complaints.count_overdue(ctx) == 1
    if level != EscalationLevel.DESK:
        # reported up to the required level: no longer past its escalation time
        with write(NOW + timedelta(minutes=20)) as ctx:
            complaints.escalate(ctx, complaint.id, "按规定上报")
            if level == EscalationLevel.LEADERSHIP:
                complaints.escalate(ctx, complaint.id, "按规定上报公司领导")
        with read(due + DAY) as ctx:
            assert complaints.count_overdue(ctx) == 0


@pytest.mark.parametrize(
    ("severity", "deadline", "due"),
    [
        ("轻微", NOW + DAY, NOW + DAY),  # the resident's earlier deadline wins
        ("轻微", NOW + 5 * DAY, NOW + 2 * DAY),  # a later one does not stretch ours
        ("重要", NOW + timedelta(minutes=10), NOW + HOUR),  # only for minor ones
    ],
)
def test_residents_deadline_for_minor_complaints(write, severity, deadline, due) -> None:
    complaint = create(write, severity=severity, demand_deadline=deadline)
    assert complaint.due_at == due
    assert complaint.demand_deadline == deadline


def test_setting_changes_the_minor_limit(write) -> None:
    with write() as ctx:
        staff.set_setting(ctx, "sla.complaint.轻微", "3d")
    assert create(write).due_at == NOW + 3 * DAY


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"complainant": ""}, "person_name"),
        ({"category": "装修"}, "category"),
        ({"severity": "一般"}, "severity"),
        ({"channel": "微信"}, "channel"),
        ({"description": ""}, "description"),
        ({"demand_deadline": NOW - HOUR}, "demand_deadline"),
        ({"occurred_at": NOW + DAY}, "occurred_at"),
    ],
)
def test_bad_intake_is_refused(write, fetch, overrides, field) -> None:
    with pytest.raises(ValidationError) as info, write() as ctx:
        complaints.create(ctx, draft(**overrides))
    assert info.value.field == field
    assert fetch(select(Complaint)) == []


# --- handling and escalation --------------------------------------------------------------


def test_start_records_department_and_measures(write, fetch, read) -> None:
    complaint = create(write)
    with write(NOW + HOUR) as ctx:
        complaints.start(ctx, complaint.id, department="工程部", measures="约装修队面谈")
    stored = fetch(Complaint, complaint.id)
    assert (stored.state, stored.department, stored.measures) == (
        C.IN_PROGRESS,
        "工程部",
        "约装修队面谈",
    )
    assert state_rows(read, complaint.id) == [(AuditAction.TRANSITION, "已受理", "处理中")]
    with pytest.raises(TransitionError, match="“处理中”"), write() as ctx:
        complaints.start(ctx, complaint.id)


def test_escalation_climbs_one_level_at_a_time(write, fetch, read) -> None:
    complaint = create(write)
    with pytest.raises(ValidationError) as info, write() as ctx:
        complaints.escalate(ctx, complaint.id, " ")
    assert info.value.field == "reason"

    with write(NOW + HOUR) as ctx:
        complaints.escalate(ctx, complaint.id, "业主要求主管出面")
    first = fetch(Complaint, complaint.id)
    assert (first.state, first.level, first.escalated_at) == (
        C.IN_PROGRESS,
        EscalationLevel.SUPERVISOR,
        NOW + HOUR,
    )
    assert first.measures == "升级：业主要求主管出面"
    with write(NOW + 2 * HOUR) as ctx:
        complaints.escalate(ctx, complaint.id, "主管协调未果")
    assert fetch(Complaint, complaint.id).level == EscalationLevel.LEADERSHIP
    with read() as ctx:
        levels = [
            (e.old, e.new, e.staff_id is not None)
            for e in audit.history(ctx, "complaint", complaint.id)
            if e.field == "level"
        ]
    assert levels == [("前台/部门", "项目主管", True), ("项目主管", "公司领导", True)]

    with pytest.raises(TransitionError, match="公司领导"), write() as ctx:
        complaints.escalate(ctx, complaint.id, "还要再升级")
    assert fetch(Complaint, complaint.id).level == EscalationLevel.LEADERSHIP


def test_answer_queues_the_callback(write, fetch, read) -> None:
    complaint = create(write)
    with pytest.raises(ValidationError) as info, write() as ctx:
        complaints.answer(ctx, complaint.id, "")
    assert info.value.field == "reply"

    at = NOW + 5 * HOUR
    with write(at) as ctx:
        complaints.answer(ctx, complaint.id, "已约谈装修队，晚上不再施工", result="已整改")
    stored = fetch(Complaint, complaint.id)
    assert (stored.state, stored.replied_at, stored.result) == (C.ANSWERED, at, "已整改")
    [callback] = fetch(select(Callback))
    assert callback.source == CallbackSource.COMPLAINT
    assert (callback.complaint_id, callback.state, callback.due_at) == (
        complaint.id,
        CallbackState.DUE,
        at + 48 * HOUR,
    )
    with pytest.raises(TransitionError, match="“已答复”"), write() as ctx:
        complaints.answer(ctx, complaint.id, "再答复一次")


def test_escalating_an_answered_complaint_reopens_it(write, fetch) -> None:
    complaint = create(write)
    with write(NOW + HOUR) as ctx:
        complaints.answer(ctx, complaint.id, "已处理")
    with write(NOW + 2 * HOUR) as ctx:
        complaints.escalate(ctx, complaint.id, "业主不接受答复")
    stored = fetch(Complaint, complaint.id)
    assert (stored.state, stored.level, stored.replied_at) == (
        C.IN_PROGRESS,
        EscalationLevel.SUPERVISOR,
        None,
    )
    [callback] = fetch(select(Callback))
    assert (callback.state, callback.void_reason) == (
        CallbackState.VOID,
        "投诉升级：业主不接受答复",
    )


def test_void_needs_a_reason_keeps_the_row_and_voids_the_callback(write, fetch, read) -> None:
    complaint = create(write)
    with write(NOW + HOUR) as ctx:
        complaints.answer(ctx, complaint.id, "已处理")
    with pytest.raises(ValidationError), write() as ctx:
        complaints.void(ctx, complaint.id, "")
    assert fetch(Complaint, complaint.id).state == C.ANSWERED

    with write(NOW + 2 * HOUR) as ctx:
        complaints.void(ctx, complaint.id, "重复登记")
    stored = fetch(Complaint, complaint.id)
    assert (stored.state, stored.void_reason, stored.voided_at) == (
        C.VOID,
        "重复登记",
        NOW + 2 * HOUR,
    )
    assert [cb.state for cb in fetch(select(Callback))] == [CallbackState.VOID]
    assert state_rows(read, complaint.id)[-1] == (AuditAction.VOID, "已答复", "作废")
    for action in (
        lambda ctx: complaints.start(ctx, complaint.id),
        lambda ctx: complaints.escalate(ctx, complaint.id, "升级"),
        lambda ctx: complaints.answer(ctx, complaint.id, "答复"),
        lambda ctx: complaints.void(ctx, complaint.id, "再作废"),
    ):
        with pytest.raises(TransitionError, match="“作废”"), write() as ctx:
            action(ctx)


# --- overdue ------------------------------------------------------------------------------


def overdue(read, at: datetime) -> int:
    with read(at) as ctx:
        return complaints.count_overdue(ctx)


def test_major_complaint_is_overdue_after_the_day_ends(write, read, fetch) -> None:
    complaint = create(write, severity="重大")
    assert overdue(read, datetime(2026, 11, 23, 23, 59, 59)) == 0
    assert overdue(read, datetime(2026, 11, 24, 0, 0)) == 1
    assert complaints.is_overdue(fetch(Complaint, complaint.id), datetime(2026, 11, 24))


def test_important_complaint_is_overdue_after_an_hour(write, read) -> None:
    create(write, severity="重要")
    assert overdue(read, NOW + HOUR) == 0
    assert overdue(read, NOW + HOUR + timedelta(seconds=1)) == 1


def test_minor_complaint_follows_the_residents_deadline(write, read) -> None:
    create(write, demand_deadline=NOW + 3 * HOUR)
    assert overdue(read, NOW + 3 * HOUR) == 0
    assert overdue(read, NOW + 4 * HOUR) == 1


def test_answered_and_voided_complaints_are_not_overdue(write, read) -> None:
    answered = create(write, severity="重要")
    voided = create(write, severity="重要")
    with write(NOW + timedelta(minutes=10)) as ctx:
        complaints.answer(ctx, answered.id, "已处理")
        complaints.void(ctx, voided.id, "录重了")
    assert overdue(read, NOW + DAY) == 0


def stored_deadline(fetch, complaint_id: int) -> datetime | None:
    stored = fetch(Complaint, complaint_id)
    assert stored.overdue_at == complaints.deadline(stored)  # stored is what the rule says
    return stored.overdue_at


def test_every_action_keeps_the_stored_deadline(write, fetch) -> None:
    own = NOW + 3 * HOUR
    complaint = create(write, severity="重要", demand_deadline=own)
    assert stored_deadline(fetch, complaint.id) == NOW + HOUR  # to report up, the earliest
    with write(NOW + 0.5 * HOUR) as ctx:
        complaints.start(ctx, complaint.id, "工程部")
        complaints.escalate(ctx, complaint.id, "按规定上报")
    assert stored_deadline(fetch, complaint.id) == own  # reported: the resident's runs
    with write(NOW + 2 * HOUR) as ctx:
        complaints.answer(ctx, complaint.id, "已处理")
    assert stored_deadline(fetch, complaint.id) is None
    with write(NOW + 3 * DAY) as ctx:
        complaints.escalate(ctx, complaint.id, "业主仍不满意")  # reopened, long past its own
    assert stored_deadline(fetch, complaint.id) == own
    with write(NOW + 3 * DAY) as ctx:
        complaints.void(ctx, complaint.id, "录重了")
    assert stored_deadline(fetch, complaint.id) is None
    minor = create(write)
    assert stored_deadline(fetch, minor.id) == NOW + 2 * DAY
    assert complaints.clock(fetch(Complaint, minor.id)) == sla.Clock(NOW, NOW + 2 * DAY)


def test_restamp_puts_back_what_a_raw_insert_left_out(write, fetch, engine) -> None:
    open_ = create(write, severity="重大")
    answered = create(write)
    with write() as ctx:
        complaints.answer(ctx, answered.id, "已处理")
    with engine.begin() as con:
        con.exec_driver_sql("UPDATE complaint SET overdue_at = NULL")
    with write() as ctx:
        assert complaints.restamp(ctx.session) == 1
    assert stored_deadline(fetch, open_.id) == datetime(2026, 11, 23, 23, 59, 59)
    assert stored_deadline(fetch, answered.id) is None


# --- attachments --------------------------------------------------------------------------


def test_attachment_is_kept_in_the_database(write, fetch, read, staff_id) -> None:
    complaint = create(write)
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
    with write() as ctx:
        complaints.attach(ctx, complaint.id, "photos/楼道杂物.jpg", photo)
    [stored] = fetch(select(ComplaintAttachment))
    assert (stored.filename, stored.mime, stored.size) == ("楼道杂物.jpg", "image/jpeg", len(photo))
    assert stored.data == photo
    assert stored.sha256 == hashlib.sha256(photo).hexdigest()
    assert stored.staff_id == staff_id
    with read() as ctx:
        assert [e.new for e in audit.history(ctx, "complaintattachment", stored.id)] == [
            "附件 楼道杂物.jpg"
        ]


def test_empty_or_huge_attachments_are_refused(write, fetch) -> None:
    complaint = create(write)
    with pytest.raises(ValidationError, match="空"), write() as ctx:
        complaints.attach(ctx, complaint.id, "a.jpg", b"")
    too_big = bytes(complaints.MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(ValidationError, match="20 MB"), write() as ctx:
        complaints.attach(ctx, complaint.id, "b.jpg", too_big)
    assert fetch(select(ComplaintAttachment)) == []


def test_attachment_list_leaves_the_bytes_behind(write, read) -> None:
    complaint = create(write)
    other = create(write)
    with write() as ctx:
        first = complaints.attach(ctx, complaint.id, "门口.jpg", b"photo")
        complaints.attach(ctx, complaint.id, "说明.pdf", b"%PDF-1.4 text")
        complaints.attach(ctx, other.id, "别的.jpg", b"x")
    with read() as ctx:
        listed = complaints.attachment_list(ctx, complaint.id)
        assert [(a.filename, a.size, a.added_at) for a in listed] == [
            ("门口.jpg", 5, NOW),
            ("说明.pdf", 13, NOW),
        ]
        assert complaints.attachment(ctx, first.id).data == b"photo"
        with pytest.raises(NotFoundError):
            complaints.attachment(ctx, 999)
