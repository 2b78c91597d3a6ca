"""The two worker lanes: operations run off the GUI thread — writes and reads in order on
the first, renders and background jobs on the second, so a save never waits behind a long
render; errors come back; a write's changes follow its callback; the installed PySide6
does not leak references on emit (6.12.0 did, and Python 3.11 then aborts)."""

from __future__ import annotations

import gc
import logging
import sys
import threading
import weakref
from collections.abc import Callable, Iterator

import pytest
from helpers.ui import WAIT, changed
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from sqlmodel import select

from desk.models import Call, Visit
from desk.models.enums import LoanKind
from desk.models.errors import ValidationError
from desk.services.core.changes import Changes
from desk.services.core.handle import Duty
from desk.services.records import calls
from desk.services.records.calls import CallDraft
from desk.ui.ops import (
    GarbageCollector,
    Ops,
    collect_on_gui_thread,
    collect_soon,
    delete_when_closed,
)


@pytest.fixture
def bare_ops() -> Iterator[Ops]:
    """Ops without a desk: background jobs only (what a backup or a test needs)."""
    made = Ops()
    yield made
    made.shutdown()


def test_writes_and_reads_run_in_order_off_the_gui_thread(qtbot, ops, on_duty):
    """One lane for writes and reads: a read asked for after a write sees it."""
    seen: list[tuple[int, str]] = []
    results: list[object] = []

    def step(n: int):
        def op(ctx):
            seen.append((n, threading.current_thread().name))
            if n % 2:  # a write: a call saved by whoever is on duty
                return calls.create_call(ctx, CallDraft("咨询", f"第{n}个")).staff_id
            return len(ctx.session.exec(select(Call)).all())  # a read: the calls so far

        return op

    for n in range(5):
        (ops.write if n % 2 else ops.read)(step(n), results.append)
    qtbot.waitUntil(lambda: len(results) == 5, timeout=WAIT)
    assert [n for n, _ in seen] == [0, 1, 2, 3, 4]
    assert results == [0, on_duty, 1, on_duty, 2]
    assert all(name != threading.main_thread().name for _, name in seen)


def test_a_write_reports_its_changes_after_its_callback(qtbot, ops, on_duty):
    order: list[object] = []
    ops.changed.connect(lambda changes: order.append(changes))
    ops.write(
        lambda ctx: calls.create_call(ctx, CallDraft("咨询", "停车")).id,
        lambda call_id: order.append(call_id),
    )
    qtbot.waitUntil(lambda: len(order) == 2, timeout=WAIT)
    call_id, changes = order
    assert isinstance(changes, Changes) and changes.concerns("call")
    assert call_id in changes.ids_of("call")
    ops.read(lambda ctx: None, order.append)  # a read changes nothing: no signal
    qtbot.waitUntil(lambda: ops.idle, timeout=WAIT)
    assert order[2:] == [None]


def test_a_write_is_stamped_with_the_duty_asked_for(qtbot, ops, desk, on_duty):
    """Who is on duty when the write is submitted, not when it runs; or whom it names."""
    saved: list[int | None] = []
    ops.write(lambda ctx: calls.create_call(ctx, CallDraft("咨询", "一")).staff_id, saved.append)
    desk.on_duty(None)  # the duty changes before the write has run
    ops.write(
        lambda ctx: calls.create_call(ctx, CallDraft("咨询", "二")).staff_id,
        saved.append,
        duty=Duty(on_duty),
    )
    ops.write(lambda ctx: calls.create_call(ctx, CallDraft("咨询", "三")).staff_id, saved.append)
    qtbot.waitUntil(lambda: len(saved) == 3, timeout=WAIT)
    assert saved == [on_duty, on_duty, None]


def test_a_failed_write_is_rolled_back_and_changes_nothing(qtbot, ops, on_duty, caplog):
    errors: list[BaseException] = []
    changed: list[Changes] = []
    ops.changed.connect(changed.append)

    def half_done(ctx) -> None:
        calls.create_call(ctx, CallDraft("咨询", "半途"))
        raise ValueError("坏了")

    with caplog.at_level(logging.ERROR, logger="desk.ui"):
        ops.write(half_done, on_error=errors.append)
        qtbot.waitUntil(lambda: ops.idle, timeout=WAIT)
    assert str(errors[0]) == "坏了" and changed == []
    found: list[int] = []
    ops.read(lambda ctx: len(ctx.session.exec(select(Call)).all()), found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=WAIT)
    assert found == [0]


