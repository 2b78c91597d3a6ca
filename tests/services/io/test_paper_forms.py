"""The forms' data from the database: every field, names resolved, callbacks, registers."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from desk import demo
from desk.models import WorkOrder
from desk.models.enums import LoanKind
from desk.models.errors import NotFoundError, ValidationError
from desk.reports.form_data import render
from desk.services.core.transactions import reading
from desk.services.io import paper_forms
from desk.services.io.database import open_database
from desk.services.records import callbacks, complaints, loans, settings_text, staff, workorders
from desk.services.records.callbacks import CallbackResult
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.workorders import Completion, MaterialLine, WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at
HOUR = timedelta(hours=1)
OFFICE = "阳光花园物业服务中心"
RARE = "王堃喆𠮷"  # rare name characters and one outside the BMP


@pytest.fixture
def tech_desk(write) -> int:
    """A second receptionist, who dispatches and calls back."""
    with write() as ctx:
        return staff.add(ctx, "李燚").id


def paid_order(write, tech_desk: int) -> WorkOrder:
    with write() as ctx:
        order = workorders.create(
            ctx,
            WorkOrderDraft(
                "厨房水管接头漏水",
                "水电",
                urgency="紧急",
                room="3-2-1201",
                reporter=RARE,
                phone="13812345678",
                is_paid=True,
            ),
        )
    with write(NOW + 0.1 * HOUR, who=tech_desk) as ctx:
        workorders.dispatch(ctx, order.id, "工程部 张犇师傅")
    with write(NOW + 0.3 * HOUR) as ctx:
        workorders.start(ctx, order.id)
    with write(NOW + HOUR) as ctx:
        workorders.complete(
            ctx,
            order.id,
            Completion(
                "更换三角阀",
                cause="三角阀老化",
                labour_fee="30",
                materials=[MaterialLine("三角阀 DN15", 1, "35"), MaterialLine("软管", 2, "12.5")],
            ),
        )
    return order


def test_workorder_form_has_every_field(write, read, staff_id, tech_desk) -> None:
    order = paid_order(write, tech_desk)
    with read(NOW + 2 * HOUR) as ctx:
        form = paper_forms.workorder_form(ctx, f"  {order.serial.lower()} ")  # as typed or scanned
    head = form.head
    assert (head.office, head.title, head.form_code) == (OFFICE, "派工单", "QR-025SD")
    assert head.serial == order.serial == "PG-20261123-001"
    assert head.printed_at == NOW + 2 * HOUR and head.void_reason == ""
    assert (form.reporter, form.room, form.phone) == (RARE, "3-2-1201", "13812345678")
    assert (form.channel, form.category, form.urgency) == ("来电", "水电", "紧急")
    assert form.is_paid
    assert form.created_at == NOW and form.description == "厨房水管接头漏水"
    assert (form.receptionist, form.dispatcher) == ("王经理", "李燚")
    assert form.assignee == "工程部 张犇师傅"
    assert form.dispatched_at == NOW + 0.1 * HOUR
    assert (form.response_due, form.completion_due) == (NOW + 0.5 * HOUR, NOW + 2 * HOUR)
    assert (form.arrived_at, form.completed_at) == (NOW + 0.3 * HOUR, NOW + HOUR)
    assert (form.cause, form.work_done, form.state) == ("三角阀老化", "更换三角阀", "已完成")
    assert form.materials == (
        paper_forms.MaterialRow("三角阀 DN15", Decimal("1.00"), Decimal("35.00"), Decimal("35.00")),
        paper_forms.MaterialRow("软管", Decimal("2.00"), Decimal("12.50"), Decimal("25.00")),
    )
    assert (form.labour_fee, form.materials_fee, form.total_fee) == (
        Decimal("30.00"),
        Decimal("60.00"),
        Decimal("90.00"),
    )
    assert form.callback is not None and form.callback.done_at is None
    assert form.callback.due_at == NOW + HOUR + 48 * HOUR


def test_callback_done_is_on_the_form(write, read, staff_id, tech_desk) -> None:
    order = paid_order(write, tech_desk)
    with write(NOW + 24 * HOUR, who=tech_desk) as ctx:
        callbacks.record_for(
            ctx, "workorder", order.id, CallbackResult("满意", outcome="已修好", comment="谢谢")
        )
    with read(NOW + 25 * HOUR) as ctx:
        form = paper_forms.workorder_form(ctx, order.serial)
    assert form.state == "已回访"
    assert form.callback == paper_forms.CallbackInfo(
        due_at=NOW + 49 * HOUR,
        done_at=NOW + 24 * HOUR,
        staff="李燚",
        way="电话",
        satisfaction="满意",
        outcome="已修好",
        comment="谢谢",
    )


def test_dispatcher_from_the_audit_log_when_not_on_the_record(
    write, read, engine, staff_id, tech_desk
) -> None:
    order = paid_order(write, tech_desk)
    with engine.begin() as conn:  # an order dispatched before the column was filled in
        conn.exec_driver_sql("UPDATE workorder SET dispatcher_id = NULL")
    with read() as ctx:
        assert paper_forms.workorder_form(ctx, order.serial).dispatcher == "李燚"


def test_waiting_for_parts_moves_the_completion_deadline(write, read, staff_id) -> None:
    with write() as ctx:
        order = workorders.create(ctx, WorkOrderDraft("门禁坏了", "门禁", room="3-2-1201"))
        workorders.dispatch(ctx, order.id, "弱电班")
        workorders.start(ctx, order.id)
        workorders.wait_for_parts(ctx, order.id, date(2026, 11, 25))
    with read(NOW + 10 * HOUR) as ctx:
        form = paper_forms.workorder_form(ctx, order.serial)
    assert form.parts_expected == date(2026, 11, 25)
    assert form.completion_due == order.completion_due + 10 * HOUR
    assert form.materials == () and form.total_fee is None and form.callback is None


def test_void_record_says_so(write, read, staff_id) -> None:
    with write() as ctx:
        order = workorders.create(ctx, WorkOrderDraft("灯不亮", "水电", location="地下车库"))
        workorders.void(ctx, order.id, "业主重复报修")
    with read() as ctx:
        form = paper_forms.workorder_form(ctx, order.serial)
    assert form.head.void_reason == "业主重复报修" and form.state == "作废"
    assert (form.room, form.location) == ("", "地下车库")


def test_complaint_form(write, read, staff_id, tech_desk) -> None:
    with write() as ctx:
        c = complaints.create(
            ctx,
            ComplaintDraft(
                "楼上每晚十二点后拖动家具",
                "物业管理",
                severity="重要",
                channel="来访",
                complainant="赵喆",
                room="5-1-802",
                phone="13900001111",
                subtype="噪音",
                occurred_at=NOW - 10 * HOUR,
                occurred_place="5-1-902",
                target="5-1-902 住户",
                demand="请物业协调",
                demand_deadline=NOW + 48 * HOUR,
                witnesses="邻居孙女士",
                department="客服部",
            ),
        )
        complaints.attach(ctx, c.id, "录音.m4a", b"sound")
        gone = complaints.attach(ctx, c.id, "错的.jpg", b"x")
        gone.voided_at = NOW  # a removed attachment is not listed
    with write(NOW + 0.5 * HOUR) as ctx:
        complaints.start(ctx, c.id, measures="上门沟通")
        complaints.escalate(ctx, c.id, "需主管协调")
    with write(NOW + 5 * HOUR) as ctx:
        complaints.answer(ctx, c.id, "已电话答复", result="已协调")
    with write(NOW + 20 * HOUR, who=tech_desk) as ctx:
        callbacks.record_for(ctx, "complaint", c.id, CallbackResult("基本满意", way="上门"))
    with read(NOW + 21 * HOUR) as ctx:
        form = paper_forms.complaint_form(ctx, c.serial)
    assert (form.head.title, form.head.form_code, form.head.serial) == (
        "客户投诉处理单",
        "QR-026SD",
        "TS-20261123-001",
    )
    assert (form.complainant, form.room, form.phone, form.channel) == (
        "赵喆",
        "5-1-802",
        "13900001111",
        "来访",
    )
    assert (form.category, form.subtype, form.severity) == ("物业管理", "噪音", "重要")
    assert (form.occurred_at, form.occurred_place, form.target) == (
        NOW - 10 * HOUR,
        "5-1-902",
        "5-1-902 住户",
    )
    assert (form.demand, form.demand_deadline, form.witnesses) == (
        "请物业协调",
        NOW + 48 * HOUR,
        "邻居孙女士",
    )
    assert form.attachments == ("录音.m4a",)
    assert (form.receptionist, form.department, form.level) == ("王经理", "客服部", "项目主管")
    assert form.escalated_at == NOW + 0.5 * HOUR
    assert "上门沟通" in form.measures and "升级：需主管协调" in form.measures
    assert (form.result, form.reply, form.replied_at) == ("已协调", "已电话答复", NOW + 5 * HOUR)
    assert form.callback is not None
    assert (form.callback.satisfaction, form.callback.way, form.callback.staff) == (
        "基本满意",
        "上门",
        "李燚",
    )
    assert form.state == "已回访"


@pytest.fixture
def items(write) -> dict[str, int]:
    with write() as ctx:
        return {
            "梯子": loans.add_item(ctx, "人字梯", 5, deposit="50").id,
            "推车": loans.add_item(ctx, "手推车", 2).id,
            "钥匙": loans.add_item(ctx, "3号楼天台钥匙", 1, kind=LoanKind.KEY).id,
        }


def lend(write, item: int, at: datetime, who: str, **more) -> int:
    with write(at) as ctx:
        draft = LoanDraft(item, who, at + 8 * HOUR, phone="13812345678", room="3-2-1201", **more)
        return loans.lend(ctx, draft).id


def test_loan_register_of_a_day(write, read, staff_id, items, tech_desk) -> None:
    yesterday = NOW - 24 * HOUR
    lend(write, items["梯子"], yesterday, "前一天")
    first = lend(write, items["梯子"], NOW, RARE, quantity=2, remarks="=1+1")
    second = lend(write, items["推车"], NOW + HOUR, "钱犇")
    lend(write, items["钥匙"], NOW + HOUR, "钥匙借用人")  # keys have their own register
    voided = lend(write, items["推车"], NOW + 2 * HOUR, "孙燚")
    lend(write, items["梯子"], NOW + 24 * HOUR, "后一天")
    with write(NOW + 3 * HOUR, who=tech_desk) as ctx:
        loans.give_back(ctx, second, "完好")
    with write(NOW + 3 * HOUR) as ctx:  # who lent it (a 前台 may not void others' loans)
        loans.void(ctx, voided, "登记错了")
    with read(NOW + 10 * HOUR) as ctx:
        register = paper_forms.loan_register(ctx, NOW.date())
        keys = paper_forms.loan_register(ctx, NOW.date(), kind=LoanKind.KEY)
    head = register.head
    assert (head.title, head.form_code) == ("物品借用登记表", "QR-030SD")
    assert head.serial == "JYDJ-20261123"
    assert head.subtitle == "登记日期：2026-11-23" and head.office == OFFICE
    assert [r.borrower for r in register.rows] == [RARE, "钱犇", "孙燚"]
    row = register.rows[0]
    assert (row.item, row.quantity, row.deposit, row.lent_by) == (
        "人字梯",
        2,
        Decimal("100.00"),
        "王经理",
    )
    # every borrower signs the sheet: phones are masked unless the office says 完整
    assert (row.room, row.phone, row.remarks) == ("3-2-1201", "138****5678", "=1+1")
    assert row.lent_at == NOW and row.expected_return_at == NOW + 8 * HOUR
    assert row.overdue  # due 18:00, it is 20:00
    back = register.rows[1]
    assert (back.returned_at, back.returned_to, back.condition) == (
        NOW + 3 * HOUR,
        "李燚",
        "完好",
    )
    assert not back.overdue
    assert register.rows[2].void_reason == "登记错了"
    assert [r.borrower for r in keys.rows] == ["钥匙借用人"]
    assert (keys.head.title, keys.head.form_code) == ("钥匙借用登记表", "QR-008SD")
    # keys are lent without a deposit: no empty deposit columns on their register
    assert register.deposits and not keys.deposits
    assert first  # the slip below uses the same record


def test_register_phones_are_masked_unless_the_office_prints_them_whole(
    write, read, staff_id, items
) -> None:
    """forms.register_phones: 隐藏 (the default) masks the phone and any phone written in
    the free text; 完整 (a staff copy) prints them as recorded. The slip, which only its
    borrower signs, always has the phone whole."""
    note = "白天打13912345678，晚上打021-62345678"
    lent = lend(write, items["梯子"], NOW, "张三", remarks=note)
    with write(NOW + HOUR) as ctx:
        loans.void(ctx, lent, "借用人改打13700001111")
    with read(NOW + 2 * HOUR) as ctx:
        (masked,) = paper_forms.loan_register(ctx, NOW.date()).rows
        slip = paper_forms.loan_slip(ctx, "JY-20261123-001")
    assert masked.phone == "138****5678"
    assert masked.remarks == "白天打139****5678，晚上打021-****5678"
    assert masked.void_reason == "借用人改打137****1111"
    assert slip.loan.phone == "13812345678" and slip.loan.remarks == note
    with write() as ctx:
        settings_text.change_many(ctx, {"forms.register_phones": " 完整 "})
    with read(NOW + 2 * HOUR) as ctx:
        (whole,) = paper_forms.loan_register(ctx, NOW.date()).rows
    assert (whole.phone, whole.remarks) == ("13812345678", note)
    assert whole.void_reason == "借用人改打13700001111"


def test_the_audit_names_forms_and_counts_their_records(write, read, items, tech_desk) -> None:
    """What a print or export of forms is on the record (audit.exported): a register's
    lines, one for a record's own form, a batch by its title."""
    serial = paid_order(write, tech_desk).serial
    lend(write, items["梯子"], NOW, "张三")
    lend(write, items["推车"], NOW + HOUR, "李四")
    with read(NOW + 2 * HOUR) as ctx:
        register = paper_forms.loan_register(ctx, NOW.date())
        order = paper_forms.workorder_form(ctx, serial)
    assert paper_forms.audit_words([register]) == ("物品借用登记表 JYDJ-20261123", 2)
    assert paper_forms.audit_words([order]) == (f"派工单 {serial}", 1)
    assert paper_forms.audit_words([order, order], "派工单 2026-11-23") == ("派工单 2026-11-23", 2)
    assert paper_forms.audit_words([order, register]) == ("派工单", 3)  # no title given


