"""来电记录: log a call; 转告 calls carry a message until it is passed on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from desk.models import Call, Staff, kinds
from desk.models.enums import CallType, MessageState, RecordState
from desk.models.errors import TransitionError, ValidationError
from desk.models.validation import clean_text
from desk.services.core import audit
from desk.services.core.context import Ctx
from desk.services.core.numbering import SerialKind
from desk.services.records import common, correction_rules, void_rules
from desk.services.records.workorders import choice

label_of = kinds.CALL.label  # a field's one label (desk.models.kinds)


@dataclass
class CallDraft:
    call_type: CallType | str
    content: str
    caller_name: str = ""
    phone: str = ""
    room: str = ""
    reply: str = ""
    message_for_id: int | None = None  # the colleague a 转告 is for
    resident_id: int | None = None
    room_confirmed: bool = False  # 是否仍然保存为未登记房号？ answered 是


def checked(ctx: Ctx, draft: CallDraft, before: Call | None = None) -> dict[str, Any]:
    """The columns ``draft`` fills, validated: the one set of rules for a new call and for
    a correction of ``before`` (the stored call: its colleague, even one who has left since,
    and its unregistered room are kept without asking again)."""
    call_type = choice(draft.call_type, CallType, "call_type", "来电类型")
    message_state = None
    if call_type == CallType.MESSAGE:
        if draft.message_for_id is None:
            raise ValidationError(
                "message_for_id", label_of("message_for_id"), "转告类来电请选择要转告的同事"
            )
        colleague = ctx.session.get(Staff, draft.message_for_id)
        if colleague is None or (
            not colleague.active
            and not correction_rules.kept(before, "message_for_id", draft.message_for_id)
        ):
            raise ValidationError(
                "message_for_id", label_of("message_for_id"), "请选择一位在职的同事"
            )
        message_state = MessageState.PENDING
    elif draft.message_for_id is not None:
        raise ValidationError(
            "message_for_id", label_of("message_for_id"), "只有“转告”类来电才需要选择同事"
        )
    party = common.party_fields(
        ctx,
        room=draft.room,
        name=draft.caller_name,
        phone=draft.phone,
        resident_id=draft.resident_id,
        label_of=label_of,
        room_confirmed=draft.room_confirmed,
        stored_room=before.room_text if before is not None else "",
    )
    return {
        "call_type": call_type,
        "content": clean_text(
            draft.content,
            field="content",
            label=label_of("content"),
            max_len=2000,
            required=True,
        ),
        "reply": clean_text(draft.reply, field="reply", label=label_of("reply"), max_len=2000),
        "message_for_id": draft.message_for_id,
        "message_state": message_state,
        **party,
    }


def create_call(ctx: Ctx, draft: CallDraft) -> Call:
    return common.create(ctx, Call, SerialKind.CALL, **checked(ctx, draft))


def correct(ctx: Ctx, call_id: int, draft: CallDraft, reason: str) -> Call:
    """修改 a saved call's facts (services.records.corrections): validated as when it was
    recorded; serial, time, receptionist and state stay. A message to the same colleague
    keeps whether it was passed on; a new colleague has it still to be told (未转告)."""
    call = common.get(ctx, Call, call_id)
    correction_rules.check(ctx, "call", call)
    values = checked(ctx, draft, call)
    same_message = (
        values["message_state"] is not None
        and call.message_state is not None
        and values["message_for_id"] == call.message_for_id
    )
    if same_message:
        values |= {"message_state": call.message_state, "delivered_at": call.delivered_at}
    else:
        values["delivered_at"] = None
    correction_rules.write(ctx, call, values, reason)
    return call


def mark_delivered(ctx: Ctx, call_id: int) -> Call:
    """The colleague has got the message (已转告)."""
    call = common.get(ctx, Call, call_id)
    if call.message_state != MessageState.PENDING or call.state == RecordState.VOID:
        raise TransitionError("这条来电没有待转告的留言。")
    audit.change(ctx, call, {"message_state": MessageState.DELIVERED, "delivered_at": ctx.now})
    return call


def void(ctx: Ctx, call_id: int, reason: str) -> Call:
    call = common.get(ctx, Call, call_id)
    if call.state == RecordState.VOID:
        raise TransitionError("这条来电已经作废。")
    void_rules.check(ctx, "call", call)
    common.void(ctx, call, reason, RecordState.VOID)
    return call


def undelivered_for(ctx: Ctx, staff_id: int) -> list[Call]:
    """Messages still waiting for ``staff_id`` — shown when they come on duty."""
    stmt = (
        select(Call)
        .where(
            Call.message_for_id == staff_id,
            Call.message_state == MessageState.PENDING,
            Call.state == RecordState.ACTIVE,
        )
        .order_by(Call.created_at)
    )  # type: ignore[arg-type]
    return list(ctx.session.exec(stmt).all())


def count_undelivered(ctx: Ctx) -> int:
    stmt = select(Call.id).where(
        Call.message_state == MessageState.PENDING, Call.state == RecordState.ACTIVE
    )
    return len(ctx.session.exec(stmt).all())
