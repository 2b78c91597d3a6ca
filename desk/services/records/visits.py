"""来访接待: record a visitor; settle it on the spot or pass it to a department head."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from desk.models import Visit, kinds
from desk.models.enums import VisitOutcome, VisitState
from desk.models.errors import TransitionError, ValidationError
from desk.models.validation import clean_text, to_halfwidth
from desk.services.core import audit
from desk.services.core.context import Ctx
from desk.services.core.numbering import SerialKind
from desk.services.records import common, correction_rules, void_rules
from desk.services.records.workorders import choice

label_of = kinds.VISIT.label  # a field's one label (desk.models.kinds)


@dataclass
class VisitDraft:
    visitor: str
    reason: str
    room: str = ""
    phone: str = ""
    resident_id: int | None = None
    is_resident: bool = True
    id_tail: str = ""  # non-residents: last 4 characters of the ID document only
    visiting: str = ""  # non-residents: the household visited
    outcome: VisitOutcome | str = VisitOutcome.SETTLED
    dept_head: str = ""
    result: str = ""
    room_confirmed: bool = False  # 是否仍然保存为未登记房号？ answered 是


def checked(ctx: Ctx, draft: VisitDraft, before: Visit | None = None) -> dict[str, Any]:
    """The columns ``draft`` fills, validated: the one set of rules for a new visit and
    for a correction of ``before`` (the stored visit: its unregistered room is not asked
    about again)."""
    outcome = choice(draft.outcome, VisitOutcome, "outcome", label_of("outcome"))
    party = common.party_fields(
        ctx,
        room=draft.room,
        name=draft.visitor,
        phone=draft.phone,
        resident_id=draft.resident_id,
        label_of=label_of,
        room_confirmed=draft.room_confirmed,
        stored_room=before.room_text if before is not None else "",
        name_required=True,
    )
    id_tail = to_halfwidth(draft.id_tail or "").upper()  # typed with a Chinese IME: full-width
    if not draft.is_resident:
        if not re.fullmatch(r"[0-9A-Z]{4}", id_tail):
            raise ValidationError(
                "id_tail", label_of("id_tail"), "请填写证件号码的最后4位（只记后四位）"
            )
        if not party["phone"]:
            raise ValidationError("phone", label_of("phone"), "外来人员请留联系电话")
    elif id_tail:
        raise ValidationError("id_tail", label_of("id_tail"), "住户来访不需要登记证件")
    values = {
        "reason": clean_text(
            draft.reason,
            field="reason",
            label=label_of("reason"),
            max_len=1000,
            required=True,
        ),
        "is_resident": draft.is_resident,
        "id_tail": id_tail,
        "visiting": clean_text(
            draft.visiting,
            field="visiting",
            label=label_of("visiting"),
            max_len=60,
            required=not draft.is_resident,
        ),
        "outcome": outcome,
        "result": clean_text(draft.result, field="result", label=label_of("result"), max_len=1000),
    }
    values["dept_head"] = ""  # only a visit passed on names whom it went to
    if outcome == VisitOutcome.PASSED:
        values["dept_head"] = clean_text(
            draft.dept_head,
            field="dept_head",
            label=label_of("dept_head"),
            max_len=40,
            required=True,
        )
    return values | party


def create(ctx: Ctx, draft: VisitDraft) -> Visit:
    values = checked(ctx, draft)
    if values["outcome"] == VisitOutcome.PASSED:
        values |= {"passed_at": ctx.now, "state": VisitState.OPEN}
    else:
        values |= {"state": VisitState.CLOSED, "closed_at": ctx.now}
    return common.create(ctx, Visit, SerialKind.VISIT, **values)


def correct(ctx: Ctx, visit_id: int, draft: VisitDraft, reason: str) -> Visit:
    """修改 a saved visit's facts (services.records.corrections): validated as when it was
    recorded; serial, time, receptionist and state stay. Its outcome is how it is being
    dealt with (settled, or passed on until 办结), so it is not corrected."""
    visit = common.get(ctx, Visit, visit_id)
    correction_rules.check(ctx, "visit", visit)
    values = checked(ctx, draft, visit)
    if values["outcome"] != visit.outcome:
        raise ValidationError(
            "outcome", label_of("outcome"), f"保存后不能再改（这条来访是“{visit.outcome}”）"
        )
    if visit.state == VisitState.CLOSED and visit.passed_at is not None and not values["result"]:
        # 办结 wrote the department's result back: it stays required (as in close)
        raise ValidationError("result", label_of("result"), "已办结的来访不能没有处理结果")
    correction_rules.write(ctx, visit, values, reason)
    return visit


def close(ctx: Ctx, visit_id: int, result: str) -> Visit:
    """The department has finished: write the outcome back and close the visit."""
    visit = common.get(ctx, Visit, visit_id)
    if visit.state != VisitState.OPEN:
        raise TransitionError(f"这条来访的状态是“{visit.state}”，不能办结。")
    result = clean_text(
        result, field="result", label=label_of("result"), max_len=1000, required=True
    )
    audit.change(ctx, visit, {"result": result, "state": VisitState.CLOSED, "closed_at": ctx.now})
    return visit


def void(ctx: Ctx, visit_id: int, reason: str) -> Visit:
    visit = common.get(ctx, Visit, visit_id)
    if visit.state == VisitState.VOID:
        raise TransitionError("这条来访已经作废。")
    void_rules.check(ctx, "visit", visit)
    common.void(ctx, visit, reason, VisitState.VOID)
    return visit