def test_loan_register_of_a_range_and_bad_ranges(write, read, staff_id, items) -> None:
    for day in range(3):
        lend(write, items["梯子"], NOW + day * 24 * HOUR, f"借用人{day}")
    with read() as ctx:
        register = paper_forms.loan_register(ctx, date(2026, 11, 23), date(2026, 11, 24))
        assert register.head.serial == "JYDJ-20261123-20261124"
        assert register.head.subtitle == "登记日期：2026-11-23 至 2026-11-24"
        assert [r.borrower for r in register.rows] == ["借用人0", "借用人1"]
        assert paper_forms.loan_register(ctx, date(2026, 1, 1)).rows == ()
        with pytest.raises(ValidationError, match="不能早于开始日期"):
            paper_forms.loan_register(ctx, date(2026, 11, 24), date(2026, 11, 23))
        with pytest.raises(ValidationError, match="366"):
            paper_forms.loan_register(ctx, date(2025, 1, 1), date(2026, 11, 23))


def test_loan_slip(write, read, staff_id, items) -> None:
    loan_id = lend(write, items["钥匙"], NOW, "周堃")
    with read() as ctx:
        slip = paper_forms.record_form(ctx, "loan", loan_id)
        same = paper_forms.loan_slip(ctx, "JY-20261123-001")
    assert slip == same
    assert isinstance(slip, paper_forms.LoanSlip)
    assert (slip.head.title, slip.head.form_code, slip.head.serial) == (
        "钥匙借用单",
        "QR-008SD",
        "JY-20261123-001",
    )
    assert (slip.loan.item, slip.loan.borrower) == ("3号楼天台钥匙", "周堃")
    assert slip.loan.state == "借出"


