"""The 统计 tab as the supervisor uses it: the last full month opens by itself, the tables show
the month's figures beside the month before, Excel and PDF come out of the two buttons.

The month (October 2026, judged on Monday 2 November 09:00) is counted by hand below.
"""

from __future__ import annotations

import logging
import subprocess
from datetime import datetime

import pytest
from helpers.ui import WAIT, changed
from openpyxl import load_workbook
from PySide6.QtCharts import QChartView
from PySide6.QtWidgets import QLabel

from desk.models.enums import Satisfaction, Severity, Urgency
from desk.reports.statistics_xlsx import SHEET_TITLE
from desk.services.records import callbacks, complaints, residents, workorders
from desk.services.records.callbacks import CallbackResult
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.workorders import Completion, WorkOrderDraft
from desk.ui import dialogs, msgbox
from desk.ui.tabs import statistics as statistics_tab
from desk.ui.tabs.statistics import StatisticsTab

AS_OF = datetime(2026, 11, 2, 9, 0)


def t(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute)


def order(write, at, urgency, category, room, arrive=None, complete=None) -> tuple[int, str]:
    with write(at) as ctx:
        # 1-1-102 is not in the registry: kept as typed, as the receptionist confirmed
        draft = WorkOrderDraft("报修内容", category, urgency, room=room, room_confirmed=True)
        created = workorders.create(ctx, draft)
        oid, serial = created.id, created.serial
    if arrive is not None:
        with write(arrive) as ctx:
            workorders.dispatch(ctx, oid, "工程部 李师傅")
            workorders.start(ctx, oid)
    if complete is not None:
        with write(complete) as ctx:
            workorders.complete(ctx, oid, Completion("已修好"))
    return oid, serial


@pytest.fixture
def month(write) -> dict[str, str]:
    """October 2026 and one repair in September; returns the serials.

    紧急 E1 10 Oct 09:00, on site 09:10, done 10:00 (10 min, 60 min: both in time)
    紧急 E2 11 Oct 20:00, on site 20:40, done 23:00 (40 > 30 min, 180 > 120 min: both late)
    一般 O1  5 Oct 10:00, on site 11:00, done 12:00 (in time); 1-1-101 水电 as E1 → E1 repeats
    投诉 C1  3 Oct 10:00 物业管理 轻微, answered 4 Oct 10:00 (24 h), called back 5 Oct: 满意
    回访 E1 非常满意; E2's and O1's callbacks (due 48 h after completion) are never made
    September: one 一般 repair, never touched (both deadlines missed)
    """
    with write(t(9, 1, 8)) as ctx:
        residents.ensure_unit(ctx, "1-1-101")
    s: dict[str, str] = {}
    _, s["P1"] = order(write, t(9, 20, 10), Urgency.ORDINARY, "门窗", "1-1-101")
    e1, s["E1"] = order(write, t(10, 10, 9), Urgency.EMERGENCY, "水电", "1-1-101",
                        t(10, 10, 9, 10), t(10, 10, 10))  # fmt: skip
    _, s["E2"] = order(write, t(10, 11, 20), Urgency.EMERGENCY, "水电", "1-1-102",
                       t(10, 11, 20, 40), t(10, 11, 23))  # fmt: skip
    _, s["O1"] = order(write, t(10, 5, 10), Urgency.ORDINARY, "水电", "1-1-101",
                       t(10, 5, 11), t(10, 5, 12))  # fmt: skip
    with write(t(10, 3, 10)) as ctx:
        c1 = complaints.create(
            ctx, ComplaintDraft("投诉内容", "物业管理", Severity.MINOR, complainant="张先生",
                                room="1-1-101")
        )  # fmt: skip
        s["C1"] = c1.serial
    with write(t(10, 4, 10)) as ctx:
        complaints.answer(ctx, c1.id, "已处理并答复业主")
    with write(t(10, 5, 10)) as ctx:
        callbacks.record_for(ctx, "complaint", c1.id, CallbackResult(Satisfaction.SATISFIED))
    with write(t(10, 10, 15)) as ctx:
        callbacks.record_for(ctx, "workorder", e1, CallbackResult(Satisfaction.VERY))
    return s


@pytest.fixture
def boxes(monkeypatch) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"error": [], "info": []}
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: seen["error"].append(text))
    monkeypatch.setattr(msgbox, "info", lambda parent, title, text: seen["info"].append(text))
    return seen


