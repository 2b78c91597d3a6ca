"""One resident lookup for every form's resident field and for the 住户 tab.

What a receptionist types, and what it finds:

- a room in any written form — ``3-2-1201``, ``3栋2单元1201室``, ``３－２－１２０１`` — the
  residents of that flat; a partial room — ``3-2``, ``3栋2单元``, ``3-2-12`` — everyone whose
  room starts so; a bare room number — ``1201`` — room 1201 of every building;
- a name, any part of it, from one character: exact names first, then names starting with
  the text, then names containing it;
- pinyin, full or the start of it (``zhangsan``, ``zhang``), or initials (``zs``);
- a phone tail of 4 or more digits, matching the end of any of the resident's numbers.

Order: exact room, partial room, names (exact, prefix, substring), pinyin/initials (exact,
prefix), phone. Moved-out residents come after everyone still living there (or are left
out with ``include_moved_out=False``).

Speed (p95 ≤ 20 ms for 20,000 residents, see ``benchmarks/bench_search.py``): each tier is
one query that uses an index where one exists (``unit.code``, ``resident.name``,
``name_pinyin``, ``name_initials`` — prefixes become ``>= 'zs' AND < 'zt'`` ranges) and
fetches at most ``limit`` rows; substring and phone tiers scan the table (a few ms). Tiers
run best first and stop once ``limit`` current residents are found: nothing later can rank
above them.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from desk.models.enums import ResidentRole, UnitKind
from desk.models.errors import ValidationError
from desk.models.validation import mask_phone, normalize_room, to_halfwidth
from desk.services.records.residents import ROLE_ORDER_SQL, UNIT_ORDER_SQL

__all__ = ["Match", "MatchKind", "search_residents"]

MAX_QUERY = 60
MAX_LIMIT = 500
MIN_PHONE_TAIL = 4


class MatchKind:
    """Why a resident matched (``Match.kind``)."""

    ROOM = "room"
    NAME = "name"
    PINYIN = "pinyin"
    INITIALS = "initials"
    PHONE = "phone"


@dataclass(frozen=True)
class Match:
    resident_id: int
    unit_id: int | None
    name: str
    room: str  # "3-2-1201"
    role: ResidentRole
    phone_masked: str  # for the drop-down list: "138****5678"
    phone: str  # full number to fill a form with (the matched one for a phone search)
    phones: tuple[str, ...]  # every number, full
    moved_out: date | None
    kind: str  # MatchKind.*
    exact: bool  # the whole room / name / pinyin / initials / number matched


_SELECT = (
    "SELECT r.id, r.unit_id, r.name, r.role, r.phones, r.moved_out, u.code"
    " FROM resident r LEFT JOIN unit u ON u.id = r.unit_id"
)
_MOVED = "r.moved_out IS NOT NULL"


@dataclass(frozen=True)
class _Tier:
    kind: str
    exact: bool
    where: str
    order: str
    params: tuple[Any, ...]


def _prefix_range(column: str, prefix: str) -> tuple[str, tuple[str, ...]]:
    """``column`` starts with ``prefix`` as an index range (LIKE would not use the index):
    ``>= 'zs' AND < 'zt'`` — the upper bound is the prefix with its last character raised."""
    head = prefix.rstrip("\U0010ffff")
    if not head:
        return f"{column} >= ?", (prefix,)
    return f"{column} >= ? AND {column} < ?", (prefix, head[:-1] + chr(ord(head[-1]) + 1))


_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_PARTIAL_ROOM = re.compile(
    r"(?P<b>[0-9A-Z]{1,4})(?:-(?P<e>[0-9]{1,2})(?:-(?P<r>[0-9]{0,5}[A-Z]?))?)?(?P<end>-?)"
)
_BARE_ROOM = re.compile(r"(?P<r>[0-9]{2,5}[A-Z]?)室?")
_HAS_NAME_CHAR = re.compile(r"[^\W\d_]")  # a letter of any script (CJK included)
_LATIN = re.compile(r"[a-z']+")


def _partial_room_prefix(text: str) -> str | None:
    """``3-2`` / ``3栋2单元`` / ``3#`` / ``3-2-12`` → a unit-code prefix; None if no room."""
    t = text.upper()
    for dash in _DASHES:
        t = t.replace(dash, "-")
    t = re.sub(r"\s*(?:号楼|栋|幢|座|#)\s*", "-", t)
    t = re.sub(r"\s*单元\s*", "-", t)
    t = re.sub(r"\s*室$", "", t)
    t = re.sub(r"\s+", "-", t.strip())
    t = re.sub(r"-{2,}", "-", t)
    m = _PARTIAL_ROOM.fullmatch(t)
    if m is None:
        return None
    building = m["b"].lstrip("0") if m["b"].isdigit() else m["b"]
    if not building:
        return None
    if m["e"] is None:
        # a bare token is a building only when it is short digits ("3") or was marked ("A栋")
        if not m["end"] and not (m["b"].isdigit() and len(m["b"]) <= 3):
            return None
        return f"{building}-"
    entrance = m["e"].lstrip("0")
    if not entrance:
        return None
    if m["r"] is None:
        return f"{building}-{entrance}-"
    return f"{building}-{entrance}-{m['r'].lstrip('0')}"