def test_latest_and_record_forms(write, read, staff_id) -> None:
    with read() as ctx:
        for kind, name in (("workorder", "派工单"), ("complaint", "投诉单"), ("loan", "借用记录")):
            with pytest.raises(NotFoundError, match=f"还没有{name}"):
                paper_forms.latest_form(ctx, kind)
    with write() as ctx:
        workorders.create(ctx, WorkOrderDraft("一", "水电", room="3-2-1201"))
    with write(NOW + HOUR) as ctx:
        newest = workorders.create(ctx, WorkOrderDraft("二", "水电", room="3-2-1201"))
    with read() as ctx:
        assert paper_forms.latest_form(ctx, "workorder").head.serial == newest.serial
        assert paper_forms.record_form(ctx, "workorder", newest.id).description == "二"
        with pytest.raises(NotFoundError, match="编号 999"):
            paper_forms.record_form(ctx, "complaint", 999)


def test_unknown_serials_are_explained(read, staff_id) -> None:
    with read() as ctx:
        with pytest.raises(NotFoundError, match="找不到单号为 PG-20991231-001 的派工单，请检查"):
            paper_forms.workorder_form(ctx, "PG-20991231-001")
        with pytest.raises(NotFoundError, match="TS 开头的是投诉单的单号"):
            paper_forms.workorder_form(ctx, "TS-20261123-001")
        with pytest.raises(NotFoundError, match="借用单"):
            paper_forms.loan_slip(ctx, "JY-1")
        with pytest.raises(ValidationError, match="单号"):
            paper_forms.complaint_form(ctx, "  ")


