"""转报修 / 转投诉: what a visit or a call hands to the new record's form."""

from __future__ import annotations

import pytest

from desk.models.enums import Channel, ComplaintChannel
from desk.models.errors import NotFoundError
from desk.services.records import calls, carry, residents, visits
from desk.services.records.calls import CallDraft
from desk.services.records.residents import ResidentDraft
from desk.services.records.visits import VisitDraft


def test_a_call_carries_who_where_and_what(write, read):
    with write() as ctx:
        call = calls.create_call(
            ctx,
            CallDraft("报修", "厨房水管漏水", caller_name="陈先生", phone="138 1234 5678",
                      room="3栋2单元1201"),
        )  # fmt: skip
    with read() as ctx:
        found = carry.carry_over(ctx, "call", call.id)
    assert (found.person, found.phone, found.room, found.text) == (
        "陈先生",
        "13812345678",
        "3-2-1201",
        "厨房水管漏水",
    )
    assert (found.call_id, found.visit_id, found.serial) == (call.id, None, call.serial)
    assert (found.repair_channel, found.complaint_channel) == (Channel.CALL, ComplaintChannel.CALL)


def test_a_visit_by_a_registered_resident_carries_the_resident(write, read):
    with write() as ctx:
        zhang = residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
        visit = visits.create(
            ctx, VisitDraft(visitor="张三", reason="楼上噪音", resident_id=zhang.id)
        )
    with read() as ctx:
        found = carry.carry_over(ctx, "visit", visit.id)
    assert (found.resident_id, found.room, found.visit_id, found.call_id) == (
        zhang.id,
        "3-2-1201",
        visit.id,
        None,
    )
    assert (found.text, found.repair_channel, found.complaint_channel) == (
        "楼上噪音",
        Channel.VISIT,
        ComplaintChannel.VISIT,
    )


def test_an_unknown_record_is_a_clear_error(read):
    with read() as ctx, pytest.raises(NotFoundError):
        carry.carry_over(ctx, "call", 999)
