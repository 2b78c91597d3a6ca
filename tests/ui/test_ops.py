"""The DB worker: jobs run off the GUI thread, in order; errors come back; the installed
PySide6 does not leak references on emit (6.12.0 did, and Python 3.11 then aborts)."""

from __future__ import annotations

import gc
import logging
import sys
import threading
import weakref
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from desk.models.errors import ValidationError
from desk.ui.ops import (
    GarbageCollector,
    collect_on_gui_thread,
    collect_soon,
    delete_when_closed,
)


def test_jobs_run_in_order_off_the_gui_thread(qtbot, ops):
    seen: list[tuple[int, str]] = []
    results: list[int] = []
    for n in range(5):
        ops.run(lambda n=n: seen.append((n, threading.current_thread().name)) or n, results.append)
    qtbot.waitUntil(lambda: len(results) == 5, timeout=5000)
    assert results == [0, 1, 2, 3, 4]
    assert all(name != threading.main_thread().name for _, name in seen)


def test_an_error_reaches_on_error_and_busy_ends(qtbot, ops, caplog):
    errors: list[BaseException] = []
    busy: list[bool] = []
    ops.busy_changed.connect(busy.append)

    def boom() -> None:
        raise ValueError("坏了")

    with caplog.at_level(logging.ERROR, logger="desk.ui"):  # a bug's traceback is logged
        ops.run(boom, on_error=errors.append)
        qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert str(errors[0]) == "坏了"
    assert busy == [True, False]
    assert [r.getMessage() for r in caplog.records] == ["operation failed"]


def test_idle_only_once_every_result_and_what_it_started_is_handled(qtbot, ops):
    """What ``settle`` waits for: a callback that starts another job keeps Ops busy."""
    shown: list[str] = []
    assert ops.idle
    ops.run(lambda: "list", lambda first: ops.run(lambda: first + " and count", shown.append))
    assert not ops.idle  # queued, not yet run
    qtbot.waitUntil(lambda: ops.idle, timeout=5000)
    assert shown == ["list and count"]  # the second job, started in the first's callback


def test_idle_waits_for_a_failing_job_too(qtbot, ops, caplog):
    errors: list[BaseException] = []
    with caplog.at_level(logging.ERROR, logger="desk.ui"):
        ops.run(lambda: 1 / 0, on_error=errors.append)
        assert not ops.idle
        qtbot.waitUntil(lambda: ops.idle, timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError)


def test_a_refusal_is_logged_without_a_traceback_and_a_failure_with_one(qtbot, ops, caplog):
    """A DeskError (bad input, not found, a cancelled export) is the person's business: one
    line in the log. Anything else is a bug: the whole traceback."""
    errors: list[BaseException] = []

    def refuse() -> None:
        raise ValidationError("serial", "单号", "不是单号")

    def boom() -> None:
        raise ValueError("坏了")

    with caplog.at_level(logging.INFO, logger="desk.ui"):
        ops.run(refuse, on_error=errors.append)
        ops.run(boom, on_error=errors.append)
        qtbot.waitUntil(lambda: len(errors) == 2, timeout=5000)
    refused, failed = caplog.records
    assert (refused.levelno, refused.getMessage(), refused.exc_info) == (
        logging.INFO, "operation refused: 单号：不是单号", None,
    )  # fmt: skip
    assert failed.levelno == logging.ERROR and failed.exc_info[0] is ValueError


def test_emitting_signals_keeps_the_interpreter_intact(qtbot, ops):
    """PySide6 6.12.0 took a reference away from ``True`` on every emit; after a few
    thousand database jobs Python 3.11 aborted. pyproject.toml excludes it; this proves it."""
    before = sys.getrefcount(True)
    for _ in range(200):
        ops.data_changed.emit("call")
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
    for _ in range(20):
        ops.run(lambda: cyclic_garbage(20_000) and threading.current_thread().name, threads.append)
    qtbot.waitUntil(lambda: len(threads) == 20 and ops.idle, timeout=30_000)
    qtbot.waitUntil(lambda: collections.full_on(gui), timeout=30_000)
    assert threads[0] != gui
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
def window(qtbot, settle, engine, ops, db_path):
    from desk.ui.main_window import MainWindow

    win = MainWindow(engine, ops, db_path)
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
    ops.run(lambda: go.wait(10) and "geladen", label.setText)  # the dialog's own load
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.close()
    QApplication.processEvents()
    assert parent.findChildren(QDialog) == [dialog]  # the worker is still busy: kept
    go.set()
    qtbot.waitUntil(lambda: not parent.findChildren(QDialog), timeout=10_000)
    assert ops.idle
