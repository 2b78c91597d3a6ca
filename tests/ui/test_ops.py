"""The DB worker: jobs run off the GUI thread, in order; errors come back; the installed
PySide6 does not leak references on emit (6.12.0 did, and Python 3.11 then aborts)."""

from __future__ import annotations

import gc
import logging
import sys
import threading

from desk.models.errors import ValidationError
from desk.ui.ops import collect_on_gui_thread


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


def test_garbage_is_collected_on_the_gui_thread_only(qtbot):
    timer = collect_on_gui_thread(None)
    try:
        assert not gc.isenabled()
        assert timer.isActive()
    finally:
        timer.stop()
        gc.enable()
