"""The one resident lookup: rooms in any written form, names, pinyin, initials, phone tails."""

from __future__ import annotations

import pytest
from helpers.office import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.services.records import residents
from desk.services.records.residents import ResidentDraft
from desk.services.views.resident_search import MatchKind, search_residents

PEOPLE = [
    # name, room, role, phones
    ("张三", "3-2-1201", "业主", "13812345678"),
    ("李四", "3-2-1201", "家属", "13912340000 / 021-87655678"),
    ("王五", "3-2-1202", "租户", "13700001111"),
    ("张三丰", "5-1-301", "业主", "13600002222"),
    ("小张", "5-1-302", "业主", "13500003333"),
    ("曾小明", "5-1-1201", "业主", "13400005678"),
    ("赵四", "10-1-1201", "业主", "15000001201"),
    ("张", "6-1-101", "业主", ""),
    ("John Smith", "6-1-102", "租户", "18600004444"),
]


@pytest.fixture
def people(write) -> dict[str, int]:
    ids = {}
    with write() as ctx:
        for name, room, role, phones in PEOPLE:
            ids[name] = residents.add(ctx, ResidentDraft(name, room, role, phones)).id
    return ids


def find(read, query: str, **kw) -> list:
    with read() as ctx:
        return search_residents(ctx.session, query, **kw)


def names(read, query: str, **kw) -> list[str]:
    return [m.name for m in find(read, query, **kw)]


# --- rooms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["3-2-1201", "3栋2单元1201室", "３－２－１２０１", "3号楼2单元1201", "3#2-1201", " 3 2 1201 "],
)
def test_a_room_in_any_written_form(read, people, query) -> None:
    found = find(read, query)
    assert [m.name for m in found] == ["张三", "李四"]  # owner before family
    assert all(m.kind == MatchKind.ROOM and m.exact and m.room == "3-2-1201" for m in found)


@pytest.mark.parametrize("query", ["3-2", "3栋2单元", "3-2-", "3-2-12"])
def test_a_partial_room_lists_that_entrance(read, people, query) -> None:
    assert names(read, query) == ["张三", "李四", "王五"]


def test_a_building_alone(read, people) -> None:
    # rooms in reading order: 301, 302, 1201
    assert names(read, "5栋") == ["张三丰", "小张", "曾小明"]
    assert names(read, "5") == ["张三丰", "小张", "曾小明"]


def test_a_bare_room_number_matches_that_room_in_every_building(read, people) -> None:
    found = find(read, "1201")
    rooms = [(m.room, m.kind) for m in found]
    # rooms first (building 3 before 5 before 10), then the phone ending in 1201
    assert rooms[:4] == [
        ("3-2-1201", MatchKind.ROOM),
        ("3-2-1201", MatchKind.ROOM),
        ("5-1-1201", MatchKind.ROOM),
        ("10-1-1201", MatchKind.ROOM),
    ]
    assert len(found) == 4  # 赵四's phone also ends in 1201, but he was found by room already


# --- names ---------------------------------------------------------------------------------


def test_one_character_finds_exact_then_prefix_then_substring(read, people) -> None:
    found = find(read, "张")
    assert [m.name for m in found] == ["张", "张三", "张三丰", "小张"]
    assert [m.exact for m in found] == [True, False, False, False]
    assert {m.kind for m in found} == {MatchKind.NAME}


def test_any_part_of_a_name(read, people) -> None:
    assert names(read, "三丰") == ["张三丰"]
    assert names(read, "小") == ["小张", "曾小明"]  # prefix before substring
    assert names(read, "张三") == ["张三", "张三丰"]  # exact first


