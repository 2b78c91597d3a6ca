"""A day as a person types it into a list's 从/到 filter.

Pure Python (no Qt), so the rules are tested alone. Understood, after 全角 → 半角 and with
blanks ignored:

- nothing: no limit;
- a whole date: ``2026-12-05``, ``2026/12/5``, ``2026.12.5``, ``2026年12月5日``, ``20261205``;
- a month and a day, in the current year: ``12-05``, ``12/5``, ``12.5``, ``12月5日``,
  ``1205`` (four digits are always month and day — a year alone is no day). The current
  year, not "the last such day": an end typed as ``12-31`` in June must not jump back a
  year, and the field shows the full date it understood, so the year is in view;
- 今天, 昨天, 前天 (今日, 昨日 too).

Years run from ``FIRST_DAY`` to ``LAST_DAY``: a typo such as ``0226-12-05`` is reported,
not read as a day two thousand years ago. Anything else gives no day and a message saying
what was not understood and what to type; parsing never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from desk.models.validation import to_halfwidth

__all__ = ["FIRST_DAY", "LAST_DAY", "QUICK_RANGES", "TypedDay", "parse_day", "quick_range"]

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2099, 12, 31)
EXAMPLE = "2026-12-05"

_WORDS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_WHOLE = (
    re.compile(r"(?P<y>[0-9]{4})[-/.年](?P<m>[0-9]{1,2})[-/.月](?P<d>[0-9]{1,2})日?"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)
_MONTH_DAY = (
    re.compile(r"(?P<m>[0-9]{1,2})[-/.月](?P<d>[0-9]{1,2})日?"),
    re.compile(r"(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)
_BLANKS = re.compile(r"\s+")
_ECHO = 20  # characters of the typed text repeated in the message

QUICK_RANGES = ("今天", "昨天", "本周")  # the buttons beside 从/到


@dataclass(frozen=True)
class TypedDay:
    """``day`` is None for no limit (nothing typed) or when ``error`` says why not."""

    day: date | None
    error: str = ""


def parse_day(text: str, today: date) -> TypedDay:
    """The day ``text`` means, ``today`` being the office's date."""
    cleaned = _BLANKS.sub("", to_halfwidth(text))
    if not cleaned:
        return TypedDay(None)
    if cleaned in _WORDS:
        try:
            return _in_range(today - timedelta(days=_WORDS[cleaned]), text)
        except OverflowError:  # a clock at date.min: no day to go back to
            return _not_understood(text)
    for pattern in _WHOLE:
        if match := pattern.fullmatch(cleaned):
            return _day(int(match["y"]), int(match["m"]), int(match["d"]), text)
    for pattern in _MONTH_DAY:
        if match := pattern.fullmatch(cleaned):
            return _day(today.year, int(match["m"]), int(match["d"]), text)
    return _not_understood(text)


def quick_range(name: str, today: date) -> tuple[date, date]:
    """从 and 到 for a button beside them: 今天, 昨天, or 本周 (Monday to today)."""
    if name == "今天":
        return today, today
    if name == "昨天":
        yesterday = today - timedelta(days=1)
        return yesterday, yesterday
    if name == "本周":
        return today - timedelta(days=today.weekday()), today
    raise ValueError(name)


def _day(year: int, month: int, day: int, text: str) -> TypedDay:
    try:
        found = date(year, month, day)
    except ValueError:  # 2026-02-30, month 13, year 0
        return _not_understood(text)
    return _in_range(found, text)


def _in_range(found: date, text: str) -> TypedDay:
    return TypedDay(found) if FIRST_DAY <= found <= LAST_DAY else _not_understood(text)


def _not_understood(text: str) -> TypedDay:
    shown = " ".join(text.split())
    shown = shown if len(shown) <= _ECHO else shown[:_ECHO] + "…"
    return TypedDay(None, f"看不懂的日期：{shown}，请输入如 {EXAMPLE}")