def _tiers(query: str, include_moved_out: bool) -> list[_Tier]:
    # Lone surrogates (a broken paste) cannot go to SQLite: drop them.
    text = to_halfwidth(query[:MAX_QUERY].encode("utf-8", "ignore").decode("utf-8"))
    if not text:
        return []
    tiers: list[_Tier] = []

    # Rooms -------------------------------------------------------------------------------
    exact_code = None
    with contextlib.suppress(ValidationError):
        exact_code = normalize_room(text).code
    if exact_code:
        tiers.append(
            _Tier(MatchKind.ROOM, True, "u.code = ?", f"{ROLE_ORDER_SQL}, r.id", (exact_code,))
        )
    prefix = _partial_room_prefix(text)
    if prefix:
        where, params = _prefix_range("u.code", prefix)
        order = f"{UNIT_ORDER_SQL}, {ROLE_ORDER_SQL}, r.id"
        tiers.append(_Tier(MatchKind.ROOM, False, where, order, params))
    if m := _BARE_ROOM.fullmatch(text.upper()):
        room = m["r"].lstrip("0")
        order = f"{UNIT_ORDER_SQL}, {ROLE_ORDER_SQL}, r.id"
        where = f"u.room = ? AND u.kind = '{UnitKind.UNIT.value}'"
        tiers.append(_Tier(MatchKind.ROOM, False, where, order, (room,)))
    is_room = bool(exact_code or prefix)

    # Names ------------------------------------------------------------------------------
    compact = re.sub(r"\s+", "", text)
    latin = compact.lower()
    if not is_room and _HAS_NAME_CHAR.search(text) and not _LATIN.fullmatch(latin):
        # A Chinese name is written without spaces; a Latin one keeps single spaces.
        name = compact if re.search(r"[^\x00-\x7f]", compact) else " ".join(text.split())
        tiers.append(_Tier(MatchKind.NAME, True, "r.name = ?", "r.id", (name,)))
        where, params = _prefix_range("r.name", name)
        tiers.append(_Tier(MatchKind.NAME, False, where, "length(r.name), r.name, r.id", params))
        tiers.append(
            _Tier(
                MatchKind.NAME,
                False,
                "instr(r.name, ?) > 1",
                "instr(r.name, ?), length(r.name), r.name, r.id",
                (name, name),
            )
        )

    # Pinyin and initials ------------------------------------------------------------------
    if _LATIN.fullmatch(latin):
        key = latin.replace("'", "")
        if key:
            tiers.append(_Tier(MatchKind.PINYIN, True, "r.name_pinyin = ?", "r.name, r.id", (key,)))
            tiers.append(
                _Tier(MatchKind.INITIALS, True, "r.name_initials = ?", "r.name, r.id", (key,))
            )
            where, params = _prefix_range("r.name_pinyin", key)
            order = "length(r.name_pinyin), r.name_pinyin, r.id"
            tiers.append(_Tier(MatchKind.PINYIN, False, where, order, params))
            where, params = _prefix_range("r.name_initials", key)
            order = "length(r.name_initials), r.name_initials, r.name_pinyin, r.id"
            tiers.append(_Tier(MatchKind.INITIALS, False, where, order, params))

    # Phone tail ---------------------------------------------------------------------------
    digits = re.sub(r"[\s\-+()]", "", text)
    if digits.isascii() and digits.isdigit() and len(digits) >= MIN_PHONE_TAIL:
        # The end of any stored number, dashes ignored ("021-12345678" ends with "2345678").
        where = "instr(',' || replace(r.phones, '-', '') || ',', ?) > 0"
        params: tuple[str, ...] = (digits + ",",)
        if len(digits) <= 7:
            # A tail this short never spans a dash (local numbers have 7–8 digits): a plain
            # instr() first halves the cost of the scan.
            where = f"instr(r.phones, ?) > 0 AND {where}"
            params = (digits, *params)
        tiers.append(_Tier(MatchKind.PHONE, False, where, "r.id", params))

    if not include_moved_out:
        tiers = [
            _Tier(t.kind, t.exact, f"({t.where}) AND r.moved_out IS NULL", t.order, t.params)
            for t in tiers
        ]
    return tiers


