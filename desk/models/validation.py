"""Checking and normalising what people type at the desk: phones, rooms, text, money, counts.

Pure Python (no Qt, no database) so the same rules serve forms, imports and tests.
Every failure raises :class:`~desk.models.errors.ValidationError` whose reason is a
Chinese sentence saying what is wrong and what form is expected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from desk.models.errors import ValidationError

__all__ = [
    "RoomRef",
    "check_not_future",
    "check_order",
    "clean_text",
    "mask_phone",
    "mask_phones_in",
    "normalize_phone",
    "normalize_room",
    "parse_money",
    "parse_phones",
    "parse_quantity",
    "to_halfwidth",
]

EMPTY = "不能为空"

# Characters people paste around text that are invisible but not "whitespace" to str.strip().
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


def to_halfwidth(text: str) -> str:
    """NFKC-normalise (全角 → 半角: ``１２３－４`` → ``123-4``) and strip surrounding blanks."""
    # NFKC also turns the ideographic space U+3000 into an ordinary space, so strip() catches it.
    return unicodedata.normalize("NFKC", text).strip().strip(_INVISIBLE).strip()


def _short(text: str, limit: int = 20) -> str:
    """Echo user input inside a message without letting a pasted essay flood the dialog."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------

_PHONE_HINT = (
    "应为手机号（11位数字，以1开头，例如 13812345678）"
    "或座机号（例如 021-12345678、0571-8765432、87654321，可带分机 021-12345678-123）"
)
_MOBILE_HINT = "手机号应为11位数字，以1开头，例如 13812345678"
_LANDLINE_HINT = (
    "座机号应为 区号-号码：区号以0开头共3到4位，号码7到8位，例如 021-12345678 或 0571-8765432"
)
_EXT_HINT = "分机号应为1到6位数字，例如 021-12345678-123"

# Dash look-alikes NFKC leaves alone (hyphen, figure/en/em dash, horizontal bar, minus).
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_PHONE_ALLOWED = re.compile(rf"[0-9\s\-.(){_DASHES}]*")
# "转", "分机(号)", "ext", "x" and "#" all introduce an extension; a dash one is found by grouping.
_EXPLICIT_EXT = re.compile(
    rf"^(?P<main>.*?)[\s\-{_DASHES}]*(?:转|分机号?|ext\.?|x|#)[\s:\-]*(?P<ext>[0-9]+)$",
    re.IGNORECASE | re.ASCII,
)
_INTL_PREFIX = re.compile(r"^\(?\s*(?:\+\s*86|0086)\s*\)?[\s\-.]*")

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_86 = re.compile(r"(?:0086|86)(1[3-9][0-9]{9})")
# Three-digit area codes (incl. the 0) are 010 and 020–029; every other one has four digits.
_LANDLINE_3 = re.compile(r"(010|02[0-9])([1-9][0-9]{6,7})")
_LANDLINE_4 = re.compile(r"(0[3-9][0-9][0-9])([1-9][0-9]{6,7})")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")
_SERVICE = re.compile(r"9[0-9]{4}")
_HOTLINE = re.compile(r"([48]00)([0-9]{3})([0-9]{4})")


@dataclass(frozen=True)
class _Number:
    kind: str  # "mobile" | "landline" (with area code) | "local" | "service" | "hotline"
    text: str


def _match_number(digits: str) -> _Number | None:
    """Classify a run of digits without any extension; None when it is no known form."""
    if _MOBILE.fullmatch(digits):
        return _Number("mobile", digits)
    if m := _MOBILE_86.fullmatch(digits):
        return _Number("mobile", m.group(1))
    if m := _LANDLINE_3.fullmatch(digits) or _LANDLINE_4.fullmatch(digits):
        return _Number("landline", f"{m.group(1)}-{m.group(2)}")
    if _LOCAL.fullmatch(digits) or _SERVICE.fullmatch(digits):
        return _Number("local" if len(digits) > 5 else "service", digits)
    if m := _HOTLINE.fullmatch(digits):
        return _Number("hotline", "-".join(m.groups()))
    return None


