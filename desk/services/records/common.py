"""What every desk record shares: numbering and stamping a new one, who/where, voiding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import SQLModel, select

from desk.models import Resident, Unit, kinds
from desk.models.db import driver, driver_insert
from desk.models.enums import AuditAction, UnitKind
from desk.models.errors import NotFoundError, UnregisteredRoom, ValidationError
from desk.models.validation import clean_text, normalize_phone, normalize_room
from desk.services.core import audit, textsearch
from desk.services.core.context import Ctx
from desk.services.core.numbering import SerialKind, next_serial
from desk.services.records import signed_copies

T = TypeVar("T", bound=SQLModel)

UNIT_BY_CODE = "SELECT id FROM unit WHERE code = ?"
ANY_FLAT = "SELECT 1 FROM unit WHERE kind = ? LIMIT 1"


def create(ctx: Ctx, model: type[T], kind: SerialKind, **fields: Any) -> T:
    """Number, stamp, insert and audit a new record in the caller's transaction.

    One Core INSERT (column defaults fill the rest), then the record is loaded back as
    the ORM object callers work with: cheaper than the ORM unit of work for a save
    that happens all day.
    """
    values = {
        "serial": next_serial(ctx, kind),
        "created_at": fields.pop("created_at", ctx.now),
        "updated_at": ctx.now,
        "staff_id": ctx.staff_id,
        "shift_id": ctx.shift_id,
        **fields,
    }
    new_id = driver_insert(ctx.session, model.__table__, [values])  # type: ignore[attr-defined]
    # The row is exactly these values plus column defaults, which the model's own defaults
    # mirror: build it here and attach it as persistent instead of SELECTing it back.
    obj = model(id=new_id, **values)
    make_transient_to_detached(obj)
    ctx.session.add(obj)
    audit.created(ctx, obj)
    textsearch.index_new(ctx.session, obj)  # searchable now; indexed in batches
    return obj


def get(ctx: Ctx, model: type[T], record_id: int) -> T:
    obj = ctx.session.get(model, record_id)
    if obj is None:
        raise NotFoundError(f"找不到这条记录（编号 {record_id}），可能已被其他窗口更改。")
    return obj


def by_serial(ctx: Ctx, model: type[T], serial: str) -> T:
    serial = serial.strip().upper()
    obj = ctx.session.exec(select(model).where(model.serial == serial)).first()  # type: ignore[attr-defined]
    if obj is None:
        raise NotFoundError(f"找不到单号为 {serial} 的记录，请检查后重新输入。")
    return obj


def party_fields(
    ctx: Ctx,
    *,
    room: str = "",
    name: str = "",
    phone: str = "",
    resident_id: int | None = None,
    label_of: Callable[[str], str],
    name_required: bool = False,
    phone_required: bool = False,
    place: str = "",
    room_confirmed: bool = False,
    stored_room: str = "",
) -> dict[str, Any]:
    """Validate who and where, and link the registry's unit when the room is known.

    A room that parses but is not in the registry raises ``UnregisteredRoom`` (usually a
    typo) unless ``room_confirmed`` — the receptionist answered 是 to 是否仍然保存为未登记房号
    — and is then kept as text, linked to no flat. An office with no flats imported yet
    is not asked: the desk must record visitors before the resident list is in; nor is a
    correction that keeps the ``stored_room`` (confirmed when it was first saved).
    ``label_of`` is the kind's ``kinds.X.label``: the messages name its fields.
    """
    out: dict[str, Any] = {
        "person_name": clean_text(
            name,
            field="person_name",
            label=label_of("person_name"),
            max_len=40,
            required=name_required,
        ),
        "phone": "",
        "room_text": "",
        "unit_id": None,
        "resident_id": resident_id,
    }
    phone = (phone or "").strip()
    if phone:
        out["phone"] = normalize_phone(phone, field="phone", label=label_of("phone"))
    elif phone_required:
        raise ValidationError("phone", label_of("phone"), "不能为空")
    resident = None
    if resident_id is not None:
        resident = ctx.session.get(Resident, resident_id)
        if resident is None:
            raise ValidationError("resident_id", "住户", "找不到这位住户，请重新查找后选择")
    room = (room or "").strip()
    if room:
        ref = normalize_room(room, field="room", label=label_of("room_text"))
        out["room_text"] = ref.code
        # straight to the driver: this lookup runs on every save (see db.driver_insert)
        conn = driver(ctx.session)
        found = conn.execute(UNIT_BY_CODE, (ref.code,)).fetchone()
        out["unit_id"] = found[0] if found else None
        if (
            not found
            and not room_confirmed
            and ref.code != stored_room
            and conn.execute(ANY_FLAT, (UnitKind.UNIT.value,)).fetchone()
        ):
            raise UnregisteredRoom(label_of("room_text"), ref.code)
    elif resident is not None and resident.unit_id is not None:
        unit = ctx.session.get(Unit, resident.unit_id)
        out["unit_id"] = resident.unit_id
        out["room_text"] = unit.code if unit else ""
    elif place.strip():
        # a public area named exactly as in the registry gets its history too
        unit = ctx.session.exec(
            select(Unit).where(Unit.code == place.strip(), Unit.kind == UnitKind.PUBLIC)
        ).first()
        out["unit_id"] = unit.id if unit else None
    return out


def void(ctx: Ctx, obj: Any, reason: str, void_state: Any) -> None:
    """作废: keep the record, mark it void with a reason (required), log it."""
    label = kinds.VOID_REASON.label
    reason = clean_text(reason, field="void_reason", label=label, max_len=200, required=True)
    audit.change(
        ctx,
        obj,
        {"state": void_state, "voided_at": ctx.now, "void_reason": reason},
        action=AuditAction.VOID,
        reason=reason,
    )
    signed_copies.recheck(ctx, obj)  # a voided record's form is not chased
