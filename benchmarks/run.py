"""Run the desk's speed benchmarks on a 5-year demo database.

    python -m benchmarks.run [--days 1800] [--runs 200] [--rebuild]

Prints how long the demo data took to generate, then each measurement next to a
baseline taken in the same run on the same file, as a ratio, with PASS/FAIL against its
target. Always exits 0: benchmarks inform, the tests decide.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from benchmarks.common import Row, Timing, announced_demo_db, copy_db, print_table, ratio, timed
from desk.models.enums import CallType, StaffRole, UnitKind
from desk.services.core.transactions import writing
from desk.services.io.database import open_database
from desk.services.records.calls import CallDraft, create_call
from desk.services.views.timeline import unit_timeline

TIMELINE_PAGE = 100  # desk.ui.tabs.residents.TIMELINE_PAGE (benchmarks import no Qt)


# --- (a) saving one call -------------------------------------------------------------------

RAW_INSERT = (
    'INSERT INTO "call" (serial, created_at, updated_at, staff_id, shift_id, voided_at, '
    "void_reason, unit_id, resident_id, room_text, person_name, phone, state, call_type, "
    "content, reply, message_for_id, message_state, delivered_at) "
    "VALUES (?, ?, ?, ?, ?, NULL, '', ?, NULL, ?, ?, ?, '有效', '咨询', ?, ?, NULL, NULL, NULL)"
)
CONTENT = "咨询停车月卡价格和办理手续"
REPLY = "每月150元，携带行驶证到前台办理"


def bench_raw_insert(
    path: Path, runs: int, staff_id: int, shift_id: int, unit_id: int, *, stamp: int = 0
) -> Timing:
    """Baseline: plain sqlite3, same pragmas as the program (WAL, synchronous=FULL).

    ``stamp``: also write page 1's stamp in each transaction, as every save of the program
    does (desk.models.db: a WAL names whose it is) — to show what that costs alone."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = FULL")
    con.execute("PRAGMA foreign_keys = ON")

    serials = itertools.count(1)

    def save(_i: int) -> None:
        now = datetime.now().isoformat(" ", timespec="microseconds")
        con.execute("BEGIN IMMEDIATE")
        if stamp:
            con.execute(f"PRAGMA user_version = {stamp}")
        con.execute(
            RAW_INSERT,
            (f"RAW-{next(serials):08d}", now, now, staff_id, shift_id, unit_id, "3-2-1201",
             "陈先生", "13812345678", CONTENT, REPLY),
        )  # fmt: skip
        con.execute("COMMIT")

    try:
        return timed(save, runs, warmup=20)
    finally:
        con.close()


def bench_service_save(path: Path, runs: int, staff_id: int, shift_id: int) -> Timing:
    """The program's own save: validate, look up the room, number, insert, audit, commit."""
    engine = open_database(path)

    def save(_i: int) -> None:
        with writing(engine, staff_id=staff_id, shift_id=shift_id) as ctx:
            create_call(
                ctx,
                CallDraft(CallType.ENQUIRY, CONTENT, caller_name="陈先生", phone="138 1234 5678",
                          room="3-2-1201", reply=REPLY),
            )  # fmt: skip

    try:
        return timed(save, runs, warmup=20)
    finally:
        engine.dispose()


# --- (b) a unit's history --------------------------------------------------------------------

BASELINE_SELECT = text(
    "SELECT id, serial, created_at, state, call_type, content FROM call WHERE unit_id = :unit"
)


def bench_timeline(path: Path, units: list[int], limit: int | None = None) -> tuple[Timing, Timing]:
    engine = open_database(path)
    try:
        with Session(engine) as session:
            conn = session.connection()

            def baseline(i: int) -> None:
                conn.execute(BASELINE_SELECT, {"unit": units[i % len(units)]}).fetchall()

            def history(i: int) -> None:
                unit_timeline(session, units[i % len(units)], limit=limit)

            base = timed(baseline, len(units), warmup=20)
            full = timed(history, len(units), warmup=20)
            session.rollback()
        return full, base
    finally:
        engine.dispose()


# --- the run ------------------------------------------------------------------------------------


