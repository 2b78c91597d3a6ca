"""The five tabs' lists: filter, search, sort and page the records, newest first.

``list_rows(session, kind, flt=ListFilter(...), now=…, offset=…, limit=…)`` returns one page
of plain frozen rows (what the list shows: masked phones, cut summaries, deadlines with
待料 pauses applied, overdue flags); ``count_rows`` the number for the status text. The
UI's lazy table model calls ``list_rows`` with growing offsets.

Repairs and complaints carry ``amber_at`` and ``red_at`` (``sla.marks`` of the record's
clock as the services stored it, with the office's ``sla.near_fraction``): the screen only
compares them with the clock. ``overdue`` is ``red_at`` passed at ``now``, the very test
the 已超时 scope makes in SQL on the same stored column.

Scopes (``Scope``), the same rules as the services' own checks:

=========  ===================================================================================
kind       未完成 (open)                       已超时 (overdue)
=========  ===================================================================================
visit      待处理 (passed to a department)      open, and recorded before today (DOMAIN §1:
                                               the department head gets it the same day)
call       a 转告 message not yet passed on     such a message from before today
           (``calls.count_undelivered``)
workorder  OPEN_WORK_ORDER_STATES             past ``overdue_at``, the running deadline
                                               stored by the services (``workorders.clock``:
                                               待料 stops it)
complaint  OPEN_COMPLAINT_STATES              past ``overdue_at`` (``complaints.clock``)
loan       借出                                ``loans.count_overdue``: out past the expected
                                               return
=========  ===================================================================================

今天 is "recorded today"; 全部 is everything, voided records included. A date range
(``date_from``/``date_to``, both days included) narrows any scope by the record's time.

Search (``flt.text``) uses the records' text index (``desk.services.core.textsearch``) and is
combined with the other filters by whichever side is smaller:

- few matches (≤ ``CAP``): their ids drive the query — filters, sort and paging on them;
- a narrow filter (open, overdue, today, a short date range: ≤ ``CAP`` rows): the filtered
  rows are scanned and each record's stored index text is checked (``instr``);
- both wide (a common character over five years): the list walks its sort index and
  checks each row's text until the page is full — a common term fills it quickly. Sorting
  by a column without an index falls back to the ids of all matches;
- newest first (the default order), either way: the page is the newest matches by id when
  one range check on the ``created_at`` index proves that exact and it is cheaper
  (``_newest_first``).

Measured on five years of demo data (benchmarks/bench_lists.py): a first page in ~1 ms
whatever the file's size, a search (page + count) in ≤ 5 ms, 20 ms for the count of a
single digit that every record contains.

Times are compared to the second (every stored time is whole seconds: ``Ctx.now``), so
``now`` is truncated to the second.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session

from desk.models.db import driver
from desk.models.enums import (
    CallType,
    ComplaintState,
    EscalationLevel,
    LoanState,
    MessageState,
    RecordState,
    Severity,
    Urgency,
    VisitOutcome,
    VisitState,
    WorkOrderState,
)
from desk.models.states import OPEN_COMPLAINT_STATES, OPEN_WORK_ORDER_STATES
from desk.models.validation import mask_phone, mask_phones_in
from desk.services.core import sla, textsearch
from desk.services.records import signed_copies, workorders

__all__ = [
    "CAP",
    "KINDS",
    "CallRow",
    "ComplaintRow",
    "ListFilter",
    "LoanRow",
    "Row",
    "Scope",
    "VisitRow",
    "WorkOrderRow",
    "count_rows",
    "list_rows",
    "sortable",
]

KINDS = textsearch.KINDS
CAP = 2000  # up to this many rows, driving the query from one side is always cheap
MAX_PAGE = 1000
SUMMARY_CHARS = 60


class Scope(StrEnum):
    TODAY = "今天"
    OPEN = "未完成"
    OVERDUE = "已超时"
    # the form is due back signed, was handed out, and is not back (records.signed_copies);
    # only kinds whose form comes back offer it, and only while the setting names it
    UNSIGNED = "未签回"
    ALL = "全部"


@dataclass(frozen=True)
class ListFilter:
    scope: Scope | str = Scope.ALL
    date_from: date | None = None  # first day included
    date_to: date | None = None  # last day included
    text: str = ""  # search across the record's text fields; "" = no search


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id: int
    serial: str
    created_at: datetime
    state: StrEnum
    person: str
    room: str  # the room, or the place for a repair in a public area
    phone: str  # masked: 138****5678
    summary: str  # the main text, on one line, cut to SUMMARY_CHARS


@dataclass(frozen=True)
class VisitRow(Row):
    outcome: VisitOutcome
    dept_head: str
    is_resident: bool
    overdue: bool


@dataclass(frozen=True)
class CallRow(Row):
    call_type: CallType
    message_state: MessageState | None
    message_for: str  # the colleague a 转告 is for
    overdue: bool


@dataclass(frozen=True)
class WorkOrderRow(Row):
    urgency: Urgency
    category: str
    assignee: str
    response_due: datetime
    completion_due: datetime  # with time spent 待料 added (workorders.due_times)
    arrived_at: datetime | None
    parts_expected: date | None
    overdue: bool  # past red_at at the moment the page was read
    # sla.marks of the order's clock (workorders.clock); None while none runs (closed, 待料)
    amber_at: datetime | None
    red_at: datetime | None


@dataclass(frozen=True)
class ComplaintRow(Row):
    severity: Severity
    level: EscalationLevel
    category: str
    due_at: datetime
    demand_deadline: datetime | None
    overdue: bool  # past red_at at the moment the page was read
    # sla.marks of the complaint's clock (complaints.clock); None when no deadline runs
    amber_at: datetime | None
    red_at: datetime | None


@dataclass(frozen=True)
class LoanRow(Row):
    item: str
    quantity: int
    expected_return_at: datetime
    returned_at: datetime | None
    overdue: bool


# --- what each kind selects, filters and sorts by --------------------------------------------


def _ts(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it (ISO text that sorts correctly)."""
    return value.isoformat(sep=" ", timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _sql_in(values: Any) -> str:
    """``('a', 'b')`` for a set of enum members (constants, never user input)."""
    return "(" + ", ".join(f"'{v.value}'" for v in sorted(values)) + ")"


def _cut(text: str | None) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1] + "…"