def test_an_error_reaches_on_error_and_busy_ends(qtbot, ops, caplog):
    errors: list[BaseException] = []
    busy: list[bool] = []
    ops.busy_changed.connect(busy.append)

    def boom(ctx) -> None:
        raise ValueError("坏了")

    with caplog.at_level(logging.ERROR, logger="desk.ui"):  # a bug's traceback is logged
        ops.read(boom, on_error=errors.append)
        qtbot.waitUntil(lambda: bool(errors), timeout=WAIT)
    assert str(errors[0]) == "坏了"
    assert busy == [True, False]
    assert [r.getMessage() for r in caplog.records] == ["operation failed"]


def test_idle_only_once_every_result_and_what_it_started_is_handled(qtbot, ops):
    """What ``settle`` waits for: a callback that starts another operation, on the other
    lane too, keeps Ops busy."""
    shown: list[str] = []
    assert ops.idle
    ops.read(
        lambda ctx: "list",
        lambda first: ops.render(lambda ctx: first + " and count", shown.append),
    )
    assert not ops.idle  # queued, not yet run
    qtbot.waitUntil(lambda: ops.idle, timeout=WAIT)
    assert shown == ["list and count"]  # the second one, started in the first's callback


def test_idle_waits_for_a_failing_job_too(qtbot, bare_ops, caplog):
    errors: list[BaseException] = []
    with caplog.at_level(logging.ERROR, logger="desk.ui"):
        bare_ops.background(lambda: 1 / 0, on_error=errors.append)
        assert not bare_ops.idle
        qtbot.waitUntil(lambda: bare_ops.idle, timeout=WAIT)
    assert isinstance(errors[0], ZeroDivisionError)


def test_without_a_desk_only_background_jobs_run(qtbot, bare_ops):
    done: list[str] = []
    bare_ops.background(lambda: QThread.currentThread().objectName(), done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT)
    assert done == ["desk-long"]  # the second lane
    for submit in (bare_ops.write, bare_ops.read, bare_ops.render):
        with pytest.raises(RuntimeError, match="without a desk"):
            submit(lambda ctx: None)
    with pytest.raises(RuntimeError, match="without a desk"):
        bare_ops.desk  # noqa: B018
    assert bare_ops.idle  # nothing was queued


# --- a save never waits behind a long render ------------------------------------------------


def test_a_write_does_not_wait_behind_a_long_render(qtbot, ops, on_duty):
    """An export or a PDF holds the second lane; saves and list pages go on on the first."""
    release = threading.Event()
    rendering = threading.Event()
    rendered: list[str] = []
    saved: list[int] = []
    pages: list[int] = []

    def long_render(ctx) -> str:
        rendering.set()
        assert release.wait(30), "never released"
        return "导出完毕"

    ops.render(long_render, rendered.append)
    assert rendering.wait(10)
    ops.write(lambda ctx: calls.create_call(ctx, CallDraft("咨询", "停车")).id, saved.append)
    ops.read(lambda ctx: len(ctx.session.exec(select(Call)).all()), pages.append)
    try:
        qtbot.waitUntil(lambda: bool(saved) and bool(pages), timeout=WAIT)
        assert pages == [1]  # the read after the save sees it
        assert rendered == [] and not ops.idle  # still rendering: held by the test
    finally:
        release.set()
    qtbot.waitUntil(lambda: ops.idle, timeout=WAIT)
    assert rendered == ["导出完毕"]


def test_a_tab_saves_while_another_tab_renders(
    qtbot, settle, ops, on_duty, type_text, monkeypatch, fetch
):
    """物品借用's 打印登记表 is still being rendered (held by the test) when 来访接待 saves:
    the save is committed and its form cleared, and the visit is in the list, before the
    register's preview opens."""
    from desk.services.io import paper_forms
    from desk.ui import printing
    from desk.ui.tabs.loans import LoansTab
    from desk.ui.tabs.visits import VisitsTab

    loans_tab, visits_tab = LoansTab(ops), VisitsTab(ops)
    for tab in (loans_tab, visits_tab):
        qtbot.addWidget(tab)
        tab.show()
    settle(ops, loans_tab, visits_tab)
    release, rendering = threading.Event(), threading.Event()
    register = paper_forms.loan_register

    def slow_register(ctx, day, **kw):
        rendering.set()
        assert release.wait(30), "never released"
        return register(ctx, day, **kw)

    monkeypatch.setattr(paper_forms, "loan_register", slow_register)
    monkeypatch.setattr(printing, "ask_register", lambda _parent, today: (today, LoanKind.ITEM))
    loans_tab.print_register()
    assert rendering.wait(10)
    type_text(visits_tab.person, "李四")
    type_text(visits_tab.reason, "咨询停车")
    try:
        with qtbot.waitSignal(visits_tab.saved, timeout=WAIT):
            visits_tab.save_button.click()
        assert visits_tab.reason.toPlainText() == ""
        qtbot.waitUntil(lambda: visits_tab.model.rowCount() == 1, timeout=WAIT)
        assert loans_tab.preview is None and loans_tab.preview_pending  # still rendering
    finally:
        release.set()
    qtbot.waitUntil(lambda: loans_tab.preview is not None, timeout=WAIT)
    assert [v.person_name for v in fetch(select(Visit))] == ["李四"]
    loans_tab.preview.close()