def _explain_number(digits: str) -> str:
    """The most specific reason why ``digits`` is not a phone number."""
    n = len(digits)
    if digits.startswith("1"):
        if n != 11:
            return f"{_MOBILE_HINT}（现在是{n}位）"
        return "手机号第二位应为3到9，例如 13812345678"
    if digits.startswith("0"):
        return _LANDLINE_HINT
    if digits[:3] in ("400", "800"):
        return f"400/800 号码应为10位数字，例如 400-123-4567（现在是{n}位）"
    return f"{_PHONE_HINT}（现在是{n}位数字）"


def normalize_phone(value: str, *, field: str = "phone", label: str = "电话") -> str:
    """Return the canonical form of one phone number or raise ValidationError.

    Canonical forms: ``13812345678``, ``021-12345678``, ``0571-8765432-12``,
    ``87654321``, ``87654321-12``, ``95598``, ``400-123-4567``.
    """

    def fail(reason: str) -> ValidationError:
        return ValidationError(field, label, reason)

    text = to_halfwidth(value if isinstance(value, str) else "" if value is None else str(value))
    if not text:
        raise fail(EMPTY)

    ext: str | None = None
    if m := _EXPLICIT_EXT.match(text):
        text, ext = m.group("main"), m.group("ext")
        if len(ext) > 6:
            raise fail(_EXT_HINT)
        if not text.strip():
            raise fail(f"只有分机号，缺少总机号码；{_EXT_HINT}")

    international = False
    if m := _INTL_PREFIX.match(text):
        international = True
        text = text[m.end() :]
        # "+86 21 1234 5678" drops the trunk 0 of the area code; put it back.
        if text and text[0] in "23456789":
            text = "0" + text

    if not _PHONE_ALLOWED.fullmatch(text):
        bad = next(ch for ch in text if not _PHONE_ALLOWED.fullmatch(ch))
        raise fail(f"含有不能识别的字符「{bad}」；{_PHONE_HINT}")

    groups = re.findall(r"[0-9]+", text)
    if not groups:
        raise fail(_PHONE_HINT)

    number: _Number | None = None
    if ext is None and len(groups) >= 2 and len(groups[-1]) <= 6:
        # "021-12345678-123": when everything before the last short group is already a
        # complete landline, that group is an extension; otherwise it is part of the number
        # ("021 1234 5678", "138-1234-5678").
        head = _match_number("".join(groups[:-1]))
        if head is not None and head.kind in ("landline", "local"):
            number, ext = head, groups[-1]
    if number is None:
        digits = "".join(groups)
        number = _match_number(digits)
        # After +86 a bad mobile still gets the mobile hint; anything else the +86 one below.
        if number is None and (not international or digits.startswith("1")):
            raise fail(_explain_number(digits))

    if international and (number is None or number.kind not in ("mobile", "landline")):
        raise fail("+86 后面应为手机号或带区号的座机号，例如 +86 138 1234 5678 或 +86 21 1234 5678")
    if ext is not None:
        if number.kind == "mobile":
            raise fail(f"手机号不能带分机号；{_MOBILE_HINT}")
        if number.kind not in ("landline", "local"):
            raise fail("只有座机号可以带分机号，例如 021-12345678-123")
        return f"{number.text}-{ext}"
    return number.text


# Separators between several numbers in one cell; a single space belongs to a number.
_PHONE_SPLIT = re.compile(r"[/,，、;；\n\r\t|]|\s{2,}")
# A single phone number is never written in more than this many space-separated pieces.
_MAX_PIECES = 8


def parse_phones(value: str, *, field: str = "phones", label: str = "电话") -> list[str]:
    """Split a cell holding several phone numbers; canonical, de-duplicated, in order.

    Numbers may be separated by ``/ , ， 、 ; ；``, line breaks or two or more spaces.
    A chunk that holds single spaces is first tried as one number (``138 1234 5678``) and
    only then split greedily into the longest runs of pieces that are valid numbers.
    """
    text = to_halfwidth(value if isinstance(value, str) else "" if value is None else str(value))
    result: list[str] = []
    for chunk in _PHONE_SPLIT.split(text):
        chunk = chunk.strip()
        if chunk:
            for phone in _parse_phone_chunk(chunk, field=field, label=label):
                if phone not in result:
                    result.append(phone)
    return result


