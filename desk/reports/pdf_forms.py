"""The paper forms as PDF: 派工单, 客户投诉处理单, 物品借用登记表 and the one-loan slip,
客服值班记录表.

Plain data in (``desk.reports.form_data``), an A4 PDF out — the register landscape, the
rest portrait, a slip twice on one sheet (``_frame``) — with the fonts embedded as
subsets. What each form shows is defined once in ``form_layout``; ``pdf_layout`` draws
it. Import this module lazily: it loads reportlab (~115 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from desk.reports.form_data import Form, LoanRegister, LoanSlip
from desk.reports.form_layout import SLIP_COPIES, blocks_for
from desk.reports.pdf_layout import (
    HALF,
    LANDSCAPE,
    PORTRAIT,
    PageFrame,
    lay_out,
    render,
    render_many,
)


def render_pdf(form: Form, path: Path | str) -> Path:
    """Write any of the forms as an A4 PDF; returns the path written."""
    return render(Path(path), _frame(form), form.head, blocks_for(form))


def render_pdf_many(forms: Sequence[Form], path: Path | str, title: str = "") -> Path:
    """Write several forms into one PDF, each starting on a new page numbered on its own
    (a day's 派工单 printed in one go); returns the path written."""
    documents = [(_frame(f), f.head, blocks_for(f)) for f in forms]
    return render_many(Path(path), documents, title or f"{len(documents)} 张表单")


def _frame(form: Form) -> PageFrame:
    """A4 landscape for a register, portrait for the rest; a slip on half a portrait sheet,
    drawn twice on it (one copy for the desk, one for the borrower, ``SLIP_COPIES``) —
    the printer prints the A4 page as it prints any form — unless it does not fit half a
    sheet (long remarks), then once on a whole one."""
    if isinstance(form, LoanRegister):
        return LANDSCAPE
    if isinstance(form, LoanSlip):
        half = replace(HALF, copies=SLIP_COPIES)
        return half if len(lay_out(half, blocks_for(form))) == 1 else PORTRAIT
    return PORTRAIT
