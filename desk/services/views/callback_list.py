"""The 回访 tab's queue: one plain row per callback, with what the receptionist needs to make
the call — who, which number, what was done and by whom — read in one SQL query.

Scopes (``Scope``):

=========  ===========================================================================
待回访      still due, soonest due first: the queue (a few dozen rows at most)
已超时      still due and past ``due_at`` — ``callbacks.deadline``'s rule, so the
           status bar's count and this list always agree
今天到期    still due, ``due_at`` today (those already past it included), soonest first
已回访      recorded, the most recently recorded first
全部        every callback, voided ones included, the most recently queued first
=========  ===========================================================================

Each row carries ``amber_at`` and ``red_at`` (``sla.marks`` of ``callbacks.clock``): red once
past ``due_at``, amber once less than the office's ``sla.near_fraction`` of the time from
queueing to ``due_at`` is left — the same rule as a repair's or a complaint's deadline.

A search (``text``) finds a callback by its repair's or complaint's text — serial, name,
phone, room, what was reported, what was done, by whom — through the records' text index
(``desk.services.core.textsearch``: the same matching as every other list), or by the name of
the registered resident the record is linked to.

Speed on five years of data (66,000 callbacks): the due scopes and 全部 walk an index and
stop at the page (< 2 ms; a search adds the text index's lookups: a few ms, 30–60 ms for a
single character every other record has). 已回访's order (``done_at``) has no index, so its
page costs one sort of every recorded callback's id (~40 ms); the joins run for the page's
rows only.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session

from desk.models.db import driver
from desk.models.enums import CallbackSource, CallbackState, CallbackWay, Satisfaction
from desk.services.core import sla, textsearch
from desk.services.core.context import Ctx
from desk.services.records import callbacks

__all__ = ["MAX_PAGE", "CallbackRow", "Scope", "callback_rows", "count_due", "count_rows"]

MAX_PAGE = 1000
SUMMARY_CHARS = 60

_DUE = CallbackState.DUE.value
_DONE = CallbackState.DONE.value


class Scope(StrEnum):
    DUE = "待回访"
    OVERDUE = "已超时"
    TODAY = "今天到期"
    DONE = "已回访"
    ALL = "全部"


@dataclass(frozen=True)
class CallbackRow:
    id: int
    source: CallbackSource
    kind: str  # the source record's kind for details/the window: "workorder" | "complaint"
    record_id: int
    serial: str  # the source record's serial
    record_state: str  # the source record's state now (已完成, 返工, 已答复 …)
    state: CallbackState
    due_at: datetime
    overdue: bool  # still due and past due_at, at the moment the page was read
    amber_at: datetime | None  # sla.marks of callbacks.clock; None once made or voided
    red_at: datetime | None
    queued_at: datetime  # the repair's completion / the complaint's answer this callback follows
    person: str
    room: str  # the room, or the place of a repair in a public area
    # The full number, unlike every other list (lists.py masks phones): the receptionist is
    # about to dial it, so here the number is the point.
    phone: str
    problem: str  # what the resident reported, on one line, cut
    done: str  # what was done: category and work/cause, or category and result/reply; cut
    done_by: str  # the technician or team, or the responsible department
    called_at: datetime | None
    way: CallbackWay | None
    satisfaction: Satisfaction | None
    outcome: str
    comment: str
    called_by: str  # who recorded the callback


# --- the query ---------------------------------------------------------------------------------


def _ts(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it (ISO text that sorts correctly)."""
    return value.isoformat(sep=" ", timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _cut(text: str | None) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1] + "…"


# still due and past due_at: callbacks.deadline in SQL
_OVERDUE = f"cb.state = '{_DUE}' AND cb.due_at < :now"