@dataclass
class _Env:
    """What the row builders need besides the row: the moment and the near fraction."""

    session: Session
    now: datetime
    day_start: datetime
    _near_fraction: float | None = None

    def marks(self, start: datetime | None, due: datetime | None) -> sla.Marks | None:
        """The row's amber and red from its stored clock (``sla.stored_clock``)."""
        if due is None:
            return None
        if self._near_fraction is None:
            self._near_fraction = sla.near_fraction(self.session)
        return sla.marks(sla.stored_clock(start, due), self._near_fraction)


def _flags(marks: sla.Marks | None, now: datetime) -> dict[str, Any]:
    """overdue/amber_at/red_at of a row: overdue is the 已超时 scope's test (due < now)."""
    return {
        "overdue": marks is not None and marks.red_at < now,
        "amber_at": marks.amber_at if marks is not None else None,
        "red_at": marks.red_at if marks is not None else None,
    }


@dataclass(frozen=True)
class _Spec:
    kind: str
    extra: str  # columns after the common ones
    joins: str
    room: str
    summary: str
    open: str
    overdue: str
    sorts: dict[str, str]  # key → ORDER BY term; "{direction}" where it is not at the end
    indexed: frozenset[str]  # sort keys an index serves
    make: Callable[[tuple[Any, ...], _Env], Row]


_COMMON = (
    "r.id, r.serial, r.created_at, r.state, r.person_name, {room}, r.phone, "
    "substr({summary}, 1, 200)"
)


def _common(row: tuple[Any, ...], state: type[StrEnum]) -> dict[str, Any]:
    return {
        "id": row[0],
        "serial": row[1],
        "created_at": datetime.fromisoformat(row[2]),
        "state": state(row[3]),
        "person": row[4] or "",
        "room": row[5] or "",
        "phone": mask_phone(row[6]) if row[6] else "",
        "summary": _cut(mask_phones_in(row[7] or "")),  # the list is on screen: no numbers
    }


def _sorts(room: str, summary: str, **extra: str) -> dict[str, str]:
    return {
        "serial": "r.serial",
        "created_at": "r.created_at",
        "state": "r.state",
        "person": "r.person_name",
        "room": room,
        "phone": "r.phone",
        "summary": summary,
        **extra,
    }


_INDEXED = frozenset({"serial", "created_at", "state"})


# 来访 -----------------------------------------------------------------------------------------

_VISIT_OPEN = f"r.state = '{VisitState.OPEN.value}'"


