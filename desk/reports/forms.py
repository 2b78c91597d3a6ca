"""The paper forms' data — plain frozen dataclasses — and one door to write them.

派工单 (QR-025SD), 客户投诉处理单 (QR-026SD), 物品借用登记表 (QR-030SD) and its one-loan
slip. ``desk.services.forms`` builds these from the database; the renderers
(``pdf_forms``, ``xlsx_forms``) take nothing else, so they run and are tested without a
database, an ORM object or Qt. Values keep their types (datetime, Decimal …): the PDF
formats them, the xlsx stores real dates and numbers.

This module imports only the standard library; ``render`` loads reportlab or openpyxl
when a file is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from desk.models.errors import ValidationError

SATISFACTION = ("非常满意", "满意", "基本满意", "不满意")
SUFFIXES = (".pdf", ".xlsx")


@dataclass(frozen=True)
class FormHead:
    """What every form prints at the top: whose office, which form, which record."""

    office: str
    title: str
    form_code: str
    serial: str  # printed as text and as a QR code
    printed_at: datetime
    subtitle: str = ""  # e.g. the register's dates
    void_reason: str = ""  # not empty: the record is 作废 and the form says so


@dataclass(frozen=True)
class CallbackInfo:
    """回访 of a work order or complaint: due, or done with the resident's answer."""

    due_at: datetime | None
    done_at: datetime | None = None
    staff: str = ""
    way: str = ""  # 电话 / 上门
    satisfaction: str = ""  # one of SATISFACTION
    outcome: str = ""
    comment: str = ""


@dataclass(frozen=True)
class MaterialRow:
    name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class WorkOrderForm:
    head: FormHead
    state: str
    created_at: datetime
    channel: str
    reporter: str
    room: str
    location: str
    phone: str
    category: str
    urgency: str
    appointment_at: datetime | None
    description: str
    is_paid: bool
    receptionist: str
    dispatcher: str
    dispatched_at: datetime | None
    assignee: str
    response_due: datetime
    completion_due: datetime  # with time spent 待料 added
    arrived_at: datetime | None
    completed_at: datetime | None
    parts_expected: date | None
    cause: str
    work_done: str
    materials: tuple[MaterialRow, ...]
    labour_fee: Decimal | None
    materials_fee: Decimal | None
    total_fee: Decimal | None
    rework_count: int
    callback: CallbackInfo | None


@dataclass(frozen=True)
class ComplaintForm:
    head: FormHead
    state: str
    created_at: datetime
    channel: str
    complainant: str
    room: str
    phone: str
    occurred_at: datetime | None
    occurred_place: str
    category: str
    subtype: str
    severity: str
    target: str
    description: str
    demand: str
    demand_deadline: datetime | None
    witnesses: str
    attachments: tuple[str, ...]  # file names of the photos/files kept with it
    receptionist: str
    due_at: datetime
    level: str
    escalated_at: datetime | None
    department: str
    measures: str
    result: str
    reply: str
    replied_at: datetime | None
    callback: CallbackInfo | None


@dataclass(frozen=True)
class LoanRow:
    serial: str
    lent_at: datetime
    item: str
    quantity: int
    borrower: str
    room: str
    phone: str
    deposit: Decimal
    expected_return_at: datetime
    lent_by: str
    state: str
    returned_at: datetime | None = None
    returned_to: str = ""
    condition: str = ""
    deposit_refunded: Decimal | None = None
    remarks: str = ""
    void_reason: str = ""
    overdue: bool = False

    def notes(self) -> str:
        """备注 as the register prints it: remarks, return details, void, overdue."""
        parts = [self.remarks]
        if self.returned_at is not None:
            back = f"{self.returned_to}收回" if self.returned_to else "已归还"
            parts.append(f"{back}：{self.condition}" if self.condition else back)
        if self.deposit_refunded is not None and self.deposit:
            parts.append(f"退押金 {self.deposit_refunded:.2f} 元")
        if self.void_reason:
            parts.append(f"已作废：{self.void_reason}")
        if self.overdue:
            parts.append("逾期未还")
        return "；".join(p for p in parts if p)


@dataclass(frozen=True)
class LoanRegister:
    """物品借用登记表 of a day or a date range (A4 landscape)."""

    head: FormHead
    start: date
    end: date
    rows: tuple[LoanRow, ...]


@dataclass(frozen=True)
class LoanSlip:
    """One loan on its own form, for the borrower to sign."""

    head: FormHead
    loan: LoanRow


Form = WorkOrderForm | ComplaintForm | LoanRegister | LoanSlip


def render(form: Form, path: Path | str) -> Path:
    """Write ``form`` as PDF or xlsx, chosen by the file name's suffix; returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from desk.reports.pdf_forms import render_pdf

        return render_pdf(form, path)
    if suffix == ".xlsx":
        from desk.reports.xlsx_forms import render_xlsx

        return render_xlsx(form, path)
    raise ValidationError(
        "out", "输出文件", f"文件名应以 .pdf 或 .xlsx 结尾（现在是“{path.name}”）"
    )
