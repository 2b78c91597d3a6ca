"""What the public calendar alone says of a day, as 节假日调整 shows beside an override."""

from __future__ import annotations

from datetime import date

import pytest

from desk.services.core.calendar import WorkCalendar


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 10, 1), "放假：国庆节"),
        (date(2026, 10, 10), "调休上班"),  # the Saturday worked for the National Day week
        (date(2026, 10, 11), "周末"),
        (date(2026, 10, 12), "工作日"),
    ],
)
def test_public_words(day: date, words: str) -> None:
    assert WorkCalendar().public_words(day) == words


def test_an_override_does_not_change_what_the_public_calendar_says() -> None:
    office = WorkCalendar({date(2026, 10, 1): True})
    assert office.is_working_day(date(2026, 10, 1))
    assert office.public_words(date(2026, 10, 1)) == "放假：国庆节"
