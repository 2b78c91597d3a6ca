"""The registry: units and residents added, edited and moved out — always audited, never deleted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers.office import NOW
from sqlmodel import select

from desk.models import AuditEvent, Resident, Unit
from desk.models.enums import AuditAction, ResidentRole, UnitKind
from desk.models.errors import NotFoundError, ValidationError
from desk.services.records import residents
from desk.services.records.residents import ResidentDraft


def _events(read, entity: str, entity_id: int) -> list[AuditEvent]:
    """A record's audit rows, detached copies (the read session expires its objects)."""
    with read() as ctx:
        stmt = (
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.id)
        )
        return [AuditEvent.model_validate(e.model_dump()) for e in ctx.session.exec(stmt).all()]


def _add(write, name="张三", room="3-2-1201", **kw) -> int:
    with write() as ctx:
        return residents.add(ctx, ResidentDraft(name, room, **kw)).id


# --- pinyin --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pinyin", "initials"),
    [
        ("张三", "zhangsan", "zs"),
        ("王小明", "wangxiaoming", "wxm"),
        ("吕布", "lvbu", "lb"),  # ü is written v
        ("曾国藩", "zengguofan", "zgf"),  # surname reading, not céng
        ("单田芳", "shantianfang", "stf"),
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("陈𠮷祥", "chenjixiang", "cjx"),  # a character outside the BMP
        ("John Smith", "johnsmith", "js"),
        ("李 四", "lisi", "ls"),
        ("张３", "zhang3", "z3"),
    ],
)
def test_name_keys(name: str, pinyin: str, initials: str) -> None:
    assert residents.name_keys(name) == (pinyin, initials)


def test_pinyin_and_initials_are_stored_on_add_and_follow_a_rename(write) -> None:
    rid = _add(write, "张三")
    with write() as ctx:
        r = ctx.session.get(Resident, rid)
        assert (r.name_pinyin, r.name_initials) == ("zhangsan", "zs")
        residents.update(ctx, rid, ResidentDraft("曾小明", "3-2-1201"))
    with write() as ctx:
        r = ctx.session.get(Resident, rid)
        assert (r.name, r.name_pinyin, r.name_initials) == ("曾小明", "zengxiaoming", "zxm")


# --- add -----------------------------------------------------------------------------------


def test_add_creates_the_unit_and_audits_both(write, read, staff_id) -> None:
    with write() as ctx:
        r = residents.add(
            ctx,
            ResidentDraft(
                "  张三 ",
                "3栋2单元1201室",
                "租客",
                "138 1234 5678 / ０２１-８７６５４３２１",
                moved_in="2020/5/1",
                notes="养狗",
            ),
        )
        rid, unit_id = r.id, r.unit_id
    with read() as ctx:
        r = ctx.session.get(Resident, rid)
        unit = ctx.session.get(Unit, unit_id)
        assert (r.name, r.role, r.phones) == (
            "张三",
            ResidentRole.TENANT,
            "13812345678,021-87654321",
        )
        assert (r.moved_in, r.moved_out, r.notes, r.created_at) == (
            date(2020, 5, 1),
            None,
            "养狗",
            NOW,
        )
        assert (unit.kind, unit.code, unit.building, unit.entrance, unit.room) == (
            UnitKind.UNIT, "3-2-1201", "3", "2", "1201",
        )  # fmt: skip
    [unit_event] = _events(read, "unit", unit_id)
    [resident_event] = _events(read, "resident", rid)
    assert unit_event.action == resident_event.action == AuditAction.CREATE
    assert unit_event.staff_id == resident_event.staff_id == staff_id
    assert resident_event.new == "3-2-1201 张三"


