"""What each paper form shows, once, for both the PDF and the xlsx renderer.

A form is a list of blocks stacked in one bordered grid:

- ``Section``: a shaded title bar.
- ``Row``: cells on a 12-column grid; each a shaded label and a value — a typed value
  (text, datetime, Decimal, int), ``Checks`` (boxes, the record's answer ticked), or
  nothing, which leaves room to write by hand — or a ``Signature`` written on the screen,
  drawn in the box (``sign_row``). ``height`` is the least height in points.
  A ``signature`` row is printed on the page of the section it signs (the PDF moves a
  signed section to the next page whole rather than break it).
- ``TextBox``: a label and a long text across the page, continued on the next page when
  long; ruled lines to write on when empty (``blank_lines``, fewer down to ``min_lines``
  when that keeps the form on one page).
- ``Table``: column headers and rows of typed values, blank rows to fill in by hand;
  ``marked`` rows stand out (bold), e.g. overdue items, ``struck`` ones are crossed out
  (voided); a register's short columns are as wide as their values (``fit``).

Values keep their types so the xlsx stores real dates and numbers; ``show`` gives the
text the PDF prints. Standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from desk.models import kinds
from desk.models.enums import LoanState, Severity
from desk.reports.form_data import (
    SATISFACTION,
    CallbackInfo,
    CarriedRow,
    ComplaintForm,
    Form,
    HandoverForm,
    LoanRegister,
    LoanRow,
    LoanSlip,
    Signature,
    WorkOrderForm,
)

GRID = 12
ROW_H = 20.0  # points: a blank row still takes a handwritten entry (7 mm)
SIGN_H = 34.0  # a signature needs room (12 mm)
REGISTER_ROW_H = 26.0  # 9 mm to sign in, two lines of 8 pt: 16 rows on an A4 landscape page
REGISTER_SIZE = 8.0
REGISTER_LINES = 3  # a long remark shows this many lines, ending in …; the record keeps it all
# the labels of stored fields, as everywhere (desk.models.kinds)
wo = kinds.WORKORDER.label
co = kinds.COMPLAINT.label
lo = kinds.LOAN.label
cbk = kinds.CALLBACK.label
ho = kinds.HANDOVER.label

DATE_LINE = "　　　　年　　月　　日"  # written by hand beside a signature
ON_SCREEN = "屏幕签名"  # after the time of a signature written on the screen (one line)
TIME_LINE = "　月　日　时　分"  # a time the technician writes down
DATETIME = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Checks:
    """Boxes to tick; ``selected`` (if any) is ticked."""

    options: Sequence[str]
    selected: str | None = None

    def text(self) -> str:
        return "　".join(("☑" if o == self.selected else "□") + o for o in self.options)


@dataclass(frozen=True)
class Cell:
    label: str
    value: Any = None
    span: int = 4
    align: str = "left"  # left | center | right


@dataclass(frozen=True)
class Section:
    title: str


@dataclass(frozen=True)
class Row:
    cells: Sequence[Cell]
    height: float = ROW_H
    signature: bool = False  # signed by hand: never printed apart from the section it signs


@dataclass(frozen=True)
class TextBox:
    label: str
    text: str
    blank_lines: int = 2  # ruled lines when there is no text …
    min_lines: int = 1  # … down to these when the form fits one page only with fewer


@dataclass(frozen=True)
class FormColumn:
    title: str
    weight: float
    align: str = "left"
    time_format: str = DATETIME  # how datetimes in this column print
    # not 0: as wide as its widest value, never wrapped, up to so many points (in the
    # PDF); what it does not need goes to the other columns by weight (a serial, a time)
    fit: float = 0.0
    strike: bool = True  # a struck row's line crosses it (not the mark that says why)


@dataclass(frozen=True)
class Table:
    """``min_rows`` rows at least (blank ones to fill in); ``fill_page``: the PDF rules
    blank rows to the end of the last page. ``max_lines``: a cell shows at most so many
    lines, the last ending in … (0: all); ``dense``: a register's tighter padding and
    line spacing, the column titles in the table's type size."""

    columns: Sequence[FormColumn]
    rows: Sequence[Sequence[Any]]
    min_rows: int = 0
    row_height: float = ROW_H
    fill_page: bool = False
    text_size: float = 10.0  # points, in the PDF
    marked: frozenset[int] = frozenset()  # indexes of rows printed in bold
    struck: frozenset[int] = frozenset()  # indexes of rows struck through (voided ones)
    max_lines: int = 0
    dense: bool = False