def _make_visit(row: tuple[Any, ...], env: _Env) -> VisitRow:
    common = _common(row, VisitState)
    return VisitRow(
        **common,
        outcome=VisitOutcome(row[8]),
        dept_head=row[9] or "",
        is_resident=bool(row[10]),
        overdue=common["state"] == VisitState.OPEN and common["created_at"] < env.day_start,
    )


# 来电 -----------------------------------------------------------------------------------------

_CALL_OPEN = (
    f"r.message_state = '{MessageState.PENDING.value}' AND r.state = '{RecordState.ACTIVE.value}'"
)


def _make_call(row: tuple[Any, ...], env: _Env) -> CallRow:
    common = _common(row, RecordState)
    message = MessageState(row[9]) if row[9] else None
    return CallRow(
        **common,
        call_type=CallType(row[8]),
        message_state=message,
        message_for=row[10] or "",
        overdue=message == MessageState.PENDING
        and common["state"] == RecordState.ACTIVE
        and common["created_at"] < env.day_start,
    )


# 报修 -----------------------------------------------------------------------------------------

_WO_OPEN = f"r.state IN {_sql_in(OPEN_WORK_ORDER_STATES)}"
# the running deadline the services store (workorders.clock); NULL while none runs. Few
# rows are overdue at once: likelihood() tells the planner (the file has no ANALYZE
# statistics) to search that index, not walk the list's order testing every row (~20 ms
# on five years; unlikely()'s 1/16 is not enough)
_OVERDUE = "likelihood(r.overdue_at < :now, 0.001)"
_WO_OVERDUE = _OVERDUE
_WO_SORT_DUE = (
    "CASE WHEN r.paused_seconds = 0 THEN r.completion_due "
    "ELSE strftime('%Y-%m-%d %H:%M:%f', r.completion_due, r.paused_seconds || ' seconds') "
    "|| '000' END"
)
# the countdown (剩余) counts to red_at, the stored overdue_at; rows with none running
# (closed, 待料) come after the rest in either direction — and the overdue_at index serves
# both (0.1 ms for a page over five years, against 60 ms sorting with "IS NULL" first)
_SORT_RED = "r.overdue_at {direction} NULLS LAST"


def _make_workorder(row: tuple[Any, ...], env: _Env) -> WorkOrderRow:
    common = _common(row, WorkOrderState)
    order = SimpleNamespace(
        response_due=datetime.fromisoformat(row[11]),
        completion_due=datetime.fromisoformat(row[12]),
        paused_seconds=row[13] or 0,
        paused_since=_dt(row[14]),
    )
    response_due, completion_due = workorders.due_times(order, env.now)  # type: ignore[arg-type]
    return WorkOrderRow(
        **common,
        urgency=Urgency(row[9]),
        category=row[10],
        assignee=row[8] or "",
        response_due=response_due,
        completion_due=completion_due,
        arrived_at=_dt(row[15]),
        parts_expected=date.fromisoformat(row[16]) if row[16] else None,
        **_flags(env.marks(_dt(row[17]), _dt(row[18])), env.now),
    )


# 投诉 -----------------------------------------------------------------------------------------

_COMPLAINT_OPEN = f"r.state IN {_sql_in(OPEN_COMPLAINT_STATES)}"
# the running deadline the services store (complaints.clock); NULL while none runs
_COMPLAINT_OVERDUE = _OVERDUE


def _make_complaint(row: tuple[Any, ...], env: _Env) -> ComplaintRow:
    common = _common(row, ComplaintState)
    return ComplaintRow(
        **common,
        severity=Severity(row[8]),
        level=EscalationLevel(row[9]),
        category=row[10],
        due_at=datetime.fromisoformat(row[11]),
        demand_deadline=_dt(row[12]),
        # every deadline of a complaint runs from its intake (complaints.clock)
        **_flags(env.marks(common["created_at"], _dt(row[13])), env.now),
    )


# 借用 -----------------------------------------------------------------------------------------

_LOAN_OPEN = f"r.state = '{LoanState.OUT.value}'"


def _make_loan(row: tuple[Any, ...], env: _Env) -> LoanRow:
    common = _common(row, LoanState)
    expected = datetime.fromisoformat(row[10])
    return LoanRow(
        **common,
        item=row[8] or "",
        quantity=row[9],
        expected_return_at=expected,
        returned_at=_dt(row[11]),
        overdue=common["state"] == LoanState.OUT and expected < env.now,
    )


