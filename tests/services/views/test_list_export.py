"""A tab's filtered list exported as xlsx: the tab's columns, typed values, the filter and
order honoured, every page gathered, errors said in Chinese."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desk.models import WorkOrder, kinds
from desk.models.errors import DeskError
from desk.reports.list_xlsx import HEADER_ROW
from desk.services.records import calls, complaints, loans, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import Completion, WorkOrderDraft
from desk.services.views import list_export, lists
from desk.services.views.list_export import complaint_countdown, export_list, workorder_countdown
from desk.services.views.lists import ListFilter

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at
OFFICE_NAME = "阳光花园物业服务中心"  # conftest's office
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def export(engine, tmp_path: Path, kind: str, **kw):
    """Export at NOW; returns (rows written, the sheet reloaded)."""
    path = tmp_path / f"{kind}.xlsx"
    n = export_list(engine, kind, path, now=kw.pop("now", NOW), **kw)
    return n, load_workbook(path).active


def body(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows(min_row=HEADER_ROW + 1)]


def header(ws) -> list[str]:
    return [c.value for c in ws[HEADER_ROW]]


def labels(kind: kinds.RecordKind) -> list[str]:
    return [kind.column_label(c) for c in kind.columns]


def records(ws) -> list[dict[str, object]]:
    """The rows by their headers: the columns' order and labels are the registry's."""
    titles = header(ws)
    return [dict(zip(titles, row, strict=True)) for row in body(ws)]


def order(write, at: datetime, **kw) -> int:
    values = {"description": "厨房水管漏水", "category": "水电", "room": "3-2-1201"} | kw
    with write(at) as ctx:
        return workorders.create(ctx, WorkOrderDraft(**values)).id


def act(write, at: datetime, fn, order_id: int, *args) -> None:
    with write(at) as ctx:
        fn(ctx, order_id, *args)


@pytest.fixture
def orders(write) -> dict[str, int]:
    """Ordinary orders (2 h to respond, 48 h to finish) in telling situations at NOW."""
    made = {
        "late_response": order(write, NOW - 3 * HOUR, reporter="周先生", phone="13812345678"),
        "fresh": order(write, NOW - HOUR, description="楼道灯不亮", category="电梯"),
        "late_completion": order(write, NOW - 49 * HOUR),
        "waiting_parts": order(write, NOW - 49 * HOUR),
        "done": order(write, NOW - 49 * HOUR, location="地下车库", room=""),
    }
    t0 = NOW - 49 * HOUR
    for key in ("late_completion", "waiting_parts", "done"):
        act(write, t0 + 0.1 * HOUR, workorders.dispatch, made[key], "水电班 李师傅")
        act(write, t0 + 0.5 * HOUR, workorders.start, made[key])
    act(write, NOW - 2 * HOUR, workorders.wait_for_parts, made["waiting_parts"])
    act(write, NOW - HOUR, workorders.complete, made["done"], Completion("换阀门"))
    return made


def test_workorder_list_columns_and_typed_values(engine, tmp_path, orders) -> None:
    n, ws = export(engine, tmp_path, "workorder")
    assert n == 5
    assert ws.title == "报修派工列表" and ws["A1"].value == "报修派工列表"
    sub = ws["A2"].value
    for part in ("范围：全部", "日期：不限", "共 5 条", OFFICE_NAME, "2026-11-23 10:00"):
        assert part in sub
    assert header(ws) == labels(kinds.WORKORDER)  # the tab's, from the registry
    assert header(ws) == [
        "单号", "报修时间", "紧急程度", "报修类别", "状态", "剩余", "报修人", "房号/位置",
        "维修人员/班组", "响应时限", "完成时限", "报修内容",
    ]  # fmt: skip
    rows = records(ws)
    times = [r["报修时间"] for r in rows]
    assert times == sorted(times, reverse=True)  # newest first, as the tab
    late = next(r for r in rows if r["报修人"] == "周先生")
    assert late["报修时间"] == NOW - 3 * HOUR and isinstance(late["报修时间"], datetime)
    assert [late[k] for k in ("紧急程度", "报修类别", "房号/位置", "维修人员/班组", "状态")] == [
        "一般", "水电", "3-2-1201", None, "待派工"
    ]  # fmt: skip
    assert late["响应时限"] == NOW - HOUR and isinstance(late["完成时限"], datetime)
    assert late["剩余"] == "超时 1小时"  # the response was due an hour ago
    assert late["报修内容"] == "厨房水管漏水"
    fresh = next(r for r in rows if r["报修类别"] == "电梯")
    assert fresh["剩余"] == "剩 1小时"
    done = next(r for r in rows if r["状态"] == "已完成")
    assert done["房号/位置"] == "地下车库" and done["维修人员/班组"] == "水电班 李师傅"
    assert done["剩余"] is None
    waiting = next(r for r in rows if r["状态"] == "待料")
    assert waiting["剩余"] == "待料"
    # dates are real dates with a date format, in every time column
    data = dict(zip(header(ws), ws[HEADER_ROW + 1], strict=True))
    for title in ("报修时间", "响应时限", "完成时限"):
        assert data[title].is_date and data[title].number_format == "yyyy-mm-dd hh:mm"


def test_overdue_export_has_only_overdue_rows(engine, tmp_path, fetch, orders) -> None:
    n, ws = export(engine, tmp_path, "workorder", flt=ListFilter(scope="已超时"))
    assert n == 2
    assert "范围：已超时" in ws["A2"].value and "共 2 条" in ws["A2"].value
    remaining = sorted(r["剩余"] for r in records(ws))
    assert all(text.startswith("超时") for text in remaining)
    late = {fetch(WorkOrder, orders[k]).serial for k in ("late_response", "late_completion")}
    assert {r[0] for r in body(ws)} == late


def test_search_and_dates_narrow_the_export(engine, tmp_path, write, staff_id) -> None:
    with write(NOW - 3 * DAY) as ctx:
        calls.create_call(ctx, CallDraft("咨询", "张先生问停车费"))
    with write(NOW - DAY) as ctx:
        calls.create_call(ctx, CallDraft("咨询", "李女士问快递"))
        calls.create_call(ctx, CallDraft("报修", "张先生家里漏水", phone="13912345678"))
    with write() as ctx:
        calls.create_call(ctx, CallDraft("转告", "请张先生回电", message_for_id=staff_id))
    n, ws = export(engine, tmp_path, "call", flt=ListFilter(text="张先生"))
    assert n == 3 and all("张先生" in r["来电内容"] for r in records(ws))
    assert "查找：“张先生”" in ws["A2"].value
    flt = ListFilter(text="张先生", date_from=(NOW - 2 * DAY).date(), date_to=(NOW - DAY).date())
    n, ws = export(engine, tmp_path, "call", flt=flt)
    [row] = body(ws)
    assert row[2:8] == ["报修", None, None, "139****5678", None, "张先生家里漏水"]
    assert "日期：2026-11-21 至 2026-11-22" in ws["A2"].value
    assert header(ws) == [
        "单号", "来电时间", "类型", "来电人", "房号", "电话", "转告状态", "来电内容"
    ]  # fmt: skip


def test_sort_order_is_the_tabs(engine, tmp_path, write) -> None:
    with write(NOW - 2 * HOUR) as ctx:
        umbrella = loans.add_item(ctx, "雨伞", 20)
        ladder = loans.add_item(ctx, "折叠梯", 5, deposit="50")
        loans.lend(ctx, LoanDraft(umbrella.id, "赵一", NOW + DAY, quantity=3, phone="13900001111"))
        loans.lend(ctx, LoanDraft(ladder.id, "钱二", NOW - HOUR, phone="13812345678"))
        loans.lend(ctx, LoanDraft(umbrella.id, "孙三", NOW + HOUR, quantity=2, phone="13900002222"))
    n, ws = export(engine, tmp_path, "loan", sort="quantity", descending=False)
    assert n == 3
    assert header(ws) == [
        "单号", "借出时间", "物品", "数量", "借用人", "房号", "电话", "预计归还", "归还时间", "状态"
    ]  # fmt: skip
    assert [r[3] for r in body(ws)] == [1, 2, 3]
    assert all(ws.cell(row, 4).data_type == "n" for row in range(HEADER_ROW + 1, HEADER_ROW + 4))
    assert "排序：数量升序" in ws["A2"].value
    first = body(ws)[0]
    assert first[2] == "折叠梯" and first[6] == "138****5678" and first[8] is None
    assert first[7] == NOW - HOUR and first[9] == "借出"
    n, ws = export(engine, tmp_path, "loan", flt=ListFilter(scope="已超时"))
    assert [r[4] for r in body(ws)] == ["钱二"]


def test_visits_and_complaints(engine, tmp_path, write) -> None:
    with write(NOW - DAY) as ctx:
        visits.create(
            ctx, VisitDraft("陈先生", "车位纠纷", outcome="转部门处理", dept_head="工程部")
        )
    with write(NOW - 2 * HOUR) as ctx:
        draft = ComplaintDraft(
            "楼上噪音", "物业管理", severity="重要", complainant="陈先生",
            demand_deadline=NOW + 3 * HOUR,
        )  # fmt: skip
        complaints.create(ctx, draft)
    n, ws = export(engine, tmp_path, "visit", flt=ListFilter(scope="已超时"))
    assert n == 1 and ws["A1"].value == "来访接待列表"
    [row] = body(ws)
    assert row[1:] == [NOW - DAY, "陈先生", None, None, "转部门处理", "待处理", "车位纠纷"]
    n, ws = export(engine, tmp_path, "complaint")
    assert header(ws) == labels(kinds.COMPLAINT)  # the tab's, from the registry
    [row] = records(ws)
    assert (row["严重程度"], row["投诉类别"]) == ("重要", "物业管理")
    assert row["要求解决期限"] == NOW + 3 * HOUR and isinstance(row["处理时限"], datetime)
    assert row["剩余"] == "超时 1小时"  # 重要: to be reported up within an hour


def test_formula_like_names_come_back_as_text(engine, tmp_path, write) -> None:
    names = ["=1+1", "@SUM(A1)", "-1", "+86", "#N/A"]
    for i, name in enumerate(names):
        with write(NOW - i * HOUR) as ctx:
            visits.create(ctx, VisitDraft(name, f'=HYPERLINK("http://x","{i}")'))
    n, ws = export(engine, tmp_path, "visit")
    assert n == len(names)
    for i, row in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1)):
        person, reason = row[2], row[7]
        assert person.value == names[i] and person.data_type == "s"
        assert reason.value.startswith("=HYPERLINK") and reason.data_type == "s"
        assert person.quotePrefix == (names[i][0] in "=+-@")


def test_every_page_in_order_by_any_sort(engine, read, write) -> None:
    """Paging (here 3 rows a page) gives the list's rows in the list's order: by time from
    the last row's day on (many rows share a day and even a second), otherwise by offset."""
    kinds = ["咨询", "报修", "投诉"]
    for day in range(4):
        for i in range(5 if day != 2 else 8):
            at = NOW - day * DAY - (i // 2) * HOUR  # two calls a second
            with write(at) as ctx:
                calls.create_call(
                    ctx, CallDraft(kinds[i % 3], f"第{day}天第{i}个 水", caller_name=f"住户{i % 3}")
                )
    filters = [
        ListFilter(),
        ListFilter(text="水"),
        ListFilter(date_from=(NOW - 2 * DAY).date()),
        ListFilter(date_to=(NOW - DAY).date(), text="天"),
        ListFilter(scope="今天"),
    ]
    for flt in filters:
        for sort in (None, "person", "call_type"):
            for descending in (True, False):
                with read() as ctx:
                    whole = lists.list_rows(
                        ctx.session, "call", flt=flt, now=NOW, limit=1000, sort=sort,
                        descending=descending,
                    )  # fmt: skip
                    done: list[tuple[int, int]] = []
                    progress = done.append
                    got = list_export.prepare(
                        ctx.session, "call", flt=flt, now=NOW, sort=sort,
                        descending=descending, page=3,
                        progress=lambda d, t, seen=progress: seen((d, t)),
                    )  # fmt: skip
                    serials = [r[0] for r in got.rows]
                assert serials == [r.serial for r in whole], (flt, sort, descending)
                assert got.total == len(whole)
                assert done[-1] == (len(whole), len(whole))


def test_session_or_engine_and_default_now(engine, tmp_path, write, read) -> None:
    with write() as ctx:
        calls.create_call(ctx, CallDraft("咨询", "问物业费"))
    with read() as ctx:
        assert export_list(ctx.session, "call", tmp_path / "a.xlsx", now=NOW) == 1
    assert export_list(engine, "call", tmp_path / "b.xlsx") == 1  # now: the clock
    ws = load_workbook(tmp_path / "b.xlsx").active
    assert "导出于" in ws["A2"].value and ws[HEADER_ROW + 1][0].value.startswith("LD-")


def test_empty_list_exports_header_only(engine, tmp_path, staff_id) -> None:
    n, ws = export(engine, tmp_path, "complaint", flt=ListFilter(scope="未完成"))
    assert n == 0 and ws.max_row == HEADER_ROW and "共 0 条" in ws["A2"].value


def test_errors_say_what_to_do(engine, tmp_path, write, monkeypatch) -> None:
    with write() as ctx:
        calls.create_call(ctx, CallDraft("咨询", "问物业费"))
        calls.create_call(ctx, CallDraft("咨询", "问停车"))
    folder = tmp_path / "已存在的文件夹.xlsx"
    folder.mkdir()
    with pytest.raises(DeskError, match=r"无法写入“已存在的文件夹\.xlsx”"):
        export_list(engine, "call", folder, now=NOW)
    with pytest.raises(DeskError, match="无法写入"):
        export_list(engine, "call", tmp_path / "没有" / "x.xlsx", now=NOW)
    monkeypatch.setattr(list_export, "MAX_ROWS", 1)
    target = tmp_path / "too_many.xlsx"
    with pytest.raises(DeskError, match="超过了 Excel 一张表能放下的 1 条"):
        export_list(engine, "call", target, now=NOW)
    assert not target.exists()
    with pytest.raises(ValueError, match="cannot sort"):
        export_list(engine, "call", target, sort="nope", now=NOW)
    with pytest.raises(ValueError, match="no list"):
        export_list(engine, "nope", target, now=NOW)


def test_columns_match_the_values(write, read, orders) -> None:
    with write() as ctx:
        calls.create_call(ctx, CallDraft("咨询", "问物业费"))
        visits.create(ctx, VisitDraft("陈先生", "咨询"))
        item = loans.add_item(ctx, "雨伞", 5)
        loans.lend(ctx, LoanDraft(item.id, "赵一", NOW + DAY, phone="13900001111"))
        complaints.create(ctx, ComplaintDraft("噪音", "物业管理", complainant="陈先生"))
    with read() as ctx:
        for kind in lists.KINDS:
            got = list_export.prepare(ctx.session, kind, flt=ListFilter(), now=NOW)
            rows = list(got.rows)
            assert rows and all(len(r) == len(got.columns) for r in rows), kind
            assert [c.title for c in got.columns] == [c.title for c in list_export.columns(kind)]
            for row in rows:
                for column, value in zip(got.columns, row, strict=True):
                    expected = {"datetime": datetime, "int": int}.get(column.kind, str)
                    assert value is None or type(value) is expected, (kind, column, value)


# --- the countdowns, as the tabs show them ----------------------------------------------


def test_workorder_countdown_texts(read, orders) -> None:
    with read() as ctx:
        rows = {r.id: r for r in lists.list_rows(ctx.session, "workorder", flt=ListFilter(),
                                                 now=NOW)}  # fmt: skip
    late = rows[orders["late_response"]]
    assert workorder_countdown(late, NOW) == "超时 1小时"
    assert workorder_countdown(late, NOW - 90 * timedelta(seconds=60)) == "剩 30分"
    assert workorder_countdown(late, NOW - HOUR + timedelta(seconds=20)) == "超时 不到1分"
    assert workorder_countdown(late, NOW + 2 * DAY) == "超时 2天1小时"
    assert workorder_countdown(rows[orders["done"]], NOW) == ""
    assert workorder_countdown(rows[orders["waiting_parts"]], NOW) == "待料"
    with_date = rows[orders["waiting_parts"]].__class__(
        **{**rows[orders["waiting_parts"]].__dict__, "parts_expected": date(2026, 11, 30)}
    )
    assert workorder_countdown(with_date, NOW) == "待料 至11-30"
    # on site: the completion deadline counts
    completing = rows[orders["late_completion"]]
    assert workorder_countdown(completing, NOW) == "超时 1小时"


def test_complaint_countdown_texts(write, read) -> None:
    def made(severity: str, **kw) -> lists.ComplaintRow:
        with write(NOW - 2 * HOUR) as ctx:
            draft = ComplaintDraft(
                "噪音", "物业管理", severity=severity, complainant="陈先生", **kw
            )
            record = complaints.create(ctx, draft)
        with read() as ctx:
            found = lists.list_rows(ctx.session, "complaint", flt=ListFilter(), now=NOW)
        return next(r for r in found if r.id == record.id)

    minor = made("轻微")  # two days to resolve: by 11-25 08:00
    assert minor.due_at == datetime(2026, 11, 25, 8, 0)
    assert complaint_countdown(minor, NOW) == "剩 1天22小时"  # no minutes beyond a day
    assert complaint_countdown(minor, minor.due_at - timedelta(minutes=65)) == "剩 1小时5分"
    assert complaint_countdown(minor, minor.due_at) == "剩 不到1分"
    own = made("重要", demand_deadline=NOW + 40 * timedelta(seconds=60))
    assert complaint_countdown(own, NOW) == "超时 1小时"  # not reported up within the hour
    with write() as ctx:
        complaints.escalate(ctx, own.id, "上报")
    with read() as ctx:
        own = next(
            r for r in lists.list_rows(ctx.session, "complaint", flt=ListFilter(), now=NOW)
            if r.id == own.id
        )  # fmt: skip
    assert complaint_countdown(own, NOW) == "剩 40分"  # only the resident's deadline runs
    assert complaint_countdown(own, NOW + 42 * timedelta(seconds=60)) == "超时 2分"
