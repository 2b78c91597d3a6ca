"""Who may do what: the one table of the desk's roles (前台, 主管, 经理).

Services ask ``require(ctx, action)`` before doing something a role decides; the screens
only hide what the person on duty cannot do (``may``). Nobody on duty counts as a 前台:
the least any desk person may do. The manual's table (§4.4 谁可以做什么) is checked
against ``ROWS`` by a test, and 人员 shows the same rows.

A 前台 may still void what they registered themself while it is open, and correct an open
record: those rules need the record, so the record services apply them
(``void_others`` and ``correct_closed`` are what it takes beyond them).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from desk.models.enums import StaffRole
from desk.models.errors import PermissionDenied
from desk.models.people import Staff
from desk.services.core.context import Ctx

RECEPTIONIST, SUPERVISOR, MANAGER = StaffRole.RECEPTIONIST, StaffRole.SUPERVISOR, StaffRole.MANAGER
LEADS = frozenset({SUPERVISOR, MANAGER})


@dataclass(frozen=True)
class Rule:
    action: str  # the key services ask for
    what: str  # the action in words, for the table and the refusal
    roles: frozenset[StaffRole]


ROWS: tuple[Rule, ...] = (
    Rule("settings", "修改设置（时限、类别、班次、问候语）", LEADS),
    Rule("staff", "管理人员（添加、停用同事，修改岗位）", LEADS),
    Rule("appoint_manager", "添加经理或把同事设为经理", frozenset({MANAGER})),
    Rule("calendar", "修改节假日调整（调休、放假）", LEADS),
    Rule("restore", "从备份恢复数据库", LEADS),
    Rule("export_personal", "导出住户名单或带完整电话的列表", LEADS),
    Rule("correct_closed", "修改已办结、已完成或已答复的记录", LEADS),
    Rule("void_others", "作废别人登记的或已结束的记录", LEADS),
    Rule("act_for_others", "替本班值班人结束班次或交班", LEADS),
    Rule("unlock_account", "解锁账号（输错密码被锁时）", frozenset({MANAGER})),
    Rule("reset_password", "重置密码（忘记密码时）", frozenset({MANAGER})),
)
RULES = {rule.action: rule for rule in ROWS}


def role_of(session: Session, staff_id: int | None) -> StaffRole:
    """The role of ``staff_id`` as it is now; nobody, someone unknown or someone who has
    left counts as a 前台."""
    person = session.get(Staff, staff_id) if staff_id is not None else None
    if person is None or not person.active:
        return RECEPTIONIST
    return person.role


def may(session: Session, staff_id: int | None, action: str) -> bool:
    return role_of(session, staff_id) in RULES[action].roles


def allowed(session: Session, staff_id: int | None) -> frozenset[str]:
    """Every action of the table ``staff_id`` may do: what a screen shows them."""
    role = role_of(session, staff_id)
    return frozenset(rule.action for rule in ROWS if role in rule.roles)


def who_may(action: str) -> str:
    """The roles allowed, in words: 主管或经理, 经理."""
    return "或".join(r.value for r in StaffRole if r in RULES[action].roles)


def require(ctx: Ctx, action: str, why: str = "") -> None:
    """Refuse with ``PermissionDenied`` (a sentence saying who can) unless the person on
    duty may do ``action``; ``why`` replaces the table's words in the sentence."""
    if not may(ctx.session, ctx.staff_id, action):
        rule = RULES[action]
        raise PermissionDenied(
            f"只有{who_may(action)}可以{why or rule.what}，请{who_may(action)}上班后再操作。"
        )
