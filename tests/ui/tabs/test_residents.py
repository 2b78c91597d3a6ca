"""The 住户 tab as a receptionist uses it: search as you type, open a record, add, edit,
move out, import a messy list through the preview, export the list."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from helpers import ui
from helpers.ui import WAIT
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget
from sqlmodel import select

from desk.models.errors import StorageError
from desk.models.office import AuditEvent
from desk.services.core.transactions import reading, writing
from desk.services.io.resident_import import Action, ImportPlan
from desk.services.records import calls, residents, staff, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.residents import ResidentDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import WorkOrderDraft
from desk.services.views import resident_search
from desk.ui import dialogs, msgbox
from desk.ui.dialogs.import_preview import ImportPreviewDialog, column_letter
from desk.ui.ops import Ops
from desk.ui.tabs import residents as residents_tab
from desk.ui.tabs.residents import ExportOptions, ExportOptionsDialog, ResidentsTab

NOW = datetime(2026, 11, 23, 10, 0)  # as tests/conftest.py (see its docstring)
DATA = Path(__file__).resolve().parents[2] / "data" / "residents"

# the resident dialog hides rows a kind of unit does not have: only the visible ones
field = partial(ui.field, visible_only=True)

# --- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
def ops(settle, desk, boxes):
    """The DB workers on the test's desk; shut down before the engine is disposed (they
    depend on it).

    Teardown waits until every answer on its way has been delivered, while the message
    boxes are still replaced (``boxes`` is torn down after this): a late answer must not
    open a real message box.
    """
    ops = Ops(desk)
    yield ops
    settle(ops)
    ops.shutdown()


@pytest.fixture
def keep(qtbot, settle, ops):
    """``keep(widget)`` shows it; at the end it is closed and deleted once the DB worker
    is idle, so no answer arrives at a deleted window."""
    kept: list[QWidget] = []

    def _keep(widget: QWidget) -> QWidget:
        kept.append(widget)
        widget.show()
        return widget

    yield _keep
    settle(ops)
    for widget in kept:
        widget.close()
        widget.deleteLater()
    qtbot.wait(1)


@pytest.fixture
def people(engine, staff_id) -> dict[str, int]:
    """Four residents in three flats, and a history for 3-2-1201."""
    ids = {}
    with writing(engine, staff_id=staff_id, now=NOW) as ctx:
        for key, draft in {
            "zhang": ResidentDraft(
                "张三", "3-2-1201", "业主", "13812345678 / 021-87654321", "2020-05-01", "腿脚不便"
            ),
            "li": ResidentDraft("李四", "3栋2单元1201室", "家属", "13912340000"),
            "wang": ResidentDraft("王五", "5-1-301", "租户", "13600001111", "2021-03-15"),
            "zhou": ResidentDraft("周珊珊", "6-1-101", "业主", "18600002222"),
        }.items():
            ids[key] = residents.add(ctx, draft).id
    day = timedelta(days=1)
    with writing(engine, staff_id=staff_id, now=NOW - 3 * day) as ctx:
        visits.create(ctx, VisitDraft("张三", "办理装修登记", room="3-2-1201"))
    with writing(engine, staff_id=staff_id, now=NOW - 2 * day) as ctx:
        calls.create_call(ctx, CallDraft("咨询", "问停车费", "张三", room="3-2-1201"))
    with writing(engine, staff_id=staff_id, now=NOW - day) as ctx:
        workorders.create(ctx, WorkOrderDraft("厨房水龙头漏水", "水电", room="3-2-1201"))
    with writing(engine, staff_id=staff_id, now=NOW) as ctx:
        calls.create_call(ctx, CallDraft("咨询", "别家的事", room="5-1-301"))
    return ids


def _make_tab(keep, settle, ops) -> ResidentsTab:
    tab = ResidentsTab(ops)
    tab.resize(1200, 700)
    keep(tab)
    settle(ops, tab)  # the list and its count are on the screen
    return tab


@pytest.fixture
def tab(keep, settle, ops, on_duty, people) -> ResidentsTab:
    """The tab opened on the registry of ``people``, the manager on duty."""
    return _make_tab(keep, settle, ops)


@pytest.fixture
def empty_tab(keep, settle, ops, on_duty) -> ResidentsTab:
    return _make_tab(keep, settle, ops)


def names(tab: ResidentsTab) -> list[str]:
    return [tab.model.row_at(i).name for i in range(tab.model.rowCount())]


def column(tab: ResidentsTab, col: int) -> list[str]:
    return [tab.model.data(tab.model.index(i, col)) for i in range(tab.model.rowCount())]


def search_for(qtbot, settle, tab: ResidentsTab, text: str, type_text=None) -> None:
    """Clear the box, type ``text`` (Chinese through the input method), wait for the list
    (the status line of the search before says 找到 too: wait for this one's answer)."""
    tab.search_edit.clear()
    tab.apply_search()
    if type_text is not None:
        type_text(tab.search_edit, text)
    else:
        qtbot.keyClicks(tab.search_edit, text)
    assert tab.search_timer.isActive()  # searching waits for the typing to pause
    settle(tab.ops, tab)
    assert tab.status_label.text().startswith(("找到", "没有"))


def db_residents(engine) -> dict[str, dict]:
    with reading(engine) as ctx:
        return {d["name"]: d for d in residents.raw_rows(ctx.session, include_moved_out=True)}


def audited_by(engine, resident_id: int) -> set[int | None]:
    """Who the audit log says wrote the resident's rows (the person on duty)."""
    with reading(engine) as ctx:
        events = ctx.session.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "resident", AuditEvent.entity_id == resident_id
            )
        ).all()
        return {e.staff_id for e in events}


