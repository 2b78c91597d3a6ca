"""作废: who may void a saved record.

The person who registered a record may void it while the desk is still dealing with it
(open as ``correction_rules.done_with`` decides for corrections too: one notion of open);
anything else — a colleague's record, or one the desk is done with — takes the role
table's ``void_others`` (a 主管 or 经理). Each desk kind's ``void`` (visits, calls,
workorders, complaints, loans) checks here after its own state check; the detail view
offers 作废 only when ``refusal_for`` finds nothing. The callbacks a repair's or a
complaint's void or 返工 takes along are voided by that action, not checked again.
"""

from __future__ import annotations

from typing import Any

from desk.models import kinds
from desk.models.errors import PermissionDenied
from desk.services.core import permissions
from desk.services.core.context import Ctx
from desk.services.records.correction_rules import done_with

ACTION = "void_others"  # the role table's row for what the registering person may not void


def is_own(record: Any, staff_id: int | None) -> bool:
    """Whether ``staff_id`` registered ``record``; nobody on duty registered nothing."""
    return staff_id is not None and record.staff_id == staff_id


def refusal_for(kind: str, record: Any, *, own: bool, lead: bool) -> str | None:
    """Why ``record`` may not be voided by the person asking — who registered it when
    ``own``, a 主管/经理 (``void_others``) when ``lead`` — or None when they may."""
    if lead:
        return None
    title = kinds.kind(kind).title
    who = permissions.who_may(ACTION)
    if not own:
        return (
            f"这条{title}不是现在值班的人登记的：只有登记人本人（在办结前）可以作废，"
            f"否则请{who}上班后再操作。"
        )
    done = done_with(kind, record)
    if done is not None:
        return f"这条{title}{done}，登记人也不能再作废；需要作废请{who}上班后再操作。"
    return None


def refusal(ctx: Ctx, kind: str, record: Any) -> str | None:
    """Why the person on duty may not void ``record``, or None when they may."""
    return refusal_for(
        kind,
        record,
        own=is_own(record, ctx.staff_id),
        lead=permissions.may(ctx.session, ctx.staff_id, ACTION),
    )


def check(ctx: Ctx, kind: str, record: Any) -> None:
    """PermissionDenied with the reason when the person on duty may not void ``record``."""
    refused = refusal(ctx, kind, record)
    if refused is not None:
        raise PermissionDenied(refused)
