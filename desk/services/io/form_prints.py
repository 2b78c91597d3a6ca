"""Prints are known: each print or export of paper forms is on the record — who, when,
which form, how many pages, where to.

One record's own form (派工单, 投诉处理单, 借用单, 客服值班记录表) is logged against that
record (``audit.form_exported``), so its detail's history (变更记录) shows
"打印 派工单 2 页 / 打印机“前台打印机”". Anything else — a register, a day's forms printed
in one go — is one row of the ``export`` log (``audit.exported``), with its rows and pages;
the records of a batch each get a row too ("派工单 同批 6 张").
Forms carry their serial, not their record's id: the record is found by it here, in the
write that logs the print (serials never change, handovers' derived ones neither).

    with writing(engine) as ctx:
        form_prints.record(ctx, [form], Path("派工单.pdf"))  # pages counted from the PDF
        form_prints.record(ctx, [form], "打印机“前台打印机”", pages=2)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import col, select

from desk.models import MODELS, Complaint, Handover, Loan, WorkOrder
from desk.models.errors import NotFoundError
from desk.reports.form_data import ComplaintForm, Form, HandoverForm, LoanSlip, WorkOrderForm
from desk.services.core import audit
from desk.services.core.context import Ctx
from desk.services.io import paper_forms
from desk.services.records import signed_copies

# a record's own form → its table; registers and other batches are no one record's
_RECORDS: tuple[tuple[type, type], ...] = (
    (WorkOrderForm, WorkOrder),
    (ComplaintForm, Complaint),
    (LoanSlip, Loan),
)
# a page tree node as reportlab writes it: one plain dictionary without nested ones
_PAGE_TREE = re.compile(rb"<<[^<>]*/Type\s*/Pages\b[^<>]*>>")
_COUNT = re.compile(rb"/Count\s+(\d+)")


def record(
    ctx: Ctx,
    forms: Sequence[Form],
    target: Path | str,
    *,
    title: str = "",
    pages: int | None = None,
) -> None:
    """Log that ``forms`` (a batch named ``title``) were printed (``target``: the printer in
    words) or exported (the file written), after it succeeded. ``pages``: the sheets sent to
    the printer, or the PDF's pages; None counts them from a PDF ``target`` (an xlsx has no
    pages of its own: Excel paginates it)."""
    if pages is None and isinstance(target, Path) and target.suffix.lower() == ".pdf":
        pages = pdf_pages(target)
    found = [form_record(ctx, form) for form in forms]
    if len(forms) == 1 and found[0] is not None:
        audit.form_exported(ctx, *found[0], forms[0].head.title, target, pages=pages)
    else:
        _batch(ctx, forms, found, target, title, pages)
    for record_of in found:  # a form handed out at its stage is now due back signed
        if record_of is not None and record_of[0] in signed_copies.FORMS:
            signed_copies.recheck(ctx, ctx.session.get(MODELS[record_of[0]], record_of[1]))


def _batch(
    ctx: Ctx,
    forms: Sequence[Form],
    found: list[tuple[str, int] | None],
    target: Path | str,
    title: str,
    pages: int | None,
) -> None:
    """A register or a batch: one export row, and a row on each record it holds."""
    what, rows = paper_forms.audit_words(forms, title)
    audit.exported(ctx, what, rows, target, pages=pages)
    # each record of the batch shows it too: a day's 派工单 printed at once are each printed
    # (their pages are the batch's, so none are given)
    for form, record_of in zip(forms, found, strict=True):
        if record_of is not None:
            together = f"同批 {len(forms)} 张"
            audit.form_exported(
                ctx, *record_of, form.head.title, target, pages=None, count=together
            )


def form_record(ctx: Ctx, form: Form) -> tuple[str, int] | None:
    """(table, id) of the record ``form`` is the form of — the entity its history is read
    by (details.record_detail) — or None for a register, or a record not found."""
    serial = form.head.serial
    if isinstance(form, HandoverForm):
        try:
            return Handover.__tablename__, paper_forms.handover_by_serial(ctx, serial)[0]
        except NotFoundError:
            return None
    for kind, model in _RECORDS:
        if isinstance(form, kind):
            found = ctx.session.exec(
                select(col(model.id)).where(col(model.serial) == serial)  # type: ignore[attr-defined]
            ).first()
            return (str(model.__tablename__), int(found)) if found is not None else None  # type: ignore[attr-defined]
    return None


def pdf_pages(path: Path) -> int | None:
    """The pages of a PDF ``desk.reports`` wrote (reportlab: plain object dictionaries, one
    page tree whose root counts every page); None when the file cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    counts = [
        int(count.group(1))
        for node in _PAGE_TREE.finditer(data)
        if (count := _COUNT.search(node.group(0))) is not None
    ]
    return max(counts) if counts else None
