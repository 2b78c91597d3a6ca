"""The paper forms: a work order as PDF, warm, against a bare reportlab canvas.

    python -m benchmarks.bench_forms [--days 30] [--runs 100] [--rebuild]

Measured: ``render_pdf`` of a paid, completed, called-back work order from the demo
database (materials, fees, callback) — layout, header, QR code, footer, font subsets —
to a file, with reportlab imported and the fonts registered (warm: the program has
printed before). Baseline in the same run: a one-page reportlab canvas with the same
font drawing the same strings at the same places (no layout, no boxes, no QR code) and
saving — what putting this text on a page costs at least. Target (issue 5): ≤ 50 ms and
≤ 3× the baseline.

For information: building the form's data from the database, the 3,000-character
complaint (three pages), a day's loan register (landscape), the work order as xlsx, and
a first PDF in a fresh process (imports and font loading included). Always exits 0.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from sqlmodel import col, select

from benchmarks.common import Row, announced_demo_db, print_table, ratio, timed
from desk.models import Loan, WorkOrder
from desk.models.enums import WorkOrderState
from desk.reports import pdf_fonts
from desk.reports.form_data import WorkOrderForm
from desk.reports.form_layout import workorder_blocks
from desk.reports.pdf_forms import render_pdf
from desk.reports.pdf_layout import PORTRAIT, SIZE, lay_out
from desk.reports.xlsx_forms import render_xlsx
from desk.services.core.transactions import reading
from desk.services.io import paper_forms
from desk.services.io.database import open_database

TARGET_MS = 50.0
TARGET_RATIO = 3.0


def sample_forms(
    path: Path,
) -> tuple[WorkOrderForm, paper_forms.ComplaintForm, paper_forms.LoanRegister, str]:
    engine = open_database(path, create=False)
    try:
        with reading(engine) as ctx:
            serial = ctx.session.exec(
                select(WorkOrder.serial)
                .where(WorkOrder.is_paid, WorkOrder.state == WorkOrderState.CALLED_BACK)
                .order_by(col(WorkOrder.id).desc())
            ).first()
            assert serial, "the demo data has no paid, called-back work order"
            order = paper_forms.workorder_form(ctx, serial)
            complaint = paper_forms.latest_form(ctx, "complaint")
            busiest = ctx.session.exec(
                select(Loan.created_at).order_by(col(Loan.created_at).desc())
            ).first()
            assert busiest is not None
            register = paper_forms.loan_register(ctx, busiest.date())
    finally:
        engine.dispose()
    assert isinstance(complaint, paper_forms.ComplaintForm)
    long = "".join(f"第{i:03d}句：楼上住户每天深夜拖动家具、跺脚，噪音很大。" for i in range(200))
    return order, replace(complaint, description=long[:3000]), register, serial


def bare_canvas(form: WorkOrderForm, path: Path) -> None:
    """The baseline: the form's strings drawn where the form draws them, nothing else."""
    from reportlab.pdfgen.canvas import Canvas

    strings = [op[1:5] for page in lay_out(PORTRAIT, workorder_blocks(form)) for op in page
               if op[0] == "t"]  # fmt: skip
    head = form.head
    strings += [(300, 800, head.office, 12), (280, 770, head.title, 19),
                (40, 750, f"表单编号：{head.form_code}  单号：{head.serial}", 9.5),
                (400, 750, f"打印时间：{head.printed_at:%Y-%m-%d %H:%M}", 9.5),
                (280, 30, "第 1 页 / 共 1 页", 9)]  # fmt: skip
    c = Canvas(str(path), pagesize=(PORTRAIT.width, PORTRAIT.height),
               initialFontName=pdf_fonts.MAIN, initialFontSize=SIZE)  # fmt: skip
    for x, y, text, size in strings:
        c.setFont(pdf_fonts.MAIN, size)
        c.drawString(x, y, text)
    c.showPage()
    c.save()


def cold_start(db: Path, serial: str, out: Path) -> float:
    """Seconds for ``desk form workorder`` in a fresh process (imports, fonts, database)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "desk", "--db", str(db), "form", "workorder", "--serial", serial,
         "-o", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_forms", description=__doc__)
    parser.add_argument("--days", type=int, default=30, help="days of demo data")
    parser.add_argument("--runs", type=int, default=100, help="timed runs per measurement")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached database")
    args = parser.parse_args(argv)

    db, _ = announced_demo_db(args.days, rebuild=args.rebuild)
    order, complaint, register, serial = sample_forms(db)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf_fonts.main_font()  # warm: fonts registered, as after the first print
        print("work order PDF against a bare canvas …", flush=True)
        # interleaved in blocks so a busy moment of the machine hits both alike
        form_ms: list[float] = []
        base_ms: list[float] = []
        for _ in range(5):
            form_ms.append(
                timed(lambda i: render_pdf(order, folder / "wo.pdf"), args.runs // 5).p50_ms
            )
            base_ms.append(
                timed(lambda i: bare_canvas(order, folder / "b.pdf"), args.runs // 5).p50_ms
            )
        measured, baseline = sorted(form_ms)[2], sorted(base_ms)[2]
        rows.append(
            Row(
                "work order PDF (warm)",
                f"≤ {TARGET_MS:.0f} ms, ≤ {TARGET_RATIO:.0f}×",
                f"{measured:.1f} ms",
                f"{baseline:.1f} ms (bare canvas, same font)",
                ratio(measured, baseline),
                measured <= TARGET_MS and measured <= TARGET_RATIO * baseline,
            )
        )
        print("for information …", flush=True)
        engine = open_database(db, create=False)
        try:

            def build(_i: int) -> None:
                with reading(engine) as ctx:
                    paper_forms.workorder_form(ctx, serial)

            info = {
                "work order form data from the DB": timed(build, args.runs),
                "complaint of 3,000 characters PDF (3 pages)": timed(
                    lambda i: render_pdf(complaint, folder / "c.pdf"), max(args.runs // 4, 5)
                ),
                f"loan register PDF ({len(register.rows)} loans)": timed(
                    lambda i: render_pdf(register, folder / "r.pdf"), max(args.runs // 4, 5)
                ),
                "work order xlsx": timed(
                    lambda i: render_xlsx(order, folder / "wo.xlsx"), max(args.runs // 4, 5)
                ),
            }
        finally:
            engine.dispose()
        for name, timing in info.items():
            rows.append(Row(name, "—", f"{timing.p50_ms:.1f} ms", "—", "—", None))
        cold = cold_start(db, serial, folder / "cold.pdf")
        rows.append(Row("desk form workorder, fresh process", "—", f"{cold * 1000:.0f} ms",
                        "—", "—", None))  # fmt: skip
    print()
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
