"""上班 is the log-in: the person coming on duty proves who they are, then takes the desk.

Proving is the password (``accounts.check_login``: wrong tries are counted, audited and
lock the account), or at a person's first log-in — a new office's colleagues, everybody
after the upgrade that brought passwords, someone a 经理 reset — the new password they
set themself. Unlocking the window is the same proof by the person on duty, without
a new shift.

Refusals are *returned*, not raised, like ``check_login``'s: the count of wrong tries and
its audit rows must be committed. A bad new password raises ``ValidationError`` (nothing
to keep), and the 经理-first rule ``PermissionDenied``.
"""

from __future__ import annotations

from dataclasses import dataclass

from desk.models.errors import LoginRefused
from desk.services.core import accounts
from desk.services.core.context import Ctx
from desk.services.duty import on_duty, shifts
from desk.services.duty.handover import DutyEntry


@dataclass(frozen=True)
class OnDuty:
    """Who came on duty, in which shift, and the handovers waiting for them to accept."""

    staff_id: int
    shift_id: int
    waiting: list[DutyEntry]


def prove(
    ctx: Ctx, staff_id: int, password: str, new_password: str | None = None
) -> LoginRefused | None:
    """None when ``staff_id`` is who they say: their password is right or, having none
    yet, they set ``new_password`` now (audited as theirs)."""
    if new_password is not None and not accounts.has_password(accounts.staff_of(ctx, staff_id)):
        ctx.staff_id = staff_id  # nobody else can set it: the row is the person's own
        accounts.set_password(ctx, staff_id, new_password)
        return None
    return accounts.check_login(ctx, staff_id, password)


def come_on_duty(
    ctx: Ctx, staff_id: int, shift_name: str, password: str, new_password: str | None = None
) -> OnDuty | LoginRefused:
    """上班 with a password: the shift starts only for someone who proved who they are."""
    refusal = prove(ctx, staff_id, password, new_password)
    if refusal is not None:
        return refusal
    shift = shifts.come_on_duty(ctx, staff_id, shift_name)
    assert shift.id is not None
    return OnDuty(staff_id, shift.id, on_duty.waiting_for(ctx, staff_id))