_SPECS: dict[str, _Spec] = {
    "visit": _Spec(
        kind="visit",
        extra="r.outcome, r.dept_head, r.is_resident",
        joins="",
        room="r.room_text",
        summary="r.reason",
        open=_VISIT_OPEN,
        overdue=f"{_VISIT_OPEN} AND r.created_at < :day_start",
        sorts=_sorts("r.room_text", "r.reason", outcome="r.outcome", dept_head="r.dept_head"),
        indexed=_INDEXED,
        make=_make_visit,
    ),
    "call": _Spec(
        kind="call",
        extra="r.call_type, r.message_state, s.name",
        joins="LEFT JOIN staff s ON s.id = r.message_for_id",
        room="r.room_text",
        summary="r.content",
        open=_CALL_OPEN,
        overdue=f"{_CALL_OPEN} AND r.created_at < :day_start",
        sorts=_sorts(
            "r.room_text",
            "r.content",
            call_type="r.call_type",
            message_state="r.message_state",
            message_for="s.name",
        ),
        # call.state has no index (two values); its type and message state have
        indexed=frozenset({"serial", "created_at", "call_type", "message_state"}),
        make=_make_call,
    ),
    "workorder": _Spec(
        kind="workorder",
        extra=(
            "r.assignee, r.urgency, r.category, r.response_due, r.completion_due, "
            "r.paused_seconds, r.paused_since, r.arrived_at, r.parts_expected, "
            "r.clock_from, r.overdue_at"
        ),
        joins="",
        room="CASE WHEN r.room_text != '' THEN r.room_text ELSE r.location END",
        summary="r.description",
        open=_WO_OPEN,
        overdue=_WO_OVERDUE,
        sorts=_sorts(
            "CASE WHEN r.room_text != '' THEN r.room_text ELSE r.location END",
            "r.description",
            urgency="r.urgency",
            category="r.category",
            assignee="r.assignee",
            response_due="r.response_due",
            completion_due=_WO_SORT_DUE,
            red_at=_SORT_RED,
        ),
        indexed=_INDEXED | {"red_at"},
        make=_make_workorder,
    ),
    "complaint": _Spec(
        kind="complaint",
        extra="r.severity, r.level, r.category, r.due_at, r.demand_deadline, r.overdue_at",
        joins="",
        room="r.room_text",
        summary="r.description",
        open=_COMPLAINT_OPEN,
        overdue=_COMPLAINT_OVERDUE,
        sorts=_sorts(
            "r.room_text",
            "r.description",
            severity="r.severity",
            level="r.level",
            category="r.category",
            due_at="r.due_at",
            red_at=_SORT_RED,
        ),
        indexed=_INDEXED | {"red_at"},
        make=_make_complaint,
    ),
    "loan": _Spec(
        kind="loan",
        extra="i.name, r.quantity, r.expected_return_at, r.returned_at",
        joins="LEFT JOIN loanitem i ON i.id = r.item_id",
        room="r.room_text",
        summary="r.remarks",
        open=_LOAN_OPEN,
        overdue=f"{_LOAN_OPEN} AND r.expected_return_at < :now",
        sorts=_sorts(
            "r.room_text",
            "r.remarks",
            item="i.name",
            quantity="r.quantity",
            expected_return_at="r.expected_return_at",
            returned_at="r.returned_at",
        ),
        indexed=_INDEXED | {"expected_return_at"},
        make=_make_loan,
    ),
}


def _spec(kind: str) -> _Spec:
    try:
        return _SPECS[kind]
    except KeyError:
        raise ValueError(f"no list for {kind!r}; kinds: {', '.join(KINDS)}") from None


def sortable(kind: str) -> tuple[str, ...]:
    """The columns ``list_rows`` can sort ``kind`` by (the row fields of the same name)."""
    return tuple(_spec(kind).sorts)


# --- the query -----------------------------------------------------------------------------


@dataclass
class _Plan:
    how: str  # "plain" | "ids" | "scan" | "wide"
    where: list[str]
    params: dict[str, Any]
    text_check: str = ""  # for "scan"/"wide": the instr() test on the stored index text
    ids: list[int] | None = None  # "ids": every match, "wide": the newest CAP + 1; newest first


