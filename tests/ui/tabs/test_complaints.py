"""投诉处理 driven as a receptionist would: record a complaint with every field, see whom
it must reach by when, handle / escalate / answer / void it, watch the countdown turn
amber then red, keep photos with it, and take one over from a visit."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers.ui import WAIT, field
from PySide6.QtCore import QDateTime, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel
from sqlmodel import select

from desk.models import Callback, Complaint, ComplaintAttachment
from desk.models.enums import ComplaintState, EscalationLevel
from desk.services.core.transactions import reading
from desk.services.records import carry, complaints, residents, visits
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.residents import ResidentDraft
from desk.services.records.visits import VisitDraft
from desk.ui import msgbox
from desk.ui.dialogs import complaint_dialogs
from desk.ui.dialogs.complaint_dialogs import (
    AnswerDialog,
    AnswerValues,
    EscalateDialog,
    StartValues,
)
from desk.ui.tabs import complaints as complaints_tab
from desk.ui.tabs import record_tab
from desk.ui.tabs.complaints import ComplaintsTab


@pytest.fixture
def tab(qtbot, settle, write, on_duty, ops):
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
    widget = ComplaintsTab(ops)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    settle(ops, widget)
    assert widget.category.count() > 1
    return widget


@pytest.fixture
def errors(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: shown.append(text))
    return shown


def stored(fetch) -> list[Complaint]:
    return fetch(select(Complaint).order_by(Complaint.id))


def save(qtbot, tab) -> None:
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save_button.click()


def add(write, at: datetime, **values) -> Complaint:
    draft = {"description": "楼道堆放杂物", "category": "物业管理", "complainant": "李女士"}
    with write(at) as ctx:
        return complaints.create(ctx, ComplaintDraft(**{**draft, **values}))


def select_first(settle, tab, action: str) -> None:
    """After a reload: select the list's first row once the list is loaded, and wait for
    its detail (with ``action`` among its buttons)."""
    settle(tab.ops, tab)
    assert tab.model.rowCount() >= 1
    tab.view.selectRow(0)
    settle(tab.ops, tab)
    assert tab.detail.action_button(action) is not None


def shown(tab, label: str) -> str:
    return dict(tab.detail.detail.fields).get(label, "") if tab.detail.detail else ""


# --- the form -------------------------------------------------------------------------------


def test_every_input_has_a_label(tab):
    for label in (
        "查找住户",
        "投诉人",
        "电话",
        "房号",
        "投诉方式",
        "投诉类别",
        "投诉细类",
        "严重程度",
        "发生时间",
        "发生地点",
        "被投诉对象",
        "投诉内容",
        "业主诉求",
        "要求解决期限",
        "证人",
        "责任部门",
        "附件（照片、文件）",
    ):
        assert field(tab, label) is not None
    assert field(tab, "投诉人") is tab.person and field(tab, "投诉内容") is tab.description


def test_tab_goes_down_the_form(tab):
    # short fields in pairs, left then right: 投诉方式 | 严重程度, 投诉类别 | 投诉细类 …
    order = [tab.lookup, tab.person, tab.phone, tab.room, tab.channel, tab.severity]
    order += [tab.category, tab.subtype, tab.occurred.check, tab.place, tab.target]
    order += [tab.description, tab.demand, tab.deadline.check, tab.witnesses, tab.department]
    order += [tab.clear_button, tab.save_button]
    chain, widget = [], tab.lookup
    for _step in range(200):
        if widget in order and widget not in chain:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain == order


def test_severity_says_whom_it_must_reach_by_when(tab):
    hints = {}
    for text in ("轻微", "重要", "重大"):
        tab.severity.setCurrentText(text)
        hints[text] = tab.severity_note.text()
    assert hints["重要"] == "重要：1小时内上报项目主管"
    assert hints["重大"] == "重大：当天上报公司领导"
    assert hints["轻微"].startswith("轻微：2天内由前台/责任部门处理完毕")
    assert tab.severity.accessibleDescription() == hints["重大"]


def test_lookup_type_every_field_and_save(qtbot, tab, type_text, fetch):
    qtbot.keyClicks(tab.lookup, "3-2-1201")
    tab.lookup.textEdited.emit(tab.lookup.text())
    qtbot.waitUntil(lambda: bool(tab.lookup.matches), timeout=WAIT)
    tab.lookup.choose(0)
    assert (tab.person.text(), tab.room.text()) == ("张三", "3-2-1201")
    field(tab, "投诉方式").setCurrentText("书面")
    field(tab, "投诉类别").setCurrentText("物业管理")
    field(tab, "投诉细类").setCurrentText("噪音")
    field(tab, "严重程度").setCurrentText("重要")
    occurred = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    tab.occurred.check.setChecked(True)
    tab.occurred.edit.setDateTime(QDateTime(occurred))
    type_text(field(tab, "发生地点"), "3栋2单元楼道")
    type_text(field(tab, "被投诉对象"), "1101装修队")
    type_text(field(tab, "投诉内容"), "每晚十二点后还在装修，已复述确认")
    type_text(field(tab, "业主诉求"), "晚上停止施工并道歉")
    deadline = datetime.now().replace(second=0, microsecond=0) + timedelta(days=2)
    tab.deadline.check.setChecked(True)
    tab.deadline.edit.setDateTime(QDateTime(deadline))
    type_text(field(tab, "证人"), "邻居王先生")
    type_text(field(tab, "责任部门"), "工程部")
    save(qtbot, tab)
    [c] = stored(fetch)
    assert (c.person_name, c.room_text, c.resident_id, c.phone) == (
        "张三",
        "3-2-1201",
        1,
        "13812345678",
    )
    assert (c.channel, c.category, c.subtype, c.severity) == ("书面", "物业管理", "噪音", "重要")
    assert (c.occurred_at, c.occurred_place, c.target) == (occurred, "3栋2单元楼道", "1101装修队")
    assert (c.description, c.demand, c.demand_deadline) == (
        "每晚十二点后还在装修，已复述确认",
        "晚上停止施工并道歉",
        deadline,
    )
    assert (c.witnesses, c.department, c.level) == ("邻居王先生", "工程部", "前台/部门")
    assert c.due_at == c.created_at + timedelta(hours=1)
    assert tab.description.toPlainText() == "" and tab.person.text() == ""  # after the commit
    assert not tab.occurred.check.isChecked() and tab.category.currentIndex() == 0
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT)
    assert tab.model.row_at(0).serial == c.serial


def test_errors_land_under_their_field_and_the_text_stays(qtbot, tab, type_text, fetch):
    type_text(tab.person, "王五")
    type_text(tab.description, "垃圾三天没清运")
    tab.save_button.click()  # no category chosen
    qtbot.waitUntil(lambda: tab.errors_label("category").isVisible(), timeout=WAIT)
    assert tab.errors_label("category").text().startswith("投诉类别：请从以下类别中选择")
    assert (tab.person.text(), tab.description.toPlainText()) == ("王五", "垃圾三天没清运")

    tab.category.setCurrentText("物业管理")
    tab.deadline.check.setChecked(True)
    tab.deadline.edit.setDateTime(QDateTime(datetime.now() - timedelta(hours=1)))
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.errors_label("demand_deadline").isVisible(), timeout=WAIT)
    assert tab.errors_label("demand_deadline").text() == "要求解决期限：不能早于现在"
    assert not tab.errors_label("category").isVisible()
    assert tab.description.toPlainText() == "垃圾三天没清运" and stored(fetch) == []


def test_a_locked_database_keeps_the_text(
    qtbot, tab, type_text, errors, monkeypatch, db_path, engine
):
    monkeypatch.setattr("desk.models.db.BUSY_TIMEOUT_MS", 50)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("PRAGMA busy_timeout = 0")
    blocker.execute("BEGIN IMMEDIATE")
    try:
        engine.dispose()  # new connections pick up the short busy timeout
        type_text(tab.person, "赵六")
        tab.category.setCurrentText("客户服务")
        type_text(tab.description, "保安态度差")
        tab.save_button.click()
        qtbot.waitUntil(lambda: bool(errors), timeout=WAIT * 3)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "占用" in errors[0] and "还在" in errors[0]
    assert (tab.person.text(), tab.description.toPlainText()) == ("赵六", "保安态度差")
    assert tab.category.currentText() == "客户服务"


# --- actions --------------------------------------------------------------------------------


def test_start_escalate_twice_and_answer(qtbot, settle, tab, write, fetch, errors, monkeypatch):
    add(write, datetime.now(), severity="重要", department="工程部")
    tab.reload()
    select_first(settle, tab, "开始处理")

    offered: list[StartValues] = []

    def ask_start(parent, values, error=None):
        offered.append(values)
        return StartValues("工程部", "联系施工方晚上停工")

    monkeypatch.setattr(complaint_dialogs, "ask_start", ask_start)
    tab.detail.action_button("开始处理").click()
    settle(tab.ops, tab)
    assert stored(fetch)[0].state == ComplaintState.IN_PROGRESS
    assert offered == [StartValues("工程部", "")]  # the department typed at intake
    assert stored(fetch)[0].measures == "联系施工方晚上停工"

    levels: list[str] = []

    def ask_escalation(parent, level, reason="", error=None):
        levels.append(str(level))
        return "业主对处理进度不满意"

    monkeypatch.setattr(complaint_dialogs, "ask_escalation", ask_escalation)
    for expected in (EscalationLevel.SUPERVISOR, EscalationLevel.LEADERSHIP):
        # the same complaint stays selected and its detail shows the new state
        tab.detail.action_button("升级").click()
        settle(tab.ops, tab)
        assert stored(fetch)[0].level == expected
        assert shown(tab, "上报层级") == expected
    assert levels == ["前台/部门", "项目主管"]
    changes = [
        tab.detail.history.item(row, 3).text() for row in range(tab.detail.history.rowCount())
    ]
    assert "上报层级：前台/部门 → 项目主管" in changes
    assert "上报层级：项目主管 → 公司领导" in changes

    tab.detail.action_button("升级").click()  # there is no level above 公司领导
    assert errors == ["这条投诉已经上报到公司领导，不能再升级。"]
    assert len(levels) == 2

    monkeypatch.setattr(
        complaint_dialogs,
        "ask_answer",
        lambda parent, values, error=None: AnswerValues("已协调停工并致歉", "已停工", ""),
    )
    tab.detail.action_button("答复").click()
    settle(tab.ops, tab)
    complaint = stored(fetch)[0]
    assert complaint.state == ComplaintState.ANSWERED and tab.detail.detail.state == "已答复"
    assert (complaint.reply, complaint.result) == ("已协调停工并致歉", "已停工")
    [callback] = fetch(select(Callback))
    assert callback.complaint_id == complaint.id


def test_a_refused_answer_reopens_the_dialog_as_typed(
    qtbot, settle, tab, write, fetch, monkeypatch
):
    add(write, datetime.now())
    tab.reload()
    select_first(settle, tab, "答复")
    too_long = AnswerValues("已处理", "结果" * 1001, "")
    asked: list[tuple[AnswerValues, str]] = []

    def ask_answer(parent, values, error=None):
        asked.append((values, str(error) if error else ""))
        return too_long if len(asked) == 1 else None  # typed too much, then cancelled

    monkeypatch.setattr(complaint_dialogs, "ask_answer", ask_answer)
    tab.detail.action_button("答复").click()
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=WAIT)
    assert asked[1][0] == too_long and asked[1][1].startswith("处理结果：")
    assert stored(fetch)[0].state == ComplaintState.ACCEPTED


def test_void_asks_for_a_reason(qtbot, settle, tab, write, fetch, monkeypatch):
    add(write, datetime.now())
    tab.reload()
    select_first(settle, tab, "作废")
    monkeypatch.setattr(record_tab, "ask_reason", lambda parent: "重复登记")
    tab.detail.action_button("作废").click()
    qtbot.waitUntil(lambda: stored(fetch)[0].state == ComplaintState.VOID, timeout=WAIT)
    assert stored(fetch)[0].void_reason == "重复登记"


def test_dialogs_check_what_is_required_and_show_the_next_level(qtbot):
    answer = AnswerDialog(AnswerValues(), None, None)
    qtbot.addWidget(answer)
    answer.accept()
    assert answer.result() != AnswerDialog.DialogCode.Accepted
    messages = [lbl.text() for lbl in answer.findChildren(QLabel) if lbl.isVisibleTo(answer)]
    assert "答复内容：不能为空" in messages
    field(answer, "答复内容（必填）").setPlainText("已处理完毕")
    answer.accept()
    assert answer.result() == AnswerDialog.DialogCode.Accepted
    assert answer.values() == AnswerValues("已处理完毕", "", "")

    escalate = EscalateDialog("项目主管", "", None, None)
    qtbot.addWidget(escalate)
    texts = [label.text() for label in escalate.findChildren(QLabel)]
    assert "公司领导" in texts and field(escalate, "升级原因（必填）") is not None


# --- list: countdown and colours --------------------------------------------------------------


def test_overdue_is_red_near_is_amber_and_both_move_on(qtbot, tab, write, monkeypatch):
    # the list reads at the real time, so the complaints are made around it
    now = datetime.now().replace(second=0, microsecond=0)
    add(write, now - timedelta(hours=2), severity="重要")  # due an hour ago
    add(write, now - timedelta(minutes=50), severity="重要")  # ten minutes left of 60
    add(write, now - timedelta(minutes=1))  # minor: two days
    monkeypatch.setattr(complaints_tab, "clock", lambda: now)
    tab.reload()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=WAIT)
    countdown = [c.header for c in tab.model._columns].index("剩余")

    def cells() -> list[tuple[str, str | None]]:
        model = tab.model
        out = []
        for row in range(3):
            brush = model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
            colour = brush.color().name() if brush is not None else None
            out.append((model.data(model.index(row, countdown)), colour))
        return out

    # newest first
    assert cells() == [
        ("剩 1天23小时", None),
        ("剩 10分", "#fdebd0"),
        ("超时 1小时", "#fadbd8"),
    ]
    monkeypatch.setattr(complaints_tab, "clock", lambda: now + timedelta(minutes=15))
    with qtbot.waitSignal(tab.model.dataChanged, timeout=WAIT):
        tab.model.repaint()  # what the tab's timer does
    assert cells() == [
        ("剩 1天23小时", None),
        ("超时 5分", "#fadbd8"),
        ("超时 1小时15分", "#fadbd8"),
    ]
    assert tab.clock.isActive() and tab.clock.interval() == complaints_tab.TICK_MS


def test_the_residents_deadline_counts_and_shows(qtbot, tab, write, monkeypatch):
    now = datetime.now().replace(second=0, microsecond=0)
    add(write, now - timedelta(hours=1), demand_deadline=now + timedelta(hours=3))
    add(write, now - timedelta(minutes=5), severity="重要")
    monkeypatch.setattr(complaints_tab, "clock", lambda: now)
    tab.reload()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=WAIT)
    important, minor = tab.model.rows
    own = (now + timedelta(hours=3)).strftime("%m-%d %H:%M")
    # earlier than two days: the resident's deadline is the one that runs
    assert minor.due_at == minor.demand_deadline
    headers = [
        tab.model.headerData(i, Qt.Orientation.Horizontal) for i in range(tab.model.columnCount())
    ]
    shown = {h: tab.model.index(1, i).data() for i, h in enumerate(headers)}
    assert shown["处理时限"] == shown["要求解决期限"] == own
    assert tab.countdown(minor) == "剩 3小时"
    assert tab.countdown(important) == "剩 55分"
    with write(now) as ctx:
        complaints.escalate(ctx, important.id, "按规定上报")
    tab.reload()
    qtbot.waitUntil(
        lambda: bool(tab.model.rows) and tab.model.rows[0].level == "项目主管", timeout=WAIT
    )
    # reported in time: the one-hour limit no longer runs
    assert tab.countdown(tab.model.rows[0]) == "" and tab.row_colour(tab.model.rows[0]) is None


# --- attachments ----------------------------------------------------------------------------


def test_attach_a_photo_and_open_it(qtbot, settle, tab, write, fetch, monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    photo = tmp_path / "楼道杂物.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    add(write, datetime.now() - timedelta(hours=1), description="另一件投诉")
    add(write, datetime.now())
    tab.reload()
    assert not tab.add_attachment_button.isEnabled()  # nothing selected yet
    select_first(settle, tab, "答复")
    assert tab.add_attachment_button.isEnabled()
    assert not tab.open_attachment_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(photo)], ""))
    tab.add_attachment_button.click()
    qtbot.waitUntil(lambda: tab.attachments.rowCount() == 1, timeout=WAIT)
    [row] = fetch(select(ComplaintAttachment))
    assert (row.filename, row.data) == ("楼道杂物.jpg", photo.read_bytes())
    assert tab.attachments.item(0, 0).text() == "楼道杂物.jpg"
    assert tab.attachments.item(0, 1).text() == "2 KB"

    earlier = tmp_path / "temp" / "desk-attachments" / "0123abcd" / "上周的照片.jpg"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"old")
    os.utime(earlier, (time.time() - 2 * 86400,) * 2)  # opened two days ago
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    tab.attachments.setCurrentCell(0, 0)
    assert tab.open_attachment_button.isEnabled()
    tab.open_attachment_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT)
    copy = Path(opened[0].toLocalFile())
    assert copy.name == "楼道杂物.jpg" and copy.read_bytes() == photo.read_bytes()
    assert copy.is_relative_to(tmp_path / "temp")
    assert not earlier.parent.exists()  # the stale copy was swept on the way

    tab.view.selectRow(1)  # another complaint: its own (no) attachments
    settle(tab.ops, tab)
    assert tab.attachments.rowCount() == 0
    assert not tab.open_attachment_button.isEnabled() and tab.add_attachment_button.isEnabled()


def test_empty_or_huge_files_are_refused_in_chinese(
    qtbot, settle, tab, write, fetch, errors, tmp_path, monkeypatch
):
    empty = tmp_path / "空.jpg"
    empty.write_bytes(b"")
    huge = tmp_path / "视频.mp4"
    with huge.open("wb") as f:
        f.truncate(complaints.MAX_ATTACHMENT_BYTES + 1)  # sparse: never read in
    add(write, datetime.now())
    tab.reload()
    select_first(settle, tab, "答复")
    assert tab.add_attachment_button.isEnabled()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(empty), str(huge)], "")
    )
    tab.add_attachment_button.click()
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=WAIT)
    assert any("视频.mp4" in e and "文件太大（20 MB），请小于 20 MB" in e for e in errors)
    assert any("空.jpg" in e and "文件是空的" in e for e in errors)
    assert fetch(select(ComplaintAttachment)) == []


# --- 转投诉 -----------------------------------------------------------------------------------


def test_take_over_a_visit(qtbot, tab, engine, write, fetch, monkeypatch):
    with write(datetime.now()) as ctx:
        visit = visits.create(
            ctx,
            VisitDraft("张三", "楼上漏水到我家，找过两次没人管", room="3-2-1201", resident_id=1),
        )
    with reading(engine) as ctx:
        carried = carry.carry_over(ctx, "visit", visit.id)
    tab.take_over(carried)
    assert (tab.person.text(), tab.room.text(), tab.resident_id) == ("张三", "3-2-1201", 1)
    assert tab.description.toPlainText() == "楼上漏水到我家，找过两次没人管"
    assert tab.channel.currentText() == "来访"
    assert tab.carried_note.text() == f"由来访 {visit.serial} 转来"
    assert tab.focusWidget() is tab.category
    tab.category.setCurrentText("工程质量")
    save(qtbot, tab)
    [complaint] = stored(fetch)
    assert (complaint.visit_id, complaint.call_id, complaint.channel) == (visit.id, None, "来访")
    assert tab.carried is None and tab.carried_note.isHidden()

    tab.take_over(carried)
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: True)
    tab.ask_clear()  # clearing the form forgets where it came from
    assert tab.carried is None
    tab.category.setCurrentText("工程质量")
    tab.person.setText("张三")
    tab.description.setPlainText("另一件事")
    save(qtbot, tab)
    assert stored(fetch)[1].visit_id is None
