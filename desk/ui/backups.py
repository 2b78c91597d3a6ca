"""Backups from the window: the daily automatic one, 立即备份…, 从备份恢复….

A backup reads the database through its own SQLite connection (``services.backup``), so
it runs on a thread of its own: the desk goes on saving on the DB worker meanwhile, and
a large office's file (a few seconds' copy) never holds up a save.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desk.models.errors import DeskError, StorageError
from desk.services import backup

log = logging.getLogger("desk.ui")

AUTO_CHECK_MS = 3600 * 1000  # the daily backup is looked at every hour …
FIRST_CHECK_MS = 15 * 1000  # … and first shortly after the start, once the window is up


class Background(QObject):
    """Runs one function on a thread and delivers its result or error on the GUI thread."""

    _finished = Signal(object, object, object)  # callback, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._finished.connect(self._deliver)
        self.running = 0

    def run(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        def work() -> None:
            try:
                result = job()
            except BaseException as exc:  # delivered, never lost
                if not isinstance(exc, DeskError):
                    log.exception("background job failed")
                self._finished.emit((on_done, on_error), None, exc)
            else:
                self._finished.emit((on_done, on_error), result, None)

        self.running += 1
        threading.Thread(target=work, name="desk-backup", daemon=True).start()

    def _deliver(self, callbacks: Any, result: Any, error: BaseException | None) -> None:
        self.running -= 1
        on_done, on_error = callbacks
        if error is None:
            on_done(result)
        else:
            on_error(error)


class AutoBackup(QObject):
    """The daily backup: beside the database and in the ``backup.folder`` setting's folder.

    ``made`` carries the backups just made, ``failed`` the reason one could not be made
    (the window shows both in the status bar; the log keeps them)."""

    made = Signal(object)  # list[backup.Backup]
    failed = Signal(str)
    index_damaged = Signal(str)  # the full check found only an index damaged: REINDEX

    def __init__(
        self, db_path: Path, extra_folder: Callable[[], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.extra_folder = extra_folder  # read when the check runs: the setting may change
        self.background = Background(self)
        self.busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_CHECK_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        QTimer.singleShot(FIRST_CHECK_MS, self, self.check)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> None:
        if self.busy:
            return
        self.busy = True
        db_path, extra = self.db_path, self.extra_folder()

        def done(made: list[backup.Backup]) -> None:
            self.busy = False
            for b in made:
                log.info("automatic backup %s (%d bytes)", b.path, b.size)
            if made:
                self.made.emit(made)

        def failed(exc: BaseException) -> None:
            self.busy = False
            log.warning("automatic backup failed: %s", exc)
            self.failed.emit(str(exc))
            if isinstance(exc, StorageError) and exc.kind == "index":
                self.index_damaged.emit(str(exc))

        self.background.run(lambda: backup.auto(db_path, datetime.now(), extra), done, failed)


def ask_folder(parent: QWidget, start: Path) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(
        parent, parent.tr("备份到哪个文件夹（如U盘）"), str(start)
    )
    return Path(chosen) if chosen else None


def ask_backup_file(parent: QWidget, start: Path) -> Path | None:
    chosen, _filter = QFileDialog.getOpenFileName(
        parent,
        parent.tr("选择要恢复的备份"),
        str(start),
        parent.tr("物业前台备份 (desk-*.sqlite3);;数据库文件 (*.sqlite3)"),
    )
    return Path(chosen) if chosen else None
