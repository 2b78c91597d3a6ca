"""The 回访 tab's queue: scopes, order, what a row says (full phone, what was done, by whom),
search through the records' text index and the resident registry, paging and counts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from desk.models.enums import CallbackSource, CallbackState
from desk.models.enums import WorkOrderState as W
from desk.services.core import textsearch
from desk.services.records import callbacks, complaints, residents, staff, workorders
from desk.services.records.callbacks import CallbackResult
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.residents import ResidentDraft
from desk.services.records.workorders import Completion, WorkOrderDraft
from desk.services.views import callback_list
from desk.services.views.callback_list import Scope

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def completed(write, at: datetime, draft: WorkOrderDraft, done: Completion, who="李师傅"):
    """A repair taken at ``at`` and completed 30 minutes later: (order, its callback)."""
    with write(at) as ctx:
        order = workorders.create(ctx, draft)
        workorders.dispatch(ctx, order.id, who)
        workorders.start(ctx, order.id)
    with write(at + 30 * MINUTE) as ctx:
        workorders.complete(ctx, order.id, done)
        [callback] = workorders.pending_callbacks(ctx, order.id)
    return order, callback


@pytest.fixture
def queue(write):
    """Seven callbacks in every state the tab meets; the names say which is which."""
    with write(NOW - 10 * DAY) as ctx:
        registered = residents.add(
            ctx, ResidentDraft("王五", "5-1-301", phones="13900001111 / 021-12345678")
        )
    made = {}
    # completed three days ago: due yesterday, overdue
    made["overdue"] = completed(
        write,
        NOW - 3 * DAY,
        WorkOrderDraft(
            "卫生间下水管漏水",
            "水电",
            room="3-2-1201",
            reporter="张三",
            phone="13812345678",
            room_confirmed=True,  # only 5-1-301 is registered: the other rooms are typed text
        ),
        Completion("更换密封圈", cause="密封圈老化"),
    )
    # completed 47 h ago: due in an hour, today; the person comes from the registry only
    made["today"] = completed(
        write,
        NOW - 47 * HOUR - 30 * MINUTE,
        WorkOrderDraft("厨房灯不亮", "水电", resident_id=registered.id),
        Completion("更换灯管"),
        who="电工班 赵师傅",
    )
    # answered an hour ago: due the day after tomorrow
    with write(NOW - HOUR) as ctx:
        complaint = complaints.create(
            ctx,
            ComplaintDraft(
                "垃圾清运不及时",
                "物业管理",
                complainant="周先生",
                room="6-2-802",
                room_confirmed=True,
                phone="13700002222",
                department="环境部",
            ),
        )
        complaints.answer(ctx, complaint.id, "已电话告知业主", result="清运改为每天两次")
        [callback] = complaints.pending_callbacks(ctx, complaint.id)
    made["complaint"] = (complaint, callback)
    # two recorded: the older first, then the newer (unhappy: the order went back to 返工)
    made["done_earlier"] = completed(
        write,
        NOW - 4 * DAY,
        WorkOrderDraft("门锁坏了", "门窗", room="2-1-101", room_confirmed=True),
        Completion("换锁芯"),
    )
    made["done_later"] = completed(
        write,
        NOW - 5 * DAY,
        WorkOrderDraft("窗户漏风", "门窗", room="2-1-102", room_confirmed=True),
        Completion("打胶"),
    )
    with write(NOW - 3 * HOUR) as ctx:
        callbacks.record(ctx, made["done_earlier"][1].id, CallbackResult("满意", outcome="好了"))
    with write(NOW - 2 * HOUR) as ctx:
        callbacks.record(
            ctx, made["done_later"][1].id, CallbackResult("不满意", comment="还是漏风")
        )
    # completed, then the order was voided: its callback went with it
    made["voided"] = completed(
        write,
        NOW - 2 * DAY,
        WorkOrderDraft("误报", "其他", room="1-1-101", room_confirmed=True),
        Completion("无"),
    )
    with write(NOW - 30 * MINUTE) as ctx:
        workorders.void(ctx, made["voided"][0].id, "重复登记")
    return {name: callback.id for name, (_record, callback) in made.items()} | {
        f"{name}_record": record for name, (record, _callback) in made.items()
    }


def rows(read, scope=Scope.DUE, text="", **kw):
    with read() as ctx:
        return callback_list.callback_rows(ctx.session, scope=scope, text=text, now=NOW, **kw)


def ids(read, scope=Scope.DUE, text="", **kw) -> list[int]:
    return [r.id for r in rows(read, scope, text, **kw)]


def count(read, scope=Scope.DUE, text="") -> int:
    with read() as ctx:
        return callback_list.count_rows(ctx.session, scope=scope, text=text, now=NOW)


def test_scopes_and_their_order(queue, read) -> None:
    q = queue
    assert ids(read) == [q["overdue"], q["today"], q["complaint"]]  # soonest due first
    assert ids(read, Scope.OVERDUE) == [q["overdue"]]
    assert ids(read, "今天到期") == [q["today"]]
    assert ids(read, Scope.DONE) == [q["done_later"], q["done_earlier"]]  # newest recorded
    # everything, voided included, the most recently queued first
    assert ids(read, Scope.ALL) == [
        q["complaint"],
        q["today"],
        q["voided"],
        q["overdue"],
        q["done_earlier"],
        q["done_later"],
    ]
    for scope in Scope:
        assert count(read, scope) == len(ids(read, scope))


def test_counts_agree_with_the_status_bar(queue, read) -> None:
    with read() as ctx:
        assert callback_list.count_due(ctx) == 3
        assert callback_list.count_due(ctx, overdue_only=True) == callbacks.count_overdue(ctx) == 1
    # an hour and a bit later the one due today is overdue too, in the list and the counts
    later = NOW + 61 * MINUTE
    with read(later) as ctx:
        assert callback_list.count_due(ctx, overdue_only=True) == callbacks.count_overdue(ctx) == 2
        found = callback_list.callback_rows(ctx.session, scope=Scope.OVERDUE, now=later)
    assert [r.id for r in found] == [queue["overdue"], queue["today"]]


def test_amber_and_red_follow_the_near_setting(queue, write, read) -> None:
    """48 hours from queueing to due: amber for the last 0.2 of them (9.6 h), as every
    deadline; the office's sla.near_fraction moves it."""
    overdue, today, complaint = rows(read)
    assert overdue.red_at == overdue.due_at < NOW and overdue.overdue
    assert today.red_at == today.due_at == NOW + HOUR and not today.overdue
    span = complaint.due_at - complaint.queued_at
    assert span == 48 * HOUR
    assert complaint.amber_at == complaint.due_at - span * 0.2
    assert today.amber_at == today.due_at - 9.6 * HOUR < NOW  # near now
    with write() as ctx:
        staff.set_setting(ctx, "sla.near_fraction", 0.01)  # the last half hour only
    overdue, today, complaint = rows(read)
    assert today.amber_at == today.due_at - 0.48 * HOUR > NOW
    assert complaint.amber_at == complaint.due_at - span * 0.01
    done = rows(read, Scope.DONE)
    assert all(r.amber_at is None and r.red_at is None and not r.overdue for r in done)