Block = Section | Row | TextBox | Table


def show(value: Any, time_format: str = DATETIME) -> str:
    """A value as the PDF prints it; None is an empty box."""
    if value is None or isinstance(value, Signature):  # a signature is drawn, not printed
        return ""
    if isinstance(value, datetime):
        return value.strftime(time_format)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Checks):
        return value.text()
    return str(value)


def count(value: Decimal) -> int | Decimal:
    """2.00 → 2: a count of whole things reads as a count."""
    return int(value) if value == value.to_integral_value() else value


def sign_row(who: str, signature: Signature | None = None) -> Row:
    """``who`` signs and dates by hand; or, signed on the screen, the box holds the
    signature and the date cell its time."""
    when = DATE_LINE if signature is None else f"{signature.signed_at:{DATETIME}} {ON_SCREEN}"
    return Row([Cell(who, signature, 7), Cell("日期", when, 5, align="center")], SIGN_H,
               signature=True)  # fmt: skip


def sign_pair(first: str, second: str) -> Row:
    """Two signatures side by side, each dated in its own box: a form with no room for
    another row on its one page."""
    return Row(
        [Cell(who, DATE_LINE, 6, align="right") for who in (first, second)], SIGN_H, signature=True
    )


def intake_row(when: Cell, channel: Cell, who: Cell) -> Row:
    """受理: when and how the record came in, who took it and their signature — the line
    that closes the intake section."""
    return Row(
        [replace(when, span=4), replace(channel, span=2), replace(who, span=3),
         Cell(f"{who.label}签字", None, 3)],
        SIGN_H,
        signature=True,
    )  # fmt: skip


def _void(reason: str) -> list[Block]:
    return [TextBox("作废原因", reason)] if reason else []


def _callback(cb: CallbackInfo | None) -> list[Block]:
    cb = cb or CallbackInfo(due_at=None)
    done = cb.done_at is not None
    when: Any = cb.done_at if done else (f"{show(cb.due_at)} 前" if cb.due_at else None)
    result = "\n".join(
        t for t in (cb.outcome, f"{cbk('comment')}：{cb.comment}" if cb.comment else "") if t
    )
    # who called back signs beside their name and the time: one row, as on the duty record,
    # so the form keeps to one page
    return [
        Row([Cell(cbk("way"), Checks(("电话", "上门"), cb.way or None)),
             Cell(cbk("satisfaction"), Checks(SATISFACTION, cb.satisfaction or None), 8)]),
        TextBox(cbk("outcome"), result),
        Row([Cell(cbk("staff_id"), cb.staff if done else None, 3), Cell(cbk("done_at"), when),
             Cell(f"{cbk('staff_id')}签字", None, 5)], SIGN_H, signature=True),
    ]  # fmt: skip


# --- 派工单 (QR-025SD) -----------------------------------------------------------------------