@pytest.fixture
def open_tab(qtbot, settle, ops, monkeypatch, boxes):
    """``open_tab()`` → the tab, shown at 1280×800 with its first month loaded."""
    monkeypatch.setattr(statistics_tab, "local_now", lambda: AS_OF)

    def _open() -> StatisticsTab:
        tab = StatisticsTab(ops)
        qtbot.addWidget(tab)
        tab.resize(1280, 800)
        tab.show()
        settle(ops, tab)
        assert tab.report is not None
        return tab

    return _open


def test_the_last_full_month_opens_with_the_hand_counted_figures(open_tab, month) -> None:
    tab = open_tab()
    assert tab.month() == (2026, 10)
    assert tab.month_edit.text() == "2026年10月"
    assert tab.title_label.text().endswith("月度服务统计（2026年10月）")
    assert not tab.empty_label.isVisible()

    # 概况: 项目 | 本月 | 上月 | 变化
    assert tab.row_texts("summary", "报修（单）") == ["报修（单）", "3", "1", "+2"]
    assert tab.row_texts("summary", "投诉（件）") == ["投诉（件）", "1", "0", "+1"]
    assert tab.row_texts("summary", "重复报修（单）") == ["重复报修（单）", "1", "0", "+1"]
    assert tab.row_texts("summary", "完成回访（次）") == ["完成回访（次）", "2", "0", "+2"]
    # complaints: 类别 | 重大 重要 轻微 | 合计 | 上月合计 | 变化
    assert tab.row_texts("complaints", "物业管理") == ["物业管理", "0", "0", "1", "1", "0", "+1"]
    # 紧急: on site after 10 and 40 min → median 25, P90 10 + 0.9·30 = 37; none in September
    assert tab.row_texts("response_time", "紧急") == [
        "紧急", "2", "2", "25.0", "—", "—", "37.0", "—", "—",
    ]  # fmt: skip
    # done after 60 and 180 min → median 2.0 h, P90 168 min = 2.8 h
    assert tab.row_texts("completion_time", "紧急")[2:7] == ["2.0", "—", "—", "2.8", "—"]
    # 响应: 紧急 1 in time, 1 late; 一般 in time (September's was late: 0 %)
    assert tab.row_texts("response_sla", "紧急") == [
        "紧急", "1", "1", "0", "50.0%", "—", "—",
    ]  # fmt: skip
    assert tab.row_texts("response_sla", "一般") == [
        "一般", "1", "0", "0", "100.0%", "0.0%", "+100.0",
    ]  # fmt: skip
    assert tab.row_texts("response_sla", "合计")[1:] == ["2", "1", "0", "66.7%", "0.0%", "+66.7"]
    # 回访: the complaint's made (100 %, 达标); of three repairs only E1's (33.3 %, 未达标)
    assert tab.row_texts("callbacks", "投诉")[1:8] == [
        "1", "1", "0", "0", "100.0%", "100.0%", "达标",
    ]  # fmt: skip
    assert tab.row_texts("callbacks", "报修")[1:8] == [
        "1", "1", "2", "0", "33.3%", "90.0%", "未达标",
    ]  # fmt: skip
    assert tab.row_texts("satisfaction", "满意")[1:5] == ["1", "0", "1", "50.0%"]
    # 10时: O1 10:00 and C1 10:03; September's P1 at 10:00 too
    assert tab.row_texts("hours", "10时") == ["10时", "0", "0", "1", "1", "2", "1", "+1"]
    # repeats: E1 five days after O1 at 1-1-101, 水电
    assert tab.row_texts("repeats", "报修") == [
        "报修", "1-1-101", "水电", f"{month['O1']}、{month['E1']}", "2", "1",
    ]  # fmt: skip

    # charts where they help, and the tables never scroll sideways
    assert set(tab.charts) == {"complaints", "response_sla", "completion_sla", "satisfaction",
                               "hours"}  # fmt: skip
    assert all(isinstance(view, QChartView) for view in tab.charts.values())
    series = tab.charts["response_sla"].chart().series()[0]
    assert [s.label() for s in series.barSets()] == ["及时率", "上月及时率"]
    bars = series.barSets()[0]
    assert [bars.at(i) for i in range(bars.count())] == [50, 0, 100, 0]  # 紧急 重要 一般 预约


def test_the_month_chooser_has_a_label_and_steps(open_tab, qtbot) -> None:
    tab = open_tab()
    labels = [w for w in tab.findChildren(QLabel) if w.buddy() is tab.month_edit]
    assert [w.text() for w in labels] == ["月份"]
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.previous_button.click()
    assert (tab.report.year, tab.report.month) == (2026, 9)
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.set_month(2026, 1)
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.previous_button.click()
    assert tab.month() == (2025, 12)


