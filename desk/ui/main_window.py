"""The main window: office name and who is on duty always in view, live counts below.

The desk's tabs come in the order the issue fixes (来访接待, 来电记录, 报修派工, 投诉处理,
物品借用), then 住户. Everything loads through the operations (``Ops``); after a write the
window reloads only the parts its ``Changes`` concern (``PARTS``), and everything once a
minute (counts turn overdue with the clock). The status bar's counts jump to the filtered
list they count. The header's duty bar (``window.duty_bar``) keeps ``ops.desk``'s duty — who
and which shift every write is stamped with — current; the backups behind the 文件 menu and
the status bar are ``window.backup_menu``'s. The program starts locked
(``window.lock_screen``): 上班 is the log-in. The window locks again on 锁屏
(Ctrl+Shift+L) and after the office's idle time (``window.idle``). This module assembles
them with the tabs and leads from one tab to another.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk.services.core import permissions, settings
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx
from desk.services.duty import handover, on_duty
from desk.services.records import staff
from desk.services.records.carry import Carry
from desk.services.views import by_serial, overview
from desk.ui import msgbox, shortcuts, signed_scans
from desk.ui.about import AboutDialog
from desk.ui.dialogs.record_view import RecordViewDialog
from desk.ui.dialogs.settings_dialog import SettingsDialog
from desk.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from desk.ui.dialogs.staff_dialog import StaffDialog
from desk.ui.ops import Ops, delete_when_closed
from desk.ui.tabs.callbacks import CallbacksTab
from desk.ui.tabs.calls import CallsTab
from desk.ui.tabs.complaints import ComplaintsTab
from desk.ui.tabs.handover import HandoverTab
from desk.ui.tabs.loans import LoansTab
from desk.ui.tabs.record_tab import RecordTab
from desk.ui.tabs.residents import ResidentsTab
from desk.ui.tabs.statistics import StatisticsTab
from desk.ui.tabs.visits import VisitsTab
from desk.ui.tabs.workorders import WorkOrdersTab
from desk.ui.widgets.serial_lookup import SerialLookup
from desk.ui.window.backup_menu import BackupMenu
from desk.ui.window.duty_bar import DutyBar
from desk.ui.window.idle import DEFAULT_MINUTES, IdleWatch
from desk.ui.window.lock_screen import LockScreen
from desk.ui.window.scan_folder import ScanFolderWatch

REFRESH_MS = 60_000
WINDOW_SIZE = (1280, 800)  # on a larger screen; a smaller one gets the window maximised
DRAFTS_FOLDER = "drafts"  # unsaved forms, beside the database (ui/form_drafts.py)
log = logging.getLogger(__name__)

# status-bar counts: Attention field, caption, the tab's kind, the list scope it jumps to
STATUS_COUNTS = [
    ("overdue_work_orders", "超时报修", "workorder", "已超时"),
    ("overdue_complaints", "超时投诉", "complaint", "已超时"),
    ("undelivered_messages", "未转告", "call", "未完成"),  # a call is open while 未转告
    ("overdue_loans", "逾期借用", "loan", "已超时"),
    ("overdue_callbacks", "超时回访", "callback", "已超时"),
    ("flagged_handovers", "未按时接班", "handover", "未按时接班"),
]


# the parts of the window and the kinds of change (table names) each one shows
PARTS: dict[str, tuple[str, ...]] = {
    "office": ("setting",),  # the office's name, where the daily backup is also copied
    "staff": ("staff",),  # who can come on duty
    "counts": ("visit", "call", "workorder", "complaint", "loan", "callback"),  # 今日, 需跟进
    # who is on duty, the shifts (settings), 未按时接班
    "duty": ("shift", "handover", "staff", "setting"),
}


@dataclass(frozen=True)
class Snapshot:
    """Everything the window shows, loaded in one read."""

    office: str
    staff: list[tuple[int, str, str]]  # id, name, role
    today: overview.Today
    attention: overview.Attention
    duty: on_duty.DutyState
    backup_folder: str  # the setting: where the daily backup is also copied
    idle_minutes: int  # the setting: nobody at the keyboard this long locks the window
    scan_folder: str  # the setting: where a scanner saves signed papers (签回)


def load_parts(ctx: Ctx, parts: frozenset[str]) -> dict[str, Any]:
    """The Snapshot fields of ``parts`` (keys of PARTS), read on one snapshot."""
    fields: dict[str, Any] = {}
    if "office" in parts:
        fields["office"] = overview.office_name(ctx)
        fields["backup_folder"] = str(settings.get(ctx.session, "backup.folder") or "")
        fields["idle_minutes"] = int(settings.get(ctx.session, "lock.idle_minutes"))
        fields["scan_folder"] = str(settings.get(ctx.session, "signed.watch_folder") or "")
    if "staff" in parts:
        fields["staff"] = [(s.id, s.name, s.role.value) for s in staff.active(ctx)]
    if "counts" in parts:
        fields["today"] = overview.today(ctx)
        fields["attention"] = overview.attention(ctx)
    if "duty" in parts:
        fields["duty"] = on_duty.duty_state(ctx)
    return fields


def load_snapshot(ctx: Ctx) -> Snapshot:
    return Snapshot(**load_parts(ctx, frozenset(PARTS)))


class MainWindow(QMainWindow):
    def __init__(
        self,
        ops: Ops,
        *,
        demo: bool = False,
        locked: bool = False,
        idle_lock: bool = False,
        auto_backup: bool = False,
        keep_drafts: bool = False,
    ) -> None:
        """``locked``: start behind the lock screen (the program's start: 上班 is the
        log-in); ``idle_lock``: lock after the office's idle time. Tests leave both off
        and put someone on duty themselves."""
        super().__init__()
        self.ops = ops
        self.demo = demo
        self.snapshot: Snapshot | None = None
        self.restored = False  # 从备份恢复 replaced the file: the window closes for good
        self._geometry_file: Path | None = None  # where show_fitted found it; saved on close
        self.resize(*WINDOW_SIZE)

        self.office_label = QLabel()
        font = QFont(self.office_label.font())
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.office_label.setFont(font)
        self.demo_label = QLabel(self.tr("演示数据"))
        self.demo_label.setStyleSheet(
            "background:#f39c12; color:white; padding:2px 8px; border-radius:3px;"
        )
        self.demo_label.setVisible(demo)
        self.duty_bar = DutyBar(ops)

        header = QHBoxLayout()
        header.addWidget(self.office_label)
        header.addWidget(self.demo_label)
        header.addStretch(1)
        # 查单: a serial typed or scanned from a printed form opens its record, from any tab
        self.serial_lookup = SerialLookup(ops)
        self.serial_lookup.found.connect(self.show_found)
        header.addWidget(self.serial_lookup)
        header.addSpacing(16)
        header.addWidget(self.duty_bar)

        self.today_values: dict[str, QLabel] = {}
        today_strip = self._figures(
            self.tr("今日"),
            [
                ("visits", self.tr("来访")),
                ("calls", self.tr("来电")),
                ("work_orders", self.tr("报修")),
                ("complaints", self.tr("投诉")),
                ("loans", self.tr("借用")),
            ],
            self.today_values,
        )
        self.attention_values: dict[str, QLabel] = {}
        attention_strip = self._figures(
            self.tr("需跟进"),
            [
                ("overdue_work_orders", self.tr("超时报修")),
                ("overdue_complaints", self.tr("超时投诉")),
                ("undelivered_messages", self.tr("未转告")),
                ("overdue_loans", self.tr("逾期未还")),
                ("overdue_callbacks", self.tr("超时未回访")),
            ],
            self.attention_values,
        )
        figures = QHBoxLayout()
        figures.addLayout(today_strip)
        figures.addSpacing(24)
        figures.addLayout(attention_strip)
        figures.addStretch(1)

        self.tabs = QTabWidget()
        self.visits_tab = VisitsTab(ops)
        self.calls_tab = CallsTab(ops)
        self.workorders_tab = WorkOrdersTab(ops)
        self.complaints_tab = ComplaintsTab(ops)
        self.loans_tab = LoansTab(ops)
        self.residents_tab = ResidentsTab(ops)
        self.desk_tabs: dict[str, RecordTab] = {
            tab.kind: tab
            for tab in (
                self.visits_tab,
                self.calls_tab,
                self.workorders_tab,
                self.complaints_tab,
                self.loans_tab,
            )
        }
        for tab in self.desk_tabs.values():
            self.tabs.addTab(tab, self.tr(tab.title))
            tab.status.connect(self.show_status)
            tab.turn_into.connect(self.turn_into)
        self.handover_tab = HandoverTab(ops)
        self.tabs.addTab(self.handover_tab, self.tr("交接班"))
        self.handover_tab.status.connect(self.show_status)
        self.handover_tab.record_requested.connect(self.open_in_tab)
        self.callbacks_tab = CallbacksTab(ops)
        self.tabs.addTab(self.callbacks_tab, self.tr("回访"))
        self.callbacks_tab.status.connect(self.show_status)
        self.callbacks_tab.record_requested.connect(self.open_in_tab)
        self.tabs.addTab(self.residents_tab, self.tr("住户"))
        self.residents_tab.record_requested.connect(self.open_record)
        self.statistics_tab = StatisticsTab(ops)
        self.tabs.addTab(self.statistics_tab, self.tr("统计"))
        self.statistics_tab.status.connect(self.show_status)
        # where a status-bar count leads: the desk tabs and the later ones by kind
        self.jump_tabs: dict[str, RecordTab | HandoverTab | CallbacksTab] = {
            **self.desk_tabs,
            "handover": self.handover_tab,
            "callback": self.callbacks_tab,
        }
        self.duty_bar.status.connect(self.show_status)
        self.duty_bar.shift_changed.connect(self.handover_tab.show_current)
        self.duty_bar.handover_waiting.connect(self.offer_to_accept)
        self.duty_bar.reload_wanted.connect(self.refresh)

        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.addLayout(header)
        layout.addLayout(figures)
        layout.addWidget(self.tabs, 1)
        # while locked the window shows nothing of the records (were the lock screen moved
        # or another program put between), yet every widget keeps what it holds
        self.locked_page = QLabel(self.tr("已锁定"))
        self.locked_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.content)
        self.pages.addWidget(self.locked_page)
        self.setCentralWidget(self.pages)
        self.locked = False
        self._focus_before_lock: QWidget | None = None
        hint = ""
        if demo:  # the demo's documented passwords, where they are needed
            from desk.demo import DEMO_PASSWORD

            hint = self.tr("演示数据：每个人的密码都是 {0}").format(DEMO_PASSWORD)
        self.lock_screen = LockScreen(ops, self.duty_bar, self, hint)
        self.lock_screen.unlocked.connect(self._unlocked)
        self.duty_bar.lock_wanted.connect(self.lock)
        self.duty_bar.logged_in.connect(lambda _id: self.follow_duty())
        self._allowed_for: tuple[int | None] | None = None  # whose actions are shown
        self.idle: IdleWatch | None = None
        if idle_lock:
            self.idle = IdleWatch(self, DEFAULT_MINUTES)
            self.idle.idle.connect(self.lock)

        # the daily backup (the program's start turns it on; demo files are not backed up)
        self.backup_menu = BackupMenu(
            ops,
            self,
            lambda: self.snapshot.backup_folder if self.snapshot else "",
            lambda: [self.tr(t.title) for t in self.desk_tabs.values() if t.has_input()],
            daily=auto_backup and not demo,
        )
        self.backup_menu.status.connect(self.show_status)
        self.backup_menu.restoring.connect(self._pause_reloads)
        self.backup_menu.restore_failed.connect(self._resume_reloads)
        self.backup_menu.restored.connect(self._close_for_good)
        self.statusBar().addPermanentWidget(self.backup_menu.state_label)
        # signed papers a scanner saves to the office's folder are filed by their QR code;
        # not while a restore replaces the file
        self.scan_folder = ScanFolderWatch(ops, self)
        self.scan_folder.status.connect(self.show_status)
        self.backup_menu.restoring.connect(self.scan_folder.stop)
        self.backup_menu.restore_failed.connect(self._watch_scans)
        # each count is a button: a click (or Tab + Space) opens the list it counts
        self.status_buttons: dict[str, QToolButton] = {}
        for key, caption, kind, scope in STATUS_COUNTS:
            button = QToolButton()
            button.setAutoRaise(True)
            button.setToolTip(self.tr("点击查看：{0}").format(self.tr(caption)))
            button.clicked.connect(lambda _=False, k=kind, sc=scope: self.show_list(k, sc))
            self.statusBar().addPermanentWidget(button)
            self.status_buttons[key] = button
        self._menus()

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        ops.changed.connect(self._changed)
        self._update_title("")
        self.refresh()
        # what was typed and not saved when the program last stopped comes back
        # (after the forms' choices — categories, colleagues — have loaded: reads run in
        # turn, so an empty read asked for now comes back after theirs)
        if keep_drafts:
            db_path = self.db_path
            self.ops.read(
                lambda _ctx: None,
                lambda _: self.restore_drafts(db_path.parent / DRAFTS_FOLDER, db_path.stem),
            )
        # typing starts in the first tab's form, not in 查单 (first in the tab order)
        self.visits_tab.first_field().setFocus()
        if locked:
            self.lock()
        elif self.idle is not None:
            self.idle.start()

    # --- building ----------------------------------------------------------------------

    def _figures(
        self, title: str, items: list[tuple[str, str]], into: dict[str, QLabel]
    ) -> QHBoxLayout:
        """A compact strip: title, then caption and number pairs."""
        strip = QHBoxLayout()
        heading = QLabel(title + "：")
        heading.setStyleSheet("color:#7f8c8d;")
        strip.addWidget(heading)
        for key, label in items:
            caption = QLabel(label)
            value = QLabel("–")
            font = QFont(value.font())
            font.setBold(True)
            value.setFont(font)
            caption.setBuddy(value)
            strip.addWidget(caption)
            strip.addWidget(value)
            strip.addSpacing(8)
            into[key] = value
        return strip

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        entries: list[tuple[str, Callable[[], object]] | QAction | None] = [
            (self.tr("归档签字件(&G)…"), self.file_signed_scan),
            None,
            (self.tr("人员(&P)…"), self.show_staff),
            (self.tr("设置(&S)…"), self.show_settings),
            None,
            (self.tr("立即备份(&B)…"), self.backup_menu.backup_now),
            self.backup_menu.restore_action,  # shown to whoever may restore
            None,
        ]
        for entry in entries:
            if entry is None:
                file_menu.addSeparator()
            elif isinstance(entry, QAction):
                file_menu.addAction(entry)
            else:
                action = QAction(entry[0], self)
                action.triggered.connect(entry[1])
                file_menu.addAction(action)
        quit_action = QAction(self.tr("退出(&X)"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        keys = QAction(self.tr("快捷键(&K)…"), self)
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys)
        about = QAction(self.tr("关于(&A)"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        QShortcut(QKeySequence(shortcuts.LOCK_KEY), self, activated=self.lock)
        # Ctrl+1 … Ctrl+9: the tabs in their order, from anywhere in the window
        for index in range(min(self.tabs.count(), 9)):
            QShortcut(
                QKeySequence(f"Ctrl+{index + 1}"),
                self,
                activated=lambda i=index: self.show_tab(i),
            )

    # --- data --------------------------------------------------------------------------

    @property
    def db_path(self) -> Path:
        path = self.ops.desk.path
        assert path is not None  # the window's desk is a file
        return path

    def refresh(self) -> None:
        """Everything again (the timer: counts turn overdue with the clock)."""
        self.ops.read(load_snapshot, self._show, self._failed)

    def _changed(self, changes: Changes) -> None:
        """After a write: reload only the parts of the window it concerns."""
        parts = frozenset(part for part, kinds in PARTS.items() if changes.concerns(*kinds))
        if parts:
            self.ops.read(lambda ctx: load_parts(ctx, parts), self._show_parts, self._failed)
        if changes.concerns("setting"):
            self._settings_changed()

    def _failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(self.tr("读取数据失败：") + str(exc))

    def _show_parts(self, fields: dict[str, Any]) -> None:
        if self.snapshot is None:  # the whole snapshot failed to load: the timer retries
            return
        self._show(replace(self.snapshot, **fields), frozenset(fields))

    def _show(self, snap: Snapshot, fields: frozenset[str] | None = None) -> None:
        """Show ``snap``; only what depends on ``fields`` when given (a partial reload)."""
        self.snapshot = snap

        def shows(*names: str) -> bool:
            return fields is None or any(name in fields for name in names)

        if shows("office", "backup_folder"):
            self._show_office(snap)
        if shows("staff", "duty"):
            self.duty_bar.show_duty(snap.staff, snap.duty)
            self.follow_duty()
        if shows("office", "staff", "duty"):
            self.lock_screen.show_state(snap.office, snap.duty)
        if shows("idle_minutes") and self.idle is not None:
            self.idle.set_minutes(snap.idle_minutes)
        if shows("today", "attention", "duty"):
            self._show_counts(snap)

    def _watch_scans(self) -> None:
        self.scan_folder.follow_setting(self.snapshot.scan_folder if self.snapshot else "")

    def _show_office(self, snap: Snapshot) -> None:
        self.backup_menu.follow_setting(snap.backup_folder)
        self.scan_folder.follow_setting(snap.scan_folder)
        self.office_label.setText(snap.office)
        self._update_title(snap.office)

    def _show_counts(self, snap: Snapshot) -> None:
        for key, label in self.today_values.items():
            label.setText(str(getattr(snap.today, key)))
        for key, label in self.attention_values.items():
            value = getattr(snap.attention, key)
            label.setText(str(value))
            label.setStyleSheet("color:#c0392b;" if value else "")
        for key, caption, _kind, _scope in STATUS_COUNTS:
            value = (
                snap.duty.flagged if key == "flagged_handovers" else getattr(snap.attention, key)
            )
            button = self.status_buttons[key]
            button.setText(f"{self.tr(caption)} {value}")
            button.setStyleSheet("color:#c0392b; font-weight:bold;" if value else "")

    def show_list(self, kind: str, scope: str) -> QWidget:
        """Bring ``kind``'s tab forward showing ``scope`` (where a status count leads)."""
        tab = self.jump_tabs[kind]
        self.tabs.setCurrentWidget(tab)
        tab.show_scope(scope)
        return tab

    def turn_into(self, target: str, carried: Carry) -> None:
        """转报修 / 转投诉: open the repair or complaint form filled from the visit or call."""
        tab = self.desk_tabs[target]
        self.tabs.setCurrentWidget(tab)
        tab.take_over(carried)

    def show_staff(self) -> StaffDialog:
        """人员: add colleagues or mark those who left (the list of who can be on duty)."""
        dialog = StaffDialog(self.ops, self)
        delete_when_closed(dialog, self.ops)  # else the window keeps it all shift
        dialog.open()
        return dialog

    def show_settings(self) -> SettingsDialog:
        """设置: name, greeting, shifts, time limits and categories (supervisors save)."""
        dialog = SettingsDialog(self.ops, self)
        delete_when_closed(dialog, self.ops)  # else the window keeps it all shift
        dialog.open()
        return dialog

    def _settings_changed(self) -> None:
        """New categories, limits or greeting reach the open forms at once."""
        for tab in self.desk_tabs.values():
            reload_choices = getattr(tab, "load_choices", None)
            if reload_choices is not None:
                reload_choices()

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def offer_to_accept(self, entry: handover.DutyEntry) -> None:
        """The person coming on duty accepts the handover the last shift confirmed."""
        if entry.handover_id is None:
            return
        question = self.tr(
            "{0} 的{1}（{2}）已确认交班。\n\n请在“交接班”里看过移交事项，确认接班吗？"
        ).format(entry.staff_name, entry.shift_name, f"{entry.day:%m-%d}")
        self.tabs.setCurrentWidget(self.handover_tab)
        self.handover_tab.load_shift(entry.shift_id)
        if msgbox.confirm(self, self.tr("接班确认"), question):
            self.handover_tab.accept(entry.handover_id)

    def file_signed_scan(self) -> None:
        """文件 → 归档签字件…: a signed paper's scan filed by its QR code (the serial asked
        when none can be read); its record opens, showing 已签回."""

        def filed(name: str, kind: str, record_id: int, serial: str) -> None:
            self.open_in_tab(kind, record_id)
            self.show_status(self.tr("已归档签字件 {0} → {1}").format(name, serial))

        signed_scans.pick_and_file(self, self.ops, None, filed)

    def open_in_tab(self, kind: str, record_id: int) -> None:
        """A record from a handover item: its tab, with the record in the detail."""
        tab = self.desk_tabs.get(kind)
        if tab is None:
            return
        self.tabs.setCurrentWidget(tab)
        tab.show_record(record_id)

    def show_found(self, found: by_serial.Found) -> None:
        """A record found by its serial: its tab, the list narrowed to it, its detail; a
        register's serial lists the loans of its days."""
        if found.kind == "handover":
            self.tabs.setCurrentWidget(self.handover_tab)
            self.handover_tab.load_shift(found.record_id)
        elif found.kind == "register":
            self.tabs.setCurrentWidget(self.loans_tab)
            self.loans_tab.show_filtered("全部", found.start, found.end)
        else:
            tab = self.desk_tabs[found.kind]
            self.tabs.setCurrentWidget(tab)
            assert found.record_id is not None
            tab.show_found(found.serial, found.record_id)
        self.show_status(self.tr("已打开 {0}").format(found.serial))

    def open_record(self, timeline_kind: str, record_id: int) -> RecordViewDialog:
        """Open a record from a unit's timeline (its fields and history)."""
        dialog = RecordViewDialog(self.ops, timeline_kind, record_id, self)
        delete_when_closed(dialog, self.ops)  # else the window keeps it all shift
        dialog.show()
        return dialog

    @property
    def staff_on_duty(self) -> int | None:
        return self.duty_bar.staff_on_duty

    @property
    def shift_on_duty(self) -> int | None:
        return self.duty_bar.shift_on_duty

    def show_waiting_messages(self) -> None:
        self.duty_bar.show_waiting_messages()

    def _update_title(self, office: str) -> None:
        title = self.tr("物业前台")
        if office:
            title += f" — {office}"
        if self.demo:
            title += self.tr("（演示数据）")
        self.setWindowTitle(title)

    def show_tab(self, index: int) -> None:
        """Bring tab ``index`` forward, typing in its form (or its first field)."""
        self.tabs.setCurrentIndex(index)
        tab = self.tabs.currentWidget()
        first = getattr(tab, "first_field", None)
        (first() if first is not None else tab).setFocus()

    def show_shortcuts(self) -> ShortcutsDialog:
        """帮助 → 快捷键: every key, from the same table the buttons are labelled from."""
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        """关于: version, the database and data folder, the fonts' licences."""
        dialog = AboutDialog(self.db_path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal without a nested loop: tests get the dialog back
        return dialog

    def restore_drafts(self, folder: Path, stem: str) -> list[str]:
        """Turn on draft keeping in every desk tab; the titles of those given a draft back."""
        back = [
            tab.title
            for tab in self.desk_tabs.values()
            if tab.keep_drafts(folder / f"{stem}-{tab.kind}.json")
        ]
        if back:
            self.tabs.setCurrentWidget(
                next(t for t in self.desk_tabs.values() if t.title == back[0])
            )
            self.show_status(
                self.tr("已恢复上次没有保存的内容：{0}。请核对后保存。").format(
                    "、".join(self.tr(t) for t in back)
                )
            )
        return back

    def show_fitted(self, geometry_file: Path | None = None) -> None:
        """Show the window where it was last closed (``geometry_file``, this PC's own), or
        the first time maximised to the screen's free area (above the task bar), so the
        status bar — where the backup warning is — is always on screen. Un-maximised it
        takes WINDOW_SIZE or the free area, whichever is smaller."""
        self._geometry_file = geometry_file
        saved = _read_geometry(geometry_file)
        if saved is None or not self.restoreGeometry(saved):
            free = self.screen().availableGeometry()
            self.resize(min(WINDOW_SIZE[0], free.width()), min(WINDOW_SIZE[1], free.height()))
            self.move(free.topLeft())
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        self.show()

    def _remember_geometry(self) -> None:
        """Where and how big the window was, for the next start on this PC; a file that
        cannot be written only costs the position."""
        target = self._geometry_file
        if target is None:
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(bytes(self.saveGeometry().data()))
        except OSError:
            log.warning("could not remember the window's position", exc_info=True)

    def _pause_reloads(self) -> None:
        self.timer.stop()

    def _resume_reloads(self) -> None:
        """After a restore that replaced nothing: reload, and go on reloading."""
        self.timer.start()
        self.refresh()

    def _close_for_good(self) -> None:
        """从备份恢复 replaced the file: the program must start again on it."""
        self.restored = True
        self.close()

    def follow_duty(self) -> None:
        """Show only what the person on duty may do (the role table): 从备份恢复… and the
        住户 list's export. Read again only when another person is on duty, so an unlock
        by the same person reads nothing."""
        staff_id = self.ops.desk.duty.staff_id
        if self._allowed_for == (staff_id,):
            return
        self._allowed_for = (staff_id,)
        self.ops.read(lambda ctx: permissions.allowed(ctx.session, staff_id), self._show_allowed)

    def _show_allowed(self, allowed: frozenset[str]) -> None:
        self.backup_menu.may_restore("restore" in allowed)
        self.residents_tab.export_button.setVisible("export_personal" in allowed)

    # --- the lock --------------------------------------------------------------------------

    def lock(self) -> None:
        """锁屏: hide every record behind the lock screen until the person on duty (or a
        colleague taking over) logs in. What was typed anywhere stays as it is."""
        if self.locked:
            return
        self.locked = True
        self._focus_before_lock = QApplication.focusWidget()
        if self.idle is not None:
            self.idle.stop()
        self.pages.setCurrentWidget(self.locked_page)
        if self.isVisible():
            self.lock_screen.cover(self.screen())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.locked and not self.lock_screen.isVisible():  # locked from the start
            self.lock_screen.cover(self.screen())

    def _unlocked(self) -> None:
        """Back to where the person was: the same tab, dialog and field, nothing reloaded."""
        self.locked = False
        self.pages.setCurrentWidget(self.content)
        focus = self._focus_before_lock
        self._focus_before_lock = None
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.window().activateWindow()
            focus.setFocus()
        else:
            self.activateWindow()
            self.show_tab(self.tabs.currentIndex())
        if self.idle is not None:
            self.idle.start()

    def closeEvent(self, event) -> None:
        if self.idle is not None:
            self.idle.remove()
        self._remember_geometry()
        self.timer.stop()
        self.backup_menu.stop()
        self.scan_folder.stop()
        super().closeEvent(event)


def _read_geometry(path: Path | None) -> QByteArray | None:
    if path is None:
        return None
    try:
        return QByteArray(path.read_bytes())
    except OSError:  # none yet (the first start), or unreadable: start maximised
        return None