def workorder_blocks(f: WorkOrderForm) -> list[Block]:
    materials = [
        [i, m.name, count(m.quantity), m.unit_price, m.amount]
        for i, m in enumerate(f.materials, start=1)
    ]
    state = f.state + (f"（返工 {f.rework_count} 次）" if f.rework_count else "")
    return [
        Section("一、报修受理"),
        Row([Cell(wo("person_name"), f.reporter), Cell(wo("room_text"), f.room),
             Cell(wo("phone"), f.phone)]),
        Row([Cell(wo("location"), f.location), Cell(wo("category"), f.category),
             Cell(wo("urgency"), f.urgency)]),
        Row([Cell(wo("appointment_at"), f.appointment_at),
             Cell(wo("is_paid"), Checks(("是", "否"), "是" if f.is_paid else "否")),
             Cell(wo("state"), state)]),
        TextBox(wo("description"), f.description),
        intake_row(Cell(wo("created_at"), f.created_at), Cell(wo("channel"), f.channel),
                   Cell(wo("staff_id"), f.receptionist)),
        Section("二、派工"),
        Row([Cell(wo("dispatcher_id"), f.dispatcher), Cell(wo("dispatched_at"), f.dispatched_at),
             Cell(wo("assignee"), f.assignee)]),
        Row([Cell(wo("response_due"), f.response_due), Cell(wo("completion_due"), f.completion_due),
             Cell(wo("parts_expected"), f.parts_expected)]),
        Section("三、维修记录（维修人员填写）"),
        TextBox(wo("cause"), f.cause),
        TextBox(wo("work_done"), f.work_done),
        Table(
            [
                FormColumn("序号", 1, "center"),
                FormColumn("材料名称及规格", 6),
                FormColumn("数量", 1.6, "right"),
                FormColumn("单价（元）", 2, "right"),
                FormColumn("金额（元）", 2, "right"),
            ],
            materials,
            min_rows=3,
        ),
        Row([Cell(f"{wo('labour_fee')}（元）", f.labour_fee, align="right"),
             Cell(f"{wo('materials_fee')}（元）", f.materials_fee, align="right"),
             Cell(f"{wo('total_fee')}（元）", f.total_fee, align="right")]),
        # the technician writes the times and signs under the work they sign for
        Row([Cell(wo("arrived_at"), f.arrived_at or TIME_LINE),
             Cell(wo("completed_at"), f.completed_at or TIME_LINE),
             Cell("维修人员签字", None)], SIGN_H, signature=True),
        Section("四、业主验收"),
        Row([Cell("验收结果", Checks(("已修复，使用正常", "未修复，需再次维修")), 12)]),
        Row([Cell("满意度", Checks(SATISFACTION), 12)]),
        TextBox("业主意见", "", blank_lines=1),
        sign_row("业主签字", f.resident_signature),
        Section("五、回访"),
        *_callback(f.callback),
        *_void(f.head.void_reason),
    ]  # fmt: skip


# --- 客户投诉处理单 (QR-026SD) ------------------------------------------------------------------


def complaint_blocks(f: ComplaintForm) -> list[Block]:
    category = f"{f.category}／{f.subtype}" if f.subtype else f.category
    return [
        Section("一、投诉受理"),
        Row([Cell(co("person_name"), f.complainant), Cell(co("room_text"), f.room),
             Cell(co("phone"), f.phone)]),
        Row([Cell(co("occurred_at"), f.occurred_at),
             Cell(co("occurred_place"), f.occurred_place, 8)]),
        Row([Cell(co("category"), category), Cell(co("severity"), f.severity),
             Cell(co("due_at"), f.due_at)]),
        Row([Cell(co("target"), f.target, 12)]),
        TextBox(co("description"), f.description, blank_lines=4),
        # a text box just above the signature: when the text is longer than a page, the
        # signature takes the box's last lines along
        Row([Cell(co("demand_deadline"), f.demand_deadline),
             Cell(co("witnesses"), f.witnesses, 8)]),
        TextBox(co("demand"), f.demand, blank_lines=1),
        # attachments are kept in the program, not written by hand: a row only when there are
        *([TextBox("附件", "、".join(f.attachments))] if f.attachments else []),
        intake_row(Cell(co("created_at"), f.created_at), Cell(co("channel"), f.channel),
                   Cell(co("staff_id"), f.receptionist)),
        Section("二、部门处理"),
        Row([Cell(co("department"), f.department), Cell(co("level"), f.level),
             Cell(co("escalated_at"), f.escalated_at)]),
        TextBox(co("measures"), f.measures),
        sign_row("部门负责人签字"),
        Section("三、处理结果与答复"),
        TextBox(co("result"), f.result),
        TextBox(co("reply"), f.reply),
        Row([Cell(co("replied_at"), f.replied_at), Cell(co("state"), f.state, 8)]),
        Section("四、业主意见"),
        Row([Cell("满意度", Checks(SATISFACTION), 12)]),
        TextBox("业主意见", "", blank_lines=1),
        sign_row("业主签字", f.resident_signature),
        Section("五、回访"),
        *_callback(f.callback),
        *_review(f),
        *_void(f.head.void_reason),
    ]  # fmt: skip