# (where, order) per scope; every term is on callback's own columns, so the page of ids is
# found without the joins. The orders end in id for stable paging and match an index
# (state, due_at / created_at) except 已回访's done_at.
_SCOPES: dict[Scope, tuple[str, str]] = {
    Scope.DUE: (f"cb.state = '{_DUE}'", "cb.due_at, cb.id"),
    Scope.OVERDUE: (_OVERDUE, "cb.due_at, cb.id"),
    Scope.TODAY: (
        f"cb.state = '{_DUE}' AND cb.due_at >= :day_start AND cb.due_at < :day_end",
        "cb.due_at, cb.id",
    ),
    # "+": scan the table and sort, rather than look up almost every row through the state
    # index first (two-thirds of the time on five years)
    Scope.DONE: (f"+cb.state = '{_DONE}'", "cb.done_at DESC, cb.id DESC"),
    Scope.ALL: ("", "cb.created_at DESC, cb.id DESC"),
}

# A search: the source record's text index (and the few records above its watermark, matched
# in Python), or the registered resident's name.
_SEARCH = """(
    cb.work_order_id IN (SELECT rowid FROM workorder_fts WHERE workorder_fts MATCH :match)
    OR cb.work_order_id IN (SELECT value FROM json_each(:wo_tail))
    OR cb.complaint_id IN (SELECT rowid FROM complaint_fts WHERE complaint_fts MATCH :match)
    OR cb.complaint_id IN (SELECT value FROM json_each(:co_tail))
    OR cb.work_order_id IN (
        SELECT x.id FROM workorder x
        WHERE x.resident_id IN (SELECT id FROM resident WHERE instr(name, :name) > 0))
    OR cb.complaint_id IN (
        SELECT x.id FROM complaint x
        WHERE x.resident_id IN (SELECT id FROM resident WHERE instr(name, :name) > 0))
)"""

_COLUMNS = """
    cb.id, cb.source, cb.work_order_id, cb.complaint_id, cb.state, cb.due_at, cb.created_at,
    cb.done_at, cb.way, cb.satisfaction, cb.outcome, cb.comment, s.name,
    coalesce(w.serial, c.serial), coalesce(w.state, c.state),
    coalesce(nullif(w.person_name, ''), nullif(c.person_name, ''), r.name, ''),
    coalesce(nullif(w.room_text, ''), nullif(c.room_text, ''), u.code, nullif(w.location, ''), ''),
    coalesce(nullif(w.phone, ''), nullif(c.phone, ''), r.phones, ''),
    coalesce(w.description, c.description),
    w.category, w.work_done, w.cause, w.assignee,
    c.category, c.result, c.reply, c.department
"""

_JOINS = """
    LEFT JOIN workorder w ON w.id = cb.work_order_id
    LEFT JOIN complaint c ON c.id = cb.complaint_id
    LEFT JOIN unit u ON u.id = cb.unit_id
    LEFT JOIN resident r ON r.id = coalesce(w.resident_id, c.resident_id)
    LEFT JOIN staff s ON s.id = cb.staff_id
"""


def _filters(
    con: sqlite3.Connection, scope: Scope | str, text: str, now: datetime
) -> tuple[list[str], str, dict[str, Any]]:
    """(WHERE terms, ORDER BY, parameters) for a scope and a search."""
    try:
        scope = Scope(scope)
    except ValueError:
        options = "、".join(s.value for s in Scope)
        raise ValueError(f"unknown scope {scope!r}; scopes: {options}") from None
    where, order = _SCOPES[scope]
    day_start = datetime.combine(now.date(), time())
    params: dict[str, Any] = {
        "now": _ts(now),
        "day_start": _ts(day_start),
        "day_end": _ts(day_start + timedelta(days=1)),
    }
    terms = [where] if where else []
    query = textsearch.parse(text)
    if query is not None:
        _mark, wo_tail = textsearch.tail_matches(con, "workorder", query)
        _mark, co_tail = textsearch.tail_matches(con, "complaint", query)
        params |= {
            "match": query.match,
            "wo_tail": json.dumps(wo_tail),
            "co_tail": json.dumps(co_tail),
            "name": text.strip(),
        }
        terms.append(_SEARCH)
    return terms, order, params


def _where(terms: list[str]) -> str:
    return " WHERE " + " AND ".join(f"({t})" for t in terms) if terms else ""


