"""The lazy list model: pages are reads on the DB worker, stale pages are dropped."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import Qt

from desk.ui.models.paged import PagedTableModel, ViewColumn


def numbers(total: int, calls: list[tuple[int, int, str]] | None = None):
    def fetch(ctx, offset: int, limit: int) -> list[int]:
        assert ctx.session is not None  # a read snapshot, opened by Ops
        if calls is not None:
            calls.append((offset, limit, threading.current_thread().name))
        return list(range(offset, min(offset + limit, total)))

    return fetch


COLUMNS = [ViewColumn("编号", lambda n: n), ViewColumn("双倍", lambda n: n * 2, align_right=True)]


def test_loads_page_by_page_off_the_gui_thread(qtbot, qtmodeltester, ops):
    calls: list[tuple[int, int, str]] = []
    model = PagedTableModel(ops, COLUMNS, page_size=10)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_fetch(numbers(25, calls))
    assert model.rowCount() == 10
    assert model.canFetchMore()
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.fetchMore()
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.fetchMore()
    assert model.rowCount() == 25
    assert not model.canFetchMore()  # the short last page ends it
    assert [c[:2] for c in calls] == [(0, 10), (10, 10), (20, 10)]
    assert all(name != threading.main_thread().name for _, _, name in calls)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "双倍"
    assert model.data(model.index(3, 1)) == "6"
    qtmodeltester.check(model)


def test_a_new_query_drops_pages_of_the_old_one(qtbot, settle, ops):
    model = PagedTableModel(ops, COLUMNS, page_size=5)
    loads: list[list] = []
    model.loaded.connect(lambda: loads.append(model.rows))
    model.set_fetch(numbers(100))  # answer still on its way …
    model.set_fetch(lambda ctx, offset, limit: [f"新{offset}"])
    settle(ops)  # both answers are back; the old one was dropped, not appended
    assert model.rows == ["新0"] and loads == [["新0"]]


def test_a_failing_page_reports_and_stops(qtbot, ops, caplog):
    def broken(ctx, offset: int, limit: int):
        raise RuntimeError("数据库忙")

    model = PagedTableModel(ops, COLUMNS, page_size=5)
    # not a DeskError: the worker logs it with its traceback
    with (
        caplog.at_level(logging.ERROR, logger="desk.ui"),
        qtbot.waitSignal(model.failed, timeout=5000) as blocker,
    ):
        model.set_fetch(broken)
    assert blocker.args == ["数据库忙"]
    assert [r.exc_info[0] for r in caplog.records] == [RuntimeError]
    assert not model.canFetchMore()