def test_an_empty_month_says_no_data(open_tab, qtbot, month) -> None:
    tab = open_tab()
    with qtbot.waitSignal(tab.loaded, timeout=WAIT):
        tab.set_month(2025, 2)
    assert tab.empty_label.isVisible()
    assert "2025年2月无数据" in tab.empty_label.text()
    assert tab.row_texts("summary", "报修（单）") == ["报修（单）", "0", "0", "0"]
    assert tab.row_texts("response_sla", "合计")[4:] == ["—", "—", "—"]
    assert all(isinstance(w, QLabel) and w.text() == "无数据" for w in tab.charts.values())
    assert "repeats" not in tab.tables  # 本月没有重复问题, said instead of an empty table


def test_a_change_elsewhere_reloads_the_figures(open_tab, settle, write, ops) -> None:
    tab = open_tab()
    assert tab.row_texts("summary", "报修（单）")[1] == "0"
    oid, _serial = order(write, t(10, 20, 9), Urgency.ORDINARY, "水电", "2-1-101")
    ops.changed.emit(changed("resident"))  # not counted here: no reload
    settle(ops, tab)
    assert tab.row_texts("summary", "报修（单）")[1] == "0"
    ops.changed.emit(changed("workorder", oid))  # as the worker says after a commit
    settle(ops, tab)  # the coalescing delay, then the reload
    assert tab.row_texts("summary", "报修（单）")[1] == "1"


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_export_writes_a_file_that_reopens(
    open_tab, qtbot, month, monkeypatch, tmp_path, boxes, fmt
) -> None:
    tab = open_tab()
    asked: list[tuple[str, str]] = []

    def ask(parent, title, suggested, filters):
        asked.append((title, suggested))
        return str(tmp_path / "十月统计")  # no suffix typed: it is added

    monkeypatch.setattr(dialogs, "ask_save_path", ask)
    button = tab.excel_button if fmt == "xlsx" else tab.pdf_button
    with qtbot.waitSignal(tab.exported, timeout=WAIT) as written:
        button.click()
    target = tmp_path / f"十月统计.{fmt}"
    assert written.args == [str(target)]
    assert asked[0][1].endswith(f"月度服务统计-2026年10月.{fmt}")
    assert str(target) in tab.status_label.text()
    assert button.isEnabled() and not boxes["error"]
    if fmt == "xlsx":
        ws = load_workbook(target)[SHEET_TITLE]
        assert ws["A2"].value == "月度服务统计（2026年10月）"
        assert len(ws._charts) == 5
    else:
        text = subprocess.run(
            ["pdftotext", str(target), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "月度服务统计（2026年10月）" in text and "33.3%" in text


def test_export_to_a_missing_folder_is_explained(open_tab, qtbot, monkeypatch, tmp_path, boxes):
    tab = open_tab()
    missing = tmp_path / "没有这个文件夹" / "统计.xlsx"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *args: str(missing))
    tab.excel_button.click()
    qtbot.waitUntil(lambda: bool(boxes["error"]), timeout=WAIT)
    assert "文件夹" in boxes["error"][0] and "不存在" in boxes["error"][0]
    assert tab.excel_button.isEnabled()
    assert not missing.exists()


def test_a_cancelled_export_writes_nothing(
    open_tab, settle, ops, monkeypatch, tmp_path, boxes
) -> None:
    tab = open_tab()
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *args: "")
    tab.pdf_button.click()
    settle(ops, tab)
    assert tab.last_export is None and list(tmp_path.glob("*.pdf")) == []
    assert not boxes["error"]


def test_the_report_reads_top_to_bottom_at_1280_by_800(open_tab, qtbot, month) -> None:
    tab = open_tab()
    viewport = tab.scroll.viewport()
    # the new sections are laid out by the event loop
    qtbot.waitUntil(lambda: tab.scroll.verticalScrollBar().maximum() > 0, timeout=WAIT)
    assert tab.scroll.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways
    for table in tab.tables.values():
        assert table.width() <= viewport.width()
        assert table.horizontalScrollBar().maximum() == 0


def test_a_failed_read_is_explained(qtbot, ops, monkeypatch, boxes, caplog) -> None:
    def broken(*args):
        raise RuntimeError("磁盘读取错误")

    monkeypatch.setattr(statistics_tab, "load_report", broken)
    with caplog.at_level(logging.ERROR, logger="desk.ui"):  # a bug's traceback is logged
        tab = StatisticsTab(ops)
        qtbot.addWidget(tab)
        qtbot.waitUntil(lambda: bool(boxes["error"]), timeout=WAIT)
    assert [r.exc_info[0] for r in caplog.records] == [RuntimeError]
    assert boxes["error"] == ["无法读取统计数字：磁盘读取错误"]
    assert tab.report is None and tab.status_label.text() == "统计失败"
