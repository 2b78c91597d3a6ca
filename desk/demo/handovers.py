"""Every ended shift's handover (交接班), and today's draft, as ``services.handover`` makes them.

Each record, when its life is generated, leaves the spans in which it was open (``carry``)
and counts for the shift it was made in (``count``). The handovers are then written in
time order, right after the day their confirmation falls on: a sweep keeps the spans open
at that moment, and each becomes a carried item through the same functions
``handover.assemble`` uses. Each snapshot is the full duty record as it stood at
confirmation, built from the records' own histories (so an order shows as 待料 or overdue
exactly when it was), not by querying the database 5,000 times: 1,800 days of handovers
add ~4 s and ~60 MB.
"""

from __future__ import annotations

import heapq
import random
from bisect import bisect_left
from datetime import datetime, time, timedelta
from typing import Any

from desk.demo.life import NEVER
from desk.demo.roster import Roster
from desk.demo.writer import Writer
from desk.models.enums import AuditAction, HandoverState
from desk.models.enums import WorkOrderState as W
from desk.services.duty import handover as handover_service

# 值班情况 written on handovers; most shifts have nothing special.
HANDOVER_NOTES = [
    "3号楼电梯困人，已通知维保单位，20分钟内解救，无人受伤",
    "夜间巡查无异常",
    "明日上午9点至12点小区停水，通知已张贴到各单元",
    "快递柜故障，已报厂家维修",
    "地下车库入口道闸抬杆故障，已通知工程部",
    "业主群反映南门噪音扰民，已请秩序维护部处理",
    "消防演练通知已发业主群",
    "前台打印机缺纸，已申领",
    "有业主情绪激动，已安抚，需下一班继续跟进回复",
    "暴雨预警，已提醒各岗位检查排水",
]

# the kinds a handover counts, in its order, and their index in a shift's tally
COUNTED = {kind: i for i, (kind, _label) in enumerate(handover_service.COUNTED_KINDS)}


class _Span:
    """A record open from some moment ``until``; its carried item is rebuilt only when the
    handover's moment has crossed another of ``flips`` (the deadlines its reason turns on)."""

    __slots__ = ("bucket", "data", "flips", "item", "kind", "until")

    def __init__(
        self, kind: str, until: datetime, data: tuple[Any, ...], flips: tuple[datetime, ...]
    ) -> None:
        self.kind = kind
        self.until = until
        self.data = data
        self.flips = flips
        self.bucket = -1
        self.item: Any = None

    def item_at(self, at: datetime) -> Any:
        bucket = bisect_left(self.flips, at)  # how many deadlines lie before ``at``
        if bucket != self.bucket:
            self.item, self.bucket = _build_item(self.kind, self.data, at), bucket
        return self.item


# What ``carry`` is given per kind (the record's values while the span lasts):
#   workorder  id, serial, description, room, response_due,
#              (state, arrived_at, paused_since, paused_seconds, parts_expected, completion_due)
#   complaint  id, serial, severity, description, room, due_at, demand_deadline, (state, level)
#   callback   id, source, source id, serial, description, room, due_at
#   call       id, serial, for whom, content, room
#   loan       id, serial, item name, item kind, quantity, borrower, room, expected return
#   visit      id, serial, reason, department head, room, created_at
#   unsigned   kind, id, serial, summary, room, state (a form due back signed, not back)
def _build_item(kind: str, d: tuple[Any, ...], at: datetime) -> Any:
    """The carried item of a record as ``handover.assemble`` would list it at ``at``."""
    hs = handover_service
    if kind == "workorder":
        state, arrived, paused_since, paused_seconds, parts, completion_due = d[5]
        return hs.workorder_item(
            record_id=d[0], serial=d[1], state=state, description=d[2], room=d[3],
            response_due=d[4], completion_due=completion_due, paused_seconds=paused_seconds,
            paused_since=paused_since, arrived_at=arrived, parts_expected=parts, now=at,
        )  # fmt: skip
    if kind == "complaint":
        state, level = d[7]
        return hs.complaint_item(
            record_id=d[0], serial=d[1], state=state, severity=d[2], level=level,
            description=d[3], room=d[4], due_at=d[5], demand_deadline=d[6], now=at,
        )  # fmt: skip
    if kind == "callback":
        return hs.callback_item(
            record_id=d[0], source=d[1], source_id=d[2], serial=d[3], description=d[4],
            room=d[5], due_at=d[6], now=at,
        )  # fmt: skip
    if kind == "call":
        return hs.message_item(record_id=d[0], serial=d[1], for_name=d[2], content=d[3], room=d[4])
    if kind == "unsigned":
        return hs.unsigned_item(
            kind=d[0], record_id=d[1], serial=d[2], summary=d[3], room=d[4], state=d[5]
        )
    if kind == "loan":
        return hs.loan_item(
            record_id=d[0], serial=d[1], item_name=d[2], item_kind=d[3], quantity=d[4],
            borrower=d[5], room=d[6], expected_return_at=d[7], now=at,
        )  # fmt: skip
    return hs.visit_item(
        record_id=d[0], serial=d[1], reason=d[2], dept_head=d[3], room=d[4], created_at=d[5],
        now=at,
    )  # fmt: skip


