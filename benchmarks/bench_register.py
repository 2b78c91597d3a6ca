"""The loan register of a month: pages and seconds, against a bare reportlab table.

    python -m benchmarks.bench_register [--days 1800] [--month 2026-10] [--runs 10]

Measured: ``paper_forms.loan_register`` of one calendar month of demo loans (October
2026 on the 5-year file: 31 days, ~418 loans), rendered by ``render_pdf`` to a file,
warm (reportlab imported, fonts registered): its pages and its time (p50). Baseline in
the same run: reportlab's own platypus ``LongTable`` of the same strings (every cell's
text as the register prints it, the same font at the same size, a grid, the title row
repeated), in equal columns on the same landscape A4 body — what printing these rows as
a table costs at least. Issue 16 measured the register before: 44 pages, 0.5–0.85 s.

Targets: at least 15 rows a page (pages ≤ ⌈loans / 15⌉), no slower than before
(≤ 0.85 s) and ≤ 2× the baseline. For information: building the register's data from
the database, and the register as xlsx. Always exits 0.
"""

from __future__ import annotations

import argparse
import math
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path

from benchmarks.common import Row, announced_demo_db, interleaved, print_table, ratio, timed
from desk.reports import pdf_fonts
from desk.reports.form_data import LoanRegister
from desk.reports.form_layout import Table, register_blocks, show
from desk.reports.pdf_forms import render_pdf
from desk.reports.pdf_layout import LANDSCAPE
from desk.reports.xlsx_forms import render_xlsx
from desk.services.core.transactions import reading
from desk.services.io import paper_forms
from desk.services.io.database import open_database

ROWS_A_PAGE = 15
TARGET_S = 0.85  # the slowest of issue 16's measurements of the register before
TARGET_RATIO = 2.0
BEFORE = "44 pages, 0.5–0.85 s (issue 16)"


def month_register(path: Path, month: date) -> LoanRegister:
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    engine = open_database(path, create=False)
    try:
        with reading(engine) as ctx:
            return paper_forms.loan_register(ctx, start, end)
    finally:
        engine.dispose()


def bare_table(register: LoanRegister, path: Path) -> int:
    """The baseline: the same cell texts in a plain platypus table; returns its pages."""
    from reportlab.lib import colors
    from reportlab.platypus import LongTable, SimpleDocTemplate, TableStyle

    (table,) = register_blocks(register)
    assert isinstance(table, Table)
    data = [[c.title for c in table.columns]] + [
        [show(v, c.time_format) for v, c in zip(row, table.columns, strict=True)]
        for row in table.rows
    ]
    f = LANDSCAPE
    doc = SimpleDocTemplate(
        str(path), pagesize=(f.width, f.height), leftMargin=f.margin_x, rightMargin=f.margin_x,
        topMargin=f.height - f.body_top, bottomMargin=f.body_bottom,
    )  # fmt: skip
    width = f.body_width / len(table.columns)
    grid = LongTable(data, colWidths=[width] * len(table.columns), repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf_fonts.MAIN, table.text_size),
                ("GRID", (0, 0), (-1, -1), 0.7, colors.black),
            ]
        )
    )
    doc.build([grid])
    return doc.page


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_register", description=__doc__
    )
    parser.add_argument("--days", type=int, default=1800, help="days of demo data")
    parser.add_argument("--month", default="2026-10", help="the month to print (YYYY-MM)")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per measurement")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached database")
    args = parser.parse_args(argv)

    db, _ = announced_demo_db(args.days, rebuild=args.rebuild)
    month = date.fromisoformat(f"{args.month}-01")
    register = month_register(db, month)
    loans = len(register.rows)
    print(f"{register.head.title} {register.head.serial}: {loans} loans", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf_fonts.main_font()  # warm: fonts registered, as after the first print
        out, base = folder / "register.pdf", folder / "bare.pdf"
        print("register PDF against a bare platypus table …", flush=True)
        measured, baseline = interleaved(
            [lambda i: render_pdf(register, out), lambda i: bare_table(register, base)],
            args.runs,
            warmup=1,
        )
        pages, base_pages = pdf_pages(out), pdf_pages(base)
        most = math.ceil(loans / ROWS_A_PAGE)
        rows.append(
            Row(
                f"register of {month:%Y-%m}, pages",
                f"≤ {most} (≥ {ROWS_A_PAGE} rows a page); before {BEFORE.split(',')[0]}",
                f"{pages} ({loans / pages:.1f} rows a page)",
                f"{base_pages} (bare table, one line a row)",
                ratio(pages, base_pages),
                pages <= most,
            )
        )
        seconds = measured.p50_ms / 1000
        rows.append(
            Row(
                f"register of {month:%Y-%m}, PDF (warm)",
                f"≤ {TARGET_S} s, ≤ {TARGET_RATIO:.0f}×; before 0.5–0.85 s",
                f"{seconds:.3f} s",
                f"{baseline.p50_ms / 1000:.3f} s (platypus LongTable, same strings)",
                ratio(measured.p50_ms, baseline.p50_ms),
                seconds <= TARGET_S and measured.p50_ms <= TARGET_RATIO * baseline.p50_ms,
            )
        )
        print("for information …", flush=True)
        engine = open_database(db, create=False)
        start = month.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        try:

            def build(_i: int) -> None:
                with reading(engine) as ctx:
                    paper_forms.loan_register(ctx, start, end)

            info = {
                "register data from the DB": timed(build, args.runs, warmup=1),
                "register xlsx": timed(
                    lambda i: render_xlsx(register, folder / "r.xlsx"), args.runs, warmup=1
                ),
            }
        finally:
            engine.dispose()
        for name, timing in info.items():
            rows.append(Row(name, "—", f"{timing.p50_ms / 1000:.3f} s", "—", "—", None))
    print()
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