def _review(f: ComplaintForm) -> list[Block]:
    """主管审核; a 重大 complaint is signed off by the company's leadership as well, beside
    the supervisor (no room for another row on the one page)."""
    if f.severity != Severity.MAJOR:
        return [Section("六、主管审核"), TextBox("审核意见", "", blank_lines=1),
                sign_row("客服主管签字")]  # fmt: skip
    return [
        Section("六、主管审核及公司领导审批"),
        TextBox("审核意见", "", blank_lines=1),
        sign_pair("客服主管签字", "公司领导签字"),
    ]


# --- 物品借用登记表 (QR-030SD) and the one-loan slip --------------------------------------------


def register_time_format(values: Sequence[datetime | None], r: LoanRegister) -> str:
    """Times in a register column without what the subtitle already says: the time
    alone in a one-day register, month-day-time within one year, else in full."""
    days = {v.date() for v in values if v is not None}
    if days <= {r.start} and r.start == r.end:
        return "%H:%M"
    if all(d.year == r.start.year for d in days) and r.start.year == r.end.year:
        return "%m-%d %H:%M"
    return DATETIME


def register_blocks(r: LoanRegister) -> list[Block]:
    fmt = {
        name: register_time_format([getattr(row, name) for row in r.rows], r)
        for name in ("lent_at", "expected_return_at", "returned_at")
    }
    # what is short is as wide as its longest value and never wraps (``fit``: up to so
    # many points; an unusually long item, name or room wraps); the signature box and the
    # remarks share the rest (``weight``), at least 50 and 60 points
    columns = [
        FormColumn("序号", 0, "center", fit=30),
        FormColumn("状态", 0, "center", fit=32, strike=False),
        FormColumn("单号", 0, "center", fit=72),
        FormColumn(lo("created_at"), 0, "center", fmt["lent_at"], fit=70),
        FormColumn(lo("item_id"), 0, fit=56),
        FormColumn(lo("quantity"), 0, "center", fit=24),
        FormColumn(lo("person_name"), 0, fit=48),
        FormColumn(lo("room_text"), 0, fit=52),
        FormColumn("联系电话", 0, fit=72),
        FormColumn(f"{lo('deposit')}（元）", 0, "right", fit=40),
        FormColumn(lo("expected_return_at"), 0, "center", fmt["expected_return_at"], fit=70),
        FormColumn("借用人签字", 50),
        FormColumn(lo("staff_id"), 0, fit=40),
        FormColumn(lo("returned_at"), 0, "center", fmt["returned_at"], fit=70),
        FormColumn(lo("condition"), 0, fit=44),
        FormColumn(f"{lo('deposit_refunded')}（元）", 0, "right", fit=40),
        FormColumn(lo("returned_to_id"), 0, fit=40),
        FormColumn(lo("remarks"), 60),
    ]
    # the None is the borrower's signature box, signed by hand
    rows = [
        [i, register_mark(x), x.serial, x.lent_at, x.item, x.quantity, x.borrower, x.room,
         x.phone, x.deposit, x.expected_return_at, None, x.lent_by, x.returned_at,
         x.condition if x.returned_at else None,
         x.deposit_refunded if x.returned_at and x.deposit else None,
         x.returned_to or None, register_remarks(x)]
        for i, x in enumerate(r.rows, start=1)
    ]  # fmt: skip
    if not r.deposits:  # 押金 and 退还押金
        dropped = {9, 15}
        columns = [c for i, c in enumerate(columns) if i not in dropped]
        rows = [[v for i, v in enumerate(row) if i not in dropped] for row in rows]
    return [
        Table(
            columns,
            rows,
            row_height=REGISTER_ROW_H,
            fill_page=True,
            text_size=REGISTER_SIZE,
            marked=frozenset(i for i, x in enumerate(r.rows) if x.overdue),
            struck=frozenset(i for i, x in enumerate(r.rows) if _voided(x)),
            max_lines=REGISTER_LINES,
            dense=True,
        )
    ]