def _filters(
    spec: _Spec, flt: ListFilter, now: datetime, required: frozenset[str]
) -> tuple[list[str], dict[str, Any]]:
    try:
        scope = Scope(flt.scope)
    except ValueError:
        options = "、".join(s.value for s in Scope)
        raise ValueError(f"unknown scope {flt.scope!r}; scopes: {options}") from None
    day_start = datetime.combine(now.date(), time())
    params: dict[str, Any] = {"now": _ts(now), "day_start": _ts(day_start)}
    where: list[str] = []
    if scope == Scope.TODAY:
        where.append("r.created_at >= :day_start AND r.created_at < :day_end")
        params["day_end"] = _ts(day_start + timedelta(days=1))
    elif scope == Scope.OPEN:
        where.append(spec.open)
    elif scope == Scope.OVERDUE:
        where.append(spec.overdue)
    elif scope == Scope.UNSIGNED:
        # a kind the office does not want back has none 未签回
        where.append(signed_copies.waiting_sql(spec.kind) if spec.kind in required else "0")
    if flt.date_from is not None:
        where.append("r.created_at >= :date_from")
        params["date_from"] = _ts(datetime.combine(_day(flt.date_from), time()))
    if flt.date_to is not None:
        where.append("r.created_at < :date_to")
        params["date_to"] = _ts(datetime.combine(_day(flt.date_to), time()) + timedelta(days=1))
    return where, params


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _where_sql(where: list[str]) -> str:
    return " WHERE " + " AND ".join(f"({w})" for w in where) if where else ""


def _plan(session: Session, spec: _Spec, flt: ListFilter, now: datetime) -> _Plan:
    con = driver(session)
    required = signed_copies.required_kinds(session) if flt.scope == Scope.UNSIGNED else frozenset()
    where, params = _filters(spec, flt, now, required)
    query = textsearch.parse(flt.text)
    if query is None:
        return _Plan("plain", where, params)
    fts = textsearch.fts_table(spec.kind)
    # records not in the index yet (the short tail of new ones) are matched in Python
    mark, tail = textsearch.tail_matches(con, spec.kind, query)
    ids = tail + [
        r[0]
        for r in con.execute(
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC LIMIT ?",
            (query.match, CAP + 1),
        )
    ]
    if len(ids) <= CAP:  # few matches: they drive the query
        return _Plan("ids", where, params | {"ids": json.dumps(ids)}, ids=ids)
    params |= {
        "match": query.match,
        "needle": query.needle,
        "mark": mark,
        "tail": json.dumps(tail),
    }
    check = (
        "CASE WHEN r.id > :mark THEN r.id IN (SELECT value FROM json_each(:tail)) "
        f"ELSE instr(' ' || (SELECT f.body FROM {fts} f WHERE f.rowid = r.id) || ' ', :needle) "
        "> 0 END"
    )
    if where:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {spec.kind} r{_where_sql(where)} LIMIT :cap)"
        if con.execute(sql, params | {"cap": CAP + 1}).fetchone()[0] <= CAP:
            return _Plan("scan", where, params, check)  # a narrow filter drives
    return _Plan("wide", where, params, check, ids)


def _newest_first(
    con: sqlite3.Connection, spec: _Spec, plan: _Plan, columns: str, offset: int, limit: int
) -> list[tuple[Any, ...]] | None:
    """A search's page in the default order (newest first) from its newest matches by id;
    None when this shortcut cannot prove the page exact (the general query decides).

    Ids follow time, unless a repair was reported before it was entered (``reported_at``) or
    the clock was put back. So the page is the best ``offset + limit`` rows of the newest
    matches by id — if no record with a smaller id (not looked at) is newer than the page's
    last row, which one range check on the ``created_at`` index proves. This costs a page of
    row lookups and an index walk over the records newer than the page, where walking
    ``created_at`` and testing each row's text costs 25 times as much a row (~20 ms for a term
    common only years ago: ``0220`` in 2022's serials), and sorting all of 2,000 matches ~5 ms.
    """
    ids = plan.ids
    need = offset + limit
    if ids is None or need > len(ids):
        return None
    # Without other filters the newest `need` matches are enough; filters may drop some.
    looked = ids if plan.where else ids[:need]
    if plan.how == "ids":
        # The proof walks the index over every record newer than the page (~0.1 µs each);
        # sorting all the matches costs ~2.5 µs each: take the cheaper.
        newest = con.execute(f"SELECT max(id) FROM {spec.kind}").fetchone()[0] or 0
        if newest - looked[-1] > 25 * len(ids):
            return None
    sql = (
        f"SELECT {columns} FROM json_each(:ids) j CROSS JOIN {spec.kind} r ON r.id = j.value "
        f"{spec.joins}{_where_sql(plan.where)} "
        "ORDER BY r.created_at DESC, r.id DESC LIMIT :need"
    )
    rows = con.execute(sql, plan.params | {"ids": json.dumps(looked), "need": need}).fetchall()
    if len(rows) < need:
        return None
    later = con.execute(
        f"SELECT 1 FROM {spec.kind} WHERE created_at > ? AND id < ? LIMIT 1",
        (rows[-1][2], looked[-1]),
    ).fetchone()
    return None if later else rows[offset:]