def test_a_row_has_what_the_call_needs(queue, read) -> None:
    overdue, today, complaint = rows(read)
    order = queue["overdue_record"]
    assert (overdue.source, overdue.kind, overdue.record_id, overdue.serial) == (
        CallbackSource.WORK_ORDER,
        "workorder",
        order.id,
        order.serial,
    )
    assert (overdue.person, overdue.room, overdue.phone) == ("张三", "3-2-1201", "13812345678")
    assert overdue.phone == "13812345678"  # the full number: this list is for dialling
    assert (overdue.done, overdue.done_by) == ("水电：更换密封圈；原因：密封圈老化", "李师傅")
    assert overdue.problem == "卫生间下水管漏水"
    assert overdue.queued_at == NOW - 3 * DAY + 30 * MINUTE
    assert overdue.due_at == overdue.queued_at + 48 * HOUR
    assert (overdue.state, overdue.overdue, overdue.record_state) == ("待回访", True, "已完成")
    assert overdue.called_at is None and overdue.satisfaction is None
    # registered resident without a typed name or number: the registry's, first number
    assert (today.person, today.room, today.phone) == ("王五", "5-1-301", "13900001111")
    assert (today.done, today.done_by, today.overdue) == ("水电：更换灯管", "电工班 赵师傅", False)
    assert (complaint.source, complaint.kind, complaint.serial) == (
        "投诉",
        "complaint",
        queue["complaint_record"].serial,
    )
    assert (complaint.person, complaint.room, complaint.phone) == (
        "周先生",
        "6-2-802",
        "13700002222",
    )
    assert complaint.done == "物业管理：清运改为每天两次；答复：已电话告知业主"
    assert (complaint.done_by, complaint.record_state) == ("环境部", "已答复")


