"""Text with half a character (a lone UTF-16 surrogate, as text pasted from a broken source
carries) is refused with a field's message by every service that stores or looks up text,
never a UnicodeEncodeError from SQLite, and nothing is stored."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from desk.models import AuditEvent
from desk.models.errors import ValidationError
from desk.models.validation import check_encodable, clean_text
from desk.services.core.textsearch import search_ids
from desk.services.duty import handover, shifts
from desk.services.records import (
    calls,
    complaints,
    loans,
    residents,
    settings_text,
    staff,
    visits,
    workorders,
)
from desk.services.views import by_serial
from desk.services.views.resident_search import search_residents

NOW = datetime(2026, 11, 23, 10, 0)
HALF = "\ud83d"  # the first half of an emoji's UTF-16 pair, alone


def _item(write) -> int:
    with write() as ctx:
        return loans.add_item(ctx, "梯子", stock=2).id


DRAFTS = {
    "call": lambda _w: calls.CallDraft("咨询", "问停水"),
    "visit": lambda _w: visits.VisitDraft(  # 转部门处理: the form's every field is stored
        "张三", "咨询", outcome="转部门处理", dept_head="王主管"
    ),
    "workorder": lambda _w: workorders.WorkOrderDraft("厨房漏水", "水电", room="1-1-101"),
    "complaint": lambda _w: complaints.ComplaintDraft("噪音扰民", "物业管理", complainant="张三"),
    "loan": lambda w: loans.LoanDraft(
        _item(w), "李四", NOW + timedelta(days=1), phone="13812345678"
    ),
    "resident": lambda _w: residents.ResidentDraft("王五", "1-1-101"),
}
SAVE = {
    "call": calls.create_call,
    "visit": visits.create,
    "workorder": workorders.create,
    "complaint": complaints.create,
    "loan": loans.lend,
    "resident": residents.add,
}


def _text_fields(draft: object) -> list[str]:
    return [f.name for f in dataclasses.fields(draft) if isinstance(getattr(draft, f.name), str)]


@pytest.mark.parametrize("kind", list(DRAFTS))
def test_every_text_field_of_every_draft_refuses_half_a_character(write, fetch, kind) -> None:
    base = DRAFTS[kind](write)
    before = len(fetch(select(AuditEvent)))
    for name in _text_fields(base):
        original = getattr(base, name)
        draft = dataclasses.replace(base, **{name: (original or "一") + HALF})
        with pytest.raises(ValidationError), write() as ctx:
            SAVE[kind](ctx, draft)
    assert len(fetch(select(AuditEvent))) == before, "nothing was stored"
    with write() as ctx:  # the draft itself was fine: each refusal was the broken text's
        SAVE[kind](ctx, base)


def test_actions_with_a_reason_refuse_half_a_character(write) -> None:
    with write() as ctx:
        order = workorders.create(ctx, DRAFTS["workorder"](write))
        complaint = complaints.create(ctx, DRAFTS["complaint"](write))
        call = calls.create_call(ctx, calls.CallDraft("咨询", "问停水"))
        shift_id = shifts.come_on_duty(ctx, ctx.staff_id, "早班").id
        dispatched = workorders.create(ctx, DRAFTS["workorder"](write))
        workorders.dispatch(ctx, dispatched.id, "维修班")
        workorders.start(ctx, dispatched.id)
    actions = [
        lambda ctx: workorders.dispatch(ctx, order.id, "维修" + HALF),
        lambda ctx: workorders.void(ctx, order.id, "重复" + HALF),
        lambda ctx: complaints.escalate(ctx, complaint.id, "升级" + HALF),
        lambda ctx: complaints.void(ctx, complaint.id, "重复" + HALF),
        lambda ctx: calls.void(ctx, call.id, "重复" + HALF),
        lambda ctx: staff.add(ctx, "赵六" + HALF),
        lambda ctx: loans.add_item(ctx, "推车" + HALF, stock=1),
        lambda ctx: settings_text.change(ctx, "office.greeting", "您好" + HALF),
        lambda ctx: complaints.start(ctx, complaint.id, measures="上门" + HALF),
        lambda ctx: complaints.answer(ctx, complaint.id, "已处理" + HALF),
        lambda ctx: workorders.complete(ctx, dispatched.id, workorders.Completion("换阀门" + HALF)),
        lambda ctx: handover.confirm(ctx, shift_id, notes="交接" + HALF),
    ]
    for act in actions:
        with pytest.raises(ValidationError, match="无法识别"), write() as ctx:
            act(ctx)


def test_searches_find_nothing_instead_of_failing(read) -> None:
    with read() as ctx:
        with pytest.raises(ValidationError, match="不是本系统的单号"):
            by_serial.find(ctx, "PG-20261123-001" + HALF)
        assert search_residents(ctx.session, "张" + HALF) == []
        assert search_ids(ctx.session, "call", "停水" + HALF) == []


@given(st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1))
def test_clean_text_names_the_broken_character(junk: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_text("好" + junk, field="content", label="内容", max_len=500)
    assert caught.value.field == "content" and "第2个字符" in str(caught.value)


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=50))
def test_whole_characters_pass(text: str) -> None:
    assert check_encodable(text, "content", "内容") == text
    text.encode("utf-8")  # what SQLite will be given