def _parse_phone_chunk(chunk: str, *, field: str, label: str) -> list[str]:
    try:
        return [normalize_phone(chunk, field=field, label=label)]
    except ValidationError as whole_error:
        pieces = chunk.split()
        if len(pieces) == 1:
            raise _bad_piece(chunk, whole_error, field, label) from None

    # Longest run of pieces first, so "021 1234 5678 13812345678" never yields a bare "021".
    found: list[str] = []
    start = 0
    while start < len(pieces):
        for end in range(min(len(pieces), start + _MAX_PIECES), start, -1):
            try:
                found.append(normalize_phone(" ".join(pieces[start:end])))
            except ValidationError:
                continue
            start = end
            break
        else:
            # Nothing short enough fits; the rest is either one long-winded number or the error.
            rest = " ".join(pieces[start:])
            try:
                found.append(normalize_phone(rest))
            except ValidationError as exc:
                raise _bad_piece(rest, exc, field, label) from None
            break
    return found


def _bad_piece(piece: str, exc: ValidationError, field: str, label: str) -> ValidationError:
    return ValidationError(field, label, f"「{_short(piece)}」有误，{exc.reason}")


# A phone number written inside free text: a mobile (optionally with spaces or dashes as
# 138 1234 5678) or a landline with its area code (021-12345678, 0755 1234567), not part
# of a longer run of digits (an order number, an ID)
_PHONE_IN_TEXT = re.compile(
    r"(?<![0-9])(?:1[3-9][0-9](?:[ -]?[0-9]{4}){2}|0[1-9][0-9]{1,2}[ -]?[2-9][0-9]{6,7})(?![0-9])"
)


