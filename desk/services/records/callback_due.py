"""Queue a 回访 when a work order is completed or a complaint answered (DOMAIN §3, §4)."""

from __future__ import annotations

from desk.models import Callback
from desk.models.enums import CallbackSource
from desk.services.core import audit, settings, sla
from desk.services.core.calendar import WorkCalendar
from desk.services.core.context import Ctx

_DUE_KEY = {
    CallbackSource.WORK_ORDER: "sla.callback.workorder",
    CallbackSource.COMPLAINT: "sla.callback.complaint",
}


def queue(
    ctx: Ctx, source: CallbackSource, record_id: int | None, unit_id: int | None, serial: str
) -> Callback:
    """A callback due after the office's limit (48 h by default), counted from now."""
    conf = settings.all_values(ctx.session)
    due = sla.callback_due(ctx.now, _DUE_KEY[source], conf, WorkCalendar.load(ctx.session))
    link = "work_order_id" if source == CallbackSource.WORK_ORDER else "complaint_id"
    callback = Callback(
        source=source,
        unit_id=unit_id,
        created_at=ctx.now,
        updated_at=ctx.now,
        due_at=due,
        **{link: record_id},
    )
    ctx.session.add(callback)
    ctx.session.flush()
    audit.created(ctx, callback, summary=f"回访 {serial}")
    return callback
