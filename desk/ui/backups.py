"""Backups from the window: the daily automatic one, 立即备份…, 从备份恢复….

A backup reads the database through its own SQLite connection (``services.backup``), so
it runs on the operations' second lane (``Ops.background``): the desk goes on saving on
the first meanwhile, and a large office's file (a few seconds' copy) never holds up a save.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desk.models.errors import StorageError
from desk.services.io import backup
from desk.ui.ops import Ops

log = logging.getLogger("desk.ui")

AUTO_CHECK_MS = 3600 * 1000  # the daily backup is looked at every hour …
FIRST_CHECK_MS = 15 * 1000  # … and first shortly after the start, once the window is up


class AutoBackup(QObject):
    """The daily backup: beside the database and in the ``backup.folder`` setting's folder.

    ``made`` carries the backups just made, ``failed`` the reason one could not be made
    (the window shows both in the status bar; the log keeps them)."""

    made = Signal(object)  # list[backup.Backup]
    failed = Signal(str)
    index_damaged = Signal(str)  # the full check found only an index damaged: REINDEX

    def __init__(
        self, ops: Ops, extra_folder: Callable[[], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.extra_folder = extra_folder  # read when the check runs: the setting may change
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
        db_path, extra = self.ops.desk.path, self.extra_folder()
        assert db_path is not None  # the window's desk is a file

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

        self.ops.background(lambda: backup.auto(db_path, datetime.now(), extra), done, failed)


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