def mask_phones_in(text: str) -> str:
    """Free text for a list on screen, with the phone numbers in it masked as ``mask_phone``
    does: ``请回电13812345678`` → ``请回电138****5678``. The record itself keeps them."""
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def mask_phone(canonical: str) -> str:
    """Hide the middle of a number for lists and printouts.

    ``13812345678`` → ``138****5678``; ``021-12345678-123`` → ``021-****5678`` (the extension
    is dropped); ``87654321`` → ``****4321``; ``95598`` → ``***98``;
    ``400-123-4567`` → ``400-***-4567``. Text that is no valid number keeps only its last 2.
    """
    try:
        phone = normalize_phone(canonical)
    except ValidationError:
        text = to_halfwidth(canonical or "")
        return "*" * (len(text) - 2) + text[-2:] if len(text) > 2 else "*" * len(text)
    parts = phone.split("-")
    if _MOBILE.fullmatch(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    if parts[0] in ("400", "800"):
        return f"{parts[0]}-***-{parts[2]}"
    # One star per hidden digit, as for mobiles: the mask is never longer than the number.
    if phone.startswith("0"):
        local = parts[1]
        return f"{parts[0]}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(parts[0]) > 5:
        local = parts[0]
        return f"{'*' * (len(local) - 4)}{local[-4:]}"
    return "*" * (len(phone) - 2) + phone[-2:]


# ---------------------------------------------------------------------------
# Rooms
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomRef:
    """A household address inside the estate: 楼栋 (building), 单元 (entrance), 房号 (room)."""

    building: str
    entrance: str
    room: str

    @property
    def code(self) -> str:
        """Short form used in lists and search: ``3-2-1201`` or ``3-1201``."""
        parts = (self.building, self.entrance, self.room)
        return "-".join(p for p in parts if p)

    @property
    def label(self) -> str:
        """Spoken/printed form: ``3栋2单元1201室`` or ``3栋1201室``."""
        entrance = f"{self.entrance}单元" if self.entrance else ""
        return f"{self.building}栋{entrance}{self.room}室"


_ROOM_HINT = "请按 楼栋-单元-房号 填写，例如 3-2-1201 或 3栋2单元1201室"
_BUILDING_SEP = r"(?:\s*(?:号楼|栋|幢|座|号|#)\s*-?\s*|\s*-\s*|\s+)"
_ENTRANCE_SEP = r"(?:\s*单元\s*-?\s*|\s*-\s*|\s+)"
_ROOM = re.compile(
    rf"(?P<b>[0-9A-Z]{{1,4}}){_BUILDING_SEP}"
    rf"(?:(?P<e>[0-9]{{1,2}}){_ENTRANCE_SEP})?"
    r"(?P<r>[0-9]{2,5}[A-Z]?)\s*(?:室|号)?"
)


def normalize_room(value: str, *, field: str = "room", label: str = "房号") -> RoomRef:
    """Parse what people write for 楼栋-单元-房号 into a :class:`RoomRef`.

    Accepts ``3-2-1201``, ``3—2—1201``, ``3 2 1201``, ``３－２－１２０１``, ``3栋2单元1201室``,
    ``3号楼2单元1201``, ``3幢…1201号``, ``3座…``, ``3#2-1201``, ``3#1201``, ``3-1201``,
    ``A栋1单元101``, ``b-2-302``. Leading zeros of numbers are dropped (``02单元`` → ``2``).
    """

    def fail(reason: str) -> ValidationError:
        return ValidationError(field, label, reason)

    raw = value if isinstance(value, str) else "" if value is None else str(value)
    text = to_halfwidth(raw).upper()
    if not text:
        raise fail(EMPTY)
    for dash in _DASHES:
        text = text.replace(dash, "-")

    m = _ROOM.fullmatch(text)
    if m is None:
        if re.fullmatch(r"[0-9]{1,5}[A-Z]?\s*室?", text):
            raise fail(f"缺少楼栋；{_ROOM_HINT}")
        raise fail(f"无法识别「{_short(raw)}」；{_ROOM_HINT}")

    building = m.group("b")
    if building.isdigit():
        # "03栋" and "3栋" are the same building; a stored code must match either way.
        building = building.lstrip("0")
        if not building:
            raise fail(f"楼栋号不能为0；{_ROOM_HINT}")
    entrance = (m.group("e") or "").lstrip("0")
    if m.group("e") is not None and not entrance:
        raise fail(f"单元号不能为0；{_ROOM_HINT}")
    room = m.group("r").lstrip("0")
    # Keep the result re-parseable: a room must still have 2–5 digits after dropping zeros.
    if len(room.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) < 2:
        raise fail(f"房号应为2到5位数字（可带一个字母），例如 1201 或 302A；{_ROOM_HINT}")
    return RoomRef(building=building, entrance=entrance, room=room)


# ---------------------------------------------------------------------------
# Text, times, money, counts
# ---------------------------------------------------------------------------


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_encodable(text: str, field: str, label: str) -> str:
    """Refuse half a character: a lone UTF-16 surrogate, which text pasted from a broken
    source can carry, cannot be stored (SQLite wants UTF-8) nor printed."""
    found = _SURROGATE.search(text)
    if found:
        raise ValidationError(
            field,
            label,
            f"第{found.start() + 1}个字符无法识别（可能是从别处复制来的乱码），请删去后重新输入",
        )
    return text


def clean_text(
    value: str | None, *, field: str, label: str, max_len: int, required: bool = False
) -> str:
    """Strip surrounding blanks (incl. U+3000) and enforce presence and a length in characters."""
    text = check_encodable((value or "").strip().strip(_INVISIBLE).strip(), field, label)
    if not text:
        if required:
            raise ValidationError(field, label, EMPTY)
        return ""
    if len(text) > max_len:
        raise ValidationError(field, label, f"不能超过{max_len}个字（现在{len(text)}个字）")
    return text


def check_not_future(
    value: datetime, *, now: datetime, field: str, label: str, slack_minutes: int = 5
) -> datetime:
    """Reject times in the future; the slack absorbs PC clocks that are a few minutes off."""
    if value > now + timedelta(minutes=slack_minutes):
        raise ValidationError(field, label, "不能晚于现在")
    return value


def check_order(
    earlier: datetime | None,
    later: datetime | None,
    *,
    field: str,
    label: str,
    earlier_label: str,
) -> None:
    """Raise when ``later`` (the field being checked) is before ``earlier``; None skips."""
    if earlier is not None and later is not None and later < earlier:
        raise ValidationError(field, label, f"不能早于{earlier_label}")


_MONEY_MAX = Decimal(1_000_000)
_CENT = Decimal("0.01")
_MONEY_HINT = "应为金额数字（单位：元），例如 12 或 12.50"
_MONEY = re.compile(
    r"(?P<sign>[-+])?(?:¥|RMB)?(?P<sign2>[-+])?"
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:元|块)?"
)


