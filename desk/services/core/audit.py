"""The audit log: every create, change, state move and void, in the same transaction.

Services never set attributes of a stored record directly; they call ``change``
so that nothing changes without a row here saying who, when, and old → new.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlmodel import SQLModel, select

from desk.models import AuditEvent
from desk.models.db import driver_insert
from desk.models.enums import AuditAction
from desk.models.validation import mask_phones_in
from desk.services.core import textsearch
from desk.services.core.context import Ctx

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _entity(obj: SQLModel) -> str:
    return obj.__tablename__  # type: ignore[attr-defined]


def _log(ctx: Ctx, rows: list[dict[str, Any]]) -> None:
    """Insert audit rows with one Core statement: the log is written on every save, so it
    skips building ORM objects (see benchmarks: saving one call)."""
    if rows:
        base = {
            "at": ctx.now,
            "staff_id": ctx.staff_id,
            "field": "",
            "old": None,
            "new": None,
            "reason": "",
        }
        driver_insert(ctx.session, AUDIT, [base | row for row in rows])
        for row in rows:  # what the screens refresh: everything audited changed
            ctx.changes.add(row["entity"], [row["entity_id"] or None])


def created(ctx: Ctx, obj: SQLModel, summary: str = "") -> None:
    """Log a new record. ``obj`` must already be flushed so it has an id."""
    _log(
        ctx,
        [
            {
                "entity": _entity(obj),
                "entity_id": obj.id,  # type: ignore[attr-defined]
                "action": AuditAction.CREATE,
                "new": summary or getattr(obj, "serial", None) or None,
            }
        ],
    )


def change(
    ctx: Ctx,
    obj: SQLModel,
    values: dict[str, Any],
    *,
    action: AuditAction = AuditAction.UPDATE,
    reason: str = "",
) -> list[str]:
    """Set ``values`` on ``obj``, logging one event per field that really changes.

    Returns the names of the changed fields; ``updated_at`` follows along unlogged.
    """
    rows: list[dict[str, Any]] = []
    # an action names its state row with its own word; a correction (更正) every field
    correcting = action == AuditAction.CORRECT
    for name, new in values.items():
        old = getattr(obj, name)
        if old == new:
            continue
        setattr(obj, name, new)
        rows.append(
            {
                "entity": _entity(obj),
                "entity_id": obj.id,  # type: ignore[attr-defined]
                "action": action if name == "state" or correcting else AuditAction.UPDATE,
                "field": name,
                "old": _text(old),
                "new": _text(new),
                "reason": reason,
            }
        )
    if rows and hasattr(obj, "updated_at"):
        obj.updated_at = ctx.now  # type: ignore[attr-defined]
    ctx.session.add(obj)
    _log(ctx, rows)
    changed = [row["field"] for row in rows]
    if changed:
        textsearch.after_change(ctx.session, obj, changed)  # re-index changed text
    return changed


def noted(ctx: Ctx, obj: SQLModel, field: str, *, new: str | None = None, reason: str = "") -> None:
    """Log an event about ``obj`` that no field shows (a password set, a refused log-in):
    the values that did change, if any, are not fit for the log."""
    _log(
        ctx,
        [
            {
                "entity": _entity(obj),
                "entity_id": obj.id,  # type: ignore[attr-defined]
                "action": AuditAction.UPDATE,
                "field": field,
                "new": new,
                "reason": reason,
            }
        ],
    )


def history(ctx: Ctx, entity: str, entity_id: int) -> list[AuditEvent]:
    """A record's events, oldest first."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)
    )
    return list(ctx.session.exec(stmt).all())


def keyed_changed(
    ctx: Ctx, entity: str, key: str, old: str | None, new: str | None, *, reason: str = ""
) -> None:
    """Configuration keyed by text, not an id (a setting, a calendar override by its day):
    the key in ``field`` (entity_id 0); ``old`` None for a new row, ``new`` None for a
    removed one — written before the row goes, so the log keeps what it was."""
    _log(
        ctx,
        [
            {
                "entity": entity,
                "entity_id": 0,
                "action": AuditAction.CREATE if old is None else AuditAction.UPDATE,
                "field": key[:40],
                "old": old,
                "new": new,
                "reason": reason,
            }
        ],
    )


EXPORTS = "export"  # the entity of the rows ``exported`` writes (entity_id 0)
# the actions of a print or export: a form or a list left the program
OUTPUTS = (AuditAction.PRINT, AuditAction.EXPORT)


def exported(
    ctx: Ctx, what: str, rows: int, target: Path | str, *, pages: int | None = None
) -> None:
    """Log that personal data left the program: who (the person on duty) and when, as every
    row; ``what`` (the list or forms in words: 业主信息一览表, 物品借用登记表 JYDJ-…) in
    ``field``, how many rows in ``new`` — with the pages of forms: "12 条，3 页" — and where
    to in ``reason``. ``target`` is the file written (action 导出) — only its name is kept,
    the folder may name a person — or, for a print (action 打印), the printer in words.
    Never the rows themselves: numbers typed into a name are masked as the lists mask them.
    Written after the export or print succeeded, in a write transaction of its own. A
    record's own form is logged on the record instead (``form_exported``)."""
    count = str(rows) if pages is None else f"{rows} 条，{pages} 页"
    _log(ctx, [_output(EXPORTS, 0, what, count, target)])


def form_exported(
    ctx: Ctx,
    entity: str,
    entity_id: int,
    title: str,
    target: Path | str,
    *,
    pages: int | None,
    count: str | None = None,
) -> None:
    """Log a print or export of one record's own form (派工单, 借用单 …) against that record,
    so its history shows it: the form's ``title`` in ``field``, its ``pages`` ("2 页"; None
    when unknown, as for an xlsx, which Excel paginates) — or ``count`` in words, for a form
    printed in a batch ("同批 6 张") — in ``new``, where to in ``reason``; ``target`` and the
    action as in ``exported``."""
    amount = count if count is not None else None if pages is None else f"{pages} 页"
    _log(ctx, [_output(entity, entity_id, title, amount, target)])


def _output(
    entity: str, entity_id: int, what: str, count: str | None, target: Path | str
) -> dict[str, Any]:
    """The row of a print (``target``: the printer in words) or an export (the file)."""
    printed = not isinstance(target, Path)
    where = target if printed else target.name
    return {
        "entity": entity,
        "entity_id": entity_id,
        "action": AuditAction.PRINT if printed else AuditAction.EXPORT,
        "field": mask_phones_in(what)[:40],
        "new": count,
        "reason": mask_phones_in(str(where))[:200],
    }
