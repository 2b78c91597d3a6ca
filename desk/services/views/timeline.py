"""A unit's history: every visit, call, repair, complaint, loan and callback, newest first.

One ``UNION ALL`` query; each branch is an index lookup on ``unit_id`` (the
``(unit_id, created_at)`` indexes of the record tables, ``ix_callback_unit_id``), and
only the union is sorted. Voided records stay in the list with their state 作废.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

__all__ = ["KINDS", "TimelineEntry", "unit_timeline"]

KINDS = ("来访", "来电", "报修", "投诉", "借用", "回访")

SUMMARY_CHARS = 60


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # 来访 / 来电 / 报修 / 投诉 / 借用 / 回访
    record_id: int  # id in the kind's own table (callback id for 回访)
    serial: str  # the record's serial; a callback shows its work order's or complaint's
    at: datetime  # when it was recorded
    state: str
    summary: str


# Kind order breaks ties between records of the same second: the source before what it became.
_QUERY = text(
    f"""
    SELECT '来访' AS kind, id, serial, created_at AS at, state,
           substr(reason, 1, {SUMMARY_CHARS}) AS summary, 0 AS k
      FROM visit WHERE unit_id = :unit
    UNION ALL
    SELECT '来电', id, serial, created_at, state,
           call_type || '：' || substr(content, 1, {SUMMARY_CHARS}), 1
      FROM call WHERE unit_id = :unit
    UNION ALL
    SELECT '报修', id, serial, created_at, state,
           category || '：' || substr(description, 1, {SUMMARY_CHARS}), 2
      FROM workorder WHERE unit_id = :unit
    UNION ALL
    SELECT '投诉', id, serial, created_at, state,
           category || '：' || substr(description, 1, {SUMMARY_CHARS}), 3
      FROM complaint WHERE unit_id = :unit
    UNION ALL
    SELECT '借用', l.id, l.serial, l.created_at, l.state,
           i.name || ' ×' || l.quantity, 4
      FROM loan AS l JOIN loanitem AS i ON i.id = l.item_id
     WHERE l.unit_id = :unit
    UNION ALL
    SELECT '回访', c.id, coalesce(w.serial, p.serial, ''), c.created_at, c.state,
           CASE WHEN c.satisfaction IS NOT NULL
                THEN c.satisfaction || coalesce('：' || nullif(c.outcome, ''), '')
                ELSE '应于 ' || substr(c.due_at, 1, 16) || ' 前回访' END, 5
      FROM callback AS c
      LEFT JOIN workorder AS w ON w.id = c.work_order_id
      LEFT JOIN complaint AS p ON p.id = c.complaint_id
     WHERE c.unit_id = :unit
    ORDER BY at DESC, k DESC, id DESC
    LIMIT :limit
    """
)


def unit_timeline(session: Session, unit_id: int, limit: int | None = None) -> list[TimelineEntry]:
    """Everything recorded for one unit (flat or public area), newest first.

    ``limit`` keeps only the newest entries (None = all of them).
    """
    rows = session.connection().execute(
        _QUERY, {"unit": unit_id, "limit": -1 if limit is None else int(limit)}
    )
    parse = datetime.fromisoformat
    return [
        TimelineEntry(kind, record_id, serial, parse(at), state, summary or "")
        for kind, record_id, serial, at, state, summary, _k in rows
    ]