def _pick(path: Path, runs: int) -> tuple[int, int, int, list[int], list[int]]:
    """(receptionist id, a shift of theirs, unit 3-2-1201, random flats, public areas)."""
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        staff_id, shift_id = con.execute(
            "SELECT s.id, sh.id FROM staff s JOIN shift sh ON sh.staff_id = s.id "
            "WHERE s.role = ? ORDER BY sh.id DESC LIMIT 1",
            (StaffRole.RECEPTIONIST.value,),
        ).fetchone()
        unit_id = con.execute("SELECT id FROM unit WHERE code = '3-2-1201'").fetchone()
        by_kind = "SELECT id FROM unit WHERE kind = ? ORDER BY id"
        flats = [r[0] for r in con.execute(by_kind, (UnitKind.UNIT.value,))]
        public = [r[0] for r in con.execute(by_kind, (UnitKind.PUBLIC.value,))]
    finally:
        con.close()
    rng = random.Random(1122)
    return staff_id, shift_id, unit_id[0] if unit_id else None, rng.sample(flats, runs), public


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--days", type=int, default=1800, help="days of demo data (1800 ≈ 5 y)")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per measurement")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached database")
    args = parser.parse_args(argv)

    path, seconds = announced_demo_db(args.days, rebuild=args.rebuild)
    rows: list[Row] = []
    if seconds is not None:
        rows.append(Row(f"generate {args.days} days of demo data", "≤ 180 s", f"{seconds:.1f} s",
                        "—", "—", seconds <= 180))  # fmt: skip

    staff_id, shift_id, unit_id, flats, public = _pick(path, min(args.runs, 2000))
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as tmp:
        print("(a) saving one call …", flush=True)
        raw = bench_raw_insert(copy_db(path, Path(tmp) / "raw.sqlite3"), args.runs, staff_id,
                               shift_id, unit_id)  # fmt: skip
        service = bench_service_save(copy_db(path, Path(tmp) / "service.sqlite3"), args.runs,
                                     staff_id, shift_id)  # fmt: skip
        for label, m, b in (
            ("p50", service.p50_ms, raw.p50_ms),
            ("p95", service.p95_ms, raw.p95_ms),
        ):
            rows.append(Row(f"save one call (calls.create_call) {label}", "≤ 3.0× raw",
                            f"{m:.2f} ms", f"{b:.2f} ms raw INSERT+COMMIT", ratio(m, b),
                            m <= 3 * b))  # fmt: skip
        stamped = bench_raw_insert(copy_db(path, Path(tmp) / "stamped.sqlite3"), args.runs,
                                   staff_id, shift_id, unit_id, stamp=12345)  # fmt: skip
        rows.append(Row("raw INSERT+COMMIT with the WAL stamp (page 1), p50", "info",
                        f"{stamped.p50_ms:.2f} ms", f"{raw.p50_ms:.2f} ms without",
                        ratio(stamped.p50_ms, raw.p50_ms), None))  # fmt: skip

        print(f"(b) unit history over {len(flats)} random flats …", flush=True)
        history, base = bench_timeline(path, flats)
        for label, m, b in (
            ("p50", history.p50_ms, base.p50_ms),
            ("p95", history.p95_ms, base.p95_ms),
        ):
            rows.append(Row(f"unit_timeline, one flat, {label}", "≤ 10 ms", f"{m:.2f} ms",
                            f"{b:.2f} ms call WHERE unit_id", ratio(m, b), m <= 10))  # fmt: skip
        # public areas (lift halls, car park …) collect years of repairs: the longest lists
        busiest, _ = bench_timeline(path, public)
        rows.append(Row(f"unit_timeline, {len(public)} public areas, all, p50 / max", "info",
                        f"{busiest.p50_ms:.2f} / {busiest.max_ms:.2f} ms", "—", "—",
                        None))  # fmt: skip
        # what the 住户 tab loads: the newest page, more as the list is scrolled
        page, base = bench_timeline(path, public, limit=TIMELINE_PAGE)
        rows.append(Row(f"unit_timeline, public areas, first {TIMELINE_PAGE}, p95", "≤ 10 ms",
                        f"{page.p95_ms:.2f} ms", f"{base.p95_ms:.2f} ms call WHERE unit_id",
                        ratio(page.p95_ms, base.p95_ms), page.p95_ms <= 10))  # fmt: skip
    print()
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