def test_recorded_and_voided_rows(queue, read, staff_id) -> None:
    later, earlier = rows(read, Scope.DONE)
    assert (later.state, later.satisfaction, later.comment) == ("已回访", "不满意", "还是漏风")
    assert (later.called_at, later.called_by, later.way) == (NOW - 2 * HOUR, "王经理", "电话")
    assert later.record_state == W.REWORK  # the unhappy callback reopened the repair
    assert (earlier.satisfaction, earlier.outcome, earlier.record_state) == (
        "满意",
        "好了",
        "已回访",
    )
    assert not later.overdue and not earlier.overdue
    [voided] = [r for r in rows(read, Scope.ALL) if r.id == queue["voided"]]
    assert (voided.state, voided.record_state, voided.overdue) == (
        CallbackState.VOID,
        "作废",
        False,
    )


@pytest.mark.parametrize("indexed", [False, True], ids=["tail", "index"])
def test_search(queue, read, write, indexed) -> None:
    q = queue
    if indexed:  # the records moved from the short tail into the FTS index
        with write() as ctx:
            textsearch.catch_up(ctx.session)
    assert ids(read, text="1201") == [q["overdue"]]  # room
    assert ids(read, text="张三") == [q["overdue"]]  # the name as typed
    assert ids(read, text="王五") == [q["today"]]  # the registered resident's name only
    assert ids(read, text="密封圈") == [q["overdue"]]  # what was done
    assert ids(read, text="每天两次") == [q["complaint"]]  # a complaint's result
    assert ids(read, text="漏水") == [q["overdue"]]  # what was reported
    assert ids(read, text="赵师傅") == [q["today"]]  # who did it
    assert ids(read, text=q["complaint_record"].serial.lower()) == [q["complaint"]]
    assert ids(read, text="水电") == [q["overdue"], q["today"]]
    assert count(read, text="水电") == 2
    # a search narrows the scope it is in
    assert ids(read, Scope.OVERDUE, "水电") == [q["overdue"]]
    assert ids(read, Scope.DONE, "门窗") == [q["done_later"], q["done_earlier"]]
    assert ids(read, Scope.DONE, "漏风") == [q["done_later"]]
    assert ids(read, Scope.ALL, "误报") == [q["voided"]]
    assert ids(read, Scope.ALL, "没有这样的内容") == []
    assert ids(read, text="  ") == ids(read)  # nothing to search for: no filter


def test_pages_do_not_overlap(queue, read) -> None:
    everything = ids(read, Scope.ALL)
    pages = [ids(read, Scope.ALL, offset=n, limit=2) for n in (0, 2, 4)]
    assert [i for page in pages for i in page] == everything
    assert ids(read, Scope.ALL, offset=6, limit=2) == []


def test_bad_arguments(read) -> None:
    with pytest.raises(ValueError, match="scopes"):
        rows(read, "未完成")
    with pytest.raises(ValueError, match="limit"):
        rows(read, limit=0)