@pytest.fixture(autouse=True)
def boxes(monkeypatch) -> dict[str, list[str]]:
    """Message boxes replaced by plain functions that record what they were asked (in every
    test: a real one would wait for a click that never comes)."""
    seen: dict[str, list[str]] = {"error": [], "info": [], "confirm": []}
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: seen["error"].append(text))
    monkeypatch.setattr(msgbox, "info", lambda parent, title, text: seen["info"].append(text))

    def confirm(parent, title, text):
        seen["confirm"].append(text)
        return True

    monkeypatch.setattr(msgbox, "confirm", confirm)
    return seen


# --- the list and the search ------------------------------------------------------------


def test_an_empty_box_lists_everyone_with_masked_phones(qtbot, qtmodeltester, tab, people):
    assert tab.model.rowCount() == 4
    assert tab.status_label.text() == "共 4 位住户"
    headers = [
        tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())
    ]
    assert headers == ["房号", "姓名", "身份", "电话", "入住日期", "状态"]
    assert names(tab) == ["张三", "李四", "王五", "周珊珊"]  # room order, owner first
    assert column(tab, 3)[0] == "138****5678、021-****4321"
    assert column(tab, 4)[0] == "2020-05-01"
    assert set(column(tab, 5)) == {"在住"}
    listed = " ".join(" ".join(column(tab, c)) for c in range(6))
    assert "13812345678" not in listed and "87654321" not in listed  # privacy: masked
    qtmodeltester.check(tab.model)


def test_search_label_placeholder_and_tab_order(empty_tab):
    tab = empty_tab
    label = next(lbl for lbl in tab.findChildren(QLabel) if lbl.buddy() is tab.search_edit)
    assert label.text() == "查找"
    assert tab.search_edit.placeholderText() == "房号 / 姓名 / 拼音首字母 / 电话后四位"
    chain, widget = [], tab.search_edit
    while len(chain) < 6:
        widget = widget.nextInFocusChain()
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.isVisibleTo(tab):
            chain.append(widget)
    assert chain[:6] == [
        tab.table,
        tab.add_button,
        tab.edit_button,
        tab.move_out_button,
        tab.import_button,
        tab.export_button,
    ]


def test_initials_find_and_open_the_record_with_the_full_phone(qtbot, settle, tab, people):
    search_for(qtbot, settle, tab, "zs")
    assert names(tab) == ["张三", "周珊珊"]  # exact initials before a prefix
    assert tab.status_label.text() == "找到 2 位"
    # The best match is opened: the record shows the full numbers, the list masks them.
    assert tab.current is not None
    assert tab.current.resident_id == people["zhang"]
    assert tab.detail_values["phones"].text() == "13812345678、021-87654321"
    assert column(tab, 3)[0] == "138****5678、021-****4321"
    assert tab.detail_values["room"].text() == "3-2-1201（3栋2单元1201室）"
    assert tab.detail_values["housemates"].text() == "李四（家属）"
    assert tab.detail_values["notes"].text() == "腿脚不便"
    assert tab.edit_button.isEnabled() and tab.move_out_button.isEnabled()


