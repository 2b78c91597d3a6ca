"""The resident field: suggestions from the shared search, choosing fills the form."""

from __future__ import annotations

import pytest
from helpers.ui import WAIT

from desk.services.records import residents
from desk.services.records.residents import ResidentDraft
from desk.ui.widgets.resident_lookup import ResidentLookup, suggestion_text


@pytest.fixture
def lookup(qtbot, write, ops):
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
        residents.add(ctx, ResidentDraft("张珊珊", "5-1-302", role="租户", phones="13900005678"))
        residents.add(ctx, ResidentDraft("李四", "3-2-1202", phones="13700001111"))
    widget = ResidentLookup(ops)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def search(qtbot, lookup, type_text, text: str) -> list[str]:
    with qtbot.waitSignal(lookup.searched, timeout=5000):
        if text.isascii():
            qtbot.keyClicks(lookup, text)
        else:
            type_text(lookup, text)
            lookup.textEdited.emit(lookup.text())  # an input method commit is an edit too
    return [m.name for m in lookup.matches]


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("zs", ["张三", "张珊珊"]),
        ("3-2-1201", ["张三"]),
        ("5678", ["张三", "张珊珊"]),
    ],
)
def test_ascii_queries_suggest_residents(qtbot, lookup, type_text, typed, names):
    assert sorted(search(qtbot, lookup, type_text, typed)) == sorted(names)


def test_one_chinese_character_finds_names(qtbot, lookup, type_text):
    assert search(qtbot, lookup, type_text, "张") == ["张三", "张珊珊"]


def test_choosing_fills_room_name_and_full_phone(qtbot, lookup, type_text):
    search(qtbot, lookup, type_text, "zss")
    assert suggestion_text(lookup.matches[0]) == "5-1-302  张珊珊  租户  139****5678"
    with qtbot.waitSignal(lookup.chosen) as chosen:
        lookup.choose(0)
    match = chosen.args[0]
    assert (match.room, match.name, match.phone) == ("5-1-302", "张珊珊", "13900005678")
    assert lookup.text() == "5-1-302"


def test_enter_takes_the_first_suggestion_and_typing_goes_on(qtbot, lookup, type_text):
    """The first suggestion is highlighted as it comes: one Enter takes it. The text typed
    stays what was typed until then (the highlight does not replace it)."""
    lookup.setFocus()
    qtbot.waitUntil(lookup.hasFocus)
    search(qtbot, lookup, type_text, "3-2-120")
    assert lookup.text() == "3-2-120"
    popup = lookup.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    with qtbot.waitSignal(lookup.chosen) as chosen:
        qtbot.keyClick(popup, "\r")
    assert chosen.args[0].name == lookup.matches[0].name
    qtbot.waitUntil(lambda: lookup.text() == chosen.args[0].room, timeout=WAIT)
