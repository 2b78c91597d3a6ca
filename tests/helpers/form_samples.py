"""Filled-in forms for the renderer tests: plain data, no database.

Names use rare characters (堃 喆 燚 犇), one from CJK Extension A (䶮, not in the main
font) and one from Extension B (𠮷, outside the BMP); some text looks like a formula.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal as D

from desk.reports.form_data import (
    CallbackInfo,
    ComplaintForm,
    FormHead,
    LoanRegister,
    LoanRow,
    LoanSlip,
    MaterialRow,
    WorkOrderForm,
)

NOW = datetime(2026, 11, 23, 10, 0)
OFFICE = "阳光花园物业服务中心"
REPORTER = "王堃喆𠮷"
TECH = "工程部 张犇师傅"
DISPATCHER = "刘䶮"


def head(title: str, code: str, serial: str, **more: str) -> FormHead:
    return FormHead(OFFICE, title, code, serial, NOW, **more)


def workorder(**changes: object) -> WorkOrderForm:
    form = WorkOrderForm(
        head=head("派工单", "QR-025SD", "PG-20261123-003"),
        state="已完成",
        created_at=datetime(2026, 11, 23, 8, 12),
        channel="来电",
        reporter=REPORTER,
        room="3-2-1201",
        location="厨房水槽下",
        phone="13812345678",
        category="水电",
        urgency="紧急",
        appointment_at=datetime(2026, 11, 23, 9, 0),
        description="厨房水槽下面的水管接头漏水，地面已经积水，请尽快派人维修。业主下午三点前在家。",
        is_paid=True,
        receptionist="王经理",
        dispatcher=DISPATCHER,
        dispatched_at=datetime(2026, 11, 23, 8, 20),
        assignee=TECH,
        response_due=datetime(2026, 11, 23, 8, 42),
        completion_due=datetime(2026, 11, 23, 10, 12),
        arrived_at=datetime(2026, 11, 23, 8, 35),
        completed_at=datetime(2026, 11, 23, 9, 40),
        parts_expected=date(2026, 11, 24),
        cause="三角阀老化开裂",
        work_done="更换三角阀一个、软管一根，试水无渗漏，清理现场。",
        materials=(
            MaterialRow("三角阀 DN15", D("1.00"), D("35.00"), D("35.00")),
            MaterialRow("不锈钢编织软管 60cm", D("2.00"), D("12.50"), D("25.00")),
        ),
        labour_fee=D("30.00"),
        materials_fee=D("60.00"),
        total_fee=D("90.00"),
        rework_count=1,
        callback=CallbackInfo(
            due_at=datetime(2026, 11, 25, 9, 40),
            done_at=datetime(2026, 11, 24, 15, 5),
            staff="李燚",
            way="电话",
            satisfaction="满意",
            outcome="已修好，使用正常",
            comment="师傅很专业",
        ),
    )
    return replace(form, **changes)  # type: ignore[arg-type]


def sentences(n_chars: int) -> str:
    """Numbered sentences, ``n_chars`` characters in all, so any gap or repeat shows."""
    text = "".join(
        f"第{i:03d}句：楼上住户每天深夜在客厅拖动家具、跺脚，噪音很大影响休息，已多次沟通无果。"
        for i in range(1, 200)
    )
    return text[:n_chars]


def complaint(**changes: object) -> ComplaintForm:
    form = ComplaintForm(
        head=head("客户投诉处理单", "QR-026SD", "TS-20261123-001"),
        state="已回访",
        created_at=datetime(2026, 11, 23, 9, 5),
        channel="来访",
        complainant="赵喆",
        room="5-1-802",
        phone="13900001111",
        occurred_at=datetime(2026, 11, 22, 23, 30),
        occurred_place="5-1-902 楼上住户家",
        category="物业管理",
        subtype="噪音",
        severity="重要",
        target="5-1-902 住户 周𠮷燚",
        description="楼上住户每天深夜拖动家具，噪音很大，影响休息。",
        demand="请物业出面协调，晚上十点后不要再有噪音。",
        demand_deadline=datetime(2026, 11, 25, 18, 0),
        witnesses="邻居孙女士",
        attachments=("噪音录音.m4a", "照片1.jpg"),
        receptionist="王经理",
        due_at=datetime(2026, 11, 23, 10, 5),
        level="项目主管",
        escalated_at=datetime(2026, 11, 23, 9, 30),
        department="客服部",
        measures="客服主管上门与 5-1-902 住户沟通，约定晚十点后不再拖动家具。",
        result="楼上住户同意加装桌椅脚垫",
        reply="已电话告知赵先生协调结果",
        replied_at=datetime(2026, 11, 23, 16, 0),
        callback=CallbackInfo(
            due_at=datetime(2026, 11, 25, 16, 0),
            done_at=datetime(2026, 11, 24, 19, 10),
            staff="李燚",
            way="上门",
            satisfaction="基本满意",
            outcome="噪音减少",
        ),
    )
    return replace(form, **changes)  # type: ignore[arg-type]


def loan_rows() -> tuple[LoanRow, ...]:
    return (
        LoanRow(
            "JY-20261123-001", datetime(2026, 11, 23, 9, 10), "人字梯", 2, "孙燚", "2-1-101",
            "13812340001", D("100.00"), datetime(2026, 11, 23, 18, 0), "王经理", "借出",
            remarks="=1+1", overdue=True,
        ),
        LoanRow(
            "JY-20261123-002", datetime(2026, 11, 23, 10, 30), "手推车", 1, "钱犇", "3-1-102",
            "13812340002", D("0.00"), datetime(2026, 11, 24, 12, 0), "王经理", "已归还",
            returned_at=datetime(2026, 11, 23, 16, 0), returned_to="李燚", condition="完好",
            deposit_refunded=D("0.00"),
        ),
        LoanRow(
            "JY-20261123-003", datetime(2026, 11, 23, 11, 0), "雨伞", 1, "吴𠮷", "4-1-103",
            "13812340003", D("20.00"), datetime(2026, 11, 23, 17, 0), "王经理", "作废",
            remarks="@all -先借后登", void_reason="登记错了",
        ),
    )  # fmt: skip


def register(rows: tuple[LoanRow, ...] | None = None) -> LoanRegister:
    return LoanRegister(
        head=head("物品借用登记表", "QR-030SD", "JYDJ-20261123", subtitle="登记日期：2026-11-23"),
        start=date(2026, 11, 23),
        end=date(2026, 11, 23),
        rows=loan_rows() if rows is None else rows,
    )


def slip() -> LoanSlip:
    row = loan_rows()[1]
    return LoanSlip(head=head("物品借用单", "QR-030SD", row.serial), loan=row)


ALL = {"workorder": workorder, "complaint": complaint, "register": register, "slip": slip}
