"""Every record kind of the desk, declared once: its serial prefix, titles, paper form, its
fields with the one label each has everywhere, and the columns of its list.

``KINDS`` are the five registers with a desk tab (来访, 来电, 报修, 投诉, 借用): each has a
serial from the day's counter, a text index, a list that sorts and an export. ``ALL_KINDS``
adds the records without a tab of their own: 回访 (``CALLBACK``: no serial, its repair's or
complaint's; the 回访 tab's queue) and 值班记录 (``HANDOVER``: ``JB-`` serials counted by
position; the 交接班 tab's list of shifts). ``kind()`` and ``label()`` know them all.

The detail (services.details), the list on screen (ui tabs) and its Excel export
(services.list_export), and the validation messages of the services read their labels
and column order from here, so a field is called the same on the screen, in an error
message, in the export and on the printed form; the text search (services.core.textsearch)
indexes the fields marked ``searchable``. Plain data: no ORM, no Qt, so the report layer
may read it too.

Searchable are the fields people type words of: names, phones, rooms, free text, and the
categories and call type (``电梯``, ``转告``), which never change after intake. Enumerated
states, urgency and severity are filters and sortable columns, not text.

Adding a field to a kind: the model, its migration, and a ``Field`` here. Adding a kind:
a model, a migration, a ``RecordKind`` here (and, with a tab, a small tab class). A kind
with searchable fields needs its ``<key>_fts`` table in that migration; a change to which
fields are searchable needs a migration that re-indexes that kind (as 0003 indexes all).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from desk.models.enums import LoanKind

# how a value is shown in an export column: list_xlsx's column kinds
Format = Literal["text", "wide", "datetime", "date", "int"]


@dataclass(frozen=True)
class Field:
    """A stored field: ``name`` is the model's attribute, ``label`` its one name.

    ``searchable``: the text search (services.core.textsearch) finds the record by this
    field's text; a record's searchable fields go into its index in the order declared here.
    ``names``: the field holds the id of a row of that table (``staff``, ``loanitem``), and
    what the record shows and is searched by is that row's ``name``.
    """

    name: str
    label: str
    searchable: bool = False
    names: str | None = None


@dataclass(frozen=True)
class ListColumn:
    """A column of the kind's list, on screen and in its export, in this order.

    ``key`` is the list row's attribute (services.lists rows); ``of`` names the field
    whose label the column carries, or ``label`` gives one for a value the list computes
    (剩余). ``sort`` is the list's sort key (services.lists), None when it cannot sort.
    """

    key: str
    of: str | None = None
    label: str | None = None
    format: Format = "text"
    sort: str | None = None


@dataclass(frozen=True)
class RecordKind:
    key: str  # the table and the kind's name in code: "workorder"
    title: str  # 报修
    fields: tuple[Field, ...]  # in the detail's order
    columns: tuple[ListColumn, ...]
    # serial prefix: PG-20261122-003 (desk.services.core.numbering makes and reads them);
    # None: the kind has no serial of its own (a 回访 shows its repair's or complaint's)
    prefix: str | None = None
    # True: the n-th serial of the day comes from the day's counter row, kept with the
    # record (PG-20261122-003); False: it is the record's position among that day's and
    # worked out when printed (JB-20261123-02)
    counted: bool = True
    serial_name: str = ""  # what a serial of this kind names, in a sentence: 派工单
    list_title: str = ""  # the export's title

    def label(self, name: str) -> str:
        """The label of field ``name``; KeyError for a field the kind does not have."""
        for f in self.fields:
            if f.name == name:
                return f.label
        raise KeyError(f"{self.key} has no field {name!r}")

    @property
    def labels(self) -> dict[str, str]:
        return {f.name: f.label for f in self.fields}

    @property
    def searchable(self) -> tuple[Field, ...]:
        """The fields the text search finds the record by, in their index order."""
        return tuple(f for f in self.fields if f.searchable)

    def column_label(self, column: ListColumn) -> str:
        if column.label is not None:
            return column.label
        return self.label(column.of or column.key)


def _col(
    key: str, of: str | None = None, *, fmt: Format = "text", sort: str | None = ""
) -> ListColumn:
    """A list column sorted by its own key unless ``sort`` says otherwise (None: unsorted)."""
    return ListColumn(key, of=of, format=fmt, sort=key if sort == "" else sort)


SERIAL = _col("serial")
STATE = _col("state")
PHONE = _col("phone")
ROOM = _col("room", "room_text")
# the time left to the deadline running now (the row's red_at, stored as overdue_at),
# sorted by that deadline
COUNTDOWN = ListColumn("countdown", label="剩余", sort="red_at")


# every record is voided with a reason (services.records.common.void, also for 回访)
VOID_REASON = Field("void_reason", "作废原因", searchable=True)
# 修改 (a correction of a saved record's facts) asks why; the reason is kept in the audit
# log's rows of the correction (services.records.corrections), not in a column: no kind
# lists this field
CORRECT_REASON = Field("correct_reason", "修改原因")


def _common_tail(who: str) -> tuple[Field, ...]:
    return (Field("staff_id", who, names="staff"), Field("state", "状态"), VOID_REASON)


VISIT = RecordKind(
    key="visit",
    serial_name="来访记录",
    prefix="LF",
    title="来访",
    list_title="来访接待列表",
    fields=(
        Field("serial", "单号", searchable=True),
        Field("created_at", "来访时间"),
        Field("person_name", "来访人", searchable=True),
        Field("phone", "电话", searchable=True),
        Field("room_text", "房号", searchable=True),
        Field("is_resident", "住户"),
        Field("id_tail", "证件后四位", searchable=True),
        Field("visiting", "拜访住户", searchable=True),
        Field("reason", "来访事由", searchable=True),
        Field("outcome", "处理方式"),
        Field("dept_head", "转交负责人", searchable=True),
        Field("passed_at", "转交时间"),
        Field("result", "处理结果", searchable=True),
        Field("closed_at", "办结时间"),
        *_common_tail("接待人"),
    ),
    columns=(
        SERIAL,
        _col("created_at", fmt="datetime"),
        _col("person", "person_name"),
        ROOM,
        PHONE,
        _col("outcome"),
        STATE,
        _col("summary", "reason", fmt="wide"),
    ),
)

CALL = RecordKind(
    key="call",
    serial_name="来电记录",
    prefix="LD",
    title="来电",
    list_title="来电记录列表",
    fields=(
        Field("serial", "单号", searchable=True),
        Field("created_at", "来电时间"),
        Field("call_type", "类型", searchable=True),
        Field("person_name", "来电人", searchable=True),
        Field("phone", "电话", searchable=True),
        Field("room_text", "房号", searchable=True),
        Field("content", "来电内容", searchable=True),
        Field("reply", "答复", searchable=True),
        Field("message_for_id", "转告给", searchable=True, names="staff"),
        Field("message_state", "转告状态"),
        Field("delivered_at", "转告时间"),
        *_common_tail("接听人"),
    ),
    columns=(
        SERIAL,
        _col("created_at", fmt="datetime"),
        _col("call_type"),
        _col("person", "person_name"),
        ROOM,
        PHONE,
        _col("message_state"),
        _col("summary", "content", fmt="wide"),
    ),
)

WORKORDER = RecordKind(
    key="workorder",
    serial_name="派工单",
    prefix="PG",
    title="报修",
    list_title="报修派工列表",
    fields=(
        Field("serial", "单号", searchable=True),
        Field("created_at", "报修时间"),
        Field("channel", "报修方式"),
        Field("person_name", "报修人", searchable=True),
        Field("phone", "电话", searchable=True),
        Field("room_text", "房号", searchable=True),
        Field("location", "报修位置", searchable=True),
        Field("category", "报修类别", searchable=True),
        Field("urgency", "紧急程度"),
        Field("is_paid", "有偿服务"),
        Field("appointment_at", "预约时间"),
        Field("description", "报修内容", searchable=True),
        Field("response_due", "响应时限"),
        Field("completion_due", "完成时限"),
        Field("dispatcher_id", "派工人", names="staff"),
        Field("dispatched_at", "派工时间"),
        Field("assignee", "维修人员/班组", searchable=True),
        Field("arrived_at", "到场时间"),
        Field("parts_expected", "预计到料"),
        Field("completed_at", "完成时间"),
        Field("cause", "故障原因", searchable=True),
        Field("work_done", "维修内容", searchable=True),
        Field("labour_fee", "人工费"),
        Field("materials_fee", "材料费"),
        Field("total_fee", "合计"),
        Field("rework_count", "返工次数"),
        *_common_tail("受理人"),
    ),
    columns=(
        SERIAL,
        _col("created_at", fmt="datetime"),
        _col("urgency"),
        _col("category"),
        # state and countdown early: they must be in view without scrolling
        STATE,
        COUNTDOWN,
        _col("person", "person_name"),
        ListColumn("room", label="房号/位置", sort="room"),
        _col("assignee"),
        _col("response_due", fmt="datetime"),
        _col("completion_due", fmt="datetime"),
        _col("summary", "description", fmt="wide"),
    ),
)

COMPLAINT = RecordKind(
    key="complaint",
    serial_name="投诉单",
    prefix="TS",
    title="投诉",
    list_title="投诉处理列表",
    fields=(
        Field("serial", "单号", searchable=True),
        Field("created_at", "受理时间"),
        Field("channel", "投诉方式"),
        Field("person_name", "投诉人", searchable=True),
        Field("phone", "电话", searchable=True),
        Field("room_text", "房号", searchable=True),
        Field("occurred_at", "发生时间"),
        Field("occurred_place", "发生地点", searchable=True),
        Field("target", "被投诉对象", searchable=True),
        Field("category", "投诉类别", searchable=True),
        Field("subtype", "投诉细类", searchable=True),
        Field("severity", "严重程度"),
        Field("description", "投诉内容", searchable=True),
        Field("demand", "业主诉求", searchable=True),
        Field("demand_deadline", "要求解决期限"),
        Field("witnesses", "证人", searchable=True),
        Field("level", "上报层级"),
        Field("due_at", "处理时限"),
        Field("escalated_at", "上报时间"),
        Field("department", "责任部门", searchable=True),
        Field("measures", "处理措施", searchable=True),
        Field("result", "处理结果", searchable=True),
        Field("reply", "答复内容", searchable=True),
        Field("replied_at", "答复时间"),
        *_common_tail("受理人"),
    ),
    columns=(
        SERIAL,
        _col("created_at", fmt="datetime"),
        _col("severity"),
        _col("category"),
        STATE,
        COUNTDOWN,
        _col("person", "person_name"),
        ROOM,
        _col("level"),
        _col("due_at", fmt="datetime"),
        _col("demand_deadline", fmt="datetime", sort=None),
        _col("summary", "description", fmt="wide"),
    ),
)

LOAN = RecordKind(
    key="loan",
    serial_name="借用单",
    prefix="JY",
    title="借用",
    list_title="物品借用列表",
    fields=(
        Field("serial", "单号", searchable=True),
        Field("created_at", "借出时间"),
        Field("item_id", "物品", searchable=True, names="loanitem"),
        Field("quantity", "数量"),
        Field("person_name", "借用人", searchable=True),
        Field("phone", "电话", searchable=True),
        Field("room_text", "房号", searchable=True),
        Field("deposit", "押金"),
        Field("expected_return_at", "预计归还"),
        Field("returned_at", "归还时间"),
        Field("condition", "归还状况", searchable=True),
        Field("deposit_refunded", "退还押金"),
        Field("remarks", "备注", searchable=True),
        Field("staff_id", "借出人", names="staff"),
        Field("returned_to_id", "收回人", names="staff"),
        Field("state", "状态"),
        VOID_REASON,
    ),
    columns=(
        SERIAL,
        _col("created_at", fmt="datetime"),
        _col("item", "item_id"),
        _col("quantity", fmt="int"),
        _col("person", "person_name"),
        ROOM,
        PHONE,
        _col("expected_return_at", fmt="datetime"),
        _col("returned_at", fmt="datetime"),
        STATE,
    ),
)

# the loan registers (借用登记表) of a day or a range, one per kind of item, numbered by
# their dates rather than counted: JYDJ-20261123, YSDJ-20261101-20261130
REGISTER_PREFIXES: dict[LoanKind, str] = {LoanKind.ITEM: "JYDJ", LoanKind.KEY: "YSDJ"}

# 回访: queued when a repair is completed or a complaint answered (created_at), due by due_at.
# Its list is the 回访 tab's queue (services.views.callback_list rows, in the scope's order:
# no column sorts); the columns of its repair or complaint carry labels of their own.
CALLBACK = RecordKind(
    key="callback",
    title="回访",
    fields=(
        Field("source", "来源"),
        Field("created_at", "完成时间"),
        Field("due_at", "到期时间"),
        Field("state", "状态"),
        Field("done_at", "回访时间"),
        Field("staff_id", "回访人", names="staff"),
        Field("way", "回访方式"),
        Field("satisfaction", "回访满意度"),
        Field("outcome", "回访结果"),
        Field("comment", "业主意见"),
        # no text index of its own: the queue is searched by its record's text
        Field("void_reason", VOID_REASON.label),
    ),
    columns=(
        _col("due_at", fmt="datetime", sort=None),
        _col("source", sort=None),
        ListColumn("serial", label="单号"),
        ListColumn("person", label="住户"),
        ListColumn("room", label="房号"),
        ListColumn("phone", label="电话"),
        ListColumn("done", label="处理内容", format="wide"),
        ListColumn("done_by", label="处理人"),
        _col("queued_at", "created_at", fmt="datetime", sort=None),
        # the time left while due, the resident's verdict once called (the tab shows it)
        ListColumn("state", label="状态/满意度"),
        _col("called_at", "done_at", fmt="datetime", sort=None),
    ),
)

# 值班记录 (交接班): one per shift. Its list is the 交接班 tab's shifts
# (services.duty.on_duty.duty_list rows, newest first: no column sorts); a shift without a
# handover yet is 未交班 under 记录状态.
HANDOVER = RecordKind(
    key="handover",
    title="值班记录",
    serial_name="值班记录",
    prefix="JB",
    counted=False,
    fields=(
        Field("shift_id", "班次", names="shift"),
        Field("state", "记录状态"),
        Field("notes", "值班情况"),
        Field("outgoing_id", "交班人", names="staff"),
        Field("confirmed_at", "交班时间"),
        Field("incoming_id", "接班人", names="staff"),
        Field("accepted_at", "接班时间"),
    ),
    columns=(
        ListColumn("day", label="日期", format="date"),
        _col("shift_name", "shift_id", sort=None),
        ListColumn("staff_name", label="值班人"),  # the shift's, who writes the record
        _col("status", "state", sort=None),
        _col("incoming_name", "incoming_id", sort=None),
        _col("accepted_at", fmt="datetime", sort=None),
        # the end of the next shift, by when it must have been accepted
        ListColumn("accept_by", label="接班期限", format="datetime"),
    ),
)

# the desk tabs' five registers: serials from the counter, text index, sortable list, export
KINDS: dict[str, RecordKind] = {k.key: k for k in (VISIT, CALL, WORKORDER, COMPLAINT, LOAN)}
# every kind of record the desk keeps
ALL_KINDS: dict[str, RecordKind] = {**KINDS, CALLBACK.key: CALLBACK, HANDOVER.key: HANDOVER}


def kind(key: str) -> RecordKind:
    return ALL_KINDS[key]


def label(key: str, name: str) -> str:
    """``label("workorder", "description")`` → 报修内容."""
    return ALL_KINDS[key].label(name)
