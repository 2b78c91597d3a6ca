"""Serial numbers printed on forms: PG-YYYYMMDD-NNN, per kind per day, unique across processes."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import sqlite3
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from desk.models.enums import LoanKind
from desk.models.errors import ValidationError
from desk.services.core import numbering
from desk.services.core.numbering import SerialKind, format_serial
from desk.services.core.transactions import writing
from desk.services.io.database import open_database
from desk.services.records import calls, complaints, loans, visits, workorders

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at

SERIAL = re.compile(r"^(PG|TS|JY|LF|LD)-(\d{8})-(\d{3})$")


def _call(write, at=NOW) -> str:
    with write(at) as ctx:
        return calls.create_call(ctx, calls.CallDraft("咨询", "物业费怎么交")).serial


def _work_order(write, at=NOW) -> str:
    with write(at) as ctx:
        draft = workorders.WorkOrderDraft("客厅灯不亮", "水电", room="3-2-1201")
        return workorders.create(ctx, draft).serial


def test_format_serial() -> None:
    assert format_serial(SerialKind.WORK_ORDER, date(2026, 11, 22), 3) == "PG-20261122-003"
    assert format_serial(SerialKind.CALL, date(2026, 1, 5), 120) == "LD-20260105-120"


def test_duty_records_and_registers_are_numbered_here_too() -> None:
    """JB-… (the n-th duty record of a day) and JYDJ-/YSDJ-… (a register's days) are made
    and taken apart in numbering as well, as printed."""
    day = date(2026, 11, 23)
    assert numbering.handover_serial(day, 2) == "JB-20261123-02"
    assert numbering.register_serial(LoanKind.ITEM, day) == "JYDJ-20261123"
    assert numbering.register_serial(LoanKind.KEY, day, day) == "YSDJ-20261123"
    assert (
        numbering.register_serial(LoanKind.KEY, date(2026, 11, 1), date(2026, 11, 30))
        == "YSDJ-20261101-20261130"
    )
    for text, kind, printed in (
        ("PG-20261123-003", "workorder", "PG-20261123-003"),
        ("LD202611231200", "call", "LD-20261123-1200"),
        ("JB-20261123-1", "handover", "JB-20261123-01"),
        ("JB20261123002", "handover", "JB-20261123-02"),
        ("JYDJ-20261123", "register", "JYDJ-20261123"),
        ("YSDJ2026110120261130", "register", "YSDJ-20261101-20261130"),
    ):
        parsed = numbering.parse(text)
        assert parsed is not None and (parsed.kind, parsed.text) == (kind, printed), text
    assert numbering.parse("YSDJ-20261123").loan_kind == LoanKind.KEY  # type: ignore[union-attr]
    for text in ("", "PG-2026112-001", "XX-20261123-001", "JB-1", "JYDJ"):
        assert numbering.parse(text) is None, text
    assert numbering.day_of("20261131") is None and numbering.day_of("20261123") == day


def test_every_record_kind_has_its_own_prefix(write, staff_id) -> None:
    with write() as ctx:
        item = loans.add_item(ctx, "折叠梯", 2)
        serials = [
            workorders.create(
                ctx, workorders.WorkOrderDraft("客厅灯不亮", "水电", room="3-2-1201")
            ).serial,
            complaints.create(
                ctx,
                complaints.ComplaintDraft("楼道堆放杂物", "物业管理", complainant="李女士"),
            ).serial,
            loans.lend(
                ctx,
                loans.LoanDraft(item.id, "张三", NOW + timedelta(hours=2), phone="13812345678"),
            ).serial,
            visits.create(ctx, visits.VisitDraft("赵先生", "咨询装修手续", room="1-1-101")).serial,
            calls.create_call(ctx, calls.CallDraft("咨询", "问停车")).serial,
        ]
    assert serials == [
        "PG-20261123-001",
        "TS-20261123-001",
        "JY-20261123-001",
        "LF-20261123-001",
        "LD-20261123-001",
    ]
    assert all(SERIAL.match(s) for s in serials)


def test_numbers_count_per_kind_and_restart_each_day(write) -> None:
    assert [_call(write) for _ in range(3)] == [f"LD-20261123-00{i}" for i in (1, 2, 3)]
    assert _work_order(write) == "PG-20261123-001"  # another kind counts on its own
    late = NOW.replace(hour=23, minute=59, second=59)
    assert _call(write, late) == "LD-20261123-004"
    tomorrow = NOW + timedelta(days=1)
    assert _call(write, tomorrow.replace(hour=0, minute=0)) == "LD-20261124-001"
    assert _work_order(write, tomorrow) == "PG-20261124-001"
    assert _call(write) == "LD-20261123-005"  # a back-dated save continues its own day


def test_the_day_is_the_save_time_not_a_back_dated_report(write) -> None:
    with write() as ctx:
        draft = workorders.WorkOrderDraft(
            "水管漏水", "水电", room="3-2-1201", reported_at=NOW - timedelta(days=1)
        )
        order = workorders.create(ctx, draft)
    assert order.serial == "PG-20261123-001"
    assert order.created_at == NOW - timedelta(days=1)


def test_a_rolled_back_save_gives_its_number_back(write) -> None:
    assert _call(write) == "LD-20261123-001"
    with pytest.raises(RuntimeError), write() as ctx:
        taken = calls.create_call(ctx, calls.CallDraft("咨询", "这条不会保存")).serial
        assert taken == "LD-20261123-002"
        raise RuntimeError("the save fails after numbering")
    assert _call(write) == "LD-20261123-002"


def test_a_rejected_draft_uses_no_number(write) -> None:
    with pytest.raises(ValidationError), write() as ctx:
        calls.create_call(ctx, calls.CallDraft("咨询", "   "))  # empty content
    assert _call(write) == "LD-20261123-001"


# --- two or three desks saving at the same moment -----------------------------------------

WORKERS = 2
CALLS_EACH = 30


def _desk_process(path: str, staff_id: int, start, count: int) -> None:
    """One desk PC: open the shared file, wait for the others, save ``count`` calls.

    A short pause between saves (a receptionist typing) lets the other desks take the
    write lock in between, so the saves really interleave instead of running in turns.
    """
    engine = open_database(path)
    try:
        start.wait(timeout=60)
        for i in range(count):
            with writing(engine, staff_id=staff_id, now=NOW) as ctx:
                calls.create_call(ctx, calls.CallDraft("咨询", f"{os.getpid()} {i}"))
            time.sleep(0.005)
    finally:
        engine.dispose()


def test_serials_stay_unique_when_processes_save_at_once(db_path: Path, engine, staff_id) -> None:
    engine.dispose()  # the workers own the file now
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(WORKERS)
    procs = [
        spawn.Process(target=_desk_process, args=(str(db_path), staff_id, start, CALLS_EACH))
        for _ in range(WORKERS)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * WORKERS

    con = sqlite3.connect(db_path)
    try:
        rows = con.execute("SELECT serial, content FROM call ORDER BY serial").fetchall()
        last = con.execute("SELECT last FROM serialcounter WHERE kind = 'LD'").fetchone()[0]
    finally:
        con.close()
    serials = [serial for serial, _ in rows]
    total = WORKERS * CALLS_EACH
    assert len(serials) == total
    assert len(set(serials)) == total
    assert sorted(serials) == [f"LD-20261123-{n:03d}" for n in range(1, total + 1)]
    assert last == total
    # the saves really overlapped: in number order the desks take turns more than once
    pids = [content.split()[0] for _, content in rows]
    switches = sum(a != b for a, b in itertools.pairwise(pids))
    assert switches >= WORKERS, f"the desks saved one after another ({switches} switches)"
