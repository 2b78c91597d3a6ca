"""Operations: the screens' only way to the database, on two worker threads.

As in anki (``qt/aqt/operations/``), a widget never runs SQL in a slot and never opens a
transaction: it hands an operation — a function of a ``Ctx`` calling the services — to
``Ops.write`` or ``Ops.read`` and gets the result, or the error, in a callback on the GUI
thread. ``Ops`` opens the transaction through the desk's handle (``services.core.handle``),
stamped with the person and shift on duty. A write's ``Changes`` (kinds and ids, collected
by the services) are emitted by ``changed`` once it has committed; each view asks whether
they concern it.

Two lanes: saves, small reads and list pages run one after another on the first, so a
read asked for after a save sees it. Long reads and rendering — exports, PDFs, statistics,
backups — run on the second with their own connection (SQLite's WAL lets it read while
the first writes), so a save never waits behind a 10,000-row export.
"""

from __future__ import annotations

import gc
import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog

from desk.models.errors import DeskError
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx
from desk.services.core.handle import DeskHandle, Duty

log = logging.getLogger("desk.ui")

T = TypeVar("T")
Job = Callable[[], Any]
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Worker(QObject):
    finished = Signal(int, object, object)  # token, result, error

    @Slot(int, object)
    def run(self, token: int, job: Job) -> None:
        try:
            result = job()
        except DeskError as exc:  # refused with a message for the person: no trace needed
            # the kind and the field, never the message: it may repeat what was typed
            field = getattr(exc, "field", "")
            log.info("operation refused: %s%s", type(exc).__name__, f" ({field})" if field else "")
            self.finished.emit(token, None, exc)
        except BaseException as exc:  # delivered to the caller's on_error, never lost
            log.exception("operation failed")
            self.finished.emit(token, None, exc)
        else:
            self.finished.emit(token, result, None)


class _Pending:
    __slots__ = ("on_done", "on_error", "writes")

    def __init__(self, on_done: Done | None, on_error: Failed | None, writes: bool) -> None:
        self.on_done, self.on_error, self.writes = on_done, on_error, writes