def _flips(kind: str, d: tuple[Any, ...]) -> tuple[datetime, ...]:
    """The moments at which a record's carried item changes (each compared ``now > t``)."""
    if kind == "workorder":
        state, _arrived, _since, paused_seconds, _parts, completion_due = d[5]
        if state == W.WAITING_PARTS:
            return ()  # the clock is stopped: 待料, no deadline
        return tuple(sorted((d[4], completion_due + timedelta(seconds=paused_seconds))))
    if kind == "complaint":
        return tuple(sorted(t for t in (d[5], d[6]) if t is not None))
    if kind == "callback":
        return (d[6],)
    if kind == "loan":
        return (d[7],)
    if kind == "visit":
        return (datetime.combine(d[5].date(), time(23, 59, 59)),)
    return ()


class Handovers:
    def __init__(
        self, rows: Writer, roster: Roster, staff_names: dict[int, str], seed: int, now: datetime
    ) -> None:
        self.rows = rows
        self.roster = roster
        self.staff_names = staff_names
        self.seed = seed
        self.now = now
        # per slot: made/voided per counted kind, then the confirmation time
        self.tally: list[list[Any]] = [
            [0] * (2 * len(COUNTED)) + [slot.confirmed or NEVER] for slot in roster.slots
        ]
        # open spans of records waiting to start / open now / by when they close
        self.waiting: list[tuple[datetime, int, _Span]] = []
        self.open_now: dict[int, _Span] = {}
        self.closing: list[tuple[datetime, int]] = []
        self.span_seq = 0
        self.next_handover = 0

    def count(self, kind: str, shift_id: int, voided_at: datetime | None) -> None:
        """A record of a counted kind made in ``shift_id``: made, or voided by confirmation."""
        tally = self.tally[shift_id - 1]
        voided = voided_at is not None and voided_at <= tally[-1]
        tally[2 * COUNTED[kind] + voided] += 1

    def carry(self, kind: str, start: datetime, end: datetime, data: tuple[Any, ...]) -> None:
        """Remember that a record of ``kind`` was open from ``start`` until ``end``."""
        if end > start:
            self.span_seq += 1
            span = _Span(kind, end, data, _flips(kind, data))
            heapq.heappush(self.waiting, (start, self.span_seq, span))

    def write(self, until: datetime) -> None:
        """The handovers confirmed before ``until`` (every record made by then is known)."""
        slots = self.roster.slots
        while self.next_handover < len(slots):
            s = self.next_handover
            confirmed = slots[s].confirmed
            if confirmed is None or confirmed >= until:
                return
            self.next_handover += 1
            self._handover(s, confirmed, slots[s].accepted)

    def draft_on_duty(self) -> None:
        """Today's shift is still on duty; its receptionist has saved a draft at ``now``."""
        self.write(NEVER)
        self._handover(len(self.roster.slots) - 1, self.now, None, draft=True)

    def _carried(self, at: datetime, callbacks_until: datetime) -> list[Any]:
        while self.waiting and self.waiting[0][0] <= at:
            _start, seq, span = heapq.heappop(self.waiting)
            self.open_now[seq] = span
            heapq.heappush(self.closing, (span.until, seq))
        while self.closing and self.closing[0][0] <= at:
            del self.open_now[heapq.heappop(self.closing)[1]]
        return [
            span.item_at(at)
            for span in self.open_now.values()
            if span.kind != "callback" or span.data[6] <= callbacks_until
        ]

    def _handover(
        self, s: int, at: datetime, accepted: datetime | None, *, draft: bool = False
    ) -> None:
        """The handover of slot ``s`` assembled (and confirmed, unless a draft) at ``at``."""
        slot = self.roster.slots[s]
        rng = random.Random(self.seed * 31 + s)
        x = rng.random()
        notes = "无特殊情况" if x < 0.6 else "" if x < 0.75 else rng.choice(HANDOVER_NOTES)
        next_end = self.roster.slot_start(s + 2)  # the end of the next shift
        tally = self.tally[s]
        hs = handover_service
        record = hs.HandoverRecord(
            shift_id=s + 1,
            day=slot.started.date(),
            shift_name=self.roster.name_of(s),
            staff_id=slot.staff_id,
            staff_name=self.staff_names[slot.staff_id],
            started_at=slot.started,
            planned_end=slot.planned_end,
            ended_at=None if draft else slot.planned_end,
            assembled_at=at,
            next_shift_end=next_end,
            notes="" if draft else notes,
            counts=tuple(
                hs.KindCount(kind, label, tally[2 * i], tally[2 * i + 1])
                for i, (kind, label) in enumerate(hs.COUNTED_KINDS)
            ),
            carried=hs.sort_items(self._carried(at, max(next_end, at))),
        )
        hid = self.rows.new_id("handover")
        incoming = self.roster.on_duty(slot.planned_end)[1]
        if draft:
            state = HandoverState.DRAFT
        elif accepted is None:
            state = HandoverState.CONFIRMED
        else:
            state = HandoverState.ACCEPTED
        self.rows.emit(
            "handover",
            {
                "id": hid,
                "shift_id": s + 1,
                "state": state,
                "outgoing_id": slot.staff_id,
                "incoming_id": incoming if accepted is not None else None,
                "created_at": at,
                "confirmed_at": None if draft else at,
                "accepted_at": accepted,
                "notes": record.notes,
                "snapshot": hs.to_json(record),
            },
        )
        first = HandoverState.DRAFT if draft else HandoverState.CONFIRMED
        self.rows.audit("handover", hid, at, slot.staff_id, f"交接班 {record.shift_name} {first}")
        if accepted is not None:
            self.rows.audit(
                "handover", hid, accepted, incoming, HandoverState.ACCEPTED.value,
                action=AuditAction.TRANSITION, field="state", old=first.value,
            )  # fmt: skip
