"""The supervisor's monthly figures (统计) on a 5-year demo database.

    python -m benchmarks.bench_statistics [--days 1800] [--runs 30] [--rebuild]

Measured: ``statistics.monthly_report`` for the last full month of the demo data (October
2026; the data ends on 22 November) — that month's figures and the month before's, as the
统计 view asks for them — each run in its own read session, as the GUI's worker does.
Target (issue 6): p95 ≤ 1 s. ``statistics.monthly`` for the one month is shown for
information.

Baseline in the same run: a bare ``SELECT count(*)`` of the month's work orders on the
``created_at`` index, in its own read session — the least any monthly figure can cost.

Always exits 0.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from datetime import time as dtime
from pathlib import Path

from sqlalchemy import text

from benchmarks.common import (
    BENCH_TODAY,
    Row,
    Timing,
    announced_demo_db,
    print_table,
    ratio,
    timed,
)
from desk.services.core.transactions import reading
from desk.services.io.database import open_database
from desk.services.views import statistics

NOW = datetime.combine(BENCH_TODAY, dtime(15, 30))  # when the demo data ends
YEAR, MONTH = 2026, 10  # the last full month before NOW
TARGET_MS = 1000.0

COUNT_SQL = text("SELECT count(*) FROM workorder WHERE created_at >= :start AND created_at < :end")


def bench(path: Path, runs: int) -> list[Row]:
    engine = open_database(path)
    start, end = statistics.month_bounds(YEAR, MONTH)
    # as stored: ISO text with microseconds
    span = {
        k: v.isoformat(" ", timespec="microseconds") for k, v in (("start", start), ("end", end))
    }
    try:

        def report(_i: int) -> None:
            with reading(engine, now=NOW) as ctx:
                statistics.monthly_report(ctx, YEAR, MONTH)

        def one_month(_i: int) -> None:
            with reading(engine, now=NOW) as ctx:
                statistics.monthly(ctx, YEAR, MONTH)

        def count(_i: int) -> None:
            with reading(engine, now=NOW) as ctx:
                ctx.session.connection().execute(COUNT_SQL, span).scalar()

        baseline = timed(count, runs * 5)
        measured = timed(report, runs)
        single = timed(one_month, runs)
        with reading(engine, now=NOW) as ctx:
            figures = statistics.monthly(ctx, YEAR, MONTH)
    finally:
        engine.dispose()
    print(
        f"  {YEAR}-{MONTH:02d}: {figures.workorders} repairs, {figures.complaints.total} "
        f"complaints, {sum(figures.hours.totals)} records by hour, "
        f"{len(figures.repeats.problems)} repeat places"
    )
    return [
        _row("monthly report (month + month before)", measured, baseline, ok=True),
        _row("monthly figures (one month)", single, baseline, ok=None),
    ]


def _row(name: str, measured: Timing, baseline: Timing, *, ok: bool | None) -> Row:
    return Row(
        name=name,
        target=f"p95 ≤ {TARGET_MS:.0f} ms" if ok is not None else "—",
        measured=f"p50 {measured.p50_ms:.1f} ms, p95 {measured.p95_ms:.1f} ms",
        baseline=f"count(*) p50 {baseline.p50_ms:.2f} ms",
        ratio=ratio(measured.p50_ms, baseline.p50_ms),
        ok=None if ok is None else measured.p95_ms <= TARGET_MS,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_statistics", description=__doc__
    )
    parser.add_argument("--days", type=int, default=1800, help="days of demo data (1800 ≈ 5 y)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per measurement")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached database")
    args = parser.parse_args(argv)

    path, _ = announced_demo_db(args.days, rebuild=args.rebuild)
    print("monthly figures …", flush=True)
    rows = bench(path, args.runs)
    print()
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
