"""值班: the shift table (validation, midnight, gaps), coming on duty, ending a shift."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from desk.models import Call, Shift
from desk.models.enums import AuditAction, StaffRole
from desk.models.errors import TransitionError, ValidationError
from desk.services.core import audit, settings
from desk.services.core.transactions import writing
from desk.services.duty import shifts
from desk.services.duty.shifts import ShiftDef
from desk.services.records import calls, staff
from desk.services.records.calls import CallDraft

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at
DAY = NOW.date()

DEFAULT = next(s.default for s in settings.DEFAULTS if s.key == "lists.shifts")  # as shipped
TWO = [
    {"name": "白班", "start": "08:00", "end": "20:00"},
    {"name": "夜班", "start": "20:00", "end": "08:00"},
]


def at(hh_mm: str, day: date = DAY) -> datetime:
    h, m = (int(x) for x in hh_mm.split(":"))
    return datetime.combine(day, time()) + timedelta(hours=h, minutes=m)


def conf(table: list[dict[str, str]]) -> dict[str, object]:
    return {"lists.shifts": table}


# --- the shift table ----------------------------------------------------------------------


def test_default_table_parses_in_start_order() -> None:
    defs = shifts.parse_definitions(DEFAULT)
    assert [(d.name, d.start, d.end) for d in defs] == [
        ("晚班", "00:00", "08:00"),
        ("早班", "08:00", "16:00"),
        ("中班", "16:00", "24:00"),
    ]
    assert [d.minutes for d in defs] == [480, 480, 480]
    assert not any(d.crosses_midnight for d in defs)


def test_night_shift_crosses_midnight() -> None:
    day, night = shifts.parse_definitions(TWO)
    assert night.crosses_midnight and night.duration == timedelta(hours=12)
    assert night.occurrence(at("03:00")) == (at("20:00", DAY - timedelta(days=1)), at("08:00"))
    assert night.occurrence(at("21:00")) == (at("20:00"), at("08:00", DAY + timedelta(days=1)))
    assert night.occurrence(at("12:00")) is None
    assert day.occurrence(at("08:00")) == (at("08:00"), at("20:00"))


def test_one_shift_may_last_the_whole_day() -> None:
    for table in ([{"name": "全天", "start": "00:00", "end": "24:00"}],
                  [{"name": "全天", "start": "08:00", "end": "08:00"}]):  # fmt: skip
        [d] = shifts.parse_definitions(table)
        assert d.minutes == 24 * 60
        assert shifts.current_shift_name(conf(table), at("03:00")) == "全天"


@pytest.mark.parametrize(
    ("table", "reason"),
    [
        ([], "至少"),
        ("早班", "至少"),
        ([{"start": "08:00", "end": "16:00"}], "没有名称"),
        ([{"name": "早班", "start": "8点", "end": "16:00"}], "无法识别"),
        ([{"name": "早班", "start": "25:00", "end": "16:00"}], "无法识别"),
        ([{"name": "早班", "start": "24:00", "end": "08:00"}], "00:00 到 23:59"),
        ([{"name": "早班", "start": "08:00", "end": "24:30"}], "无法识别"),
        ([{"name": "早班", "start": "08:60", "end": "16:00"}], "无法识别"),
        ([{"name": "早班一二三四五六七八九", "start": "08:00", "end": "16:00"}], "太长"),
        ([{"name": "早班", "start": "08:00", "end": "16:00"},
          {"name": "早班", "start": "16:00", "end": "24:00"}], "两个班次都叫"),
        ([{"name": "白班", "start": "08:00", "end": "20:00"},
          {"name": "夜班", "start": "19:00", "end": "08:00"}], "重叠"),
        ([{"name": "白班", "start": "08:00", "end": "20:00"},
          {"name": "夜班", "start": "20:00", "end": "09:00"}], "重叠"),
    ],
)  # fmt: skip
def test_bad_tables_are_refused_in_chinese(table, reason) -> None:
    with pytest.raises(ValidationError, match=reason) as info:
        shifts.parse_definitions(table)
    assert (info.value.field, info.value.label) == ("lists.shifts", "班次")


def test_full_width_colon_and_spaces_are_accepted() -> None:
    [d] = shifts.parse_definitions([{"name": " 早班 ", "start": "8：00", "end": " 16:00"}])
    assert (d.name, d.start_min, d.end_min) == ("早班", 480, 960)


@st.composite
def tilings(draw) -> list[dict[str, str]]:
    """1–4 shifts that cover the day without gaps, starting anywhere (some cross midnight)."""
    n = draw(st.integers(1, 4))
    cuts = sorted(draw(st.sets(st.integers(0, 24 * 60 - 1), min_size=n, max_size=n)))
    table = []
    for i, start in enumerate(cuts):
        end = cuts[(i + 1) % n]
        table.append({"name": f"班{i}", "start": f"{start // 60:02d}:{start % 60:02d}",
                      "end": f"{end // 60:02d}:{end % 60:02d}"})  # fmt: skip
    return table


@given(table=tilings(), minute=st.integers(0, 24 * 60 - 1))
def test_any_time_of_day_has_exactly_one_shift(table, minute) -> None:
    defs = shifts.parse_definitions(table)
    moment = datetime.combine(DAY, time()) + timedelta(minutes=minute)
    covering = [d for d in defs if d.covers(minute)]
    assert len(covering) == 1
    assert shifts.current_shift_name(conf(table), moment) == covering[0].name
    start, end = covering[0].occurrence(moment)
    assert start <= moment < end and end - start == covering[0].duration
    # the next shift begins where this one ends and ends one of its own lengths later
    nxt = shifts.current_definition(defs, end)
    assert shifts.next_shift_end(defs, end) == end + nxt.duration


@given(
    raw=st.lists(
        st.tuples(st.integers(0, 23 * 60 + 59), st.integers(1, 24 * 60)), min_size=1, max_size=4
    ),
    minute=st.integers(0, 24 * 60 - 1),
)
def test_shifts_never_overlap_and_a_gap_offers_the_next(raw, minute) -> None:
    table = [
        {"name": f"班{i}", "start": f"{s // 60:02d}:{s % 60:02d}",
         "end": f"{e // 60:02d}:{e % 60:02d}"}
        for i, (s, e) in enumerate(raw)
    ]  # fmt: skip
    try:
        defs = shifts.parse_definitions(table)
    except ValidationError:
        return
    moment = datetime.combine(DAY, time()) + timedelta(minutes=minute)
    covering = [d for d in defs if d.covers(minute)]
    assert len(covering) <= 1
    chosen = shifts.current_definition(defs, moment)
    if covering:
        assert chosen == covering[0]
    else:  # closed now: the one that starts soonest
        wait = (chosen.start_min - minute) % (24 * 60)
        assert all(wait <= (d.start_min - minute) % (24 * 60) for d in defs)


@pytest.mark.parametrize(
    ("table", "name", "came", "end"),
    [
        (DEFAULT, "早班", "07:50", "16:00"),  # early
        (DEFAULT, "早班", "08:20", "16:00"),  # late
        (DEFAULT, "中班", "16:00", "24:00"),
        (DEFAULT, "晚班", "23:50", "32:00"),  # early, for the night that starts at midnight
        (TWO, "夜班", "19:45", "32:00"),
        (TWO, "夜班", "03:00", "08:00"),  # took over in the middle of the night
        (TWO, "白班", "08:05", "20:00"),
    ],
)
def test_planned_end_is_the_first_end_after_coming_on_duty(table, name, came, end) -> None:
    d = shifts.find(shifts.parse_definitions(table), name)
    assert d is not None
    h, m = (int(x) for x in end.split(":"))
    assert shifts.occurrence_end(d, at(came)) == datetime.combine(DAY, time()) + timedelta(
        hours=h, minutes=m
    )


def test_next_shift_end_and_suggestion() -> None:
    defs = shifts.parse_definitions(DEFAULT)
    assert shifts.next_shift_end(defs, at("16:00")) == at("00:00", DAY + timedelta(days=1))
    assert shifts.next_shift_end(defs, at("00:00")) == at("08:00")
    two = shifts.parse_definitions(TWO)
    assert shifts.next_shift_end(two, at("20:00")) == at("08:00", DAY + timedelta(days=1))
    # an office closed at night: after 22:00 the next shift is tomorrow's 早班
    gap = shifts.parse_definitions(
        [{"name": "早班", "start": "08:00", "end": "16:00"},
         {"name": "中班", "start": "16:00", "end": "22:00"}]
    )  # fmt: skip
    assert shifts.next_shift_end(gap, at("22:00")) == at("16:00", DAY + timedelta(days=1))
    assert shifts.current_shift_name(conf(DEFAULT), at("07:45")) == "晚班"
    assert shifts.suggested_shift_name(conf(DEFAULT), at("07:45")) == "早班"
    assert shifts.suggested_shift_name(conf(DEFAULT), at("07:20")) == "晚班"
    assert shifts.suggested_shift_name(conf(TWO), at("19:40")) == "夜班"


def test_shift_day_is_the_day_the_occurrence_starts() -> None:
    defs = shifts.parse_definitions(DEFAULT)
    early_night = Shift(staff_id=1, name="晚班", started_at=at("23:50"),
                        planned_end=at("08:00", DAY + timedelta(days=1)))  # fmt: skip
    assert shifts.shift_day(early_night, defs) == DAY + timedelta(days=1)
    unknown = Shift(staff_id=1, name="旧班次", started_at=at("23:50"), planned_end=None)
    assert shifts.shift_day(unknown, defs) == DAY


# --- on duty -------------------------------------------------------------------------------


@pytest.fixture
def people(write) -> dict[str, int]:
    with write() as ctx:
        return {
            name: staff.add(ctx, name).id
            for name in ("李婷", "王晓燕")  # two receptionists
        }


def duty(engine, who: int, when: datetime, shift_id: int | None = None):
    return writing(engine, staff_id=who, shift_id=shift_id, now=when)


def test_coming_on_duty_opens_a_shift_and_attributes_records(engine, fetch, read, people):
    li = people["李婷"]
    with duty(engine, li, at("07:55")) as ctx:
        shift = shifts.come_on_duty(ctx, li, "早班")
        assert (ctx.staff_id, ctx.shift_id) == (li, shift.id)
        call = calls.create_call(ctx, CallDraft("咨询", "问停车"))
    stored = fetch(Shift, shift.id)
    assert (stored.staff_id, stored.name, stored.started_at, stored.planned_end) == (
        li, "早班", at("07:55"), at("16:00"),
    )  # fmt: skip
    assert stored.ended_at is None
    assert (fetch(Call, call.id).shift_id, fetch(Call, call.id).staff_id) == (shift.id, li)
    with read() as ctx:
        assert shifts.open_shift(ctx).id == shift.id
        [event] = audit.history(ctx, "shift", shift.id)
        assert (event.action, event.new, event.staff_id) == (
            AuditAction.CREATE,
            "李婷 早班上班",
            li,
        )


def test_next_person_ends_the_open_shift(engine, fetch, read, people):
    li, wang = people["李婷"], people["王晓燕"]
    with duty(engine, li, at("08:00")) as ctx:
        first = shifts.come_on_duty(ctx, li, "早班")
    with duty(engine, wang, at("15:58")) as ctx:
        second = shifts.come_on_duty(ctx, wang, "中班")
    assert fetch(Shift, first.id).ended_at == at("15:58")
    assert fetch(Shift, second.id).planned_end == at("00:00", DAY + timedelta(days=1))
    with read() as ctx:
        assert shifts.open_shift(ctx).id == second.id
        assert shifts.next_shift(ctx, fetch(Shift, first.id)).id == second.id
        assert shifts.next_shift(ctx, fetch(Shift, second.id)) is None
        ended = [(e.field, e.new, e.reason) for e in audit.history(ctx, "shift", first.id)][1:]
    assert ended == [("ended_at", "2026-11-23 15:58:00", "王晓燕接班")]


def test_coming_on_duty_twice_for_the_same_shift_keeps_it(engine, fetch, people):
    li = people["李婷"]
    with duty(engine, li, at("08:00")) as ctx:
        first = shifts.come_on_duty(ctx, li, "早班")
    with duty(engine, li, at("09:30")) as ctx:  # the program was restarted
        again = shifts.come_on_duty(ctx, li, "早班")
        assert ctx.shift_id == first.id
    assert again.id == first.id
    assert fetch(select(Shift)) and len(fetch(select(Shift))) == 1
    # staying on for the next shift (a double shift) is a new shift
    with duty(engine, li, at("16:00")) as ctx:
        double = shifts.come_on_duty(ctx, li, "中班")
    assert double.id != first.id and fetch(Shift, first.id).ended_at == at("16:00")
    # the same shift the next day is another shift, even if nobody took over in between
    with duty(engine, li, at("08:00", DAY + timedelta(days=1))) as ctx:
        tomorrow = shifts.come_on_duty(ctx, li, "中班")
    assert tomorrow.id != double.id
    assert fetch(Shift, double.id).ended_at == at("08:00", DAY + timedelta(days=1))


def test_coming_on_duty_is_checked(engine, write, people) -> None:
    li = people["李婷"]
    with (
        pytest.raises(ValidationError, match="请从以下班次中选择：晚班、早班、中班"),
        duty(engine, li, at("08:00")) as ctx,
    ):
        shifts.come_on_duty(ctx, li, "夜班")
    with write() as ctx:
        staff.deactivate(ctx, li)
    with pytest.raises(ValidationError, match="在职"), duty(engine, li, at("08:00")) as ctx:
        shifts.come_on_duty(ctx, li, "早班")
    with pytest.raises(ValidationError, match="在职"), duty(engine, li, at("08:00")) as ctx:
        shifts.come_on_duty(ctx, 999, "早班")


def test_the_configured_table_is_used(engine, write, fetch, people) -> None:
    with write() as ctx:
        staff.set_setting(ctx, "lists.shifts", TWO)
    wang = people["王晓燕"]
    with duty(engine, wang, at("19:50")) as ctx:
        night = shifts.come_on_duty(ctx, wang, "夜班")
    assert fetch(Shift, night.id).planned_end == at("08:00", DAY + timedelta(days=1))


def test_ending_a_shift_without_a_successor(engine, write, fetch, read, staff_id, people):
    li, wang = people["李婷"], people["王晓燕"]
    with duty(engine, li, at("16:00")) as ctx:
        shift = shifts.come_on_duty(ctx, li, "中班")
    with (
        pytest.raises(TransitionError, match="值班人或主管"),
        duty(engine, wang, at("22:00")) as ctx,
    ):
        shifts.end_shift(ctx, shift.id)
    with duty(engine, li, at("22:00"), shift.id) as ctx:
        shifts.end_shift(ctx, shift.id)
        assert ctx.shift_id is None
    assert fetch(Shift, shift.id).ended_at == at("22:00")
    with read() as ctx:
        assert shifts.open_shift(ctx) is None
    with pytest.raises(TransitionError, match="已于"), duty(engine, staff_id, at("22:30")) as ctx:
        shifts.end_shift(ctx, shift.id)
    # a supervisor may end a shift for someone who left without doing it
    with write() as ctx:
        boss = staff.add(ctx, "孙主管", StaffRole.SUPERVISOR).id
    with duty(engine, wang, at("23:00")) as ctx:
        late = shifts.come_on_duty(ctx, wang, "中班")
    with duty(engine, boss, at("23:30")) as ctx:
        shifts.end_shift(ctx, late.id)
    assert fetch(Shift, late.id).ended_at == at("23:30")


def test_shift_definition_text_and_minutes() -> None:
    d = ShiftDef("夜班", 20 * 60, 8 * 60)
    assert str(d) == "夜班 20:00–08:00"
    assert d.covers(23 * 60) and d.covers(0) and not d.covers(8 * 60)
