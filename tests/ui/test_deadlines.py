"""A row's colour: only its amber and red instants compared with the clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from desk.ui.deadlines import AMBER, RED, colour

NOW = datetime(2026, 11, 23, 10, 0)
MIN = timedelta(minutes=1)


def test_red_past_the_deadline_amber_from_its_mark_nothing_without_one():
    row = SimpleNamespace(amber_at=NOW - 10 * MIN, red_at=NOW + 10 * MIN)
    assert [colour(row, NOW + d * MIN) for d in (-11, -10, 0, 10, 11)] == [
        None,
        AMBER,
        AMBER,
        AMBER,  # at the deadline itself: not yet past it
        RED,
    ]
    assert colour(SimpleNamespace(amber_at=None, red_at=None), NOW) is None  # closed, 待料
