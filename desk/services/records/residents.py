"""The resident registry: units (flats and public areas) and the people who live there.

Every create and change is audited (``services.audit``); nobody is deleted — a resident
who leaves is *moved out* (``moved_out`` set) and stays findable with the history.

Lists show phone numbers masked (``138****5678``); ``get_detail`` — a staff member opening
one record — returns them in full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from desk.models import Resident, Unit
from desk.models.enums import ResidentRole, UnitKind
from desk.models.errors import NotFoundError, ValidationError
from desk.models.validation import (
    RoomRef,
    clean_text,
    mask_phone,
    normalize_room,
    parse_phones,
    to_halfwidth,
)
from desk.services.core import audit
from desk.services.core.context import Ctx

__all__ = [
    "PHONES_MAX_LEN",
    "ROLE_ORDER_SQL",
    "ResidentDetail",
    "ResidentDraft",
    "ResidentRow",
    "UnitRow",
    "add",
    "add_public_area",
    "count",
    "ensure_unit",
    "get_detail",
    "list_page",
    "move_out",
    "name_keys",
    "parse_area",
    "parse_day",
    "residents_of_unit",
    "set_unit_area",
    "set_unit_occupied",
    "units",
    "update",
]

PHONES_MAX_LEN = 200  # Resident.phones column
AREA_MAX = 10_000.0  # m²; a flat or shop bigger than this is a typo

# Owners first, then tenants, then family members — the order a receptionist asks for.
ROLE_ORDER_SQL = "CASE r.role WHEN '业主' THEN 0 WHEN '租户' THEN 1 ELSE 2 END"

# Ordering of rooms as people read them: building 2 before 10, room 901 before 1201.
UNIT_ORDER_SQL = (
    "CAST(u.building AS INTEGER), u.building, "
    "CAST(u.entrance AS INTEGER), u.entrance, CAST(u.room AS INTEGER), u.room"
)


# ---------------------------------------------------------------------------
# Pinyin
# ---------------------------------------------------------------------------

# Surnames whose reading differs from the character's everyday one (曾 is zēng as a surname,
# not céng). Applied to the start of a name only; one reading each, no heteronyms.
_SURNAME_PINYIN = {
    "尉迟": "yu chi",
    "万俟": "mo qi",
    "单于": "chan yu",
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "区": "ou",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "覃": "qin",
    "翟": "zhai",
    "种": "chong",
    "召": "shao",
    "秘": "bi",
    "黑": "he",
    "繁": "po",
}
# Name characters pypinyin does not know (mostly outside the BMP).
_CHAR_PINYIN = {"𠮷": "ji"}
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_WORD = re.compile(r"[a-z0-9]+")
_UNKNOWN_RUN = re.compile(rf"{_HAN.pattern}+|[^\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


def name_keys(name: str) -> tuple[str, str]:
    """``(pinyin, initials)`` of a name for search: ``张三`` → ``("zhangsan", "zs")``.

    Lowercase ASCII, no spaces, one reading per character (pypinyin ``lazy_pinyin``, style
    NORMAL — ü is written ``v``, so 吕 is ``lv``), surnames read as surnames (曾 → zeng);
    initials are the first letter of each syllable (what ``Style.FIRST_LETTER`` gives).
    Latin letters and digits are kept as words (``John Smith`` → ``johnsmith``, ``js``);
    other characters pypinyin does not know are dropped.
    """
    from pypinyin import Style, lazy_pinyin  # ~180 ms to import; only when a name is saved

    text = to_halfwidth(name)
    syllables: list[str] = []
    surname = next((s for s in _SURNAME_PINYIN if text.startswith(s) and len(text) > len(s)), "")
    if surname:
        syllables += _SURNAME_PINYIN[surname].split()
    for piece in lazy_pinyin(text[len(surname) :], style=Style.NORMAL, errors=lambda s: [s]):
        # ``piece`` is a syllable, or a run of characters pypinyin has no reading for:
        # Latin words are kept, unknown Chinese characters looked up or dropped.
        for run in _UNKNOWN_RUN.findall(piece.lower()):
            if _HAN.match(run):
                syllables += [_CHAR_PINYIN[ch] for ch in run if ch in _CHAR_PINYIN]
            else:
                syllables += _WORD.findall(run)
    full = "".join(syllables)[:160]
    initials = "".join(s[0] for s in syllables)[:40]
    return full, initials


# ---------------------------------------------------------------------------
# Drafts and parsing
# ---------------------------------------------------------------------------


@dataclass
class ResidentDraft:
    """What the resident form (or one imported row) says about a person."""

    name: str
    room: str
    role: ResidentRole | str = ResidentRole.OWNER
    phones: str = ""  # several allowed: "13812345678 / 021-12345678"
    moved_in: date | str | None = None
    notes: str = ""


_ROLE_WORDS = {
    ResidentRole.OWNER: ("业主", "产权人", "房主", "房东", "户主", "业主本人", "本人", "屋主"),
    ResidentRole.TENANT: ("租户", "租客", "承租人", "租住", "租赁", "住户(租)", "租房"),
    ResidentRole.FAMILY: (
        "家属",
        "家人",
        "亲属",
        "家庭成员",
        "配偶",
        "妻子",
        "丈夫",
        "子女",
        "儿子",
        "女儿",
        "父亲",
        "母亲",
        "父母",
        "老人",
        "同住人",
        "共有人",
    ),
}
_ROLE_LOOKUP = {word: role for role, words in _ROLE_WORDS.items() for word in words}


def parse_role(value: ResidentRole | str | None, *, default: ResidentRole | None = None) -> Any:
    """业主/租户/家属 and their common synonyms (产权人, 租客, 配偶 …); blank → ``default``."""
    if isinstance(value, ResidentRole):
        return value
    text = re.sub(r"\s+", "", to_halfwidth(value or ""))
    if not text:
        if default is not None:
            return default
        raise ValidationError("role", "身份", "不能为空")
    role = _ROLE_LOOKUP.get(text)
    if role is None:
        raise ValidationError(
            "role",
            "身份",
            f"无法识别「{text[:10]}」，应为 业主、租户 或 家属（也认 产权人、租客、配偶、子女 等）",
        )
    return role


_DAY_FORMS = (
    re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
)


def parse_day(value: date | datetime | str | None, *, field: str, label: str) -> date | None:
    """A date as offices write it: ``2020-05-01``, ``2020/5/1``, ``2020.5.1``, ``2020年5月1日``,
    ``20200501``, or an Excel date (a ``datetime``; a time of ``00:00:00`` is ignored)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = to_halfwidth(str(value))
    if not text:
        return None
    text = re.sub(r"[T ]0?0:00(:00)?$", "", text)  # "2020-05-01 00:00:00" from a sheet
    for form in _DAY_FORMS:
        m = form.fullmatch(text)
        if m:
            try:
                day = date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                break
            if not 1900 <= day.year <= 2100:
                break
            return day
    raise ValidationError(field, label, f"无法识别日期「{text[:20]}」，应写成 2020-05-01")


