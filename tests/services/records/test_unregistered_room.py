"""A room that is in no one's record is asked about once (是否仍然保存为未登记房号？), for
every desk kind: refused with ``UnregisteredRoom`` while the registry has flats, kept as
typed and linked to no flat once confirmed, never asked in an office with no flats yet."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from desk.models import Call, Complaint, Loan, LoanItem, Visit, WorkOrder
from desk.models.errors import UnregisteredRoom, ValidationError
from desk.models.validation import normalize_room
from desk.services.core.transactions import reading, writing
from desk.services.io.database import open_database
from desk.services.records import calls, complaints, loans, residents, staff, visits, workorders

NOW = datetime(2026, 11, 23, 10, 0)
UNKNOWN = "99-9-9999"


def _item(ctx: Any) -> int:
    found = ctx.session.exec(select(LoanItem).where(LoanItem.name == "梯子")).first()
    return found.id if found else loans.add_item(ctx, "梯子", stock=9).id


# kind → (model, a draft of it for ``room``, its save)
KINDS: dict[str, tuple[type, Callable[..., Any], Callable[..., Any]]] = {
    "call": (
        Call,
        lambda ctx, room, ok: calls.CallDraft("咨询", "问停水", room=room, room_confirmed=ok),
        calls.create_call,
    ),
    "visit": (
        Visit,
        lambda ctx, room, ok: visits.VisitDraft("张三", "咨询", room=room, room_confirmed=ok),
        visits.create,
    ),
    "workorder": (
        WorkOrder,
        lambda ctx, room, ok: workorders.WorkOrderDraft(
            "厨房漏水", "水电", room=room, room_confirmed=ok
        ),
        workorders.create,
    ),
    "complaint": (
        Complaint,
        lambda ctx, room, ok: complaints.ComplaintDraft(
            "噪音扰民", "物业管理", complainant="张三", room=room, room_confirmed=ok
        ),
        complaints.create,
    ),
    "loan": (
        Loan,
        lambda ctx, room, ok: loans.LoanDraft(
            _item(ctx),
            "李四",
            NOW + timedelta(days=1),
            phone="13812345678",
            room=room,
            room_confirmed=ok,
        ),
        loans.lend,
    ),
}


def save(write, kind: str, room: str, *, confirmed: bool = False) -> Any:
    _model, draft, create = KINDS[kind]
    with write() as ctx:
        return create(ctx, draft(ctx, room, confirmed))


def count(read, model: type) -> int:
    with read() as ctx:
        return ctx.session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def registry(write) -> int:
    """An office with one flat, 3-2-1201, in its registry; returns the flat's id."""
    with write() as ctx:
        return residents.add(ctx, residents.ResidentDraft("王芳", "3-2-1201")).unit_id


@pytest.mark.parametrize("kind", KINDS)
def test_an_unknown_room_is_refused_while_the_registry_has_flats(write, read, registry, kind):
    model = KINDS[kind][0]
    with pytest.raises(UnregisteredRoom) as err:
        save(write, kind, "99栋9单元9999室")
    assert (err.value.field, err.value.room) == ("room", UNKNOWN)
    assert str(err.value) == f"房号：{UNKNOWN} 不在住户资料里"
    assert isinstance(err.value, ValidationError)  # a form shows it on its field like any other
    assert count(read, model) == 0  # nothing was written, no serial taken


@pytest.mark.parametrize("kind", KINDS)
def test_a_confirmed_unknown_room_is_kept_as_typed(write, fetch, registry, kind):
    model = KINDS[kind][0]
    made = save(write, kind, "99-9-9999", confirmed=True)
    stored = fetch(model, made.id)
    assert (stored.room_text, stored.unit_id) == (UNKNOWN, None)