def test_a_one_character_name_a_room_and_a_phone_tail(qtbot, settle, tab, people, type_text):
    search_for(qtbot, settle, tab, "李", type_text)
    assert names(tab) == ["李四"]
    search_for(qtbot, settle, tab, "3栋2单元1201室", type_text)
    assert names(tab) == ["张三", "李四"]
    search_for(qtbot, settle, tab, "5-1-301")
    assert names(tab) == ["王五"]
    search_for(qtbot, settle, tab, "1111")  # last four digits of 王五's mobile
    assert names(tab) == ["王五"]
    search_for(qtbot, settle, tab, "zzzz")
    assert names(tab) == [] and tab.status_label.text() == "没有找到"


def test_selecting_a_row_shows_the_record_and_the_units_timeline_newest_first(
    qtbot, qtmodeltester, tab, people
):
    assert tab.model.rowCount() == 4
    assert tab.current is None and not tab.edit_button.isEnabled()
    row = names(tab).index("李四")
    with qtbot.waitSignal(tab.detail_shown, timeout=WAIT) as shown:
        tab.table.selectRow(row)
    assert shown.args == [people["li"]]
    assert tab.detail_values["name"].text() == "李四"
    assert tab.detail_values["phones"].text() == "13912340000"  # full in the record
    assert column(tab, 3)[row] == "139****0000"  # masked in the list
    assert tab.detail_values["role"].text() == "家属"
    assert tab.detail_values["status"].text() == "在住"
    qtbot.waitUntil(lambda: tab.timeline_model.rowCount() == 3, timeout=WAIT)
    model = tab.timeline_model
    rows = [[model.data(model.index(r, c)) for c in range(5)] for r in range(3)]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["时间", "类别", "单号", "状态", "摘要"]
    assert [r[1] for r in rows] == ["报修", "来电", "来访"]  # newest first
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)
    assert rows[0][0] == (NOW - timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    assert rows[0][2].startswith("PG-") and "水龙头" in rows[0][4]
    assert "别家的事" not in " ".join(r[4] for r in rows)  # another flat's call
    qtmodeltester.check(model)
    requested = []
    tab.record_requested.connect(lambda kind, record_id: requested.append(kind))
    tab.timeline_view.doubleClicked.emit(model.index(2, 0))
    assert requested == ["来访"]


# --- add and edit -----------------------------------------------------------------------


def _open_add_form(qtbot, tab):
    tab.add_button.click()
    dialog = tab.form_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "新增住户"
    return dialog


def test_add_a_resident_through_the_form(qtbot, tab, people, engine, on_duty, type_text):
    dialog = _open_add_form(qtbot, tab)
    qtbot.keyClicks(field(dialog, "房号"), "7-1-101")
    type_text(field(dialog, "姓名"), "赵敏")
    role = field(dialog, "身份")
    assert [role.itemText(i) for i in range(role.count())] == ["业主", "租户", "家属"]
    role.setCurrentIndex(1)
    qtbot.keyClicks(field(dialog, "电话"), "137 0000 1111 / 13700002222")
    qtbot.keyClicks(field(dialog, "入住日期"), "2024-09-01")
    type_text(field(dialog, "备注"), "养狗一只")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as saved:
        dialog.save_button.click()
    assert not dialog.isVisible()  # closed only after the commit
    stored = db_residents(engine)["赵敏"]
    assert saved.args == [stored["resident_id"]]
    assert (stored["room"], stored["role"].value, stored["phones"], stored["notes"]) == (
        "7-1-101",
        "租户",
        ["13700001111", "13700002222"],
        "养狗一只",
    )
    assert str(stored["moved_in"]) == "2024-09-01"
    assert audited_by(engine, stored["resident_id"]) == {on_duty}
    # The new resident is opened and the list reloaded.
    qtbot.waitUntil(lambda: tab.current is not None and tab.current.name == "赵敏", timeout=WAIT)
    qtbot.waitUntil(lambda: "赵敏" in names(tab), timeout=WAIT)
    assert tab.detail_values["phones"].text() == "13700001111、13700002222"


def test_a_bad_phone_is_shown_next_to_the_field_and_nothing_is_written(
    qtbot, tab, people, engine, type_text
):
    dialog = _open_add_form(qtbot, tab)
    qtbot.keyClicks(field(dialog, "房号"), "7-1-101")
    type_text(field(dialog, "姓名"), "赵敏")
    phones = field(dialog, "电话")
    qtbot.keyClicks(phones, "12345")
    dialog.save_button.click()
    error = dialog.errors["phones"]
    qtbot.waitUntil(error.isVisible, timeout=WAIT)
    assert error.text().startswith("电话：") and "12345" in error.text()
    form: QFormLayout = dialog.layout().itemAt(0).layout()
    phone_row, _role = form.getWidgetPosition(phones)
    assert form.getWidgetPosition(error)[0] == phone_row + 1  # right under the phone field
    assert not any(label.isVisible() for key, label in dialog.errors.items() if key != "phones")
    assert dialog.isVisible()
    assert phones.text() == "12345" and field(dialog, "姓名").text() == "赵敏"  # text stays
    assert "赵敏" not in db_residents(engine)
    # Fixing the number saves; the old message goes away.
    phones.clear()
    qtbot.keyClicks(phones, "13700001111")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        dialog.save_button.click()
    assert not error.isVisible()
    assert db_residents(engine)["赵敏"]["phones"] == ["13700001111"]


def test_a_storage_error_is_shown_in_a_message_box_and_the_text_stays(
    qtbot, tab, people, engine, boxes, monkeypatch, type_text
):
    def locked(ctx, draft):
        raise StorageError("数据库正被另一台电脑使用，请稍后再试。", "locked")

    monkeypatch.setattr(residents, "add", locked)
    dialog = _open_add_form(qtbot, tab)
    qtbot.keyClicks(field(dialog, "房号"), "7-1-101")
    type_text(field(dialog, "姓名"), "赵敏")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(boxes["error"]), timeout=WAIT)
    assert boxes["error"] == ["数据库正被另一台电脑使用，请稍后再试。"]
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert field(dialog, "姓名").text() == "赵敏"
    assert "赵敏" not in db_residents(engine)