_AREA = re.compile(r"(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?:㎡|m2|m²|平方米|平米|平方|平)?", re.IGNORECASE)


def parse_area(value: float | int | str | None) -> float | None:
    """建筑面积 in m²: ``89.5``, ``89.5㎡``, ``89.5平方米``; blank → None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError("area_m2", "面积", "应为数字（平方米），例如 89.5")
    if isinstance(value, int | float):
        area = float(value)
    else:
        text = to_halfwidth(str(value)).replace(",", "")
        if not text:
            return None
        m = _AREA.fullmatch(text)
        if m is None:
            raise ValidationError(
                "area_m2", "面积", f"「{text[:20]}」不是数字；应为平方米数，例如 89.5"
            )
        area = float(m["n"])
    if not 0 < area <= AREA_MAX:
        raise ValidationError("area_m2", "面积", f"应在 0 到 {AREA_MAX:.0f} 平方米之间")
    return round(area, 2)


def join_phones(phones: list[str]) -> str:
    """Canonical numbers as stored: comma-separated, checked against the column's length."""
    text = ",".join(phones)
    if len(text) > PHONES_MAX_LEN:
        raise ValidationError("phones", "电话", f"号码太多（最多{PHONES_MAX_LEN}个字符）")
    return text


def _fields(draft: ResidentDraft) -> dict[str, Any]:
    """Validate a draft into column values (without the unit)."""
    name = clean_text(draft.name, field="name", label="姓名", max_len=40, required=True)
    name = " ".join(name.split())  # one space between the words of a Latin name
    pinyin, initials = name_keys(name)
    return {
        "name": name,
        "name_pinyin": pinyin,
        "name_initials": initials,
        "role": parse_role(draft.role),
        "phones": join_phones(parse_phones(draft.phones or "")),
        "moved_in": parse_day(draft.moved_in, field="moved_in", label="入住日期"),
        "notes": clean_text(draft.notes, field="notes", label="备注", max_len=500),
    }


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.exec(select(Unit).where(Unit.code == code)).first()