def test_a_refusal_is_logged_without_a_traceback_and_a_failure_with_one(qtbot, ops, caplog):
    """A DeskError (bad input, not found, a cancelled export) is the person's business: one
    line in the log, naming its kind and field but not its text. Anything else is a bug:
    the whole traceback."""
    errors: list[BaseException] = []

    def refuse(ctx) -> None:
        raise ValidationError("serial", "单号", "不是单号")

    def boom(ctx) -> None:
        raise ValueError("坏了")

    with caplog.at_level(logging.INFO, logger="desk.ui"):
        ops.write(refuse, on_error=errors.append)
        ops.render(boom, on_error=errors.append)
        qtbot.waitUntil(lambda: len(errors) == 2, timeout=WAIT)
    caplog.records.sort(key=lambda r: r.levelno)  # the two lanes may answer in either order
    refused, failed = caplog.records
    # the field, never the message: it may repeat what was typed
    assert (refused.levelno, refused.getMessage(), refused.exc_info) == (
        logging.INFO,
        "operation refused: ValidationError (serial)",
        None,
    )
    assert failed.levelno == logging.ERROR and failed.exc_info[0] is ValueError


def test_emitting_signals_keeps_the_interpreter_intact(qtbot, ops):
    """PySide6 6.12.0 took a reference away from ``True`` on every emit; after a few
    thousand database jobs Python 3.11 aborted. pyproject.toml excludes it; this proves it."""
    before = sys.getrefcount(True)
    for n in range(200):
        ops.changed.emit(changed("call", n))
    # unrelated code may take or drop a reference or two; 6.12.0 dropped 200 here
    assert sys.getrefcount(True) >= before - 5


class Collections:
    """Every collection the interpreter runs, with its thread (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []  # (thread name, generation)

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.seen.append((threading.current_thread().name, info["generation"]))

    def full_on(self, thread: str) -> bool:
        return (thread, 2) in self.seen


@pytest.fixture
def collections() -> Iterator[Collections]:
    seen = Collections()
    gc.callbacks.append(seen)
    yield seen
    gc.callbacks.remove(seen)


@pytest.fixture
def collector(qapp) -> Iterator[Callable[..., GarbageCollector]]:
    """``collector(**intervals)``: the program's collector, owned by the application as
    ``make_app`` has it (``collect_soon()`` finds it there); stopped after the test."""
    made: list[GarbageCollector] = []

    def make(**intervals: int) -> GarbageCollector:
        made.append(collect_on_gui_thread(qapp, **intervals))
        return made[-1]

    yield make
    for one in made:
        one.stop()
        one.setParent(None)  # the next test's collect_soon() must not find it


class Cycle:
    """An object in a reference cycle with a dialog: only the cyclic collector frees it."""

    def __init__(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.cycle = self  # type: ignore[attr-defined]


def cyclic_garbage(n: int) -> int:
    """Enough cycles to pass every generation's threshold many times over: with automatic
    collection on, this job would run collections on the DB worker."""
    for _ in range(n):
        node: dict[str, object] = {}
        node["self"] = node
    return n


def test_garbage_is_collected_on_the_gui_thread_only(qtbot, ops, collector, collections):
    """The worker allocates enough to pass every threshold many times, then the GUI
    thread's collector runs a full collection: every collection of the test ran on the
    GUI thread. (The jobs are over before the wait ends, and a collection they caused
    would be recorded already: callbacks run in the collecting thread, synchronously.)"""
    gui = threading.current_thread().name
    collector(check_ms=5, full_ms=50)
    assert not gc.isenabled()
    threads: list[str] = []

    def job(_ctx: object = None) -> str:
        return cyclic_garbage(20_000) and threading.current_thread().name

    for n in range(20):  # on both lanes
        (ops.read if n % 2 else ops.background)(job, threads.append)
    qtbot.waitUntil(lambda: len(threads) == 20 and ops.idle, timeout=30_000)
    qtbot.waitUntil(lambda: collections.full_on(gui), timeout=30_000)
    assert len(set(threads)) == 2 and gui not in threads
    assert {thread for thread, _ in collections.seen} == {gui}


def test_a_cycle_that_outlived_a_young_collection_is_freed_when_its_dialog_closes(
    qtbot, ops, collector, collections
):
    """The old collector ran ``gc.collect(0)`` only: a cycle promoted once stayed for the
    whole shift. Here neither periodic timer can free it: only the closing's collection."""
    hour = 3_600_000
    collector(check_ms=hour, full_ms=hour, soon_ms=10)
    dialog = QDialog()
    ref = weakref.ref(Cycle(dialog))
    delete_when_closed(dialog, ops)  # as the window does with its dialogs
    dialog.show()
    qtbot.waitExposed(dialog)
    gc.collect(0)  # still in use: survives, promoted out of the young generation
    dialog.close()
    del dialog
    gc.collect(0)
    assert ref() is not None  # garbage now, but young collections never look at it again
    qtbot.waitUntil(lambda: ref() is None, timeout=10_000)
    assert (threading.current_thread().name, 2) in collections.seen


