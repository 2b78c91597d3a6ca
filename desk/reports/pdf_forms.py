"""The paper forms as PDF: 派工单, 客户投诉处理单, 物品借用登记表 and the one-loan slip.

Plain data in (``desk.reports.forms``), an A4 PDF out — the register landscape, the
rest portrait — with the fonts embedded as subsets. What each form shows is defined
once in ``form_layout``; ``pdf_layout`` draws it. Import this module lazily: it loads
reportlab (~115 ms).
"""

from __future__ import annotations

from pathlib import Path

from desk.reports.form_layout import blocks_for
from desk.reports.forms import Form, LoanRegister
from desk.reports.pdf_layout import LANDSCAPE, PORTRAIT, render


def render_pdf(form: Form, path: Path | str) -> Path:
    """Write any of the forms as an A4 PDF; returns the path written."""
    frame = LANDSCAPE if isinstance(form, LoanRegister) else PORTRAIT
    return render(Path(path), frame, form.head, blocks_for(form))