def register_mark(x: LoanRow) -> str:
    """状态 as a register shows it at a glance: overdue and void stand out, a loan still
    out says so, a returned one is blank (its return time says it)."""
    if _voided(x):
        return "作废"
    if x.overdue:
        return "▲逾期"
    return "未还" if x.returned_at is None else ""


def register_remarks(x: LoanRow) -> str:
    return "；".join(p for p in (x.remarks, f"作废：{x.void_reason}" if x.void_reason else "") if p)


def _voided(x: LoanRow) -> bool:
    return x.state == LoanState.VOID or bool(x.void_reason)


# a slip takes half an A4 sheet, printed twice on it: the desk keeps one copy, the borrower
# takes the other (a slip too long for half a sheet prints once on a whole one)
SLIP_COPIES = ("第一联　前台存根", "第二联　借用人留存")


def slip_blocks(s: LoanSlip) -> list[Block]:
    x: LoanRow = s.loan
    back = x.returned_at is not None
    return [
        Section("一、借出登记"),
        Row([Cell(lo("created_at"), x.lent_at), Cell(lo("item_id"), x.item),
             Cell(lo("quantity"), x.quantity)]),
        Row([Cell(lo("person_name"), x.borrower), Cell(lo("room_text"), x.room),
             Cell("联系电话", x.phone)]),
        Row([Cell(f"{lo('deposit')}（元）", x.deposit),
             Cell(lo("expected_return_at"), x.expected_return_at),
             Cell(lo("staff_id"), x.lent_by)]),
        TextBox(lo("remarks"),
                "；".join(p for p in (x.remarks, "逾期未还" if x.overdue else "") if p)),
        sign_row("借用人签字", s.resident_signature),
        Section("二、归还登记"),
        Row([Cell(lo("returned_at"), x.returned_at or TIME_LINE),
             Cell("物品状况", x.condition if back else None),
             Cell(f"{lo('deposit_refunded')}（元）", x.deposit_refunded if back else None)]),
        Row([Cell(lo("returned_to_id"), x.returned_to), Cell("收回人签字", None, 8)], SIGN_H,
            signature=True),
        *_void(s.head.void_reason),
    ]  # fmt: skip


# --- 客服值班记录表 (QR-032SD) ---------------------------------------------------------------

# ruled lines for the notable events when none were typed: all of them, even if the record
# then takes a second page (they are what the receptionist writes)
HANDOVER_NOTES_LINES = 5


def year_time_format(values: Sequence[datetime | None], year: int) -> str:
    """Month-day-time when every time falls in ``year`` (the date above says which), else
    the full date."""
    return "%m-%d %H:%M" if all(v is None or v.year == year for v in values) else DATETIME