def test_dispatched_on_a_day(write, read, staff_id, tech_desk) -> None:
    def order(text: str, at: datetime) -> int:
        with write(at) as ctx:
            return workorders.create(ctx, WorkOrderDraft(text, "水电", room="3-2-1201")).id

    yesterday = NOW - 24 * HOUR
    early = order("昨天报修、今天派出", yesterday)
    late = order("今天报修", NOW)
    old = order("昨天派出", yesterday)
    order("还没派", NOW)  # never dispatched: on no day's batch
    voided = order("派出后作废", NOW)
    with write(NOW + 2 * HOUR, who=tech_desk) as ctx:
        workorders.dispatch(ctx, late, "电工 李师傅")
    with write(NOW + HOUR) as ctx:
        workorders.dispatch(ctx, early, "水工 张师傅")
        workorders.dispatch(ctx, voided, "水工 张师傅")
    with write(yesterday + HOUR) as ctx:
        workorders.dispatch(ctx, old, "水工 张师傅")
    with write(NOW + 3 * HOUR) as ctx:
        workorders.void(ctx, voided, "住户自己修好了")
        workorders.start(ctx, early)  # dispatched today, whatever happened since

    with read(NOW + 4 * HOUR) as ctx:
        today = paper_forms.dispatched_on(ctx, NOW.date())
        before = paper_forms.dispatched_on(ctx, yesterday.date())
        tomorrow = paper_forms.dispatched_on(ctx, (NOW + 24 * HOUR).date())
    assert [f.description for f in today] == ["昨天报修、今天派出", "今天报修"]  # as sent out
    assert [(f.assignee, f.dispatcher) for f in today] == [
        ("水工 张师傅", "王经理"),
        ("电工 李师傅", "李燚"),
    ]
    assert today[0].state == "处理中" and today[0].head.title == "派工单"
    assert [f.description for f in before] == ["昨天派出"]
    assert tomorrow == []