@pytest.mark.parametrize("kind", KINDS)
def test_an_office_without_flats_is_not_asked(write, fetch, kind):
    with write() as ctx:
        residents.add_public_area(ctx, "地下车库")  # public areas are not a resident list
    stored = fetch(KINDS[kind][0], save(write, kind, UNKNOWN).id)
    assert (stored.room_text, stored.unit_id) == (UNKNOWN, None)


@pytest.mark.parametrize("kind", KINDS)
def test_a_known_room_is_linked_to_its_flat_however_it_is_typed(write, fetch, registry, kind):
    model = KINDS[kind][0]
    for typed in ("3-2-1201", "３栋２单元１２０１室"):
        for confirmed in (False, True):  # a confirmation changes nothing for a known room
            stored = fetch(model, save(write, kind, typed, confirmed=confirmed).id)
            assert (stored.room_text, stored.unit_id) == ("3-2-1201", registry)


def test_a_room_that_does_not_parse_is_still_a_plain_field_error(write, registry):
    with pytest.raises(ValidationError) as err:
        save(write, "call", "地下车库", confirmed=True)
    assert err.value.field == "room" and not isinstance(err.value, UnregisteredRoom)


# --- any room typed -----------------------------------------------------------------------

FLATS = {f"{b}-{e}-{r}" for b in (1, 2) for e in (1, 2) for r in (101, 102, 201)}


@pytest.fixture(scope="module")
def flats_office(
    empty_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, int, dict[str, int]]]:
    """One office for every example: its manager and a registry of twelve flats (never
    changed below), by code."""
    path = tmp_path_factory.mktemp("rooms") / "desk.sqlite3"
    shutil.copyfile(empty_db_template, path)
    engine = open_database(path)
    with writing(engine, now=NOW) as ctx:
        manager = staff.set_up_office(ctx, "阳光花园物业服务中心", "王经理", loan_items=False)
        ids = {code: residents.ensure_unit(ctx, code).id for code in sorted(FLATS)}
    yield engine, manager.id, ids
    engine.dispose()


ROOMS = st.one_of(
    # registered or near misses, written the ways people write them
    st.builds(
        lambda b, e, r, form: form.format(b=b, e=e, r=r),
        st.integers(0, 2),
        st.integers(0, 2),
        st.sampled_from([0, 1, 101, 102, 201, 101, 102, 201, 103, 1201]),
        st.sampled_from(["{b}-{e}-{r}", "{b}栋{e}单元{r}室", "{b}#{r}", "0{b}-{e}-0{r}"]),
    ),
    st.text(alphabet="0123456789-栋单元室号楼#AB ", max_size=14),
    st.text(max_size=12),
)


@settings(deadline=None)  # each example commits to a real file (synchronous=FULL)
@given(room=ROOMS, confirmed=st.booleans())
def test_any_room_is_linked_refused_or_kept_as_the_registry_says(
    flats_office: tuple[Engine, int, dict[str, int]], room: str, confirmed: bool
) -> None:
    engine, manager, ids = flats_office
    try:
        code = normalize_room(room).code if room.strip() else ""
    except ValidationError:
        code = None  # does not parse: the field's own message, whatever the registry holds
    with reading(engine, now=NOW) as ctx:
        before = ctx.session.exec(select(func.count()).select_from(Call)).one()
    try:
        with writing(engine, staff_id=manager, now=NOW) as ctx:
            made = calls.create_call(
                ctx, calls.CallDraft("咨询", "问停水", room=room, room_confirmed=confirmed)
            )
            stored = (made.room_text, made.unit_id)
    except UnregisteredRoom as exc:
        assert code and code not in ids and not confirmed, (room, code)
        assert exc.room == code
    except ValidationError as exc:
        assert code is None and exc.field == "room", (room, exc)
    else:
        assert code is not None, room
        assert stored == (code, ids.get(code)), room  # known: linked; confirmed: kept
        assert code in ids or confirmed or not code
        return
    with reading(engine, now=NOW) as ctx:  # a refusal wrote nothing
        assert ctx.session.exec(select(func.count()).select_from(Call)).one() == before