def test_edit_opens_with_the_full_phones_and_saves_changes(qtbot, settle, tab, people, engine):
    tab.show_resident(people["wang"])
    settle(tab.ops, tab)
    assert tab.current is not None and tab.current.name == "王五"
    tab.edit_button.click()
    dialog = tab.form_dialog
    assert dialog.windowTitle() == "编辑住户"
    assert field(dialog, "电话").text() == "13600001111"  # opening the record: full number
    assert field(dialog, "房号").text() == "5-1-301"
    assert field(dialog, "身份").currentText() == "租户"
    phones = field(dialog, "电话")
    phones.clear()
    qtbot.keyClicks(phones, "13600001111 / 13600002222")
    with qtbot.waitSignal(tab.ops.changed, timeout=WAIT) as changed:
        dialog.save_button.click()
    assert changed.args[0].ids_of("resident") == {people["wang"]}
    assert db_residents(engine)["王五"]["phones"] == ["13600001111", "13600002222"]
    qtbot.waitUntil(
        lambda: tab.detail_values["phones"].text() == "13600001111、13600002222", timeout=WAIT
    )


def test_after_a_save_the_list_keeps_the_search_and_the_record_stays_open(
    qtbot, settle, tab, people, engine, type_text
):
    search_for(qtbot, settle, tab, "3-2-1201")
    assert tab.current is not None
    assert names(tab) == ["张三", "李四"]
    with qtbot.waitSignal(tab.detail_shown, timeout=WAIT):
        tab.table.selectRow(1)
    tab.edit_button.click()
    dialog = tab.form_dialog
    type_text(field(dialog, "备注"), "独居老人")
    with qtbot.waitSignal(tab.detail_shown, timeout=WAIT) as shown:
        dialog.save_button.click()
    assert shown.args == [people["li"]]  # not the search's first match
    assert tab.detail_values["notes"].text() == "独居老人"
    # the row was selected before the save too: wait for the reloaded list's selection
    settle(tab.ops, tab)
    assert tab.table.selectionModel().hasSelection()
    assert tab.selected_row().name == "李四"
    assert tab.search_edit.text() == "3-2-1201" and names(tab) == ["张三", "李四"]
    assert db_residents(engine)["李四"]["notes"] == "独居老人"