# every match: the index's and the tail's
_MATCHES = (
    "SELECT rowid AS id FROM {fts} WHERE {fts} MATCH :match "
    "UNION ALL SELECT value FROM json_each(:tail)"
)


def _source(spec: _Spec, plan: _Plan, sort_indexed: bool) -> tuple[str, list[str]]:
    """FROM clause and WHERE terms for a plan."""
    table = spec.kind
    if plan.how == "ids":
        return f"json_each(:ids) j CROSS JOIN {table} r ON r.id = j.value", plan.where
    if plan.how == "scan" or (plan.how == "wide" and sort_indexed):
        return f"{table} r", [*plan.where, plan.text_check]  # text checked last
    if plan.how == "wide":
        matches = _MATCHES.format(fts=textsearch.fts_table(table))
        return f"({matches}) j CROSS JOIN {table} r ON r.id = j.id", plan.where
    return f"{table} r", plan.where


def _now(now: datetime) -> datetime:
    return now.replace(microsecond=0)


def list_rows(
    session: Session,
    kind: str,
    *,
    flt: ListFilter,
    now: datetime,
    offset: int = 0,
    limit: int = 100,
    sort: str | None = None,
    descending: bool = True,
) -> list[Any]:
    """One page of ``kind``'s list: rows ``offset`` … ``offset + limit - 1`` in the order
    ``sort`` (a name from ``sortable(kind)``; default ``created_at``), ties by id in the same
    direction, so pages never overlap or skip."""
    spec = _spec(kind)
    key = sort or "created_at"
    if key not in spec.sorts:
        raise ValueError(
            f"cannot sort the {kind} list by {sort!r}; sortable columns: {', '.join(spec.sorts)}"
        )
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"offset must be ≥ 0 and limit 1…{MAX_PAGE} (got {offset}, {limit})")
    now = _now(now)
    con = driver(session)
    plan = _plan(session, spec, flt, now)
    columns = _COMMON.format(room=spec.room, summary=spec.summary) + ", " + spec.extra
    rows = None
    if plan.how in ("ids", "wide") and key == "created_at" and descending:
        rows = _newest_first(con, spec, plan, columns, offset, limit)
    if rows is None:
        source, where = _source(spec, plan, key in spec.indexed)
        direction = "DESC" if descending else "ASC"
        order = spec.sorts[key]
        if "{direction}" in order:
            order = order.format(direction=direction)
        else:
            order = f"{order} {direction}"
        sql = (
            f"SELECT {columns} FROM {source} {spec.joins}{_where_sql(where)} ORDER BY "
            f"{order}, r.id {direction} LIMIT :limit OFFSET :offset"
        )
        rows = con.execute(sql, plan.params | {"limit": limit, "offset": offset}).fetchall()
    env = _Env(session, now, datetime.combine(now.date(), time()))
    return [spec.make(row, env) for row in rows]


def count_rows(
    session: Session, kind: str, *, flt: ListFilter, now: datetime, cap: int | None = None
) -> int:
    """How many rows the list has (at most ``cap`` when given: "10000+" needs no more)."""
    spec = _spec(kind)
    now = _now(now)
    con = driver(session)
    plan = _plan(session, spec, flt, now)
    params = dict(plan.params)
    if plan.how == "ids" and not plan.where:
        assert plan.ids is not None
        return len(plan.ids) if cap is None else min(len(plan.ids), max(0, int(cap)))
    if plan.how == "wide" and not plan.where:
        inner = _MATCHES.format(fts=textsearch.fts_table(kind))
    else:
        # the joins never change the count; a wide search counts through the index's matches
        source, where = _source(spec, plan, sort_indexed=False)
        inner = f"SELECT 1 FROM {source}{_where_sql(where)}"
    if cap is not None:
        inner += " LIMIT :cap"
        params["cap"] = max(0, int(cap))
    return int(con.execute(f"SELECT count(*) FROM ({inner})", params).fetchone()[0])