def parse_money(
    value: str | float | int | Decimal | None, *, field: str, label: str
) -> Decimal | None:
    """Parse an amount in yuan (``12``, ``12.5``, ``¥12.50``, ``12元``, full-width) to 0.01.

    Empty → None. Must be between 0 and 1,000,000 with at most two decimals.
    """

    def fail(reason: str) -> ValidationError:
        return ValidationError(field, label, reason)

    if value is None:
        return None
    if isinstance(value, bool):  # bool is an int subclass; True is no amount
        raise fail(_MONEY_HINT)
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        # str() gives the shortest repr, so 0.1 stays 0.1 instead of 0.1000000000000000055…
        amount = Decimal(str(value))
    else:
        text = re.sub(r"\s+", "", to_halfwidth(str(value))).upper()
        if not text:
            return None
        m = _MONEY.fullmatch(text)
        if m is None or (m.group("sign") and m.group("sign2")):
            raise fail(_MONEY_HINT)
        sign = m.group("sign") or m.group("sign2") or ""
        try:
            amount = Decimal(sign + m.group("num").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex admits only plain numbers
            raise fail(_MONEY_HINT) from None

    if not amount.is_finite():
        raise fail(_MONEY_HINT)
    if amount < 0:
        raise fail("不能为负数，" + _MONEY_HINT)
    if amount > _MONEY_MAX:
        raise fail("不能超过1000000元（一百万元），请检查是否多输了数字")
    if amount != amount.quantize(_CENT):
        raise fail("最多两位小数（精确到分），例如 12.50")
    # "-0" would otherwise survive as Decimal("-0.00").
    return amount.quantize(_CENT) if amount else Decimal("0.00")


def parse_quantity(
    value: str | int | float | Decimal | None,
    *,
    field: str,
    label: str,
    minimum: int = 1,
    maximum: int = 999,
) -> int:
    """Parse a whole-number count (``3``, ``３``, ``3.0``) within ``minimum``..``maximum``."""
    hint = f"应为{minimum}到{maximum}之间的整数"

    def fail(reason: str) -> ValidationError:
        return ValidationError(field, label, reason)

    if value is None:
        raise fail(EMPTY)
    if isinstance(value, bool):
        raise fail(hint)
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    else:
        text = re.sub(r"\s+", "", to_halfwidth(str(value)))
        if not text:
            raise fail(EMPTY)
        # Decimal rather than int(): a pasted 5000-digit string must not hit int's digit limit.
        if not re.fullmatch(r"[-+]?[0-9]+(?:\.0*)?", text):
            if re.fullmatch(r"[-+]?[0-9]*\.[0-9]+", text):
                raise fail(f"只能是整数，不能有小数；{hint}")
            raise fail(hint)
        number = Decimal(text)

    if not number.is_finite():
        raise fail(hint)
    if number != number.to_integral_value():
        raise fail(f"只能是整数，不能有小数；{hint}")
    if number < minimum:
        raise fail(f"不能少于{minimum}；{hint}")
    if number > maximum:
        raise fail(f"不能超过{maximum}；{hint}")
    return int(number)
