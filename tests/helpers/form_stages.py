"""派工单 and 投诉处理单 at each stage of their life, filled with ordinary content.

Ordinary means the demo's 95th-percentile length of every text field, measured once on
a generated demo: ``desk.demo.generate(engine, 60, today=date(2026, 11, 20))`` (default
seed) into a temporary file, then per column the length below which 95 % of the
non-empty values fall (e.g. ``len`` of each ``workorder.description``, sorted, the value
at ``ceil(0.95 n) - 1``). The maximum is given where it was shorter than twice the
95th percentile. The texts are all CJK (the widest characters), so they wrap at least as
early as the demo's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal as D
from typing import TypeVar

from desk.reports.form_data import CallbackInfo, ComplaintForm, MaterialRow, WorkOrderForm
from helpers.form_samples import complaint, workorder

# measured on 1,724 work orders, 305 complaints and 2,059 callbacks (60 days)
WORKORDER_P95 = {
    "description": 29,  # max 42
    "location": 7,
    "reporter": 9,  # person_name
    "room": 9,
    "assignee": 10,
    "cause": 8,
    "work_done": 17,
    "void_reason": 13,  # the longest of the 13 voided orders
}
MATERIALS_P95 = 2  # rows per order that has materials (max 2)
MATERIAL_NAME_P95 = 8
COMPLAINT_P95 = {
    "description": 20,  # max 26
    "demand": 11,
    "target": 10,
    "witnesses": 3,
    "occurred_place": 9,
    "complainant": 3,  # person_name
    "room": 9,
    "department": 5,
    "measures": 46,  # max 69; an escalation appends a line "升级：…" to it
    "result": 14,
    "reply": 29,
    "void_reason": 6,  # max of the 3 voided ones
}
CALLBACK_P95 = {"outcome": 8, "comment": 12}

FILLER = (
    "楼上住户每天深夜在客厅拖动家具噪音很大影响休息已经多次沟通没有结果请物业尽快出面协调处理"
    "厨房水槽下面的水管接头漏水地面已经积水业主下午在家请维修人员带好配件上门更换三角阀和软管"
)


def text(n: int, filler: str = FILLER) -> str:
    """``n`` CJK characters cut from ``filler`` (repeated as often as needed)."""
    return (filler * (n // len(filler) + 1))[:n]


def materials(n: int) -> tuple[MaterialRow, ...]:
    return tuple(
        MaterialRow(
            text(MATERIAL_NAME_P95, "不锈钢编织软管三角阀门"), D(k), D("12.50"), D("12.50") * k
        )
        for k in range(1, n + 1)
    )


T0 = datetime(2026, 11, 23, 8, 12)


# --- 派工单 --------------------------------------------------------------------------------


def _order(**changes: object) -> WorkOrderForm:
    """Ordinary content everywhere, as recorded (待派工)."""
    p = WORKORDER_P95
    ordinary: dict[str, object] = dict(
        state="待派工",
        reporter=text(p["reporter"]),
        room=text(p["room"], "3-2-1201ABC"),
        location=text(p["location"]),
        description=text(p["description"]),
        dispatcher="",
        dispatched_at=None,
        assignee="",
        arrived_at=None,
        completed_at=None,
        parts_expected=None,
        cause="",
        work_done="",
        materials=(),
        labour_fee=None,
        materials_fee=None,
        total_fee=None,
        rework_count=0,
        callback=None,
    )
    return workorder(**{**ordinary, **changes})


def order_stages(**changes: object) -> dict[str, WorkOrderForm]:
    """The 派工单 as printed at each stage (``changes`` applied to every one)."""
    p = WORKORDER_P95
    intake = _order(**changes)
    dispatched = replace(
        intake, state="已派工", dispatcher="刘䶮", dispatched_at=T0 + timedelta(minutes=8),
        assignee=text(p["assignee"]),
    )  # fmt: skip
    in_progress = replace(dispatched, state="处理中", arrived_at=T0 + timedelta(minutes=23))
    waiting = replace(in_progress, state="待料", parts_expected=T0.date() + timedelta(days=2))
    completed = replace(
        waiting,
        state="已完成",
        completed_at=T0 + timedelta(hours=2),
        cause=text(p["cause"]),
        work_done=text(p["work_done"]),
        materials=materials(MATERIALS_P95),
        labour_fee=D("30.00"),
        materials_fee=D("37.50"),
        total_fee=D("67.50"),
        callback=CallbackInfo(due_at=T0 + timedelta(days=2)),
    )
    called_back = replace(
        completed,
        state="已回访",
        callback=callback_done("电话", "满意"),
    )
    rework = replace(called_back, state="返工", rework_count=1, callback=None)
    stages = {
        "intake": intake,
        "dispatched": dispatched,
        "in progress": in_progress,
        "waiting for parts": waiting,
        "completed": completed,
        "called back": called_back,
        "rework": rework,
    }
    # a void can come at any stage: the form keeps what was filled and adds the reason
    for name, form in list(stages.items()):
        stages[f"voided after {name}"] = voided(form, text(p["void_reason"]))
    return stages


# --- 投诉处理单 ------------------------------------------------------------------------------


def _complaint(**changes: object) -> ComplaintForm:
    """Ordinary content everywhere, as recorded (已受理)."""
    p = COMPLAINT_P95
    ordinary: dict[str, object] = dict(
        state="已受理",
        complainant=text(p["complainant"]),
        room=text(p["room"], "5-1-802ABC"),
        occurred_place=text(p["occurred_place"]),
        target=text(p["target"]),
        description=text(p["description"]),
        demand=text(p["demand"]),
        witnesses=text(p["witnesses"]),
        attachments=(),
        level="前台/部门",
        escalated_at=None,
        department=text(p["department"]),
        measures="",
        result="",
        reply="",
        replied_at=None,
        callback=None,
    )
    return complaint(**{**ordinary, **changes})


def complaint_stages(**changes: object) -> dict[str, ComplaintForm]:
    """The 投诉处理单 as printed at each stage (``changes`` applied to every one)."""
    p = COMPLAINT_P95
    recorded = _complaint(**changes)
    reason = "升级：" + text(12)
    escalated = replace(
        recorded,
        state="处理中",
        level="项目主管",
        escalated_at=T0 + timedelta(minutes=30),
        measures=text(p["measures"] - len(reason) - 1) + "\n" + reason,
    )
    major = replace(escalated, severity="重大", level="公司领导")
    answered = replace(
        escalated,
        state="已答复",
        result=text(p["result"]),
        reply=text(p["reply"]),
        replied_at=T0 + timedelta(hours=6),
        callback=CallbackInfo(due_at=T0 + timedelta(days=2)),
    )
    called_back = replace(
        answered,
        state="已回访",
        callback=callback_done("上门", "基本满意"),
    )
    stages = {
        "recorded": recorded,
        "escalated": escalated,
        "escalated, 重大": major,
        "answered": answered,
        "answered, 重大": replace(answered, severity="重大", level="公司领导"),
        "called back": called_back,
    }
    for name, form in list(stages.items()):
        stages[f"voided after {name}"] = voided(form, text(p["void_reason"]))
    return stages


def callback_done(way: str, satisfaction: str) -> CallbackInfo:
    """The 回访 done a day after intake, with ordinary content."""
    return CallbackInfo(
        due_at=T0 + timedelta(days=2),
        done_at=T0 + timedelta(days=1),
        staff="李燚",
        way=way,
        satisfaction=satisfaction,
        outcome=text(CALLBACK_P95["outcome"]),
        comment=text(CALLBACK_P95["comment"]),
    )


F = TypeVar("F", WorkOrderForm, ComplaintForm)


def voided(form: F, reason: str) -> F:
    return replace(form, state="作废", head=replace(form.head, void_reason=reason))