def new_unit(ref: RoomRef, now: datetime, area_m2: float | None = None) -> Unit:
    """A flat's row from its parsed room (not yet added to a session)."""
    return Unit(
        kind=UnitKind.UNIT,
        code=ref.code,
        building=ref.building,
        entrance=ref.entrance,
        room=ref.room,
        area_m2=area_m2,
        created_at=now,
        updated_at=now,
    )


def ensure_unit(ctx: Ctx, room_text: str) -> Unit:
    """The flat ``room_text`` names (any written form); created (and audited) when new."""
    ref = normalize_room(room_text, field="room", label="房号")
    unit = unit_by_code(ctx.session, ref.code)
    if unit is not None:
        return unit
    unit = new_unit(ref, ctx.now)
    ctx.session.add(unit)
    ctx.session.flush()
    audit.created(ctx, unit, summary=ref.code)
    return unit


def add_public_area(ctx: Ctx, name: str) -> Unit:
    """A named public area (电梯厅, 地下车库 …) that repairs and complaints can point at."""
    name = clean_text(name, field="name", label="公共区域名称", max_len=40, required=True)
    name = " ".join(name.split())
    try:
        ref = normalize_room(name)
    except ValidationError:
        ref = None
    if ref is not None:
        raise ValidationError(
            "name",
            "公共区域名称",
            f"「{name}」看起来是房号 {ref.code}，公共区域请用名称，如 3栋电梯厅",
        )
    if unit_by_code(ctx.session, name) is not None:
        raise ValidationError("name", "公共区域名称", f"已经有「{name}」了")
    unit = Unit(kind=UnitKind.PUBLIC, code=name, name=name, created_at=ctx.now, updated_at=ctx.now)
    ctx.session.add(unit)
    ctx.session.flush()
    audit.created(ctx, unit, summary=name)
    return unit


def _unit(ctx: Ctx, unit_id: int) -> Unit:
    unit = ctx.session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(f"找不到这个房屋（编号 {unit_id}），可能已被其他窗口更改。")
    return unit


def set_unit_occupied(ctx: Ctx, unit_id: int, occupied: bool) -> Unit:
    """入住 / 空置 of a flat (空置房台账 counts these)."""
    unit = _unit(ctx, unit_id)
    audit.change(ctx, unit, {"occupied": bool(occupied)})
    return unit


def set_unit_area(ctx: Ctx, unit_id: int, area: float | str | None) -> Unit:
    """建筑面积 in m² (``89.5``, ``89.5㎡``); blank clears it."""
    unit = _unit(ctx, unit_id)
    audit.change(ctx, unit, {"area_m2": parse_area(area)})
    return unit


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    kind: UnitKind
    code: str
    label: str  # 3栋2单元1201室, or the public area's name
    building: str
    entrance: str
    room: str
    area_m2: float | None
    occupied: bool
    residents: int  # not moved out


def _label(kind: str, code: str, building: str, entrance: str, room: str) -> str:
    if kind == UnitKind.PUBLIC.value or not building:
        return code
    entrance_text = f"{entrance}单元" if entrance else ""
    return f"{building}栋{entrance_text}{room}室"


def units(ctx: Ctx, *, kind: UnitKind | None = None) -> list[UnitRow]:
    """Every unit, flats in reading order (building 2 before 10), then public areas."""
    sql = (
        "SELECT u.id, u.kind, u.code, u.building, u.entrance, u.room, u.area_m2, u.occupied,"
        " (SELECT count(*) FROM resident r WHERE r.unit_id = u.id AND r.moved_out IS NULL)"
        " FROM unit u"
    )
    params: tuple[Any, ...] = ()
    if kind is not None:
        sql += " WHERE u.kind = ?"
        params = (UnitKind(kind).value,)
    sql += f" ORDER BY u.kind = '{UnitKind.PUBLIC.value}', {UNIT_ORDER_SQL}, u.code"
    rows = ctx.session.connection().exec_driver_sql(sql, params).all()
    return [
        UnitRow(
            unit_id=r[0],
            kind=UnitKind(r[1]),
            code=r[2],
            label=_label(r[1], r[2], r[3], r[4], r[5]),
            building=r[3],
            entrance=r[4],
            room=r[5],
            area_m2=r[6],
            occupied=bool(r[7]),
            residents=r[8],
        )
        for r in rows
    ]


