"""The main window: office name and who is on duty always in view, live counts below.

The desk's tabs come in the order the issue fixes (来访接待, 来电记录, 报修派工, 投诉处理,
物品借用), then 住户. Everything loads through the DB worker and refreshes on
``data_changed``; the status bar's counts jump to the filtered list they count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import Engine

from desk.models.dbfile import reindex
from desk.services import (
    backup,
    calls,
    duty,
    handover,
    lookup,
    overview,
    settings,
    shifts,
    staff,
)
from desk.services.carry import Carry
from desk.services.context import reading, writing
from desk.ui import backups, msgbox
from desk.ui.about import AboutDialog
from desk.ui.backups import AutoBackup, Background
from desk.ui.dialogs import duty_dialog
from desk.ui.dialogs.record_view import RecordViewDialog
from desk.ui.dialogs.settings_dialog import SettingsDialog
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

REFRESH_MS = 60_000
WINDOW_SIZE = (1280, 800)  # on a larger screen; a smaller one gets the window maximised
DRAFTS_FOLDER = "drafts"  # unsaved forms, beside the database (ui/form_drafts.py)

# status-bar counts: Attention field, caption, the tab's kind, the list scope it jumps to
STATUS_COUNTS = [
    ("overdue_work_orders", "超时报修", "workorder", "已超时"),
    ("overdue_complaints", "超时投诉", "complaint", "已超时"),
    ("undelivered_messages", "未转告", "call", "未完成"),  # a call is open while 未转告
    ("overdue_loans", "逾期借用", "loan", "已超时"),
    ("overdue_callbacks", "超时回访", "callback", "已超时"),
    ("flagged_handovers", "未按时接班", "handover", "未按时接班"),
]


@dataclass(frozen=True)
class Snapshot:
    """Everything the window shows, loaded in one read on the DB worker."""

    office: str
    staff: list[tuple[int, str, str]]  # id, name, role
    today: overview.Today
    attention: overview.Attention
    duty: duty.DutyState
    backup_folder: str  # the setting: where the daily backup is also copied


def load_snapshot(engine: Engine) -> Snapshot:
    with reading(engine) as ctx:
        return Snapshot(
            office=overview.office_name(ctx),
            staff=[(s.id, s.name, s.role.value) for s in staff.active(ctx)],  # type: ignore[misc]
            today=overview.today(ctx),
            attention=overview.attention(ctx),
            duty=duty.duty_state(ctx),
            backup_folder=str(settings.get(ctx.session, "backup.folder") or ""),
        )


class MainWindow(QMainWindow):
    def __init__(
        self,
        engine: Engine,
        ops: Ops,
        db_path: Path,
        *,
        demo: bool = False,
        ask_duty: bool = False,
        auto_backup: bool = False,
        keep_drafts: bool = False,
    ) -> None:
        super().__init__()
        # the program's start asks who comes on duty when nobody is (tests leave it off)
        self.ask_duty = ask_duty
        self.engine = engine
        self.ops = ops
        self.db_path = db_path
        self.demo = demo
        self.snapshot: Snapshot | None = None
        self.restored = False  # 从备份恢复 replaced the file: the window closes for good
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
        self.duty_combo = QComboBox()
        self.duty_combo.setMinimumWidth(160)
        duty_label = QLabel(self.tr("值班人员"))
        duty_label.setBuddy(self.duty_combo)
        # choosing another person means they come on duty: pick the shift, then they see
        # the messages (转告) waiting for them and the handover to accept
        self.duty_combo.activated.connect(
            lambda _i: self.ask_come_on_duty(self.duty_combo.currentData())
        )
        self.shift_label = QLabel()
        self.on_duty_button = QPushButton(self.tr("上班…"))
        self.on_duty_button.clicked.connect(lambda: self.ask_come_on_duty())
        self.shift_on_duty: int | None = None

        header = QHBoxLayout()
        header.addWidget(self.office_label)
        header.addWidget(self.demo_label)
        header.addStretch(1)
        # 查单: a serial typed or scanned from a printed form opens its record, from any tab
        self.serial_lookup = SerialLookup(engine, ops)
        self.serial_lookup.found.connect(self.show_found)
        header.addWidget(self.serial_lookup)
        header.addSpacing(16)
        header.addWidget(duty_label)
        header.addWidget(self.duty_combo)
        header.addWidget(self.shift_label)
        header.addWidget(self.on_duty_button)

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
        on_duty = lambda: self.staff_on_duty  # noqa: E731 (read at save time)
        self.visits_tab = VisitsTab(engine, ops, on_duty)
        self.calls_tab = CallsTab(engine, ops, on_duty)
        self.workorders_tab = WorkOrdersTab(engine, ops, on_duty)
        self.complaints_tab = ComplaintsTab(engine, ops, on_duty)
        self.loans_tab = LoansTab(engine, ops, on_duty)
        self.residents_tab = ResidentsTab(engine, ops, on_duty)
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
            tab.shift_id = lambda: self.shift_on_duty
        self.handover_tab = HandoverTab(engine, ops, on_duty, lambda: self.shift_on_duty)
        self.tabs.addTab(self.handover_tab, self.tr("交接班"))
        self.handover_tab.status.connect(self.show_status)
        self.handover_tab.record_requested.connect(self.open_in_tab)
        self.callbacks_tab = CallbacksTab(engine, ops, on_duty)
        self.tabs.addTab(self.callbacks_tab, self.tr("回访"))
        self.callbacks_tab.status.connect(self.show_status)
        self.callbacks_tab.record_requested.connect(self.open_in_tab)
        self.tabs.addTab(self.residents_tab, self.tr("住户"))
        self.residents_tab.record_requested.connect(self.open_record)
        self.statistics_tab = StatisticsTab(engine, ops)
        self.tabs.addTab(self.statistics_tab, self.tr("统计"))
        self.statistics_tab.status.connect(self.show_status)
        # where a status-bar count leads: the desk tabs and the later ones by kind
        self.jump_tabs: dict[str, RecordTab | HandoverTab | CallbacksTab] = {
            **self.desk_tabs,
            "handover": self.handover_tab,
            "callback": self.callbacks_tab,
        }

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(header)
        layout.addLayout(figures)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

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
        ops.data_changed.connect(lambda _kind: self.refresh())
        ops.data_changed.connect(self._settings_changed)
        self._update_title("")
        self.refresh()
        # the daily backup (the program's start turns it on; demo files are not backed up)
        self.background = Background(self)
        self.auto_backup = AutoBackup(
            db_path, lambda: self.snapshot.backup_folder if self.snapshot else "", self
        )
        self.auto_backup.made.connect(
            lambda made: self.show_status(self.tr("已自动备份：{0}").format(made[-1].path))
        )
        self.auto_backup.failed.connect(
            lambda why: self.show_status(self.tr("自动备份没有做成：{0}").format(why))
        )
        # at a glance, in the status bar: when the last backup was, or that it failed
        self.backup_state = QLabel()
        self.backup_state_folder = ""  # the backup.folder setting the label was made for
        self.statusBar().insertPermanentWidget(0, self.backup_state)
        self.backup_state.setVisible(auto_backup and not demo)
        self.auto_backup.made.connect(lambda _made: self.show_backup_state())
        self.auto_backup.failed.connect(lambda why: self.show_backup_state(why))
        self.auto_backup.index_damaged.connect(self.offer_reindex)
        if auto_backup and not demo:
            self.show_backup_state()
            self.auto_backup.start()
        # what was typed and not saved when the program last stopped comes back
        # (after the forms' choices — categories, colleagues — have loaded: the DB worker
        # runs jobs in order, so an empty job queued now comes back after theirs)
        if keep_drafts:
            self.ops.run(
                lambda: None,
                lambda _: self.restore_drafts(db_path.parent / DRAFTS_FOLDER, db_path.stem),
            )
        # typing starts in the first tab's form, not in 查单 (first in the tab order)
        self.visits_tab.first_field().setFocus()

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
        entries: list[tuple[str, Callable[[], object]] | None] = [
            (self.tr("人员(&P)…"), self.show_staff),
            (self.tr("设置(&S)…"), self.show_settings),
            None,
            (self.tr("立即备份(&B)…"), self.backup_now),
            (self.tr("从备份恢复(&R)…"), self.restore_backup),
            None,
        ]
        for entry in entries:
            if entry is None:
                file_menu.addSeparator()
            else:
                action = QAction(entry[0], self)
                action.triggered.connect(entry[1])
                file_menu.addAction(action)
        quit_action = QAction(self.tr("退出(&X)"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        about = QAction(self.tr("关于(&A)"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # --- data --------------------------------------------------------------------------

    def refresh(self) -> None:
        engine = self.engine
        self.ops.run(lambda: load_snapshot(engine), self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(self.tr("读取数据失败：") + str(exc))

    def _show(self, snap: Snapshot) -> None:
        self.snapshot = snap
        if (
            self.backup_state.isVisibleTo(self)
            and snap.backup_folder != self.backup_state_folder
            and "没有做成" not in self.backup_state.text()
        ):
            self.show_backup_state()  # the setting changed: where the copies go
        self.office_label.setText(snap.office)
        self._update_title(snap.office)
        current = self.duty_combo.currentData()
        self.duty_combo.blockSignals(True)
        self.duty_combo.clear()
        for staff_id, name, role in snap.staff:
            self.duty_combo.addItem(f"{name}（{role}）", staff_id)
        # the person on duty is who came on duty; before anyone has, whoever was chosen
        on_duty = snap.duty.staff_id if snap.duty.shift_id is not None else current
        index = self.duty_combo.findData(on_duty)
        self.duty_combo.setCurrentIndex(max(index, 0))
        self.duty_combo.blockSignals(False)
        self._show_duty(snap.duty)
        if self.ask_duty:
            self.ask_duty = False
            if snap.duty.shift_id is None:
                QTimer.singleShot(0, self.ask_come_on_duty)
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
        dialog = StaffDialog(self.engine, self.ops, lambda: self.staff_on_duty, self)
        delete_when_closed(dialog, self.ops)  # else the window keeps it all shift
        dialog.open()
        return dialog

    def show_settings(self) -> SettingsDialog:
        """设置: name, greeting, shifts, time limits and categories (supervisors save)."""
        dialog = SettingsDialog(self.engine, self.ops, lambda: self.staff_on_duty, self)
        delete_when_closed(dialog, self.ops)  # else the window keeps it all shift
        dialog.open()
        return dialog

    def _settings_changed(self, kind: str) -> None:
        """New categories, limits or greeting reach the open forms at once."""
        if kind != "settings":
            return
        for tab in self.desk_tabs.values():
            reload_choices = getattr(tab, "load_choices", None)
            if reload_choices is not None:
                reload_choices()

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _show_duty(self, state: duty.DutyState) -> None:
        changed = state.shift_id != self.shift_on_duty
        self.shift_on_duty = state.shift_id
        if state.shift_id is None:
            self.shift_label.setText(self.tr("未上班"))
            self.shift_label.setStyleSheet("color:#c0392b; font-weight:bold;")
        else:
            until = f"–{state.planned_end:%H:%M}" if state.planned_end else ""
            self.shift_label.setText(
                f"{state.shift_name} {state.started_at:%H:%M}{until}"  # type: ignore[union-attr]
            )
            self.shift_label.setStyleSheet("")
        if changed:
            self.handover_tab.show_current()

    def ask_come_on_duty(self, staff_id: int | None = None) -> None:
        """上班: pick the person and the shift; then their messages and the handover."""
        snap = self.snapshot
        if snap is None:
            return
        choice = duty_dialog.ask_duty(
            self,
            [(pid, name) for pid, name, _role in snap.staff],
            snap.duty.shifts,
            staff_id=staff_id if staff_id is not None else self.staff_on_duty,
            shift_name=snap.duty.suggested,
            note=(
                self.tr("现在值班的是 {0}（{1}），上班后其班次结束。").format(
                    snap.duty.staff_name, snap.duty.shift_name
                )
                if snap.duty.shift_id is not None
                else ""
            ),
            planned_ends=snap.duty.planned_ends,
        )
        if choice is None:
            self._show(snap)  # the combo goes back to who is on duty
            return
        engine = self.engine

        def job() -> tuple[int, list[handover.DutyEntry]]:
            with writing(engine, staff_id=choice.staff_id) as ctx:
                shift = shifts.come_on_duty(ctx, choice.staff_id, choice.shift_name)
                return shift.id, duty.waiting_for(ctx, choice.staff_id)  # type: ignore[return-value]

        def done(result: tuple[int, list[handover.DutyEntry]]) -> None:
            shift_id, waiting = result
            self.shift_on_duty = shift_id
            index = self.duty_combo.findData(choice.staff_id)
            self.duty_combo.setCurrentIndex(max(index, 0))
            self.show_status(self.tr("已上班：{0}").format(choice.shift_name))
            self.refresh()
            self.handover_tab.show_current()
            self.show_waiting_messages()
            for entry in waiting:
                self.offer_to_accept(entry)

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("没有上班"), str(exc))
            self.refresh()

        self.ops.run(job, done, failed)

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

    def open_in_tab(self, kind: str, record_id: int) -> None:
        """A record from a handover item: its tab, with the record in the detail."""
        tab = self.desk_tabs.get(kind)
        if tab is None:
            return
        self.tabs.setCurrentWidget(tab)
        tab.show_record(record_id)

    def show_found(self, found: lookup.Found) -> None:
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
        dialog = RecordViewDialog(self.engine, self.ops, timeline_kind, record_id, self)
        delete_when_closed(dialog, self.ops)  # else the window keeps it all shift
        dialog.show()
        return dialog

    def show_waiting_messages(self) -> None:
        staff_id = self.staff_on_duty
        if staff_id is None:
            return
        engine = self.engine

        def load() -> list[str]:
            with reading(engine) as ctx:
                return [
                    f"{c.serial}  {c.created_at:%m-%d %H:%M}  {c.person_name or '来电人'}："
                    f"{c.content}"
                    for c in calls.undelivered_for(ctx, staff_id)
                ]

        def show(lines: list[str]) -> None:
            if lines:
                msgbox.info(
                    self,
                    self.tr("有转告给您的留言"),
                    self.tr("以下留言还没有转告给您：\n\n")
                    + "\n".join(lines)
                    + self.tr("\n\n看过后请在“来电记录”里点“已转告”。"),
                )

        self.ops.run(load, show)

    @property
    def staff_on_duty(self) -> int | None:
        return self.duty_combo.currentData()

    def _update_title(self, office: str) -> None:
        title = self.tr("物业前台")
        if office:
            title += f" — {office}"
        if self.demo:
            title += self.tr("（演示数据）")
        self.setWindowTitle(title)

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

    # --- backups -----------------------------------------------------------------------

    def backup_now(self) -> None:
        """立即备份…: a backup into a chosen folder (a USB stick), now."""
        setting = self.snapshot.backup_folder if self.snapshot else ""
        start = Path(setting) if setting and Path(setting).is_dir() else self.backup_folder()
        folder = backups.ask_folder(self, start)
        if folder is None:
            return
        db_path = self.db_path

        def done(made: backup.Backup) -> None:
            msgbox.info(
                self,
                self.tr("备份"),
                self.tr("已备份到：\n{0}\n（{1:.1f} MB）").format(made.path, made.size / 2**20),
            )

        self.show_status(self.tr("正在备份……"))
        self.background.run(
            lambda: backup.make(db_path, folder, datetime.now()),
            done,
            lambda exc: msgbox.error(self, self.tr("备份没有做成"), str(exc)),
        )

    def show_backup_state(self, failure: str = "") -> None:
        """备份 11-29 08:15, or 备份没有做成 in red; the tooltip says where and what to do."""
        last = backup.latest(self.db_path)
        extra = self.snapshot.backup_folder if self.snapshot else ""
        self.backup_state_folder = extra
        where = (
            self.tr("每天另存一份到：{0}").format(extra)
            if extra
            else self.tr(
                "只备份在本机。在“文件”→“设置…”里填“每日备份另存到”（如U盘），电脑硬盘坏了也不怕。"
            )
        )
        if failure:
            self.backup_state.setText(self.tr("备份没有做成"))
            self.backup_state.setStyleSheet("color:#c0392b; font-weight:bold;")
            self.backup_state.setToolTip(f"{failure}\n\n{where}")
            return
        self.backup_state.setStyleSheet("" if extra else "color:#b9770e;")
        if last is None:
            self.backup_state.setText(self.tr("还没有备份"))
        else:
            self.backup_state.setText(self.tr("备份 {0:%m-%d %H:%M}").format(last.made_at))
        newest = str(last.path) if last else self.tr("（还没有）")
        self.backup_state.setToolTip(self.tr("最近的备份：{0}").format(newest) + "\n\n" + where)

    def show_fitted(self) -> None:
        """Show the window within the screen's free area (above the task bar): maximised
        when WINDOW_SIZE does not fit (a 1366×768 laptop), so the status bar — where the
        backup warning is — is always on screen."""
        free = self.screen().availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar, borders
        width, height = WINDOW_SIZE
        if width + frame.width() > free.width() or height + frame.height() > free.height():
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        else:
            self.move(
                free.x() + (free.width() - width - frame.width()) // 2,
                free.y() + (free.height() - height - frame.height()) // 2,
            )
        self.show()

    def offer_reindex(self, why: str) -> None:
        """The daily full check found only an index damaged (records are whole): rebuilding
        the indexes repairs it and loses nothing; then the day's backup is tried again."""
        question = why + "\n\n" + self.tr("现在重建索引吗？大约需要几秒到一分钟，期间不能保存。")
        if not msgbox.confirm(self, self.tr("数据库索引损坏"), question):
            return
        db_path = self.db_path

        def done(_: object) -> None:
            self.show_status(self.tr("索引已重建，数据库检查通过。"))
            self.auto_backup.check()

        self.show_status(self.tr("正在重建索引……"))
        self.ops.run(
            lambda: reindex(db_path),
            done,
            lambda exc: msgbox.error(self, self.tr("没有重建索引"), str(exc)),
        )

    def backup_folder(self) -> Path:
        return backup.auto_folder(self.db_path)

    def restore_backup(self) -> None:
        """从备份恢复…: the chosen backup becomes the database; the program then closes."""
        typing = [tab.title for tab in self.desk_tabs.values() if tab.has_input()]
        if typing:
            msgbox.info(
                self,
                self.tr("从备份恢复"),
                self.tr("“{0}”里还有没保存的内容。请先保存或清空，再恢复。").format(
                    "、".join(self.tr(t) for t in typing)
                ),
            )
            return
        chosen = backups.ask_backup_file(self, self.backup_folder())
        if chosen is None:
            return
        question = self.tr(
            "用这份备份恢复数据库？\n\n{0}\n\n备份之后登记的内容不在这份备份里，"
            "恢复后请按纸质单据补登。现在的数据库会另存一份（文件名带 before-restore），"
            "以防选错。\n\n恢复后程序会关闭，请再打开。"
        ).format(chosen)
        if not msgbox.confirm(self, self.tr("从备份恢复"), question):
            return
        self.timer.stop()
        self.auto_backup.stop()
        engine, db_path = self.engine, self.db_path

        def job() -> Path:
            engine.dispose()  # the worker's connections close: the file is free to replace
            return backup.restore(chosen, db_path, datetime.now())

        def done(aside: Path) -> None:
            msgbox.info(
                self,
                self.tr("从备份恢复"),
                self.tr(
                    "已恢复。原来的数据库留在：\n{0}\n\n程序现在关闭，请再打开物业前台。"
                ).format(aside),
            )
            self.restored = True
            self.close()

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("没有恢复"), str(exc))
            self.timer.start()
            self.refresh()

        self.ops.run(job, done, failed)

    def closeEvent(self, event) -> None:
        self.timer.stop()
        self.auto_backup.stop()
        super().closeEvent(event)
