"""What is typed and not saved comes back after a crash or a power cut; what was saved or
cleared never does."""

from __future__ import annotations

import json
import logging

import pytest
from helpers.ui import WAIT
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QLineEdit

from desk.ui import form_drafts, msgbox
from desk.ui.main_window import DRAFTS_FOLDER, MainWindow
from desk.ui.widgets.resident_lookup import ResidentLookup


def open_window(qtbot, engine, ops, db_path) -> MainWindow:
    win = MainWindow(ops, keep_drafts=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: all(t.drafts is not None for t in win.desk_tabs.values()), timeout=WAIT)
    return win


def draft_file(db_path, kind: str):
    return db_path.parent / DRAFTS_FOLDER / f"{db_path.stem}-{kind}.json"


def test_every_desk_form_has_its_fields_and_no_search_box(qtbot, engine, ops, db_path):
    window = open_window(qtbot, engine, ops, db_path)
    for tab in window.desk_tabs.values():
        found = form_drafts.fields(tab.form_widget)
        assert found, tab.title
        assert not any(isinstance(w, ResidentLookup) for w in found)
        # an editable combo's or a date edit's inner line edit is not a field of its own
        assert not any(isinstance(w.parent(), QComboBox | QDateTimeEdit) for w in found)
        assert tab.person in found and tab.room in found


def test_typing_is_kept_and_comes_back_after_a_crash(qtbot, engine, ops, db_path, type_text):
    window = open_window(qtbot, engine, ops, db_path)
    tab = window.complaints_tab
    type_text(tab.person, "赵女士")
    type_text(tab.room, "3-2-1201")
    type_text(tab.description, "楼上每晚十二点后拖动家具，已经持续一周。" * 20)
    tab.severity.setCurrentIndex(2)
    qtbot.waitUntil(lambda: draft_file(db_path, "complaint").exists(), timeout=WAIT)
    window.close()  # as if the power went: nothing saved

    again = open_window(qtbot, engine, ops, db_path)
    tab = again.complaints_tab
    assert tab.person.text() == "赵女士" and tab.room.text() == "3-2-1201"
    assert tab.description.toPlainText().startswith("楼上每晚十二点后拖动家具")
    assert tab.severity.currentIndex() == 2
    assert again.tabs.currentWidget() is tab
    assert "已恢复上次没有保存的内容：投诉处理" in again.statusBar().currentMessage()
    assert again.calls_tab.person.text() == ""  # only the form that had something


def test_a_saved_record_never_comes_back_as_a_draft(qtbot, engine, ops, db_path, type_text):
    window = open_window(qtbot, engine, ops, db_path)
    tab = window.calls_tab
    type_text(tab.person, "陈先生")
    type_text(tab.content, "问停水时间")
    tab.drafts.keep()
    assert draft_file(db_path, "call").exists()
    with qtbot.waitSignal(tab.saved, timeout=WAIT):
        tab.save_button.click()
    assert not draft_file(db_path, "call").exists()
    window.close()
    again = open_window(qtbot, engine, ops, db_path)
    assert again.calls_tab.content.toPlainText() == ""


def test_clearing_drops_the_draft(qtbot, engine, ops, db_path, type_text, monkeypatch):
    window = open_window(qtbot, engine, ops, db_path)
    tab = window.visits_tab
    type_text(tab.person, "冯先生")
    tab.drafts.keep()
    monkeypatch.setattr(msgbox, "confirm", lambda *args: True)
    tab.clear_button.click()
    assert not draft_file(db_path, "visit").exists()


def test_a_draft_for_another_form_or_a_broken_one_is_left_alone(
    qtbot, engine, ops, db_path, caplog
):
    other = draft_file(db_path, "call")
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_text(json.dumps({"version": 1, "kinds": ["QLineEdit"], "values": ["x"]}))
    broken = draft_file(db_path, "visit")
    broken.write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="desk.ui"):  # each one is logged
        window = open_window(qtbot, engine, ops, db_path)
        kinds = window.loans_tab.drafts.kinds
        window.close()
        odd = draft_file(db_path, "loan")  # the right kinds, values that fit none of them
        odd.write_text(json.dumps({"version": 1, "kinds": kinds, "values": [None] * len(kinds)}))
        window = open_window(qtbot, engine, ops, db_path)
    assert window.calls_tab.person.text() == "" and window.visits_tab.person.text() == ""
    assert window.loans_tab.person.text() == ""  # not half a form with "None" in it
    assert other.exists() and broken.exists()  # kept for whoever looks into it
    assert "for another form" in caplog.text and "unreadable" in caplog.text
    assert "does not fit its form" in caplog.text


@pytest.mark.parametrize("kind", ["visit", "call", "workorder", "complaint", "loan"])
def test_every_field_kind_round_trips(qtbot, engine, ops, db_path, kind):
    window = open_window(qtbot, engine, ops, db_path)
    tab = window.desk_tabs[kind]
    fields = form_drafts.fields(tab.form_widget)
    for n, widget in enumerate(fields):
        if isinstance(widget, QLineEdit) and widget.isEnabled():
            widget.setText(f"第{n}格")
    before = [form_drafts.read(w) for w in fields]
    tab.drafts.keep()
    window.close()
    again = open_window(qtbot, engine, ops, db_path)
    assert [form_drafts.read(w) for w in form_drafts.fields(again.desk_tabs[kind].form_widget)] == (
        before
    )