# ---------------------------------------------------------------------------
# Residents
# ---------------------------------------------------------------------------


def _resident(ctx: Ctx, resident_id: int) -> Resident:
    resident = ctx.session.get(Resident, resident_id)
    if resident is None:
        raise NotFoundError(f"找不到这位住户（编号 {resident_id}），可能已被其他窗口更改。")
    return resident


def _check_not_duplicate(ctx: Ctx, unit: Unit, name: str, own_id: int | None = None) -> None:
    stmt = select(Resident.id).where(
        Resident.unit_id == unit.id,
        Resident.name == name,
        Resident.moved_out.is_(None),  # type: ignore[union-attr]
    )
    for other in ctx.session.exec(stmt).all():
        if other != own_id:
            raise ValidationError(
                "name", "姓名", f"{unit.code} 已经登记了一位叫「{name}」的住户，请勿重复登记"
            )


def new_resident(ctx: Ctx, unit: Unit, fields: dict[str, Any]) -> Resident:
    """Insert a validated resident without flushing (the import adds thousands at once)."""
    resident = Resident(unit_id=unit.id, created_at=ctx.now, updated_at=ctx.now, **fields)
    ctx.session.add(resident)
    return resident


def add(ctx: Ctx, draft: ResidentDraft) -> Resident:
    """Register a resident; the flat is created from the room when it is not known yet."""
    fields = _fields(draft)
    unit = ensure_unit(ctx, draft.room)
    _check_not_duplicate(ctx, unit, fields["name"])
    resident = new_resident(ctx, unit, fields)
    ctx.session.flush()
    audit.created(ctx, resident, summary=f"{unit.code} {fields['name']}")
    return resident


def update(ctx: Ctx, resident_id: int, draft: ResidentDraft) -> Resident:
    """Save the edited form; one audit row per field that really changed."""
    resident = _resident(ctx, resident_id)
    fields = _fields(draft)
    unit = ensure_unit(ctx, draft.room)
    if resident.moved_out is None:
        _check_not_duplicate(ctx, unit, fields["name"], own_id=resident.id)
    if fields["moved_in"] and resident.moved_out and resident.moved_out < fields["moved_in"]:
        raise ValidationError("moved_in", "入住日期", "不能晚于迁出日期")
    audit.change(ctx, resident, {"unit_id": unit.id, **fields})
    return resident


def move_out(ctx: Ctx, resident_id: int, day: date) -> Resident:
    """迁出: the resident is kept (with every record naming them) and listed as moved out."""
    resident = _resident(ctx, resident_id)
    if resident.moved_out is not None:
        raise ValidationError("moved_out", "迁出日期", f"这位住户已于 {resident.moved_out} 迁出")
    if resident.moved_in is not None and day < resident.moved_in:
        raise ValidationError("moved_out", "迁出日期", f"不能早于入住日期 {resident.moved_in}")
    if day > ctx.now.date():
        raise ValidationError("moved_out", "迁出日期", "不能晚于今天")
    audit.change(ctx, resident, {"moved_out": day})
    return resident


@dataclass(frozen=True)
class ResidentDetail:
    """One resident as a staff member opening the record sees them: phones in full."""

    resident_id: int
    unit_id: int | None
    room: str  # 3-2-1201
    room_label: str  # 3栋2单元1201室
    name: str
    name_pinyin: str
    name_initials: str
    role: ResidentRole
    phones: tuple[str, ...]
    moved_in: date | None
    moved_out: date | None
    notes: str
    area_m2: float | None
    created_at: datetime
    updated_at: datetime