# --- the registers of a month of demo loans ----------------------------------------------

DEMO_TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_database(tmp_path_factory.mktemp("loans") / "demo.sqlite3")
    demo.generate(engine, 30, today=DEMO_TODAY)
    yield engine
    engine.dispose()


def page_texts(path: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return [
        subprocess.run(
            ["pdftotext", "-raw", "-f", str(p), "-l", str(p), path, "-"],
            check=True, capture_output=True, text=True,
        ).stdout
        for p in range(1, pages + 1)
    ]  # fmt: skip


@pytest.mark.parametrize("kind", [LoanKind.ITEM, LoanKind.KEY])
def test_demo_registers_hold_fifteen_rows_a_page_phones_masked(
    demo_engine: Engine, kind: LoanKind, tmp_path: Path
) -> None:
    """The demo's busiest day and its whole month, as printed: every page but the last
    holds at least 15 loans, and no phone number is printed whole."""
    start = DEMO_TODAY - timedelta(days=29)
    with reading(demo_engine, datetime.combine(DEMO_TODAY, time(15, 30))) as ctx:
        month = paper_forms.loan_register(ctx, start, DEMO_TODAY, kind)
        days = Counter(r.lent_at.date() for r in month.rows)
        busiest = paper_forms.loan_register(ctx, max(days, key=days.__getitem__), kind=kind)
    assert len(busiest.rows) >= 5 and len(month.rows) >= 60
    for register in (busiest, month):
        pages = page_texts(render(register, tmp_path / "register.pdf"))
        per_page = [len(re.findall(r"JY-\d{8}-\d{3}", text)) for text in pages]
        assert sum(per_page) == len(register.rows)
        assert all(n >= 15 for n in per_page[:-1]), per_page
        text = "".join(pages)
        assert "****" in text and not re.search(r"(?<!\d)1\d{10}(?!\d)", text)


def test_the_key_register_prints_no_deposit_columns(write, read, items, tmp_path) -> None:
    lend(write, items["钥匙"], NOW, "钥匙借用人")
    lend(write, items["梯子"], NOW, "梯子借用人")
    with read(NOW + HOUR) as ctx:
        keys = paper_forms.loan_register(ctx, NOW.date(), kind=LoanKind.KEY)
        things = paper_forms.loan_register(ctx, NOW.date())
    for form, shown in ((keys, False), (things, True)):
        pdf = render(form, tmp_path / f"{form.head.serial}.pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert ("押金" in text) == shown, form.head.title
        assert "钥匙借用人" in text or "梯子借用人" in text