def callback_rows(
    session: Session,
    *,
    scope: Scope | str = Scope.DUE,
    text: str = "",
    now: datetime,
    offset: int = 0,
    limit: int = 100,
) -> list[CallbackRow]:
    """One page of the queue: rows ``offset`` … ``offset + limit - 1`` in the scope's order."""
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"offset must be ≥ 0 and limit 1…{MAX_PAGE} (got {offset}, {limit})")
    now = now.replace(microsecond=0)
    con = driver(session)
    terms, order, params = _filters(con, scope, text, now)
    # the page's ids first, then the joins for those rows only (已回访 sorts every recorded
    # callback: joining before the sort would join them all)
    sql = f"""
        WITH page AS MATERIALIZED (
            SELECT cb.id FROM callback cb{_where(terms)}
            ORDER BY {order} LIMIT :limit OFFSET :offset
        )
        SELECT {_COLUMNS} FROM page CROSS JOIN callback cb ON cb.id = page.id {_JOINS}
        ORDER BY {order}
    """
    rows = con.execute(sql, params | {"limit": limit, "offset": offset}).fetchall()
    fraction = sla.near_fraction(session) if rows else 0.0
    return [_row(row, now, fraction) for row in rows]


def count_rows(
    session: Session, *, scope: Scope | str = Scope.DUE, text: str = "", now: datetime
) -> int:
    """How many rows ``callback_rows`` has in all for this scope and search."""
    con = driver(session)
    terms, _order, params = _filters(con, scope, text, now.replace(microsecond=0))
    return int(
        con.execute(f"SELECT count(*) FROM callback cb{_where(terms)}", params).fetchone()[0]
    )


def count_due(ctx: Ctx, *, overdue_only: bool = False) -> int:
    """Callbacks still to make (only those past their time with ``overdue_only``)."""
    where = _OVERDUE if overdue_only else f"cb.state = '{_DUE}'"
    now = _ts(ctx.now.replace(microsecond=0))
    sql = f"SELECT count(*) FROM callback cb WHERE {where}"
    return int(driver(ctx.session).execute(sql, {"now": now}).fetchone()[0])


# --- rows --------------------------------------------------------------------------------------


def _join(*parts: str | None, sep: str = "；") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def _done(category: str | None, main: str | None, extra: str) -> str:
    text = _join(main, extra)
    return _cut(f"{category}：{text}" if category and text else category or text)


def _row(row: tuple[Any, ...], now: datetime, fraction: float) -> CallbackRow:
    (
        cb_id, source, work_order_id, complaint_id, state, due_at, queued_at,
        called_at, way, satisfaction, outcome, comment, called_by,
        serial, record_state, person, room, phone, problem,
        w_category, work_done, cause, assignee,
        c_category, result, reply, department,
    ) = row  # fmt: skip
    is_order = work_order_id is not None
    if is_order:
        done = _done(w_category, work_done, f"原因：{cause}" if cause else "")
        done_by = assignee or ""
    else:
        done = _done(c_category, result, f"答复：{reply}" if reply and reply != result else "")
        done_by = department or ""
    due = datetime.fromisoformat(due_at)
    cb_state = CallbackState(state)
    queued = datetime.fromisoformat(queued_at)
    facts = SimpleNamespace(state=cb_state, created_at=queued, due_at=due)
    marks = sla.marks(callbacks.clock(facts), fraction)
    return CallbackRow(
        id=cb_id,
        source=CallbackSource(source),
        kind="workorder" if is_order else "complaint",
        record_id=work_order_id if is_order else complaint_id,
        serial=serial or "",
        record_state=record_state or "",
        state=cb_state,
        due_at=due,
        overdue=marks is not None and marks.red_at < now,
        amber_at=marks.amber_at if marks is not None else None,
        red_at=marks.red_at if marks is not None else None,
        queued_at=queued,
        person=person,
        room=room,
        # a resident's registry entry may list several numbers: the first is the one to call
        phone=phone.split(",")[0].strip(),
        problem=_cut(problem),
        done=done,
        done_by=done_by,
        called_at=_dt(called_at),
        way=CallbackWay(way) if way else None,
        satisfaction=Satisfaction(satisfaction) if satisfaction else None,
        outcome=outcome or "",
        comment=comment or "",
        called_by=called_by or "",
    )
