"""A tab's list exported as print-ready xlsx, against a bare openpyxl loop (issue #5).

    python -m benchmarks.bench_export [--days 1800] [--rows 10000] [--runs 5] [--kind workorder]

On the 5-year demo database, the newest ~10,000 rows of a list (a date range from the day
of the 10,000th newest record: a few more, never fewer) are exported with
``list_export.export_list`` — read in pages through ``lists.list_rows``, turned into typed
values, written by ``list_xlsx.write_list`` with styles, borders, merged title, print setup
— and compared, in the same run, with a bare openpyxl write-only loop that appends the
same values to a sheet and saves it (no styling, no title, nothing else). Target (issue 5):
the export ≤ 1.2× the bare loop. ``write_list`` writes with XlsxWriter (issue 13: public
API only); a bare XlsxWriter loop is shown too, for information: what the styling, the
typing and the print setup cost over the library's own plain speed.

Three measurements, runs interleaved (median of ``--runs``):

- write: ``write_list`` over the rows already fetched, against the bare loop over the same
  rows — what the print-ready file costs over a plain one;
- whole export: ``export_list`` from the engine to the file, against fetching the same
  pages and writing them with the bare loop — what a person waits for;
- fetching alone (information): the pages and the values, without a file.

Always exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

from benchmarks.common import BENCH_TODAY, Row, announced_demo_db, print_table, ratio
from desk.models.db import driver
from desk.reports.list_xlsx import write_list
from desk.services.core.transactions import reading
from desk.services.io.database import open_database
from desk.services.views import list_export
from desk.services.views.lists import ListFilter

NOW = datetime.combine(BENCH_TODAY, dtime(15, 30))  # when the demo data ends
TARGET = 1.2


def bare_loop(path: Path, rows: list[tuple[Any, ...]]) -> None:
    """The baseline: openpyxl's write-only sheet, the same values, nothing else."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in rows:
        ws.append(row)
    wb.save(path)


def bare_xlsxwriter(path: Path, rows: list[tuple[Any, ...]]) -> None:
    """For information: XlsxWriter's streaming mode, the same values, nothing else."""
    from xlsxwriter import Workbook

    wb = Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet()
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    wb.close()


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def interleaved(fns: dict[str, Callable[[], Any]], runs: int) -> dict[str, float]:
    """Median milliseconds of each function, run in turn ``runs`` times after a warm-up."""
    for fn in fns.values():
        fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: median_ms(s) for name, s in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_export", description=__doc__)
    parser.add_argument("--days", type=int, default=1800, help="days of demo data (1800 ≈ 5 y)")
    parser.add_argument("--rows", type=int, default=10_000, help="rows to export (at least)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--kind", default="workorder", choices=list(list_export.TITLES))
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached database")
    args = parser.parse_args(argv)

    path, _ = announced_demo_db(args.days, rebuild=args.rebuild)
    engine = open_database(path)
    kind = args.kind
    with reading(engine, NOW) as ctx:
        found = (
            driver(ctx.session)
            .execute(
                f"SELECT created_at FROM {kind} ORDER BY created_at DESC LIMIT 1 OFFSET ?",
                (args.rows - 1,),
            )
            .fetchone()
        )
    if found is None:
        print(f"the demo database has fewer than {args.rows} {kind} records")
        return 0
    flt = ListFilter(date_from=datetime.fromisoformat(found[0]).date())

    def fetch() -> list[tuple[Any, ...]]:
        with reading(engine, NOW) as ctx:
            got = list_export.prepare(ctx.session, kind, flt=flt, now=NOW)
            return list(got.rows)

    rows = fetch()
    with reading(engine, NOW) as ctx:
        sheet = list_export.prepare(ctx.session, kind, flt=flt, now=NOW)
    print(f"{kind}: {len(rows):,} rows of {len(sheet.columns)} columns from {flt.date_from}")
    try:
        import lxml  # noqa: F401

        print("lxml installed: openpyxl writes with lxml on both sides")
    except ImportError:
        print("lxml not installed: openpyxl writes with its own XML writer on both sides")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def write() -> None:
            write_list(
                out / "list.xlsx", title=sheet.title, subtitle=sheet.subtitle,
                columns=sheet.columns, rows=rows, footer=sheet.footer,
            )  # fmt: skip

        def export() -> None:
            list_export.export_list(engine, kind, out / "export.xlsx", flt=flt, now=NOW)

        def fetch_and_bare() -> None:
            bare_loop(out / "fetched-bare.xlsx", fetch())

        print(f"timing {args.runs} runs of each, interleaved …", flush=True)
        ms = interleaved(
            {
                "bare": lambda: bare_loop(out / "bare.xlsx", rows),
                "bare xlsxwriter": lambda: bare_xlsxwriter(out / "bare-xw.xlsx", rows),
                "write": write,
                "fetch+bare": fetch_and_bare,
                "export": export,
                "fetch": fetch,
            },
            args.runs,
        )
        size = (out / "export.xlsx").stat().st_size
    engine.dispose()

    n = f"{len(rows):,} rows"
    table = [
        Row(f"list export, write ({n})", f"≤ {TARGET}× bare loop", f"{ms['write']:.0f} ms",
            f"{ms['bare']:.0f} ms", ratio(ms["write"], ms["bare"]),
            ms["write"] <= TARGET * ms["bare"]),
        Row(f"list export, whole ({n})", f"≤ {TARGET}× fetch + bare",
            f"{ms['export']:.0f} ms", f"{ms['fetch+bare']:.0f} ms",
            ratio(ms["export"], ms["fetch+bare"]), ms["export"] <= TARGET * ms["fetch+bare"]),
        Row("  of which fetching (pages + values)", "—", f"{ms['fetch']:.0f} ms", "—",
            f"{ms['fetch'] / ms['export']:.0%} of export", None),
        Row("  whole export against the bare loop alone", "—", f"{ms['export']:.0f} ms",
            f"{ms['bare']:.0f} ms", ratio(ms["export"], ms["bare"]), None),
        Row("  write against a bare XlsxWriter loop", "—", f"{ms['write']:.0f} ms",
            f"{ms['bare xlsxwriter']:.0f} ms", ratio(ms["write"], ms["bare xlsxwriter"]), None),
    ]  # fmt: skip
    print(f"file: {size / 1e6:.1f} MB; python {sys.version.split()[0]}")
    print()
    print_table(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