def test_move_out_asks_for_the_day_and_keeps_the_resident(
    qtbot, settle, tab, people, engine, boxes, monkeypatch
):
    day = date.today() - timedelta(days=1)
    monkeypatch.setattr(residents_tab, "ask_move_out_day", lambda parent, detail: day)
    tab.show_resident(people["wang"])
    settle(tab.ops, tab)
    assert tab.current is not None and tab.current.name == "王五"
    tab.move_out_button.click()
    assert boxes["confirm"] and "王五" in boxes["confirm"][0]
    settle(tab.ops, tab)
    assert tab.current.moved_out == day
    assert tab.detail_values["status"].text() == f"已于 {day} 迁出"
    assert not tab.move_out_button.isEnabled()
    assert db_residents(engine)["王五"]["moved_out"] == day  # kept, not deleted
    assert "已迁出" in column(tab, 5)
    tab.include_moved_out.setChecked(False)
    settle(tab.ops, tab)
    assert names(tab) == ["张三", "李四", "周珊珊"]


def test_move_out_is_not_done_without_confirmation(qtbot, settle, tab, people, engine, monkeypatch):
    monkeypatch.setattr(residents_tab, "ask_move_out_day", lambda parent, detail: date.today())
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: False)
    tab.show_resident(people["wang"])
    settle(tab.ops, tab)
    assert tab.current is not None
    tab.move_out_button.click()
    settle(tab.ops, tab)  # whatever the click started has finished
    assert db_residents(engine)["王五"]["moved_out"] is None
    assert tab.current.moved_out is None and tab.move_out_button.isEnabled()


# --- import -----------------------------------------------------------------------------


def _preview(qtbot, keep, ops) -> ImportPreviewDialog:
    dialog = keep(ImportPreviewDialog(ops, DATA / "title_merged.xlsx"))
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    return dialog


def _actions(dialog: ImportPreviewDialog) -> dict[int, str]:
    model = dialog.rows_model
    return {
        int(model.data(model.index(r, 1))): model.data(model.index(r, 0))
        for r in range(model.rowCount())
    }


def _replanned(qtbot, dialog: ImportPreviewDialog, change) -> None:
    with qtbot.waitSignal(dialog.planned, timeout=WAIT):
        change()
    assert not dialog.busy