def test_the_periodic_full_collection_frees_old_cycles(qtbot, collector):
    hour = 3_600_000
    collector(check_ms=hour, full_ms=20, soon_ms=hour)
    dialog = QDialog()  # never shown: no closing to notice
    ref = weakref.ref(Cycle(dialog))
    gc.collect(0)
    del dialog
    gc.collect(0)
    assert ref() is not None
    qtbot.waitUntil(lambda: ref() is None, timeout=10_000)


def test_young_collections_follow_the_interpreters_thresholds(collector, collections):
    """The per-second check is cheap: nothing to do until generation 0 has filled up."""
    hour = 3_600_000
    made = collector(check_ms=hour, full_ms=hour, soon_ms=hour)
    gc.collect()
    collections.seen.clear()
    made.collect_young()
    assert collections.seen == []
    cycles = [[] for _ in range(gc.get_threshold()[0] + 1)]
    made.collect_young()
    assert [generation for _, generation in collections.seen] == [0]
    del cycles


def test_a_stopped_collector_stays_stopped(collector):
    """The soak benchmark's baseline stops the program's collector: a closing dialog's
    ``collect_soon()`` must not start it again."""
    made = collector()
    made.collect_soon()
    assert made.soon.isActive()
    made.stop()
    collect_soon()
    assert not (made.young.isActive() or made.full.isActive() or made.soon.isActive())


# --- dialogs the window would keep ------------------------------------------------------------


@pytest.fixture
def window(qtbot, settle, ops):
    from desk.ui.main_window import MainWindow

    win = MainWindow(ops)
    qtbot.addWidget(win)
    win.show()
    settle(ops, win)
    return win


@pytest.mark.parametrize("show", ["show_settings", "show_staff"])
def test_a_closed_dialog_does_not_stay_with_the_window(qtbot, settle, ops, window, show):
    """Parented to the window, a closed dialog lived all shift: no collector frees what Qt
    owns. (~1.7 MB each in benchmarks/bench_soak.py.)"""
    dialog = getattr(window, show)()
    settle(ops, window)
    kind = type(dialog)
    assert window.findChildren(kind) == [dialog]
    dialog.close()
    del dialog
    qtbot.waitUntil(lambda: not window.findChildren(kind), timeout=10_000)


def test_a_dialog_closed_before_its_load_came_back_is_deleted_after_it(qtbot, ops):
    """The result of a job the dialog started reaches it alive; then it goes. (Deleted at
    once, the callback would touch a deleted widget: pytest-qt fails on that exception.)"""
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = QDialog(parent)
    label = QLabel(dialog)
    delete_when_closed(dialog, ops)
    go = threading.Event()
    ops.background(lambda: go.wait(10) and "geladen", label.setText)  # the dialog's own load
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.close()
    QApplication.processEvents()
    assert parent.findChildren(QDialog) == [dialog]  # the worker is still busy: kept
    go.set()
    qtbot.waitUntil(lambda: not parent.findChildren(QDialog), timeout=10_000)
    assert ops.idle
