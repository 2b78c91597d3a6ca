"""The paper forms as PDF: 派工单, 客户投诉处理单, 物品借用登记表 and the one-loan slip,
客服值班记录表.

Plain data in (``desk.reports.form_data``), an A4 PDF out — the register landscape, the
rest portrait — with the fonts embedded as subsets. What each form shows is defined
once in ``form_layout``; ``pdf_layout`` draws it. Import this module lazily: it loads
reportlab (~115 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from desk.reports.form_data import Form, LoanRegister
from desk.reports.form_layout import blocks_for
from desk.reports.pdf_layout import LANDSCAPE, PORTRAIT, PageFrame, render, render_many


def render_pdf(form: Form, path: Path | str) -> Path:
    """Write any of the forms as an A4 PDF; returns the path written."""
    return render(Path(path), _frame(form), form.head, blocks_for(form))


def render_pdf_many(forms: Sequence[Form], path: Path | str, title: str = "") -> Path:
    """Write several forms into one PDF, each starting on a new page numbered on its own
    (a day's 派工单 printed in one go); returns the path written."""
    documents = [(_frame(f), f.head, blocks_for(f)) for f in forms]
    return render_many(Path(path), documents, title or f"{len(documents)} 张表单")


def _frame(form: Form) -> PageFrame:
    return LANDSCAPE if isinstance(form, LoanRegister) else PORTRAIT
