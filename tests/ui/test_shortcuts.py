"""One table of keys: every action a desk tab offers has its own Alt+letter, none taken
from the menus, and 帮助 → 快捷键 lists exactly what the buttons show."""

from __future__ import annotations

from desk.ui import shortcuts
from desk.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from desk.ui.tabs.calls import CallsTab
from desk.ui.tabs.complaints import ComplaintsTab
from desk.ui.tabs.loans import LoansTab
from desk.ui.tabs.visits import VisitsTab
from desk.ui.tabs.workorders import WorkOrdersTab


def test_every_action_has_its_own_letter_apart_from_the_menus() -> None:
    letters = list(shortcuts.ACTION_KEYS.values())
    assert len(letters) == len(set(letters))
    assert not set(letters) & shortcuts.MENU_KEYS
    for tab in (VisitsTab, CallsTab, WorkOrdersTab, ComplaintsTab, LoansTab):
        assert tab.actions <= set(shortcuts.ACTION_KEYS), tab.title


def test_a_button_shows_its_letter() -> None:
    assert shortcuts.action_text("派工") == "派工(&P)"
    assert shortcuts.action_text("没有的操作") == "没有的操作"


def test_the_list_under_help_shows_every_key(qtbot) -> None:
    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    rows = dict(dialog.rows())
    for keys, _what in shortcuts.GENERAL:
        assert keys in rows
    for action, letter in shortcuts.ACTION_KEYS.items():
        assert rows[f"Alt+{letter}"].endswith(action)