def test_import_preview_walk_through(qtbot, qtmodeltester, keep, engine, ops, on_duty):
    dialog = _preview(qtbot, keep, ops)
    # The guessed mapping, one combo per field, found by its label.
    assert dialog.mapping == {
        "room": 1, "name": 2, "role": 3, "phones": 4, "area": 5, "moved_in": 6, "notes": 7,
    }  # fmt: skip
    assert field(dialog, "房号").currentText() == "B列 房号"
    assert field(dialog, "姓名").currentText() == "C列 业主姓名"
    assert field(dialog, "楼栋").currentText() == "（不导入）"
    assert "第 3 行是表头" in dialog.file_label.text()
    # Every row with its action; nothing written yet.
    assert dialog.summary_label.text().startswith("新增 6，更新 0，未变 0，拒绝 7")
    assert _actions(dialog) == {
        4: "新增", 5: "新增", 6: "新增", 8: "新增", 9: "拒绝", 10: "拒绝", 11: "拒绝",
        12: "新增", 13: "拒绝", 14: "拒绝", 15: "新增", 16: "拒绝", 18: "拒绝",
    }  # fmt: skip
    model = dialog.rows_model
    first = [model.data(model.index(0, c)) for c in range(6)]
    assert first == ["新增", "4", "张三", "3-2-1201", "13812345678、13987654321", ""]
    dup = next(r for r in range(model.rowCount()) if model.data(model.index(r, 1)) == "11")
    assert "与第4行重复" in model.data(model.index(dup, 5))
    assert model.data(model.index(dup, 2)) == "张三"  # a rejected row shows what the file says
    qtmodeltester.check(model)
    assert dialog.import_button.isEnabled() and dialog.save_rejects_button.isEnabled()
    assert db_residents(engine) == {}

    # Changing a column plans again; a mapping that cannot work says why and cannot import.
    notes = field(dialog, "备注")
    _replanned(qtbot, dialog, lambda: notes.setCurrentIndex(0))
    assert "notes" not in dialog.plan.mapping
    name = field(dialog, "姓名")
    _replanned(qtbot, dialog, lambda: name.setCurrentIndex(0))
    assert dialog.mapping_error.isVisible()
    assert dialog.mapping_error.text() == "列对应：请指定“姓名”在哪一列"
    assert not dialog.import_button.isEnabled() and dialog.rows_model.rowCount() == 0
    _replanned(qtbot, dialog, lambda: name.setCurrentIndex(name.findData(2)))
    _replanned(qtbot, dialog, lambda: notes.setCurrentIndex(notes.findData(7)))
    assert not dialog.mapping_error.isVisible()
    assert db_residents(engine) == {}

    # 导入: one transaction, then the dialog closes.
    with qtbot.waitSignal(dialog.imported, timeout=WAIT) as imported:
        dialog.import_button.click()
    assert imported.args[0].summary() == "新增 6，更新 0，未变 0，拒绝 7"
    assert not dialog.isVisible()
    stored = db_residents(engine)
    assert sorted(stored) == sorted(["张三", "李四", "王五", "赵六", "周九", "陈十三"])
    assert stored["赵六"]["notes"] == "=1+1 不是公式"
    assert audited_by(engine, stored["赵六"]["resident_id"]) == {on_duty}

    # The same file again: every good row is 未变 and there is nothing to import.
    again = _preview(qtbot, keep, ops)
    assert again.summary_label.text().startswith("新增 0，更新 0，未变 6，拒绝 7")
    assert set(_actions(again).values()) == {"未变", "拒绝"}
    assert not again.import_button.isEnabled()


def test_rejected_rows_are_saved_as_xlsx(qtbot, keep, engine, ops, boxes, monkeypatch, tmp_path):
    target = tmp_path / "未导入"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, title, suggested, f: str(target))
    dialog = _preview(qtbot, keep, ops)
    dialog.save_rejects_button.click()
    qtbot.waitUntil(lambda: bool(boxes["info"]), timeout=WAIT)
    saved = target.with_suffix(".xlsx")
    assert str(saved) in boxes["info"][0] and "7 行" in boxes["info"][0]
    ws = load_workbook(saved).active
    numbers = [row[0] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert numbers == [9, 10, 11, 13, 14, 16, 18]
    assert db_residents(engine) == {}


def test_an_unreadable_file_is_explained(qtbot, keep, ops, tmp_path):
    bad = tmp_path / "名单.xlsx"
    bad.write_bytes(b"this is no spreadsheet at all")
    dialog = keep(ImportPreviewDialog(ops, bad))
    qtbot.waitUntil(dialog.file_error.isVisible, timeout=WAIT)
    assert "不是 Excel 文件" in dialog.file_error.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.cancel_button.text() == "关闭" and dialog.cancel_button.isEnabled()


def test_a_registry_changed_after_the_preview_is_not_overwritten(
    qtbot, keep, engine, ops, staff_id, boxes
):
    dialog = _preview(qtbot, keep, ops)
    with writing(engine, staff_id=staff_id) as ctx:  # another PC saves 张三 meanwhile
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
    with qtbot.waitSignal(dialog.planned, timeout=WAIT):
        dialog.import_button.click()  # refused, then planned again
    assert boxes["error"] and "预览之后有了变动" in boxes["error"][0]
    assert dialog.isVisible()
    assert sorted(db_residents(engine)) == ["张三"]
    assert _actions(dialog)[4] == "更新"  # the new preview shows what would happen now


def test_the_import_button_of_the_tab(qtbot, empty_tab, engine, boxes, monkeypatch):
    tab = empty_tab
    picked = str(DATA / "title_merged.xlsx")
    monkeypatch.setattr(dialogs, "ask_open_path", lambda parent, title, folder, f: picked)
    order: list[str] = []
    tab.ops.changed.connect(lambda changes: order.append("changed"))

    def info(parent, title, text):
        boxes["info"].append(text)
        order.append("box")

    monkeypatch.setattr(msgbox, "info", info)
    tab.import_button.click()
    dialog = tab.import_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=WAIT)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(boxes["info"]), timeout=WAIT)
    assert boxes["info"][0].startswith("导入完成：新增 6，更新 0，未变 0，拒绝 7")
    assert order == ["changed", "box"]  # the list reloads behind the box, not after its click
    qtbot.waitUntil(lambda: len(names(tab)) == 6, timeout=WAIT)


