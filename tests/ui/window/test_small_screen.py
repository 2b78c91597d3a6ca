"""A 1366×768 laptop, the smallest screen a desk has: every desk form fits without
scrolling in the window's free area (the screen less the task bar and the title bar)."""

from __future__ import annotations

import pytest
from helpers.ui import WAIT

from desk.ui.main_window import MainWindow

# 768 less a 40-pixel task bar and a 30-pixel title bar
SMALL = (1366, 698)


@pytest.fixture
def window(qtbot, settle, ops):
    win = MainWindow(ops)
    qtbot.addWidget(win)
    win.resize(*SMALL)
    win.show()
    settle(ops, win)
    return win


@pytest.mark.parametrize("kind", ["visit", "call", "workorder", "complaint", "loan"])
def test_every_desk_form_fits_without_scrolling(qtbot, window, kind) -> None:
    tab = window.desk_tabs[kind]
    window.tabs.setCurrentWidget(tab)
    scroll = tab.form_pane.scroll
    qtbot.waitUntil(lambda: scroll.viewport().height() > 0, timeout=WAIT)
    needed = tab.form_pane.form_widget.minimumSizeHint().height()
    assert needed <= scroll.viewport().height(), (kind, needed, scroll.viewport().height())
    assert scroll.verticalScrollBar().maximum() == 0
