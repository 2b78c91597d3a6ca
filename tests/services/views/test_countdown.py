"""The countdown text every list shows: one format for repairs, complaints and callbacks."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from desk.services.views.countdown import left, span

NOW = datetime(2026, 11, 23, 10, 0)


def test_span_reads_like_a_person_says_it():
    assert [span(timedelta(minutes=m)) for m in (0.5, 40, 60, 65, 24 * 60 + 5, 26 * 60)] == [
        "不到1分", "40分", "1小时", "1小时5分", "1天", "1天2小时",
    ]  # fmt: skip


@given(st.integers(min_value=-10 * 24 * 60, max_value=10 * 24 * 60))
def test_left_says_which_side_of_the_deadline(minutes):
    text = left(NOW + timedelta(minutes=minutes), NOW)
    assert text.startswith("超时 " if minutes < 0 else "剩 ")
    assert text.split(" ", 1)[1]  # never an empty amount