def _matched_phone(phones: tuple[str, ...], kind: str, digits: str) -> str:
    if kind == MatchKind.PHONE:
        for phone in phones:
            if phone.replace("-", "").endswith(digits):
                return phone
    return phones[0] if phones else ""


def search_residents(
    session: Session, query: str, limit: int = 20, *, include_moved_out: bool = True
) -> list[Match]:
    """The residents ``query`` finds, best first (see the module docstring); never raises on
    odd input — text that can be nothing simply finds nothing."""
    if not isinstance(query, str):
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    tiers = _tiers(query, include_moved_out)
    if not tiers:
        return []
    digits = re.sub(r"[\s\-+()]", "", to_halfwidth(query))
    conn = session.connection()

    # (moved out?, tier, position in tier): the first occurrence of a resident is its best.
    found: dict[int, tuple[tuple[int, int, int], Match]] = {}
    current = 0  # distinct residents found who have not moved out
    for tier_no, tier in enumerate(tiers):
        sql = f"{_SELECT} WHERE {tier.where} ORDER BY {_MOVED}, {tier.order} LIMIT ?"
        for pos, row in enumerate(conn.exec_driver_sql(sql, (*tier.params, limit)).all()):
            rid = row[0]
            if rid in found:
                continue  # already found by a better tier (tiers run best first)
            moved = row[5] is not None
            current += not moved
            phones = tuple(p for p in (row[4] or "").split(",") if p)
            phone = _matched_phone(phones, tier.kind, digits)
            found[rid] = (
                (int(moved), tier_no, pos),
                Match(
                    resident_id=rid,
                    unit_id=row[1],
                    name=row[2],
                    room=row[6] or "",
                    role=ResidentRole(row[3]),
                    phone_masked=mask_phone(phone) if phone else "",
                    phone=phone,
                    phones=phones,
                    moved_out=date.fromisoformat(row[5]) if isinstance(row[5], str) else row[5],
                    kind=tier.kind,
                    exact=tier.exact,
                ),
            )
        if current >= limit:
            # Every later tier ranks below the current residents found so far: none can enter.
            break
    ranked = sorted(found.values(), key=lambda item: item[0])
    return [m for _, m in ranked[:limit]]