def test_second_resident_of_a_flat_reuses_the_unit(write, read) -> None:
    a = _add(write, "张三", "3-2-1201")
    b = _add(write, "李四", "３－２－１２０１")
    with read() as ctx:
        assert ctx.session.get(Resident, a).unit_id == ctx.session.get(Resident, b).unit_id
        assert len(ctx.session.exec(select(Unit)).all()) == 1


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (ResidentDraft("", "3-2-1201"), "name"),
        (ResidentDraft("张三", ""), "room"),
        (ResidentDraft("张三", "1201"), "room"),  # no building
        (ResidentDraft("张三", "3-2-1201", role="保姆"), "role"),
        (ResidentDraft("张三", "3-2-1201", phones="12345"), "phones"),
        (ResidentDraft("张三", "3-2-1201", moved_in="2020-13-01"), "moved_in"),
        (ResidentDraft("张三", "3-2-1201", notes="很" * 501), "notes"),
        (ResidentDraft("张" * 41, "3-2-1201"), "name"),
    ],
)
def test_bad_drafts_are_refused_before_anything_is_written(write, read, draft, field) -> None:
    with pytest.raises(ValidationError) as err, write() as ctx:
        residents.add(ctx, draft)
    assert err.value.field == field
    with read() as ctx:
        assert ctx.session.exec(select(Resident)).all() == []
        assert ctx.session.exec(select(Unit)).all() == []


def test_the_same_person_cannot_be_registered_twice_in_one_flat(write) -> None:
    _add(write, "张三", "3-2-1201")
    with pytest.raises(ValidationError, match="已经登记"), write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3栋2单元1201"))
    _add(write, "张三", "3-2-1202")  # a namesake elsewhere is fine


# --- update and move out -------------------------------------------------------------------


def test_update_is_audited_per_changed_field(write, read) -> None:
    rid = _add(write, "张三", "3-2-1201", phones="13812345678")
    with write() as ctx:
        residents.update(ctx, rid, ResidentDraft("张三", "3-2-1202", "业主", "13912345678"))
    events = [e for e in _events(read, "resident", rid) if e.action == AuditAction.UPDATE]
    changed = {e.field: (e.old, e.new) for e in events}
    assert changed["phones"] == ("13812345678", "13912345678")
    assert "unit_id" in changed
    assert "name" not in changed and "role" not in changed  # unchanged fields: no rows
    with read() as ctx:
        assert residents.get_detail(ctx, rid).room == "3-2-1202"


def test_saving_an_unchanged_form_writes_no_audit_rows(write, read) -> None:
    rid = _add(write, "张三", phones="13812345678")
    before = len(_events(read, "resident", rid))
    with write() as ctx:
        residents.update(ctx, rid, ResidentDraft("张三", "3栋2单元1201室", phones="138 1234 5678"))
    assert len(_events(read, "resident", rid)) == before


def test_move_out_keeps_the_resident(write, read) -> None:
    rid = _add(write, "张三", moved_in=date(2020, 5, 1))
    day = NOW.date() - timedelta(days=1)
    with write() as ctx:
        residents.move_out(ctx, rid, day)
    [event] = [e for e in _events(read, "resident", rid) if e.field == "moved_out"]
    assert (event.old, event.new) == (None, str(day))
    with read() as ctx:
        detail = residents.get_detail(ctx, rid)
        assert detail.moved_out == day
        assert residents.list_page(ctx, 0, 50) == []
        [row] = residents.list_page(ctx, 0, 50, include_moved_out=True)
        assert row.moved_out == day
        assert residents.count(ctx) == 0 and residents.count(ctx, include_moved_out=True) == 1
    with pytest.raises(ValidationError, match="已于"), write() as ctx:
        residents.move_out(ctx, rid, day)


@pytest.mark.parametrize(
    ("day", "reason"),
    [(date(2019, 1, 1), "不能早于入住日期"), (NOW.date() + timedelta(days=1), "不能晚于今天")],
)
def test_move_out_day_must_make_sense(write, day, reason) -> None:
    rid = _add(write, moved_in=date(2020, 5, 1))
    with pytest.raises(ValidationError, match=reason), write() as ctx:
        residents.move_out(ctx, rid, day)


def test_after_moving_out_the_same_name_can_move_in_again(write) -> None:
    rid = _add(write, "张三")
    with write() as ctx:
        residents.move_out(ctx, rid, NOW.date())
    assert _add(write, "张三") != rid


def test_unknown_ids_raise_not_found(write, read) -> None:
    with pytest.raises(NotFoundError), read() as ctx:
        residents.get_detail(ctx, 999)
    with pytest.raises(NotFoundError), write() as ctx:
        residents.move_out(ctx, 999, NOW.date())
    with pytest.raises(NotFoundError), write() as ctx:
        residents.set_unit_occupied(ctx, 999, False)


# --- lists: masked; detail: full -----------------------------------------------------------


