"""The paper forms' data — plain frozen dataclasses — and one door to write them.

派工单 (QR-025SD), 客户投诉处理单 (QR-026SD), 物品借用登记表 (QR-030SD) and its one-loan
slip, 客服值班记录表 (QR-032SD). ``desk.services.io.paper_forms`` builds these from the database;
the renderers (``pdf_forms``, ``xlsx_forms``) take nothing else, so they run and are
tested without a database, an ORM object or Qt. Values keep their types (datetime,
Decimal …): the PDF formats them, the xlsx stores real dates and numbers.

This module imports only the standard library; ``render`` loads reportlab or openpyxl
when a file is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from desk.models.errors import ValidationError
from desk.models.signature import Strokes

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
    stamp: str = ""  # a two-character word stamped beside the title, e.g. 草稿


@dataclass(frozen=True)
class Signature:
    """The resident's signature written on the screen: printed in the form's signature box
    instead of a blank to sign by hand, the date beside it the signing time."""

    strokes: Strokes
    signed_at: datetime
    signer: str = ""  # who signed, as typed at the desk


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
    resident_signature: Signature | None = None  # 业主签字, when signed on the screen


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
    resident_signature: Signature | None = None  # 业主签字, when signed on the screen


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


@dataclass(frozen=True)
class LoanRegister:
    """物品借用登记表 of a day or a date range (A4 landscape)."""

    head: FormHead
    start: date
    end: date
    rows: tuple[LoanRow, ...]
    deposits: bool = True  # the 押金 and 退还押金 columns (none for keys without deposits)


@dataclass(frozen=True)
class LoanSlip:
    """One loan on its own form, for the borrower to sign."""

    head: FormHead
    loan: LoanRow
    resident_signature: Signature | None = None  # 借用人签字, when signed on the screen


@dataclass(frozen=True)
class DutyCount:
    """本班工作量: the records of one kind made in the shift."""

    label: str  # 来访, 来电 …
    made: int  # not voided
    voided: int  # made in the shift and voided since (not in ``made``)


@dataclass(frozen=True)
class CarriedRow:
    """One item the next shift must carry (移交事项)."""

    group: str  # 报修 / 投诉 / 转告 / 物品借用 / 钥匙借用 / 回访 / 来访
    serial: str  # the record's serial, to look it up
    room: str  # room, or the place of a repair in a public area
    summary: str
    deadline: datetime | None
    reason: str  # why it is carried: 超时, 待料, 未转告, 逾期未还 …
    overdue: bool


@dataclass(frozen=True)
class HandoverForm:
    """客服值班记录表 (QR-032SD): one shift's duty record, signed by both receptionists.

    The record is the one stored at confirmation (frozen once accepted); ``assembled_at``
    says when its counts and carried items were taken.
    """

    head: FormHead
    state: str  # 草稿 / 已确认 / 已接班
    day: date
    shift_name: str
    on_duty: str  # 值班人
    started_at: datetime
    planned_end: datetime | None
    ended_at: datetime | None  # None: still on duty when the record was assembled
    assembled_at: datetime
    callbacks_until: datetime  # callbacks due before this are carried
    counts: tuple[DutyCount, ...]
    notes: str  # 重要事项, free text
    carried: tuple[CarriedRow, ...]  # grouped, in the form's order
    outgoing: str  # 交班人
    confirmed_at: datetime | None
    incoming: str  # 接班人
    accepted_at: datetime | None
    accept_by: datetime  # to be accepted by the end of the next shift
    flagged: bool  # not accepted in time

    def groups(self) -> list[tuple[str, int]]:
        """(heading, number of items) in the form's order."""
        found: dict[str, int] = {}
        for row in self.carried:
            found[row.group] = found.get(row.group, 0) + 1
        return list(found.items())


Form = WorkOrderForm | ComplaintForm | LoanRegister | LoanSlip | HandoverForm


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
    raise _bad_suffix(path)


def render_many(forms: Sequence[Form], path: Path | str, title: str = "") -> Path:
    """Several forms one after another in one file (a day's duty records): in a PDF each
    starts a new page and counts its own pages, in an xlsx each has a sheet of its own.
    ``title`` names the PDF (its document title); returns the path."""
    path = Path(path)
    if not forms:
        raise ValidationError("form", "表单", "没有要打印的表单")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from desk.reports.pdf_forms import render_pdf_many

        return render_pdf_many(forms, path, title)
    if suffix == ".xlsx":
        from desk.reports.xlsx_forms import render_xlsx_many

        return render_xlsx_many(forms, path)
    raise _bad_suffix(path)


def _bad_suffix(path: Path) -> ValidationError:
    return ValidationError(
        "out", "输出文件", f"文件名应以 .pdf 或 .xlsx 结尾（现在是“{path.name}”）"
    )
