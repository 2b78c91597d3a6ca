"""Near and past: the one rule that turns a record's running deadline into amber and red."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from desk.services.core import sla

NOW = datetime(2026, 11, 23, 10, 0)
HOUR = timedelta(hours=1)

minutes = st.integers(min_value=0, max_value=30 * 24 * 60)
fractions = st.floats(min_value=0.01, max_value=0.99)


def test_amber_for_the_last_fraction_of_the_span_red_once_past() -> None:
    marks = sla.marks(sla.Clock(NOW, NOW + 10 * HOUR), 0.2)
    assert marks == sla.Marks(amber_at=NOW + 8 * HOUR, red_at=NOW + 10 * HOUR)
    assert sla.marks(None, 0.2) is None  # no deadline runs: never amber, never red


def test_a_span_that_began_after_its_deadline_is_amber_only_when_due() -> None:
    # a resident's own deadline earlier than the record's time, or a clock stored
    # without its start
    assert sla.marks(sla.Clock(NOW, NOW - HOUR), 0.2) == sla.Marks(NOW - HOUR, NOW - HOUR)
    assert sla.marks(sla.stored_clock(None, NOW), 0.5) == sla.Marks(NOW, NOW)
    assert sla.stored_clock(NOW, None) is None


@given(start=minutes, span=minutes, at=st.integers(-60 * 24 * 60, 60 * 24 * 60), f=fractions)
def test_amber_means_less_than_the_fraction_left_and_not_past(start, span, at, f) -> None:
    began = NOW + timedelta(minutes=start)
    due = began + timedelta(minutes=span)
    now = due + timedelta(minutes=at)
    marks = sla.marks(sla.Clock(began, due), f)
    assert marks is not None and began <= marks.amber_at <= marks.red_at == due
    amber = marks.amber_at <= now <= marks.red_at
    left, total = (due - now).total_seconds(), (due - began).total_seconds()
    if abs(left - total * f) > 1e-3:  # away from the edge (microsecond rounding)
        assert amber == (0 <= left <= total * f)