def handover_blocks(f: HandoverForm) -> list[Block]:
    # still on duty when the record was taken: the planned end instead
    end = Cell("下班时间", f.ended_at) if f.ended_at else Cell("计划下班", f.planned_end)
    labels = [c.label for c in f.counts]
    made = [c.made for c in f.counts]
    count_rows: list[list[Any]] = [["本班登记", *made, sum(made)]]
    if any(c.voided for c in f.counts):
        voided = [c.voided for c in f.counts]
        count_rows.append(["作废（不计入）", *voided, sum(voided)])
    counts = Table(
        [FormColumn("项目", 3.2, "center"),
         *[FormColumn(label, 1.6, "center") for label in labels],
         FormColumn("合计", 1.6, "center")],
        count_rows,
    )  # fmt: skip
    fmt = year_time_format([r.deadline for r in f.carried], f.day.year)
    carried = Table(
        [
            FormColumn("序号", 2.3, "center"),
            FormColumn("类别", 4.0, "center"),  # 物品借用 on one line
            FormColumn("单号", 7.0, "center"),
            FormColumn("房号/位置", 5.4, "center"),
            FormColumn("内容", 13.6),
            FormColumn("期限", 5.0 if fmt != DATETIME else 7.0, "center", fmt),  # dates never wrap
            FormColumn("说明", 6.2),
        ],
        [[i, r.group, r.serial, r.room, r.summary, r.deadline, _carry_reason(r)]
         for i, r in enumerate(f.carried, start=1)],
        text_size=9.0,
        marked=frozenset(i for i, r in enumerate(f.carried) if r.overdue),
    )  # fmt: skip
    if f.accepted_at is not None:
        accept_note: list[Block] = []
    else:
        late = "（已超过接班期限）" if f.flagged else ""
        accept_note = [Row([Cell("接班期限", f"{show(f.accept_by)} 前{late}", 12)])]
    return [
        Section("一、值班情况"),
        Row([Cell("值班日期", f.day), Cell(ho("shift_id"), f.shift_name),
             Cell("值班人", f.on_duty)]),
        Row([Cell("上班时间", f.started_at), end, Cell(ho("state"), f.state)]),
        Section("二、本班工作量"),
        counts,
        Section("三、重要事项"),
        TextBox("情况记录", f.notes, HANDOVER_NOTES_LINES, HANDOVER_NOTES_LINES),
        Section("四、移交事项"),
        Row([Cell("", _carried_note(f), 12)]),
        *([carried] if f.carried else [TextBox("移交事项", "无未办结事项需要移交。")]),
        Section("五、交接确认"),
        Row([Cell("", "以上情况属实；移交事项已当面交接，逐项核对无误。", 12)]),
        *accept_note,
        Row([Cell(ho("outgoing_id"), f.outgoing, 3),
             Cell(ho("confirmed_at"), f.confirmed_at or TIME_LINE),
             Cell(f"{ho('outgoing_id')}签字", None, 5)], SIGN_H, signature=True),
        Row([Cell(ho("incoming_id"), f.incoming or None, 3),
             Cell(ho("accepted_at"), f.accepted_at or TIME_LINE),
             Cell(f"{ho('incoming_id')}签字", None, 5)], SIGN_H, signature=True),
        *_void(f.head.void_reason),
    ]  # fmt: skip


def _carry_reason(r: CarriedRow) -> str:
    """说明: why it is carried; an overdue item always says so in words, not just in bold."""
    if r.overdue and "超时" not in r.reason and "逾期" not in r.reason:
        return f"超时：{r.reason}"
    return r.reason


def _carried_note(f: HandoverForm) -> str:
    """What the list holds and as of when: the groups counted, the overdue ones, the
    callbacks' horizon."""
    if not f.carried:
        return f"截至 {show(f.assembled_at)}，没有需要下一班跟进的未办结事项。"
    groups = "、".join(f"{g} {n}" for g, n in f.groups())
    overdue = sum(r.overdue for r in f.carried)
    late = f"，其中超时 {overdue} 项（加粗）" if overdue else ""
    return (
        f"截至 {show(f.assembled_at)} 仍未办结、需下一班跟进的事项共 {len(f.carried)} 项"
        f"（{groups}）{late}；回访列出 {show(f.callbacks_until)} 前到期的。"
    )


def blocks_for(form: Form) -> list[Block]:
    if isinstance(form, HandoverForm):
        return handover_blocks(form)
    if isinstance(form, WorkOrderForm):
        return workorder_blocks(form)
    if isinstance(form, ComplaintForm):
        return complaint_blocks(form)
    if isinstance(form, LoanRegister):
        return register_blocks(form)
    if isinstance(form, LoanSlip):
        return slip_blocks(form)
    raise TypeError(f"not a form: {type(form).__name__}")