def test_pinyin_full_prefix_and_initials(read, people) -> None:
    assert names(read, "zhangsan") == ["张三", "张三丰"]
    assert find(read, "zhangsan")[0].kind == MatchKind.PINYIN
    assert find(read, "zhangsan")[0].exact
    assert names(read, "zs") == ["张三", "赵四", "张三丰"]  # exact initials, then longer ones
    assert find(read, "zs")[0].kind == MatchKind.INITIALS
    assert names(read, "ZSF") == ["张三丰"]
    assert names(read, "zeng") == ["曾小明"]  # the surname reading
    assert names(read, "zhang san") == ["张三", "张三丰"]
    assert names(read, "john") == ["John Smith"]
    assert names(read, "js") == ["John Smith"]


# --- phones --------------------------------------------------------------------------------


def test_phone_tail_matches_the_end_of_any_number(read, people) -> None:
    found = find(read, "5678")
    assert [m.name for m in found] == ["张三", "李四", "曾小明"]
    assert all(m.kind == MatchKind.PHONE for m in found)
    li = found[1]
    assert li.phone == "021-87655678"  # the number that matched, for filling the form
    assert li.phone_masked == "021-****5678"
    assert li.phones == ("13912340000", "021-87655678")
    assert names(read, "13812345678") == ["张三"]
    assert names(read, "138 1234 5678") == ["张三"]
    assert names(read, "02187655678") == ["李四"]  # a landline typed without its dash
    assert names(read, "678") == []  # fewer than 4 digits is no phone tail
    assert names(read, "1234") == []  # in the middle of a number, not at its end


def test_lists_show_masked_phones_and_forms_get_the_full_number(read, people) -> None:
    [m] = find(read, "张三丰")
    assert (m.phone, m.phone_masked) == ("13600002222", "136****2222")
    [m] = find(read, "6-1-101")
    assert (m.phone, m.phone_masked, m.phones) == ("", "", ())


# --- ordering, moved out, limits -----------------------------------------------------------


def test_moved_out_residents_come_last_or_not_at_all(write, read, people) -> None:
    with write() as ctx:
        residents.move_out(ctx, people["张"], NOW.date())
    found = find(read, "张")
    assert [m.name for m in found] == ["张三", "张三丰", "小张", "张"]
    assert found[-1].moved_out == NOW.date()
    assert names(read, "张", include_moved_out=False) == ["张三", "张三丰", "小张"]
    assert names(read, "6-1-101", include_moved_out=False) == []


def test_limit_takes_the_best(read, people) -> None:
    assert names(read, "张", limit=2) == ["张", "张三"]
    assert len(find(read, "zhang", limit=1)) == 1


def test_many_matches_rank_the_same_at_any_limit(write, read) -> None:
    with write() as ctx:
        for i in range(30):
            room = f"{1 + i % 3}-1-{101 + i}"
            residents.add(
                ctx, ResidentDraft(f"张{chr(0x4E00 + i)}", room, phones=f"1380000{i:04d}")
            )
        residents.add(ctx, ResidentDraft("大张", "9-1-101"))
    full = find(read, "张", limit=100)
    assert len(full) == 31 and full[-1].name == "大张"
    for limit in (1, 5, 20, 30):
        assert find(read, "张", limit=limit) == full[:limit]


@pytest.mark.parametrize(
    "query",
    ["", "   ", "？", "%", "_", "'", '"; DROP TABLE resident; --', "\ud800", "\x00", "\U0010ffff"],
)
def test_odd_queries_find_nothing(read, people, query) -> None:
    assert find(read, query) == []


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(max_size=80)
    | st.lists(st.characters(categories=["Cs"]) | st.characters(), max_size=20).map("".join)
)
def test_search_never_raises_on_arbitrary_text(read, people, text) -> None:
    found = find(read, text, limit=5)
    assert len(found) <= 5
    assert len({m.resident_id for m in found}) == len(found)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(alphabet=st.sampled_from("0123456789-栋单元室 张三丰小曾明zhangsxZS#１２"), max_size=12)
)
def test_search_never_raises_on_room_and_name_like_text(read, people, text) -> None:
    full = find(read, text, limit=50)
    assert find(read, text, limit=3) == full[:3]
