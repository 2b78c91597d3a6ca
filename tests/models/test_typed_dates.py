"""Dates typed into a list's 从/到: every form a desk types, garbage never raising."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.models.typed_dates import (
    FIRST_DAY,
    LAST_DAY,
    QUICK_RANGES,
    TypedDay,
    parse_day,
    quick_range,
)

TODAY = date(2026, 12, 9)  # a Wednesday
days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("2026/12/5", date(2026, 12, 5)),
        ("2026.12.5", date(2026, 12, 5)),
        ("2026年12月5日", date(2026, 12, 5)),
        ("2025-1-31", date(2025, 1, 31)),
        ("20261205", date(2026, 12, 5)),
        ("  2026 - 12 - 05 ", date(2026, 12, 5)),
        ("２０２６－１２－０５", date(2026, 12, 5)),  # 全角
        ("12-05", date(2026, 12, 5)),
        ("12/5", date(2026, 12, 5)),
        ("12.5", date(2026, 12, 5)),
        ("12月5日", date(2026, 12, 5)),
        ("1205", date(2026, 12, 5)),
        ("0105", date(2026, 1, 5)),
        ("12-31", date(2026, 12, 31)),  # the current year, even after today
        ("今天", TODAY),
        ("今日", TODAY),
        ("昨天", date(2026, 12, 8)),
        ("前天", date(2026, 12, 7)),
    ],
)
def test_the_forms_a_desk_types(typed, day):
    assert parse_day(typed, TODAY) == TypedDay(day)


@pytest.mark.parametrize("typed", ["", "   ", "\u3000", "\ufeff"])
def test_nothing_typed_is_no_limit(typed):
    assert parse_day(typed, TODAY) == TypedDay(None)


@pytest.mark.parametrize(
    "typed",
    [
        "明天见",
        "2026-02-30",  # no such day
        "2026-13-01",
        "02-29",  # not in 2026
        "13-05",
        "0226-12-05",  # a year typed wrong: not two thousand years ago
        "2100-01-01",
        "125",  # 1-25 or 12-5?
        "2026",  # a year is not a day
        "2026-12",
        "20261305",
        "12--05",
        "١٢-٠٥",  # digits of another script are not taken for ours
    ],
)
def test_what_is_not_a_day_says_so(typed):
    typed_day = parse_day(typed, TODAY)
    assert typed_day.day is None
    assert typed_day.error == f"看不懂的日期：{typed}，请输入如 2026-12-05"


def test_a_long_entry_is_shortened_in_the_message():
    typed_day = parse_day("x" * 200, TODAY)
    assert (
        typed_day.day is None
        and typed_day.error == f"看不懂的日期：{'x' * 20}…，请输入如 2026-12-05"
    )


def test_leap_days_follow_the_year():
    assert parse_day("02-29", date(2028, 3, 1)).day == date(2028, 2, 29)
    assert parse_day("2028-02-29", TODAY).day == date(2028, 2, 29)


@given(days, days)
def test_every_day_round_trips_in_every_form(day, today):
    forms = [
        day.isoformat(),
        f"{day:%Y%m%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month:02}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
    ]
    for typed in forms:
        assert parse_day(typed, today) == TypedDay(day), typed


@given(days)
def test_a_month_and_day_are_in_todays_year(day):
    today = day.replace(month=1, day=1) if day.month > 1 else day  # any day of that year
    for typed in (
        f"{day:%m-%d}",
        f"{day.month}/{day.day}",
        f"{day:%m%d}",
        f"{day.month}月{day.day}日",
    ):
        assert parse_day(typed, today) == TypedDay(day), typed


@given(days)
def test_words_count_back_from_today(today):
    assert parse_day("今天", today).day == today
    yesterday = today - timedelta(days=1)
    assert parse_day("昨天", today).day == (yesterday if yesterday >= FIRST_DAY else None)


@given(st.text(max_size=60), st.dates())
def test_garbage_never_raises_and_is_a_day_or_a_reason(typed, today):
    typed_day = parse_day(typed, today)
    assert (typed_day.day is None) or not typed_day.error
    if typed_day.day is not None:
        assert FIRST_DAY <= typed_day.day <= LAST_DAY
        # what the field shows after reading is read back as the same day
        assert parse_day(typed_day.day.isoformat(), today) == typed_day
    elif typed_day.error:
        assert typed_day.error.startswith("看不懂的日期：") and len(typed_day.error) < 60
    else:  # nothing typed but blanks
        assert not any(ch.isalnum() for ch in typed)


@given(st.text(alphabet="0123456789-/.年月日 今昨前天", max_size=14), st.dates())
def test_near_misses_never_raise(typed, today):
    typed_day = parse_day(typed, today)
    assert typed_day.day is None or typed_day.error == ""
    assert typed_day.day is not None or typed_day.error or not typed.strip()


@given(days)
def test_quick_ranges(today):
    assert quick_range("今天", today) == (today, today)
    if today > FIRST_DAY:
        yesterday = today - timedelta(days=1)
        assert quick_range("昨天", today) == (yesterday, yesterday)
    if today.weekday() <= (today - FIRST_DAY).days:
        start, end = quick_range("本周", today)
        assert start.weekday() == 0 and end == today and (end - start).days == today.weekday()
    assert QUICK_RANGES == ("今天", "昨天", "本周")


def test_this_week_runs_from_monday():
    assert quick_range("本周", TODAY) == (date(2026, 12, 7), TODAY)
    assert quick_range("本周", date(2026, 12, 7)) == (date(2026, 12, 7), date(2026, 12, 7))
    with pytest.raises(ValueError):
        quick_range("下周", TODAY)