def test_lists_mask_phones_and_the_detail_shows_them(write, read) -> None:
    rid = _add(write, "张三", phones="13812345678, 021-87654321-12")
    with read() as ctx:
        [row] = residents.list_page(ctx, 0, 10)
        assert row.phones_masked == "138****5678、021-****4321"
        assert "13812345678" not in repr(row)
        detail = residents.get_detail(ctx, rid)
        assert detail.phones == ("13812345678", "021-87654321-12")
        assert detail.room_label == "3栋2单元1201室"


def test_list_is_in_reading_order_and_pages(write, read) -> None:
    for room, name, role in [
        ("10-1-101", "甲", "业主"),
        ("2-1-1201", "乙", "业主"),
        ("2-1-901", "丙", "家属"),
        ("2-1-901", "丁", "业主"),
        ("2-1-901", "戊", "租户"),
    ]:
        _add(write, name, room, role=role)
    with read() as ctx:
        names = [r.name for r in residents.list_page(ctx, 0, 10)]
        assert names == ["丁", "戊", "丙", "乙", "甲"]  # building 2 < 10, 901 < 1201, 业主 first
        assert [r.name for r in residents.list_page(ctx, 1, 2)] == ["戊", "丙"]
        unit_id = residents.get_detail(ctx, 1).unit_id
        assert [r.name for r in residents.residents_of_unit(ctx, unit_id)] == ["甲"]


# --- units ---------------------------------------------------------------------------------


def test_ensure_unit_is_idempotent_and_audited_once(write, read) -> None:
    with write() as ctx:
        a = residents.ensure_unit(ctx, "3栋2单元1201室").id
        b = residents.ensure_unit(ctx, "3-2-1201").id
    assert a == b
    assert len(_events(read, "unit", a)) == 1


def test_unit_occupancy_and_area_are_audited(write, read) -> None:
    with write() as ctx:
        unit_id = residents.ensure_unit(ctx, "3-2-1201").id
    with write() as ctx:
        residents.set_unit_occupied(ctx, unit_id, False)
        residents.set_unit_area(ctx, unit_id, "89.5㎡")
    with write() as ctx:
        residents.set_unit_area(ctx, unit_id, 89.5)  # no change: no row
    changed = {e.field: (e.old, e.new) for e in _events(read, "unit", unit_id) if e.field}
    assert changed == {"occupied": ("是", "否"), "area_m2": (None, "89.5")}
    with pytest.raises(ValidationError), write() as ctx:
        residents.set_unit_area(ctx, unit_id, "-3")
    with read() as ctx:
        [row] = residents.units(ctx)
        assert (row.code, row.label, row.area_m2, row.occupied) == (
            "3-2-1201", "3栋2单元1201室", 89.5, False,
        )  # fmt: skip


def test_public_areas(write, read) -> None:
    with write() as ctx:
        lobby = residents.add_public_area(ctx, " 3栋电梯厅 ")
        assert (lobby.kind, lobby.code, lobby.name) == (UnitKind.PUBLIC, "3栋电梯厅", "3栋电梯厅")
        residents.ensure_unit(ctx, "3-2-1201")
    with pytest.raises(ValidationError, match="已经有"), write() as ctx:
        residents.add_public_area(ctx, "3栋电梯厅")
    with pytest.raises(ValidationError, match="房号"), write() as ctx:
        residents.add_public_area(ctx, "3-2-1201")
    with read() as ctx:
        assert [u.code for u in residents.units(ctx)] == ["3-2-1201", "3栋电梯厅"]  # flats first
        assert [u.code for u in residents.units(ctx, kind=UnitKind.PUBLIC)] == ["3栋电梯厅"]
    assert len(_events(read, "unit", lobby.id)) == 1


def test_units_count_current_residents(write, read) -> None:
    _add(write, "张三")
    rid = _add(write, "李四")
    with write() as ctx:
        residents.move_out(ctx, rid, NOW.date())
    with read() as ctx:
        [unit] = residents.units(ctx)
        assert unit.residents == 1


@pytest.mark.parametrize(
    ("text", "role"),
    [("业主", "业主"), ("产权人", "业主"), ("租客", "租户"), ("配偶", "家属"), (" 家属 ", "家属")],
)
def test_role_synonyms(text: str, role: str) -> None:
    assert residents.parse_role(text) == ResidentRole(role)
