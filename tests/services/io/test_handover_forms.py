"""客服值班记录表 from the database: the frozen record with both names and times, the
serial (JB-YYYYMMDD-NN) and finding a record by it, a day's records, the latest one,
and the files written from real data.

李婷 is on duty for 早班 on a Monday, makes a few records, confirms and hands over to
王晓燕 (中班), who saves a draft of her own record in the evening.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desk.models import Shift
from desk.models.enums import LoanKind, VisitOutcome
from desk.models.errors import NotFoundError, ValidationError
from desk.reports.form_data import render, render_many
from desk.services.core.transactions import reading, writing
from desk.services.duty import handover, shifts
from desk.services.io import paper_forms
from desk.services.records import calls, loans, staff, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at
DAY = NOW.date()
NEXT_DAY = DAY + timedelta(days=1)
OFFICE = "阳光花园物业服务中心"


def at(hh_mm: str, day: date = DAY) -> datetime:
    h, m = (int(x) for x in hh_mm.split(":"))
    return datetime.combine(day, time()) + timedelta(hours=h, minutes=m)


@dataclass
class Day:
    li: int
    wang: int
    early: int  # 李婷's 早班
    middle: int  # 王晓燕's 中班
    accepted: int  # the handover of 早班
    draft: int  # the handover of 中班, a draft
    ids: dict[str, int]


@pytest.fixture
def day(engine, staff_id) -> Day:
    with writing(engine, staff_id=staff_id, now=at("06:00", DAY - timedelta(days=3))) as ctx:
        li = staff.add(ctx, "李婷").id
        wang = staff.add(ctx, "王晓燕").id
        ladder = loans.add_item(ctx, "梯子", 2).id
        key = loans.add_item(ctx, "天台钥匙", 1, LoanKind.KEY).id
    ids: dict[str, int] = {}
    with writing(engine, staff_id=li, now=at("07:58")) as ctx:
        early = shifts.come_on_duty(ctx, li, "早班").id

    def w(hh_mm: str, who: int = li, shift: int | None = early):
        return writing(engine, staff_id=who, shift_id=shift, now=at(hh_mm))

    with w("08:30") as ctx:
        ids["ladder"] = loans.lend(
            ctx, LoanDraft(ladder, "赵先生", at("12:00"), phone="13800001111", room="1-1-101")
        ).id
    with w("08:40") as ctx:
        ids["key"] = loans.lend(
            ctx, LoanDraft(key, "电信李师傅", at("10:00", NEXT_DAY), phone="13800002222")
        ).id
    with w("09:00") as ctx:
        ids["order"] = workorders.create(
            ctx, WorkOrderDraft("卧室吸顶灯不亮", "水电", room="3-2-1201")
        ).id
    with w("11:30") as ctx:
        draft = CallDraft("转告", "请回电", caller_name="吴先生", message_for_id=wang)
        ids["message"] = calls.create_call(ctx, draft).id
    with w("12:10") as ctx:
        ids["wrong"] = calls.create_call(ctx, CallDraft("咨询", "打错了")).id
    with w("12:20") as ctx:
        calls.void(ctx, ids["wrong"], "误登记")
    with w("13:00") as ctx:
        draft = VisitDraft("冯先生", "申请更换门禁卡", room="7-1-301",
                           outcome=VisitOutcome.PASSED, dept_head="工程部 刘经理")  # fmt: skip
        ids["visit"] = visits.create(ctx, draft).id
    with w("15:50") as ctx:
        accepted = handover.confirm(ctx, early, "=1+1 3号楼电梯困人，已通知维保").id
    with w("16:00", wang, None) as ctx:
        middle = shifts.come_on_duty(ctx, wang, "中班").id
        handover.accept(ctx, accepted, wang)
    with w("23:30", wang, middle) as ctx:
        draft_id = handover.draft(ctx, middle, "").id
    return Day(li, wang, early, middle, accepted, draft_id, ids)


def test_the_duty_record_with_both_signatures(engine, day) -> None:
    with reading(engine, now=at("17:00")) as ctx:
        form = paper_forms.handover_form(ctx, day.accepted)
        sheet = handover.sheet(ctx, day.accepted)
    head = form.head
    assert (head.office, head.title, head.form_code) == (OFFICE, "客服值班记录表", "QR-032SD")
    assert head.serial == "JB-20261123-01" and head.printed_at == at("17:00")
    assert head.subtitle == "2026-11-23 早班 交班人：李婷 接班人：王晓燕"
    assert head.stamp == "" and not head.void_reason
    assert (form.state, form.day, form.shift_name, form.on_duty) == ("已接班", DAY, "早班", "李婷")
    assert (form.started_at, form.planned_end, form.ended_at) == (at("07:58"), at("16:00"), None)
    assert (form.outgoing, form.confirmed_at) == ("李婷", at("15:50"))
    assert (form.incoming, form.accepted_at) == ("王晓燕", at("16:00"))
    assert (form.assembled_at, form.accept_by, form.flagged) == (
        at("15:50"), at("00:00", NEXT_DAY), False,
    )  # fmt: skip
    assert form.callbacks_until == at("00:00", NEXT_DAY)
    assert form.notes == "=1+1 3号楼电梯困人，已通知维保"
    assert [(c.label, c.made, c.voided) for c in form.counts] == [
        ("来访", 1, 0), ("来电", 1, 1), ("报修", 1, 0), ("投诉", 0, 0), ("借用", 2, 0),
    ]  # fmt: skip
    record = sheet.record
    assert [(r.group, r.serial, r.room, r.summary, r.deadline, r.reason, r.overdue)
            for r in form.carried] == [
        (c.group, c.serial, c.room, c.summary, c.deadline, c.reason, c.overdue)
        for c in record.carried
    ]  # fmt: skip
    assert form.groups() == [("报修", 1), ("转告", 1), ("物品借用", 1), ("钥匙借用", 1),
                             ("来访", 1)]  # fmt: skip
    ladder = next(r for r in form.carried if r.group == "物品借用")
    assert (ladder.reason, ladder.overdue, ladder.deadline) == ("逾期未还", True, at("12:00"))


def test_an_accepted_record_prints_the_same_after_later_changes(engine, day) -> None:
    with reading(engine, now=at("16:05")) as ctx:
        before = paper_forms.handover_form(ctx, day.accepted)
    with writing(engine, staff_id=day.wang, shift_id=day.middle, now=at("16:30")) as ctx:
        loans.give_back(ctx, day.ids["ladder"])
        calls.mark_delivered(ctx, day.ids["message"])
    with reading(engine, now=at("18:00")) as ctx:
        after = paper_forms.handover_form(ctx, day.accepted)
    assert after.carried == before.carried and after.counts == before.counts
    assert after.head.printed_at == at("18:00")


def test_a_draft_is_stamped_and_unsigned(engine, day) -> None:
    with reading(engine, now=at("23:40")) as ctx:
        form = paper_forms.handover_form(ctx, day.draft)
    assert form.head.serial == "JB-20261123-02" and form.head.stamp == "草稿"
    assert (form.state, form.on_duty, form.outgoing, form.confirmed_at) == (
        "草稿", "王晓燕", "王晓燕", None,
    )  # fmt: skip
    assert (form.incoming, form.accepted_at, form.ended_at) == ("", None, None)
    assert form.planned_end == at("00:00", NEXT_DAY) and form.notes == ""
    assert form.head.subtitle == "2026-11-23 中班 交班人：王晓燕 接班人：（待接班）"


def test_every_page_names_both_receptionists_and_only_the_last_is_signed(
    engine, day, tmp_path: Path
) -> None:
    """67 carried items run to several pages: each page's header says who hands over to
    whom (a loose sheet is still theirs); the signatures close the last page only."""
    with reading(engine, now=at("17:00")) as ctx:
        form = paper_forms.handover_form(ctx, day.accepted)
    first = form.carried[0]
    items = tuple(
        replace(first, serial=f"PG-20261123-{k:03d}",
                summary=f"第{k:03d}项：业主反映阳台地漏反水有异味，已持续两天，请尽快安排师傅上门")
        for k in range(1, 68)
    )  # fmt: skip
    pdf = render(replace(form, carried=items), tmp_path / "long.pdf")
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)).group(1))
    assert pages >= 3
    for page in range(1, pages + 1):
        text = re.sub(
            r"\s+", "", run("pdftotext", "-f", page, "-l", page, "-enc", "UTF-8", pdf, "-")
        )
        assert "交班人：李婷" in text and "接班人：王晓燕" in text, page
        last = page == pages
        assert ("交班人签字" in text, "接班人签字" in text, "五、交接确认" in text) == (
            last, last, last,
        ), page  # fmt: skip


def run(*args: object) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout


def test_serials_are_found_as_typed_or_scanned(engine, day) -> None:
    with reading(engine, now=at("23:40")) as ctx:
        assert paper_forms.handover_serial(ctx, day.accepted) == "JB-20261123-01"
        for typed in ("JB-20261123-01", " jb-20261123-1 ", "JB-20261123-001"):
            found = paper_forms.handover_form_by_serial(ctx, typed)
            assert found.shift_name == "早班" and found.head.serial == "JB-20261123-01", typed
        assert paper_forms.handover_form_by_serial(ctx, "JB-20261123-02").state == "草稿"
        for unknown in ("JB-20261123-03", "JB-20261123-00", "JB-20261131-01", "JB-1", "早班"):
            with pytest.raises(NotFoundError, match="的值班记录，请检查"):
                paper_forms.handover_form_by_serial(ctx, unknown)
        with pytest.raises(NotFoundError, match="PG 开头的是派工单的单号"):
            paper_forms.handover_form_by_serial(ctx, "PG-20261123-001")
        with pytest.raises(NotFoundError, match="JB 开头的是值班记录的单号"):
            paper_forms.workorder_form(ctx, "JB-20261123-01")
        with pytest.raises(ValidationError, match="单号"):
            paper_forms.handover_form_by_serial(ctx, "  ")


def test_a_record_written_late_is_numbered_after_and_printed_in_shift_order(
    engine, day, staff_id
) -> None:
    """The night shift before 李婷's, written up only in the evening: the numbers already
    printed stay, the late one comes after them, the day prints in the order of the shifts."""
    with writing(engine, staff_id=staff_id, now=at("23:45")) as ctx:
        night = Shift(staff_id=staff_id, name="晚班", started_at=at("00:00"),
                      planned_end=at("08:00"), ended_at=at("07:58"))  # fmt: skip
        ctx.session.add(night)
        ctx.session.flush()
        late = handover.confirm(ctx, night.id, "夜间巡查无异常").id
    with reading(engine, now=at("23:50")) as ctx:
        serials = {h: paper_forms.handover_serial(ctx, h) for h in (day.accepted, day.draft, late)}
        printed = paper_forms.handover_forms(ctx, DAY)
    assert serials == {day.accepted: "JB-20261123-01", day.draft: "JB-20261123-02",
                       late: "JB-20261123-03"}  # fmt: skip
    assert [(f.shift_name, f.head.serial) for f in printed] == [
        ("晚班", "JB-20261123-03"), ("早班", "JB-20261123-01"), ("中班", "JB-20261123-02"),
    ]  # fmt: skip


def test_a_day_and_the_latest(engine, read, day) -> None:
    with reading(engine, now=at("23:40")) as ctx:
        assert [f.head.serial for f in paper_forms.handover_forms(ctx, DAY)] == [
            "JB-20261123-01", "JB-20261123-02",
        ]  # fmt: skip
        assert paper_forms.latest_form(ctx, "handover").head.serial == "JB-20261123-02"
        assert paper_forms.record_form(ctx, "handover", day.accepted).shift_name == "早班"
        with pytest.raises(NotFoundError, match="2026-11-24 没有交接班记录可以打印。"):
            paper_forms.handover_forms(ctx, NEXT_DAY)
        with pytest.raises(NotFoundError, match="编号 999"):
            paper_forms.record_form(ctx, "handover", 999)


def test_nothing_yet(engine, read, staff_id) -> None:
    with read() as ctx, pytest.raises(NotFoundError, match="还没有交接班记录可以打印"):
        paper_forms.latest_form(ctx, "handover")
    with writing(engine, staff_id=staff_id, now=NOW) as ctx:
        shifts.come_on_duty(ctx, staff_id, "早班")
    # a shift on duty, not handed over: the message says so
    with read() as ctx, pytest.raises(NotFoundError, match="这天早班（王经理）还没有交班"):
        paper_forms.handover_forms(ctx, DAY)


def test_files_from_the_database(engine, day, tmp_path: Path) -> None:
    with reading(engine, now=at("23:40")) as ctx:
        form = paper_forms.handover_form(ctx, day.accepted)
        both = paper_forms.handover_forms(ctx, DAY)
    pdf = render(form, tmp_path / "值班记录.pdf")
    text = re.sub(r"\s+", "", subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout)  # fmt: skip
    for value in (OFFICE, "QR-032SD", "JB-20261123-01", "李婷", "王晓燕", "2026-11-2316:00",
                  *(r.serial for r in form.carried)):  # fmt: skip
        assert value in text, value
    assert "逾期未还" in text
    ws = load_workbook(render(form, tmp_path / "值班记录.xlsx")).active
    cells = {c.value for row in ws.iter_rows() for c in row}
    assert {"李婷", "王晓燕", "=1+1 3号楼电梯困人，已通知维保"} <= cells
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    day_book = load_workbook(render_many(both, tmp_path / "day.xlsx"))
    assert day_book.sheetnames == ["JB-20261123-01", "JB-20261123-02"]
    assert day_book.worksheets[1]["A2"].value == "客服值班记录表（草稿）"
