"""Every record kind of the desk, declared once: its serial prefix, titles, paper form, its
fields with the one label each has everywhere, and the columns of its list.

The detail (services.details), the list on screen (ui tabs) and its Excel export
(services.list_export), and the validation messages of the services read their labels
and column order from here, so a field is called the same on the screen, in an error
message, in the export and on the printed form. Plain data: no ORM, no Qt, so the
report layer may read it too.

Adding a field to a kind: the model, its migration, and a ``Field`` here. Adding a kind:
a model, a migration, a ``RecordKind`` here (and, with a tab, a small tab class).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# how a value is shown in an export column: list_xlsx's column kinds
Format = Literal["text", "wide", "datetime", "int"]


@dataclass(frozen=True)
class Field:
    """A stored field: ``name`` is the model's attribute, ``label`` its one name."""

    name: str
    label: str


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
    prefix: str  # serial prefix: PG-20261122-003
    title: str  # 报修
    serial_name: str  # what a serial of this kind names, in a sentence: 派工单
    fields: tuple[Field, ...]  # in the detail's order
    columns: tuple[ListColumn, ...]
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


def _common_tail(who: str) -> tuple[Field, ...]:
    return (Field("staff_id", who), Field("state", "状态"), Field("void_reason", "作废原因"))


VISIT = RecordKind(
    key="visit",
    serial_name="来访记录",
    prefix="LF",
    title="来访",
    list_title="来访接待列表",
    fields=(
        Field("serial", "单号"),
        Field("created_at", "来访时间"),
        Field("person_name", "来访人"),
        Field("phone", "电话"),
        Field("room_text", "房号"),
        Field("is_resident", "住户"),
        Field("id_tail", "证件后四位"),
        Field("visiting", "拜访住户"),
        Field("reason", "来访事由"),
        Field("outcome", "处理方式"),
        Field("dept_head", "转交负责人"),
        Field("passed_at", "转交时间"),
        Field("result", "处理结果"),
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
        Field("serial", "单号"),
        Field("created_at", "来电时间"),
        Field("call_type", "类型"),
        Field("person_name", "来电人"),
        Field("phone", "电话"),
        Field("room_text", "房号"),
        Field("content", "来电内容"),
        Field("reply", "答复"),
        Field("message_for_id", "转告给"),
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
        Field("serial", "单号"),
        Field("created_at", "报修时间"),
        Field("channel", "报修方式"),
        Field("person_name", "报修人"),
        Field("phone", "电话"),
        Field("room_text", "房号"),
        Field("location", "报修位置"),
        Field("category", "报修类别"),
        Field("urgency", "紧急程度"),
        Field("is_paid", "有偿服务"),
        Field("appointment_at", "预约时间"),
        Field("description", "报修内容"),
        Field("response_due", "响应时限"),
        Field("completion_due", "完成时限"),
        Field("dispatcher_id", "派工人"),
        Field("dispatched_at", "派工时间"),
        Field("assignee", "维修人员/班组"),
        Field("arrived_at", "到场时间"),
        Field("parts_expected", "预计到料"),
        Field("completed_at", "完成时间"),
        Field("cause", "故障原因"),
        Field("work_done", "维修内容"),
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
        ListColumn("countdown", label="剩余", sort="completion_due"),
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
        Field("serial", "单号"),
        Field("created_at", "受理时间"),
        Field("channel", "投诉方式"),
        Field("person_name", "投诉人"),
        Field("phone", "电话"),
        Field("room_text", "房号"),
        Field("occurred_at", "发生时间"),
        Field("occurred_place", "发生地点"),
        Field("target", "被投诉对象"),
        Field("category", "投诉类别"),
        Field("subtype", "投诉细类"),
        Field("severity", "严重程度"),
        Field("description", "投诉内容"),
        Field("demand", "业主诉求"),
        Field("demand_deadline", "要求解决期限"),
        Field("witnesses", "证人"),
        Field("level", "上报层级"),
        Field("due_at", "处理时限"),
        Field("escalated_at", "上报时间"),
        Field("department", "责任部门"),
        Field("measures", "处理措施"),
        Field("result", "处理结果"),
        Field("reply", "答复内容"),
        Field("replied_at", "答复时间"),
        *_common_tail("受理人"),
    ),
    columns=(
        SERIAL,
        _col("created_at", fmt="datetime"),
        _col("severity"),
        _col("category"),
        STATE,
        ListColumn("countdown", label="剩余", sort="due_at"),
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
        Field("serial", "单号"),
        Field("created_at", "借出时间"),
        Field("item_id", "物品"),
        Field("quantity", "数量"),
        Field("person_name", "借用人"),
        Field("phone", "电话"),
        Field("room_text", "房号"),
        Field("deposit", "押金"),
        Field("expected_return_at", "预计归还"),
        Field("returned_at", "归还时间"),
        Field("condition", "归还状况"),
        Field("deposit_refunded", "退还押金"),
        Field("remarks", "备注"),
        Field("staff_id", "借出人"),
        Field("returned_to_id", "收回人"),
        Field("state", "状态"),
        Field("void_reason", "作废原因"),
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

KINDS: dict[str, RecordKind] = {k.key: k for k in (VISIT, CALL, WORKORDER, COMPLAINT, LOAN)}


def kind(key: str) -> RecordKind:
    return KINDS[key]


def label(key: str, name: str) -> str:
    """``label("workorder", "description")`` → 报修内容."""
    return KINDS[key].label(name)
