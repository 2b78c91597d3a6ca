"""One serial database worker thread; results come back to the GUI thread by signal.

The UI never runs SQL in a slot (anki's CollectionOp idea): it hands a plain
function to ``Ops.run`` and gets the result, or the error, in a callback on the
GUI thread. Jobs run one after another, so the worker owns the database alone.
"""

from __future__ import annotations

import gc
import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from desk.models.errors import DeskError

log = logging.getLogger("desk.ui")

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
            log.info("operation refused: %s", exc)
            self.finished.emit(token, None, exc)
        except BaseException as exc:  # delivered to the caller's on_error, never lost
            log.exception("operation failed")
            self.finished.emit(token, None, exc)
        else:
            self.finished.emit(token, result, None)


class Ops(QObject):
    """Owner of the DB thread. ``data_changed`` tells tabs which kind of record changed.

    ``idle`` is True once every job handed to ``run`` has run and its callback has
    returned, including jobs those callbacks started: what tests wait for after an action.
    """

    _submit = Signal(int, object)
    data_changed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("desk-db")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.finished.connect(self._deliver)
        self._pending: dict[int, tuple[Done | None, Failed | None]] = {}
        self._delivering = 0  # callbacks running now (one may open a nested event loop)
        self._tokens = itertools.count(1)
        self._thread.start()

    def run(self, job: Job, on_done: Done | None = None, on_error: Failed | None = None) -> int:
        token = next(self._tokens)
        self._pending[token] = (on_done, on_error)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._submit.emit(token, job)
        return token

    @property
    def idle(self) -> bool:
        """No job queued or running, and no result still on its way to the screen."""
        return not self._pending and not self._delivering

    @Slot(int, object, object)
    def _deliver(self, token: int, result: Any, error: BaseException | None) -> None:
        on_done, on_error = self._pending.pop(token, (None, None))
        if not self._pending:
            self.busy_changed.emit(False)
        self._delivering += 1
        try:
            if error is not None:
                if on_error is not None:
                    on_error(error)
                else:
                    from desk.ui import msgbox

                    msgbox.error(None, "操作失败", str(error))
            elif on_done is not None:
                on_done(result)
        finally:
            self._delivering -= 1

    def shutdown(self) -> None:
        self._thread.quit()
        self._thread.wait(5000)


GC_INTERVAL_MS = 1000


def collect_on_gui_thread(parent: QObject) -> QTimer:
    """Run Python's cyclic garbage collector only on the GUI thread.

    Left automatic, it runs in whichever thread happens to allocate — often the DB worker —
    and may free Qt wrappers there, off the thread that owns them, which crashes PySide.
    Anki does the same for the same reason.
    """
    gc.disable()
    timer = QTimer(parent)
    timer.setInterval(GC_INTERVAL_MS)
    timer.timeout.connect(lambda: gc.collect(0))
    timer.start()
    return timer
