"""Demo data: realistic volumes, consistent states, correct serials, readable by the ORM."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from desk import demo
from desk.demo.loan import LOAN_ITEMS
from desk.models import (
    AuditEvent,
    Call,
    Callback,
    Complaint,
    Handover,
    Loan,
    LoanItem,
    Resident,
    SerialCounter,
    Setting,
    Shift,
    Staff,
    Unit,
    Visit,
    WorkOrder,
    WorkOrderMaterial,
)
from desk.models.enums import (
    CallbackState,
    CallType,
    HandoverState,
    LoanKind,
    LoanState,
    MessageState,
    StaffRole,
    UnitKind,
    Urgency,
    VisitOutcome,
    VisitState,
)
from desk.models.enums import WorkOrderState as W
from desk.models.states import OPEN_WORK_ORDER_STATES
from desk.models.validation import normalize_phone
from desk.services.core import passwords, settings, sla
from desk.services.core.calendar import WorkCalendar
from desk.services.core.transactions import reading
from desk.services.duty import handover, shifts
from desk.services.io.database import open_database

TODAY = date(2026, 3, 15)  # a Sunday; the data ends at 15:30 that day
NOW = datetime.combine(TODAY, time(15, 30))
DAYS = 30
SERIAL = re.compile(r"^(PG|TS|JY|LF|LD)-(\d{8})-(\d{3,})$")
RECORD_TABLES = {"workorder": "PG", "complaint": "TS", "loan": "JY", "visit": "LF", "call": "LD"}


def _build(path: Path, seed: int = 20261122) -> tuple[Engine, dict[str, int]]:
    engine = open_database(path)
    counts = demo.generate(engine, DAYS, today=TODAY, seed=seed)
    return engine, counts


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, dict[str, int]]]:
    engine, counts = _build(tmp_path_factory.mktemp("demo") / "d.sqlite3")
    yield engine, counts
    engine.dispose()


@pytest.fixture(scope="module")
def engine(built: tuple[Engine, dict[str, int]]) -> Engine:
    return built[0]


@pytest.fixture(scope="module")
def rows(engine: Engine) -> dict[str, list[sqlite3.Row]]:
    """Every record table as raw rows (what was stored, before the ORM converts it)."""
    con = engine.raw_connection()
    try:
        con.driver_connection.row_factory = sqlite3.Row
        out = {
            table: con.driver_connection.execute(f'SELECT * FROM "{table}"').fetchall()
            for table in [
                *RECORD_TABLES,
                "callback",
                "shift",
                "handover",
                "resident",
                "unit",
                "loanitem",
            ]
        }
        con.driver_connection.row_factory = None
    finally:
        con.close()
    return out


@pytest.fixture(scope="module")
def orm(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _scalar(engine: Engine, sql: str) -> int:
    with engine.connect() as con:
        return int(con.exec_driver_sql(sql).scalar_one())


def test_counts_are_roughly_what_an_office_sees(built) -> None:
    _engine, counts = built
    per_day = {table: counts[table] / DAYS for table in RECORD_TABLES}
    assert 45 <= per_day["call"] <= 70
    assert 28 <= per_day["visit"] <= 48
    assert 22 <= per_day["workorder"] <= 38
    assert 3 <= per_day["complaint"] <= 8
    assert 10 <= per_day["loan"] <= 20
    assert counts["staff"] == 8
    assert 1800 <= counts["unit"] <= 2300
    assert 1.3 <= counts["resident"] / counts["unit"] <= 1.8
    records = sum(counts[t] for t in RECORD_TABLES)
    # a creation event per record, callback, shift and handover, and one per acceptance;
    # the office's staff, units, residents and loan items were logged when it was set up
    accepted = counts["handover"] - 1  # all but today's draft
    created = records + counts["callback"] + counts["shift"] + counts["handover"]
    created += sum(counts[t] for t in ("staff", "unit", "resident", "loanitem"))
    # the recent 派工单 and 投诉处理单 printed (desk.demo.signed), and each copy signed back
    printed = _scalar(_engine, "SELECT count(*) FROM auditevent WHERE action = '打印'")
    assert printed > counts["signedcopy"] > 0
    assert counts["auditevent"] == created + accepted + printed + counts["signedcopy"]
    assert counts["shift"] == DAYS * 3 - 1  # today's 中班 (16:00) has not started at 15:30
    assert counts["handover"] == counts["shift"]


def test_office_staff_units_and_items(orm: Session) -> None:
    assert json.loads(orm.get(Setting, "office.name").value) == "阳光花园物业服务中心"
    roles = [s.role for s in orm.exec(select(Staff)).all()]
    assert roles.count(StaffRole.RECEPTIONIST) == 6
    assert roles.count(StaffRole.SUPERVISOR) == roles.count(StaffRole.MANAGER) == 1
    units = orm.exec(select(Unit)).all()
    public = [u for u in units if u.kind == UnitKind.PUBLIC]
    assert 10 <= len(public) <= 30 and all(u.code == u.name for u in public)
    flats = [u for u in units if u.kind == UnitKind.UNIT]
    for u in flats:
        assert u.code == f"{u.building}-{u.entrance}-{u.room}"
        assert int(u.room) // 100 in range(1, 19) and int(u.room) % 100 in range(1, 5)
    items = orm.exec(select(LoanItem)).all()
    assert {"梯子", "工具箱", "推车", "雨伞", "轮椅"} <= {i.name for i in items}
    # the demo's own catalogue, once: a new office's starter items are not added on top
    assert sorted(i.name for i in items) == sorted(name for _k, name, *_ in LOAN_ITEMS)
    assert any(i.kind == LoanKind.KEY and i.name.endswith("钥匙") for i in items)
    assert next(i for i in items if i.name == "雨伞").stock == 10


def test_staff_have_the_documented_demo_password(orm: Session) -> None:
    assert demo.DEMO_PASSWORD == "demo2026"  # as the README and the window's hint say
    people = orm.exec(select(Staff)).all()
    assert all(passwords.verify(demo.DEMO_PASSWORD, s.password_hash) for s in people)
    assert all(s.failed_logins == 0 and s.locked_until is None for s in people)
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert demo.DEMO_PASSWORD in readme


def test_residents_have_plausible_names_pinyin_and_phones(orm: Session) -> None:
    residents = orm.exec(select(Resident)).all()
    names = [r.name for r in residents]
    assert all(2 <= len(n) <= 4 for n in names)
    joined = "".join(names)
    assert any(ch in joined for ch in "堃喆燚犇")
    assert any(ord(ch) > 0xFFFF for ch in joined), "at least one name outside the BMP (𠮷)"
    for r in residents:
        assert re.fullmatch(r"[a-z]+", r.name_pinyin), r.name
        assert re.fullmatch(r"[a-z]+", r.name_initials), r.name
        assert r.name_pinyin.startswith(r.name_initials[0])
        for phone in filter(None, r.phones.split(",")):
            assert re.fullmatch(r"1[3-9]\d{9}", phone) and normalize_phone(phone) == phone
    assert any("," in r.phones for r in residents)
    ji = next(r for r in residents if "𠮷" in r.name)
    assert "ji" in ji.name_pinyin


def test_serials_unique_dated_and_counted(engine: Engine, rows) -> None:
    seen: set[str] = set()
    last: dict[tuple[str, date], int] = defaultdict(int)
    for table, prefix in RECORD_TABLES.items():
        by_day: dict[date, list[int]] = defaultdict(list)
        for row in sorted(rows[table], key=lambda r: r["created_at"]):
            m = SERIAL.match(row["serial"])
            assert m, row["serial"]
            assert m.group(1) == prefix
            created = _dt(row["created_at"])
            assert m.group(2) == f"{created:%Y%m%d}"
            assert row["serial"] not in seen
            seen.add(row["serial"])
            by_day[created.date()].append(int(m.group(3)))
        for day, numbers in by_day.items():
            # numbered 1, 2, 3 … in time order within the day
            assert numbers == list(range(1, len(numbers) + 1)), (table, day)
            last[(prefix, day)] = len(numbers)
    with Session(engine) as session:
        counters = {(c.kind, c.day): c.last for c in session.exec(select(SerialCounter)).all()}
    assert counters == dict(last)


def test_loans_never_exceed_stock(rows) -> None:
    stock = {r["id"]: r["stock"] for r in rows["loanitem"]}
    events: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for loan in rows["loan"]:
        events[loan["item_id"]].append((loan["created_at"], loan["quantity"]))
        back = loan["returned_at"] or loan["voided_at"]
        if back is not None:
            events[loan["item_id"]].append((back, -loan["quantity"]))
        if loan["state"] == LoanState.OUT:
            assert back is None
        if loan["state"] == LoanState.RETURNED:
            assert back >= loan["created_at"] and loan["returned_to_id"] is not None
    for item, changes in events.items():
        out = 0
        for _at, change in sorted(changes, key=lambda e: (e[0], e[1])):  # returns first
            out += change
            assert 0 <= out <= stock[item], item
    states = [loan["state"] for loan in rows["loan"]]
    assert LoanState.OUT in states and LoanState.VOID in states
    overdue = [
        r
        for r in rows["loan"]
        if r["state"] == LoanState.OUT and _dt(r["expected_return_at"]) < NOW
    ]
    assert overdue, "a few loans are overdue"


def test_work_order_states_follow_their_times(rows) -> None:
    recent: set[str] = set()
    for w in rows["workorder"]:
        created = _dt(w["created_at"])
        times = [_dt(w[k]) for k in ("dispatched_at", "arrived_at", "completed_at")]
        present = [t for t in times if t is not None]
        assert present == sorted(present) and all(t >= created for t in present)
        assert all(t <= NOW for t in present) and _dt(w["updated_at"]) <= NOW
        if w["state"] in (W.COMPLETED, W.CALLED_BACK):
            assert None not in times
        if w["state"] == W.VOID:
            assert w["void_reason"] and w["voided_at"] >= w["created_at"]
        if w["state"] == W.WAITING_PARTS:
            assert w["paused_since"] and w["parts_expected"]
        if w["state"] == W.REWORK:
            assert w["rework_count"] >= 1 and w["completed_at"] is None
        if w["state"] in OPEN_WORK_ORDER_STATES:
            assert NOW - created < timedelta(days=20), "old orders are finished"
            if NOW - created < timedelta(days=10):
                recent.add(w["state"])
        if w["is_paid"] and w["completed_at"]:
            assert w["total_fee"] == w["labour_fee"] + w["materials_fee"]
    assert recent >= {W.NEW, W.DISPATCHED, W.IN_PROGRESS, W.WAITING_PARTS, W.REWORK}
    overdue = [
        w
        for w in rows["workorder"]
        if w["state"] in OPEN_WORK_ORDER_STATES
        and w["state"] != W.WAITING_PARTS
        and _dt(w["completion_due"]) + timedelta(seconds=w["paused_seconds"]) < NOW
    ]
    assert overdue, "some open orders are past their completion deadline"
    voided = sum(w["state"] == W.VOID for w in rows["workorder"])
    assert 0 < voided < len(rows["workorder"]) * 0.03


def test_deadlines_come_from_settings_and_calendar(orm: Session) -> None:
    conf = settings.all_values(orm)
    calendar = WorkCalendar.load(orm)
    orders = orm.exec(select(WorkOrder).order_by(WorkOrder.id)).all()
    assert any(o.appointment_at for o in orders[::25]), "appointments are sampled"
    reworked = [o for o in orders if o.rework_count]
    assert reworked
    for order in orders[::25] + reworked:
        start = max(order.created_at, order.appointment_at or order.created_at)
        response, completion = sla.workorder_deadlines(start, order.urgency, conf, calendar)
        if order.rework_count:  # 返工: a fresh completion deadline from the reopening
            unhappy = orm.exec(
                select(Callback.done_at).where(
                    Callback.work_order_id == order.id, Callback.satisfaction == "不满意"
                )
            ).all()
            reopened = max(unhappy)
            completion = sla.workorder_deadlines(reopened, order.urgency, conf, calendar)[1]
        assert (order.response_due, order.completion_due) == (response, completion)
    assert {o.urgency for o in orders} == set(Urgency)
    for cb in orm.exec(select(Callback).order_by(Callback.id)).all()[::25]:
        key = "sla.callback.workorder" if cb.work_order_id else "sla.callback.complaint"
        assert cb.due_at == sla.callback_due(cb.created_at, key, conf, calendar)


def test_callbacks_for_every_completed_order_and_answered_complaint(rows) -> None:
    by_order: dict[int, list[sqlite3.Row]] = defaultdict(list)
    by_complaint: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for cb in rows["callback"]:
        assert (cb["work_order_id"] is None) != (cb["complaint_id"] is None)
        if cb["work_order_id"]:
            by_order[cb["work_order_id"]].append(cb)
        else:
            by_complaint[cb["complaint_id"]].append(cb)
        if cb["state"] == CallbackState.DONE:
            assert cb["done_at"] >= cb["created_at"] and cb["satisfaction"] and cb["staff_id"]
    for w in rows["workorder"]:
        cbs = by_order.get(w["id"], [])
        if w["state"] in (W.COMPLETED, W.CALLED_BACK):
            assert cbs, w["serial"]
        if w["state"] == W.CALLED_BACK:
            assert cbs[-1]["state"] == CallbackState.DONE
        if w["state"] == W.COMPLETED:
            assert cbs[-1]["state"] == CallbackState.DUE
        if w["rework_count"]:
            assert any(cb["satisfaction"] == "不满意" for cb in cbs)
    for c in rows["complaint"]:
        if c["state"] in ("已答复", "已回访"):
            assert by_complaint.get(c["id"]), c["serial"]
    satisfied = [cb["satisfaction"] for cb in rows["callback"] if cb["satisfaction"]]
    happy = sum(s in ("满意", "非常满意") for s in satisfied)
    assert happy / len(satisfied) > 0.7 and "不满意" in satisfied


def test_calls_visits_and_their_links(rows) -> None:
    calls = {c["id"]: c for c in rows["call"]}
    visits = {v["id"]: v for v in rows["visit"]}
    assert {c["call_type"] for c in calls.values()} == {t.value for t in CallType}
    for c in calls.values():
        if c["call_type"] == CallType.MESSAGE:
            assert c["message_for_id"] and c["message_state"] in list(MessageState)
            if c["message_state"] == MessageState.PENDING:
                assert NOW - _dt(c["created_at"]) < timedelta(days=3)
        else:
            assert c["message_for_id"] is None and c["message_state"] is None
    for table, kind in (("workorder", CallType.REPAIR), ("complaint", CallType.COMPLAINT)):
        linked = [r for r in rows[table] if r["call_id"]]
        assert linked
        for r in linked:
            source = calls[r["call_id"]]
            assert source["call_type"] == kind and source["created_at"] <= r["created_at"]
        assert any(r["visit_id"] for r in rows[table])
        for r in rows[table]:
            if r["visit_id"]:
                assert visits[r["visit_id"]]["created_at"] <= r["created_at"]
    outsiders = [v for v in visits.values() if not v["is_resident"]]
    assert outsiders
    for v in outsiders:
        assert len(v["id_tail"]) == 4 and v["visiting"] and v["phone"]
    states = {v["state"] for v in visits.values()}
    assert {VisitState.CLOSED, VisitState.VOID} <= states
    for v in visits.values():
        if v["outcome"] == "转部门处理":
            assert v["dept_head"] and v["passed_at"]
        if v["state"] == VisitState.CLOSED:
            assert v["closed_at"] and v["result"]


def test_parties_match_the_registry(rows) -> None:
    residents = {r["id"]: r for r in rows["resident"]}
    units = {u["id"]: u for u in rows["unit"]}
    for table in RECORD_TABLES:
        for r in rows[table]:
            if r["resident_id"] is None:
                continue
            person = residents[r["resident_id"]]
            assert r["person_name"] == person["name"]
            unit = units[r["unit_id"]]
            if unit["kind"] == UnitKind.UNIT:
                assert person["unit_id"] == r["unit_id"] and r["room_text"] == unit["code"]


def test_records_point_at_the_shift_on_duty(rows) -> None:
    shifts = {s["id"]: s for s in rows["shift"]}
    for table in RECORD_TABLES:
        for r in rows[table]:
            shift = shifts[r["shift_id"]]
            assert shift["started_at"] <= r["created_at"] < shift["planned_end"]
            assert r["staff_id"] == shift["staff_id"]
    still_open = [s for s in shifts.values() if s["ended_at"] is None]
    assert len(still_open) == 1
    assert _dt(still_open[0]["started_at"]) <= NOW < _dt(still_open[0]["planned_end"])


def test_every_ended_shift_is_handed_over_and_accepted(rows) -> None:
    by_shift = {h["shift_id"]: h for h in rows["handover"]}
    ordered = sorted(rows["shift"], key=lambda s: s["started_at"])
    assert [s["name"] for s in ordered[:4]] == ["晚班", "早班", "中班", "晚班"]
    for shift, after in pairwise(ordered):
        # the next receptionist came on duty at the planned end, which ended this shift
        assert shift["ended_at"] == shift["planned_end"] == after["started_at"]
        h = by_shift[shift["id"]]
        assert h["state"] == HandoverState.ACCEPTED
        assert (h["outgoing_id"], h["incoming_id"]) == (shift["staff_id"], after["staff_id"])
        assert shift["ended_at"] < h["confirmed_at"] == h["created_at"] < h["accepted_at"]
        assert _dt(h["accepted_at"]) <= NOW
    today = by_shift[ordered[-1]["id"]]  # still on duty, with a draft saved just now
    assert (today["state"], today["confirmed_at"], today["incoming_id"]) == (
        HandoverState.DRAFT, None, None,
    )  # fmt: skip
    notes = {h["notes"] for h in rows["handover"]}
    assert {"", "无特殊情况"} < notes and len(notes) > 4


def _open_at(start: str, ends: list[str | None], at: datetime) -> bool:
    end = min((_dt(e) for e in ends if e is not None), default=None)
    return _dt(start) <= at and (end is None or at < end)


def test_handover_snapshots_count_and_carry_what_was_open(rows) -> None:
    """Every snapshot against the stored records: the counts of its shift, and the loans,
    messages, visits and callbacks open at its moment (their open times are all stored)."""
    made: dict[int, list[tuple[str, sqlite3.Row]]] = defaultdict(list)
    for kind in RECORD_TABLES:
        for r in rows[kind]:
            made[r["shift_id"]].append((kind, r))
    orders = {w["id"]: w for w in rows["workorder"]}
    carried_total = 0
    kinds: set[str] = set()
    for h in rows["handover"]:
        record = handover.from_json(h["snapshot"])
        at = record.assembled_at
        assert record.shift_id == h["shift_id"] and record.notes == h["notes"]
        for count in record.counts:
            mine = [r for kind, r in made[h["shift_id"]] if kind == count.kind]
            voided = sum(r["voided_at"] is not None and _dt(r["voided_at"]) <= at for r in mine)
            assert (count.made, count.voided) == (len(mine) - voided, voided)
        carried = {(c.kind, c.record_id) for c in record.carried}
        carried_total += len(carried)
        kinds |= {kind for kind, _id in carried}
        expected = {
            ("loan", r["id"])
            for r in rows["loan"]
            if _open_at(r["created_at"], [r["returned_at"], r["voided_at"]], at)
        }
        expected |= {
            ("call", r["id"])
            for r in rows["call"]
            if r["message_for_id"] is not None
            and _open_at(r["created_at"], [r["delivered_at"]], at)
        }
        expected |= {
            ("visit", r["id"])
            for r in rows["visit"]
            if r["outcome"] == VisitOutcome.PASSED
            and _open_at(r["created_at"], [r["closed_at"], r["voided_at"]], at)
        }
        until = max(record.next_shift_end, at)
        expected |= {
            ("callback", r["id"])
            for r in rows["callback"]
            if _dt(r["due_at"]) <= until
            and _open_at(r["created_at"], [r["done_at"], r["voided_at"]], at)
        }
        exact_kinds = {"loan", "call", "visit", "callback"}
        assert {c for c in carried if c[0] in exact_kinds} == expected, h["id"]
        # repairs never reopened: open from intake until completed or voided
        simple = {
            ("workorder", w["id"])
            for w in rows["workorder"]
            if w["rework_count"] == 0
            and _open_at(w["created_at"], [w["completed_at"], w["voided_at"]], at)
        }
        assert simple <= carried
        for kind, record_id in carried:
            if kind == "workorder":
                assert _dt(orders[record_id]["created_at"]) <= at
    assert carried_total > 20 * len(rows["handover"])
    assert kinds == {"workorder", "complaint", "call", "loan", "callback", "visit"}


def test_todays_draft_is_what_the_service_assembles(engine: Engine) -> None:
    """The generator's own replay of every record's life, checked against
    ``handover.assemble`` on the stored data at the moment the data ends."""
    with reading(engine, now=NOW) as ctx:
        shift = shifts.open_shift(ctx)
        draft = handover.for_shift(ctx, shift.id)
        assert handover.frozen_record(ctx, draft.id) == handover.assemble(ctx, shift.id)
        assert handover.pending(ctx) == [] and handover.unaccepted_flags(ctx) == []


def test_orm_reads_every_row(orm: Session) -> None:
    models = [Call, Callback, Complaint, Handover, Loan, LoanItem, Resident, SerialCounter,
              Shift, Staff, Unit, Visit, WorkOrder, WorkOrderMaterial, AuditEvent]  # fmt: skip
    for model in models:
        assert orm.exec(select(model)).all(), model.__name__
    orders = orm.exec(select(WorkOrder)).all()
    assert all(
        isinstance(o.created_at, datetime) and isinstance(o.urgency, Urgency) for o in orders
    )
    paid = [o for o in orders if o.is_paid and o.total_fee is not None]
    assert paid and all(isinstance(o.total_fee, Decimal) for o in paid)
    assert all(o.total_fee == o.labour_fee + o.materials_fee for o in paid)
    lines = orm.exec(select(WorkOrderMaterial)).all()
    assert all(line.amount == line.quantity * line.unit_price for line in lines)
    waiting = [o for o in orders if o.state == W.WAITING_PARTS]
    assert waiting and all(isinstance(o.parts_expected, date) for o in waiting)
    loans = orm.exec(select(Loan)).all()
    assert all(isinstance(loan.deposit, Decimal) for loan in loans)


def test_database_checks_pass(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path, rows) -> None:
    engine, _ = _build(tmp_path / "again.sqlite3")
    other, _ = _build(tmp_path / "other.sqlite3", seed=7)
    try:
        with Session(engine) as a, Session(other) as b:
            serials = a.exec(select(WorkOrder.serial, WorkOrder.state).order_by(WorkOrder.id))
            assert list(serials) == [(r["serial"], r["state"]) for r in rows["workorder"]]
            names = list(a.exec(select(Resident.name).order_by(Resident.id)))
            assert names == [r["name"] for r in rows["resident"]]
            assert names != list(b.exec(select(Resident.name).order_by(Resident.id)))
    finally:
        engine.dispose()
        other.dispose()


def test_refuses_a_database_with_data(engine: Engine) -> None:
    with pytest.raises(ValueError, match="空数据库"):
        demo.generate(engine, 1, today=TODAY)


def test_the_forms_waiting_to_come_back_are_what_the_rule_says(engine: Engine) -> None:
    """The demo writes ``signedwait`` itself; it must hold what ``signed_copies.recheck``
    would have put there — and some of each kind wait, as in an office."""
    from desk.services.records import signed_copies

    with engine.connect() as con:
        for kind in ("workorder", "complaint"):
            rule = signed_copies.unsigned_sql(kind)
            ruled = {r[0] for r in con.exec_driver_sql(f"SELECT r.id FROM {kind} r WHERE {rule}")}
            kept = {
                r[0]
                for r in con.exec_driver_sql(
                    f"SELECT r.id FROM {kind} r WHERE {signed_copies.waiting_sql(kind)}"
                )
            }
            assert kept == ruled and kept, kind