# --- export -----------------------------------------------------------------------------


def exports(engine) -> list[tuple[int | None, str, str | None, str]]:
    """The audit's 导出 rows: who, what, how many, where to."""
    with reading(engine) as ctx:
        events = ctx.session.exec(select(AuditEvent).where(AuditEvent.action == "导出")).all()
        return [(e.staff_id, e.field, e.new, e.reason) for e in events]


def test_export_writes_the_list_with_masked_phones(
    qtbot, tab, people, boxes, monkeypatch, tmp_path, engine, on_duty
):
    target = tmp_path / "一览表"
    monkeypatch.setattr(residents_tab, "ask_export_options", lambda parent: ExportOptions())
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, title, suggested, f: str(target))
    tab.export_button.click()
    qtbot.waitUntil(lambda: bool(boxes["info"]), timeout=WAIT)
    written = target.with_suffix(".xlsx")
    assert tab.last_export == written
    assert str(written) in boxes["info"][0] and "4 位住户" in boxes["info"][0]
    ws = load_workbook(written).active
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert "138****5678、021-****4321" in cells
    assert not any("13812345678" in c or "87654321" in c for c in cells)
    assert "张三" in cells and "周珊珊" in cells
    # on the record before it is said: who, what, how many, the file's name
    assert exports(engine) == [(on_duty, "业主信息一览表（电话已隐藏）", "4", "一览表.xlsx")]


def test_a_receptionist_is_told_who_may_export_the_list(
    qtbot, tab, desk, write, boxes, monkeypatch, tmp_path, engine
):
    with write() as ctx:
        clerk = staff.add(ctx, "小刘").id
    desk.on_duty(clerk)

    def not_asked(parent):
        raise AssertionError("a receptionist is refused before the options are asked")

    monkeypatch.setattr(residents_tab, "ask_export_options", not_asked)
    tab.export_button.click()
    qtbot.waitUntil(lambda: bool(boxes["error"]), timeout=WAIT)
    assert "只有主管或经理可以导出住户名单" in boxes["error"][0]
    assert tab.export_button.isEnabled() and tab.last_export is None
    assert exports(engine) == []


def test_export_options_default_to_masked_phones(qtbot):
    dialog = ExportOptionsDialog()
    qtbot.addWidget(dialog)
    assert dialog.options == ExportOptions(full_phones=False, include_moved_out=False)
    dialog.full_radio.setChecked(True)
    assert dialog.options.full_phones


# --- small pieces -----------------------------------------------------------------------


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA",
    ]  # fmt: skip


def test_search_pages_follow_the_ranking(desk, people):
    def page(offset: int) -> list[residents_tab.ListRow]:
        return desk.read(lambda ctx: residents_tab.search_page(ctx, "3-2", offset, 10, True))

    full = page(0)
    assert [r.name for r in full] == ["张三", "李四"]
    assert page(1) == full[1:]
    assert page(resident_search.MAX_LIMIT) == []


def test_nothing_is_planned_twice_for_an_old_mapping(qtbot, settle, keep, ops):
    """Answers to an older column choice are dropped (the generation check)."""
    dialog = _preview(qtbot, keep, ops)
    plans: list[ImportPlan | None] = []
    dialog.planned.connect(lambda: plans.append(dialog.plan))
    notes = field(dialog, "备注")
    notes.setCurrentIndex(0)
    notes.setCurrentIndex(notes.findData(7))
    settle(ops, dialog)  # both answers are back: the older one was dropped
    assert len(plans) == 1 and plans[0].mapping["notes"] == 7
    assert plans[0].count(Action.ADD) == 6
