"""转报修 / 转投诉: what a visit or a call hands to a new repair or complaint.

The receptionist turns a visit or a call into a work order or a complaint; the new form
opens filled with who, where and what was said, and the new record keeps a link
(``visit_id`` / ``call_id``) back to where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from desk.models import Call, Unit, Visit
from desk.models.enums import Channel as RepairChannel
from desk.models.enums import ComplaintChannel
from desk.services.core.context import Ctx
from desk.services.records import common


@dataclass(frozen=True)
class Carry:
    source: str  # "visit" or "call"
    record_id: int
    serial: str
    person: str
    phone: str
    room: str  # the room code ("3-2-1201"), or "" when none was given
    resident_id: int | None
    text: str  # the visit's reason or the call's content
    repair_channel: RepairChannel
    complaint_channel: ComplaintChannel
    # the room was kept unregistered when the visit or call was saved (是否仍然保存为未登记
    # 房号？ answered 是): the repair or complaint does not ask again
    room_confirmed: bool = False

    @property
    def visit_id(self) -> int | None:
        return self.record_id if self.source == "visit" else None

    @property
    def call_id(self) -> int | None:
        return self.record_id if self.source == "call" else None


def carry_over(ctx: Ctx, source: str, record_id: int) -> Carry:
    """Read a visit or call for 转报修/转投诉 (NotFoundError when it does not exist)."""
    model = {"visit": Visit, "call": Call}[source]
    record = common.get(ctx, model, record_id)
    room = record.room_text
    if not room and record.unit_id is not None:
        unit = ctx.session.get(Unit, record.unit_id)
        room = unit.code if unit else ""
    if isinstance(record, Visit):
        text = record.reason
        repair, complaint = RepairChannel.VISIT, ComplaintChannel.VISIT
    else:
        text = record.content
        repair, complaint = RepairChannel.CALL, ComplaintChannel.CALL
    return Carry(
        source=source,
        record_id=record_id,
        serial=record.serial,
        person=record.person_name,
        phone=record.phone,
        room=room,
        resident_id=record.resident_id,
        text=text,
        repair_channel=repair,
        complaint_channel=complaint,
        room_confirmed=bool(room) and record.unit_id is None,
    )
