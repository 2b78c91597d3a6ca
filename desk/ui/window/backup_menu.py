"""The window's backups: the daily one and its state in the status bar, 立即备份… and
从备份恢复… in the 文件 menu, and the offer to rebuild an index the daily check found damaged.

Only a 主管 or 经理 may restore (``backup.check_restore``, asked before the file is chosen
and again just before it is replaced); ``restore_action`` is shown only to them
(the window's ``follow_duty``).

Backups, the restore and the index rebuild work on the file through connections of their
own, on the operations' second lane (``Ops.background``), so saving goes on meanwhile —
except during a rebuild, which holds the write lock while it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from desk.models.dbfile import reindex
from desk.services.io import backup
from desk.ui import backups, msgbox
from desk.ui.backups import AutoBackup
from desk.ui.ops import Ops


class BackupMenu(QObject):
    status = Signal(str)  # a line for the window's status bar
    restoring = Signal()  # the file is about to be replaced: the window stops reloading
    restore_failed = Signal()  # nothing was replaced: the window goes on
    restored = Signal()  # the file was replaced: the program must start again

    def __init__(
        self,
        ops: Ops,
        host: QWidget,
        extra_folder: Callable[[], str],
        unsaved: Callable[[], list[str]],
        *,
        daily: bool,
    ) -> None:
        """``extra_folder`` reads the backup.folder setting as last loaded; ``unsaved``
        names the forms with typed text (a restore waits for them); ``daily`` turns the
        daily backup and its state in the status bar on."""
        super().__init__(host)
        self.ops = ops
        self.host = host  # the window: the parent of every question asked here
        self.extra_folder = extra_folder
        self.unsaved = unsaved
        self.auto = AutoBackup(ops, extra_folder, self)
        self.auto.made.connect(
            lambda made: self.status.emit(self.tr("已自动备份：{0}").format(made[-1].path))
        )
        self.auto.failed.connect(
            lambda why: self.status.emit(self.tr("自动备份没有做成：{0}").format(why))
        )
        # at a glance, in the status bar: when the last backup was, or that it failed
        self.state_label = QLabel()
        self.state_folder = ""  # the backup.folder setting the label was made for
        self.state_label.setVisible(daily)
        self.auto.made.connect(lambda _made: self.show_state())
        self.auto.failed.connect(lambda why: self.show_state(why))
        self.auto.index_damaged.connect(self.offer_reindex)
        # 从备份恢复… for the 文件 menu; hidden from whoever may not restore (may_restore)
        self.restore_action = QAction(self.tr("从备份恢复(&R)…"), host)
        self.restore_action.triggered.connect(self.restore_backup)
        if daily:
            self.show_state()
            self.auto.start()

    @property
    def db_path(self) -> Path:
        path = self.ops.desk.path
        assert path is not None  # the window's desk is a file
        return path

    def folder(self) -> Path:
        """Where the daily backups are, beside the database."""
        return backup.auto_folder(self.db_path)

    def stop(self) -> None:
        self.auto.stop()

    # --- the state in the status bar ---------------------------------------------------

    def follow_setting(self, extra: str) -> None:
        """The backup.folder setting as just loaded: the tooltip says where copies go."""
        if (
            not self.state_label.isHidden()
            and extra != self.state_folder
            and "没有做成" not in self.state_label.text()
        ):
            self.show_state()

    def show_state(self, failure: str = "") -> None:
        """备份 11-29 08:15, or 备份没有做成 in red; the tooltip says where and what to do."""
        label = self.state_label
        last = backup.latest(self.db_path)
        extra = self.extra_folder()
        self.state_folder = extra
        where = (
            self.tr("每天另存一份到：{0}").format(extra)
            if extra
            else self.tr(
                "只备份在本机。在“文件”→“设置…”里填“每日备份另存到”（如U盘），电脑硬盘坏了也不怕。"
            )
        )
        if failure:
            label.setText(self.tr("备份没有做成"))
            label.setStyleSheet("color:#c0392b; font-weight:bold;")
            label.setToolTip(f"{failure}\n\n{where}")
            return
        label.setStyleSheet("" if extra else "color:#b9770e;")
        if last is None:
            label.setText(self.tr("还没有备份"))
        else:
            label.setText(self.tr("备份 {0:%m-%d %H:%M}").format(last.made_at))
        newest = str(last.path) if last else self.tr("（还没有）")
        label.setToolTip(self.tr("最近的备份：{0}").format(newest) + "\n\n" + where)

    # --- the menu ------------------------------------------------------------------------

    def backup_now(self) -> None:
        """立即备份…: a backup into a chosen folder (a USB stick), now."""
        setting = self.extra_folder()
        start = Path(setting) if setting and Path(setting).is_dir() else self.folder()
        folder = backups.ask_folder(self.host, start)
        if folder is None:
            return
        db_path = self.db_path

        def done(made: backup.Backup) -> None:
            msgbox.info(
                self.host,
                self.tr("备份"),
                self.tr("已备份到：\n{0}\n（{1:.1f} MB）").format(made.path, made.size / 2**20),
            )

        self.status.emit(self.tr("正在备份……"))
        self.ops.background(
            lambda: backup.make(db_path, folder, datetime.now()),
            done,
            lambda exc: msgbox.error(self.host, self.tr("备份没有做成"), str(exc)),
        )

    def may_restore(self, allowed: bool) -> None:
        """Show 从备份恢复… only when the person on duty may restore (the service refuses
        the others anyway)."""
        self.restore_action.setVisible(allowed)

    def restore_backup(self) -> None:
        """从备份恢复…: the chosen backup becomes the database; the program then closes.
        Refused (with who may) unless a 主管 or 经理 is on duty: nothing is asked or replaced."""
        typing = self.unsaved()
        if typing:
            msgbox.info(
                self.host,
                self.tr("从备份恢复"),
                self.tr("“{0}”里还有没保存的内容。请先保存或清空，再恢复。").format(
                    "、".join(typing)
                ),
            )
            return

        def refused(exc: BaseException) -> None:
            msgbox.error(self.host, self.tr("没有恢复"), str(exc))

        who = self.ops.desk.duty.staff_id
        self.ops.read(
            lambda ctx: backup.check_restore(ctx.session, who),
            lambda _: self._choose_and_restore(),
            refused,
        )

    def _choose_and_restore(self) -> None:
        chosen = backups.ask_backup_file(self.host, self.folder())
        if chosen is None:
            return
        question = self.tr(
            "用这份备份恢复数据库？\n\n{0}\n\n备份之后登记的内容不在这份备份里，"
            "恢复后请按纸质单据补登。现在的数据库会另存一份（文件名带 before-restore），"
            "以防选错。\n\n恢复后程序会关闭，请再打开。"
        ).format(chosen)
        if not msgbox.confirm(self.host, self.tr("从备份恢复"), question):
            return
        self.restoring.emit()
        daily = self.auto.timer.isActive()
        self.auto.stop()
        desk, db_path = self.ops.desk, self.db_path

        def job() -> Path:
            desk.close()  # the desk's connections close: the file is free to replace
            return backup.restore(chosen, db_path, datetime.now())

        def done(aside: Path) -> None:
            msgbox.info(
                self.host,
                self.tr("从备份恢复"),
                self.tr(
                    "已恢复。原来的数据库留在：\n{0}\n\n程序现在关闭，请再打开物业前台。"
                ).format(aside),
            )
            self.restored.emit()

        def failed(exc: BaseException) -> None:
            msgbox.error(self.host, self.tr("没有恢复"), str(exc))
            if daily:  # nothing was replaced: the daily backup goes on
                self.auto.timer.start()
            self.restore_failed.emit()

        # after every read and save asked for before it (in turn with them), so no
        # connection of the desk's is still in use when the file is replaced; the duty is
        # asked again: it may have changed while the file was being chosen
        who = self.ops.desk.duty.staff_id
        self.ops.read(
            lambda ctx: backup.check_restore(ctx.session, who),
            lambda _: self.ops.background(job, done, failed),
            failed,
        )

    def offer_reindex(self, why: str) -> None:
        """The daily full check found only an index damaged (records are whole): rebuilding
        the indexes repairs it and loses nothing; then the day's backup is tried again."""
        question = why + "\n\n" + self.tr("现在重建索引吗？大约需要几秒到一分钟，期间不能保存。")
        if not msgbox.confirm(self.host, self.tr("数据库索引损坏"), question):
            return
        db_path = self.db_path

        def done(_: object) -> None:
            self.status.emit(self.tr("索引已重建，数据库检查通过。"))
            self.auto.check()

        self.status.emit(self.tr("正在重建索引……"))
        self.ops.background(
            lambda: reindex(db_path),
            done,
            lambda exc: msgbox.error(self.host, self.tr("没有重建索引"), str(exc)),
        )