def get_detail(ctx: Ctx, resident_id: int) -> ResidentDetail:
    resident = _resident(ctx, resident_id)
    unit = ctx.session.get(Unit, resident.unit_id) if resident.unit_id else None
    return ResidentDetail(
        resident_id=resident.id,  # type: ignore[arg-type]
        unit_id=resident.unit_id,
        room=unit.code if unit else "",
        room_label=_label(unit.kind, unit.code, unit.building, unit.entrance, unit.room)
        if unit
        else "",
        name=resident.name,
        name_pinyin=resident.name_pinyin,
        name_initials=resident.name_initials,
        role=ResidentRole(resident.role),
        phones=tuple(p for p in resident.phones.split(",") if p),
        moved_in=resident.moved_in,
        moved_out=resident.moved_out,
        notes=resident.notes,
        area_m2=unit.area_m2 if unit else None,
        created_at=resident.created_at,
        updated_at=resident.updated_at,
    )


@dataclass(frozen=True)
class ResidentRow:
    """One line of a list: phones masked."""

    resident_id: int
    unit_id: int | None
    room: str
    room_label: str
    name: str
    role: ResidentRole
    phones_masked: str  # "138****5678、021-****5678"
    moved_in: date | None
    moved_out: date | None
    notes: str
    area_m2: float | None


_ROW_SQL = (
    "SELECT r.id, r.unit_id, u.kind, u.code, u.building, u.entrance, u.room, r.name, r.role,"
    " r.phones, r.moved_in, r.moved_out, r.notes, u.area_m2"
    " FROM resident r LEFT JOIN unit u ON u.id = r.unit_id"
)


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else value or None


def raw_rows(
    session: Session,
    *,
    include_moved_out: bool,
    offset: int = 0,
    limit: int | None = None,
    unit_id: int | None = None,
) -> list[dict[str, Any]]:
    """Residents as plain dicts with **full** phones, in room order (for lists and exports)."""
    where = []
    params: list[Any] = []
    if not include_moved_out:
        where.append("r.moved_out IS NULL")
    if unit_id is not None:
        where.append("r.unit_id = ?")
        params.append(unit_id)
    sql = _ROW_SQL + (" WHERE " + " AND ".join(where) if where else "")
    sql += (
        f" ORDER BY u.id IS NULL, {UNIT_ORDER_SQL}, r.moved_out IS NOT NULL, {ROLE_ORDER_SQL}, r.id"
    )
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [max(0, limit), max(0, offset)]
    out = []
    for r in session.connection().exec_driver_sql(sql, tuple(params)).all():
        kind, code = r[2] or "", r[3] or ""
        out.append(
            {
                "resident_id": r[0],
                "unit_id": r[1],
                "room": code,
                "room_label": _label(kind, code, r[4] or "", r[5] or "", r[6] or "")
                if code
                else "",
                "name": r[7],
                "role": ResidentRole(r[8]),
                "phones": [p for p in (r[9] or "").split(",") if p],
                "moved_in": _day(r[10]),
                "moved_out": _day(r[11]),
                "notes": r[12] or "",
                "area_m2": r[13],
            }
        )
    return out


def _to_row(d: dict[str, Any]) -> ResidentRow:
    return ResidentRow(
        resident_id=d["resident_id"],
        unit_id=d["unit_id"],
        room=d["room"],
        room_label=d["room_label"],
        name=d["name"],
        role=d["role"],
        phones_masked="、".join(mask_phone(p) for p in d["phones"]),
        moved_in=d["moved_in"],
        moved_out=d["moved_out"],
        notes=d["notes"],
        area_m2=d["area_m2"],
    )


def list_page(
    ctx: Ctx, offset: int, limit: int, include_moved_out: bool = False
) -> list[ResidentRow]:
    """One page of the registry in room order, phones masked (for the 住户 tab's table)."""
    rows = raw_rows(ctx.session, include_moved_out=include_moved_out, offset=offset, limit=limit)
    return [_to_row(d) for d in rows]


def count(ctx: Ctx, include_moved_out: bool = False) -> int:
    sql = "SELECT count(*) FROM resident" + (
        "" if include_moved_out else " WHERE moved_out IS NULL"
    )
    return int(ctx.session.connection().exec_driver_sql(sql).scalar_one())


def residents_of_unit(ctx: Ctx, unit_id: int, include_moved_out: bool = True) -> list[ResidentRow]:
    """Everyone registered at one unit: current residents first, owners before tenants."""
    rows = raw_rows(ctx.session, include_moved_out=include_moved_out, unit_id=unit_id)
    return [_to_row(d) for d in rows]