class Ops(QObject):
    """Owner of the two worker threads and of the desk's handle.

    ``idle`` is True once every operation handed over has run and its callback has
    returned, including operations those callbacks started: what tests wait for.
    """

    _submit = Signal(int, object)
    _submit_long = Signal(int, object)
    changed = Signal(object)  # Changes, after a write committed and its callback ran
    busy_changed = Signal(bool)

    def __init__(self, desk: DeskHandle | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._threads: list[QThread] = []
        self._workers = [
            self._lane("desk-db", self._submit),
            self._lane("desk-long", self._submit_long),
        ]
        self._pending: dict[int, _Pending] = {}
        self._delivering = 0  # callbacks running now (one may open a nested event loop)
        self._tokens = itertools.count(1)

    def _lane(self, name: str, submit: Any) -> _Worker:
        thread = QThread()
        thread.setObjectName(name)
        worker = _Worker()
        worker.moveToThread(thread)
        submit.connect(worker.run)
        worker.finished.connect(self._deliver)
        thread.start()
        self._threads.append(thread)
        return worker

    @property
    def desk(self) -> DeskHandle:
        if self._desk is None:
            raise RuntimeError("Ops was made without a desk: no database operations")
        return self._desk

    # --- the operations ----------------------------------------------------------------

    def write(
        self,
        op: Callable[[Ctx], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
        *,
        duty: Duty | None = None,
    ) -> int:
        """``op(ctx)`` in one write transaction by ``duty`` (who is on duty now)."""
        desk = self.desk
        who = duty or desk.duty  # read now, on this thread: the duty when it was asked
        return self._queue(self._submit, lambda: desk.write(op, who), on_done, on_error, True)

    def read(
        self,
        op: Callable[[Ctx], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
    ) -> int:
        """``op(ctx)`` on a read snapshot, in turn with the writes (sees every earlier one)."""
        desk = self.desk
        return self._queue(self._submit, lambda: desk.read(op), on_done, on_error)

    def render(
        self,
        op: Callable[[Ctx], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
    ) -> int:
        """A long read, and the rendering after it, on the second lane (exports, PDFs,
        statistics): ``op(ctx)`` on its own snapshot while saves go on."""
        desk = self.desk
        return self._queue(self._submit_long, lambda: desk.read(op), on_done, on_error)

    def background(
        self,
        job: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
    ) -> int:
        """A job on the second lane that opens no transaction of the desk's (a backup reads
        the file through its own connection; a preview renders forms already read)."""
        return self._queue(self._submit_long, job, on_done, on_error)

    def _queue(
        self,
        submit: Any,
        job: Job,
        on_done: Done | None,
        on_error: Failed | None,
        writes: bool = False,
    ) -> int:
        token = next(self._tokens)
        self._pending[token] = _Pending(on_done, on_error, writes)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        submit.emit(token, job)
        return token

    @property
    def idle(self) -> bool:
        """No operation queued or running, and no result still on its way to the screen."""
        return not self._pending and not self._delivering

    @Slot(int, object, object)
    def _deliver(self, token: int, result: Any, error: BaseException | None) -> None:
        pending = self._pending.pop(token, None) or _Pending(None, None, False)
        if not self._pending:
            self.busy_changed.emit(False)
        self._delivering += 1
        try:
            if error is not None:
                self._failed(pending, error)
                return
            changes: Changes | None = None
            if pending.writes:
                result, changes = result
            try:
                if pending.on_done is not None:
                    pending.on_done(result)
            finally:
                if changes:  # the saving screen first (it clears its form), then everyone
                    self.changed.emit(changes)
        finally:
            self._delivering -= 1

    @staticmethod
    def _failed(pending: _Pending, error: BaseException) -> None:
        if pending.on_error is not None:
            pending.on_error(error)
        else:
            from desk.ui import msgbox

            msgbox.error(None, "操作失败", str(error))

    def shutdown(self) -> None:
        for thread in self._threads:
            thread.quit()
        for thread in self._threads:
            thread.wait(5000)


# Python's cyclic garbage collector, on the GUI thread only (anki's aqt/main.py does the
# same). Automatic collection runs in whichever thread happens to allocate — often the DB
# worker — and may free Qt wrappers there, off the thread that owns them, which crashes
# PySide. So it is off, and this thread collects instead:
GC_CHECK_MS = 1000  # young generations, as often as the interpreter would: cheap
GC_FULL_MS = 5 * 60 * 1000  # everything: cycles that survived a young pass are only freed here
GC_SOON_MS = 500  # a full collection asked for (a dialog closed): after deferred deletes ran
RELEASE_RETRY_MS = 200  # how often a closed dialog looks again whether the worker is idle


class GarbageCollector(QObject):
    """Collects on the GUI thread: young generations by the interpreter's own thresholds,
    checked every ``check_ms``; a full ``gc.collect()`` every ``full_ms``, and ``soon_ms``
    after ``collect_soon()`` — which closing a dialog given to ``delete_when_closed`` calls
    (a dialog's slots, lambdas and models often hold it in cycles).

    Dialogs register through that hook rather than being caught by an event filter on the
    application: a Python filter sees every event of the GUI thread and cost ~10 % of the
    soak benchmark's time.
    """

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        check_ms: int = GC_CHECK_MS,
        full_ms: int = GC_FULL_MS,
        soon_ms: int = GC_SOON_MS,
    ) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.collect()  # what starting up left behind, before automatic collection stops
        gc.disable()
        self.young = self._timer(check_ms, self.collect_young, repeat=True)
        self.full = self._timer(full_ms, self.collect_all, repeat=True)
        self.soon = self._timer(soon_ms, self.collect_all, repeat=False)
        self.young.start()
        self.full.start()

    def _timer(self, ms: int, slot: Callable[[], None], *, repeat: bool) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(ms)
        timer.setSingleShot(not repeat)
        timer.timeout.connect(slot)
        return timer

    def collect_young(self) -> None:
        """Generation 0, and 1 when its own threshold is passed, as automatic GC would."""
        young, middle, _old = gc.get_count()
        if young >= self.threshold[0]:
            gc.collect(1 if middle >= self.threshold[1] else 0)

    def collect_all(self) -> None:
        gc.collect()

    def collect_soon(self) -> None:
        """A full collection shortly, on this thread; several requests make one."""
        if self.young.isActive():  # not stopped
            self.soon.start()

    def stop(self) -> None:
        """Stop collecting, for good (tests, benchmarks); automatic collection stays off."""
        for timer in (self.young, self.full, self.soon):
            timer.stop()


def collect_on_gui_thread(parent: QObject | None, **intervals: int) -> GarbageCollector:
    """Turn automatic garbage collection off and collect on the GUI thread from now on
    (``make_app`` does this once, with the application as parent; ``intervals`` are
    GarbageCollector's, for tests)."""
    return GarbageCollector(parent, **intervals)


def collect_soon() -> None:
    """Ask the application's collector for a full collection shortly: for code that has
    just let go of something big (a closed dialog, a replaced model)."""
    app = QCoreApplication.instance()
    collector = app.findChild(GarbageCollector) if app is not None else None
    if collector is not None:
        collector.collect_soon()


def delete_when_closed(dialog: QDialog, ops: Ops) -> None:
    """Delete ``dialog`` once it has closed and the worker is idle, then collect.

    A dialog with a parent lives as long as the parent — the main window: the whole
    shift — and no garbage collector can free it: Qt owns it. Deleting it at once
    (``WA_DeleteOnClose``) would let a result still on its way (the dialog's own load or
    save) reach a deleted dialog and raise; so the deletion waits for the worker.
    """

    def closed(_result: int) -> None:
        if ops.idle:
            dialog.deleteLater()
            collect_soon()  # its Python side: the cycles it was part of
        else:  # a timer belonging to the dialog: gone with it if its parent goes first
            QTimer.singleShot(RELEASE_RETRY_MS, dialog, lambda: closed(_result))

    dialog.finished.connect(closed)
