"""投诉处理: record a complaint with everything of form QR-026SD, see whom it must reach by
when, follow it through 开始处理 / 升级 / 答复, and keep photos and files with it.

The list counts down to the deadline still running and turns amber, then red, as it
nears and passes: each row carries when it does (the services' rule), compared with the
clock when a cell is painted, so a timer only has to repaint.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.models import kinds
from desk.models.enums import ComplaintChannel, EscalationLevel, Severity
from desk.models.errors import ValidationError
from desk.services.core import settings, sla
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx
from desk.services.records import complaints
from desk.services.records.carry import Carry
from desk.services.records.complaints import REQUIRED_LEVEL, AttachmentInfo, ComplaintDraft
from desk.services.views import countdown as clocks
from desk.services.views.lists import ComplaintRow
from desk.services.views.resident_search import Match
from desk.ui import msgbox, temp_files
from desk.ui.deadlines import AMBER, RED, TICK_MS, colour
from desk.ui.dialogs import complaint_dialogs as dialogs
from desk.ui.dialogs.complaint_dialogs import AnswerValues, StartValues
from desk.ui.file_sizes import size_text
from desk.ui.models.paged import ViewColumn, columns_of
from desk.ui.ops import Ops
from desk.ui.tabs.record_tab import Op, RecordTab

OVERDUE = RED
NEAR = AMBER
# opened attachments are copied here for the system viewer; swept a day later
ATTACHMENTS_FOLDER = "desk-attachments"
SEVERITIES = [Severity.MINOR, Severity.IMPORTANT, Severity.MAJOR]  # the usual one first
DIALOG_ACTIONS = {"开始处理", "升级", "答复"}


def clock() -> datetime:
    """The moment countdowns and colours are computed for (tests move it)."""
    return datetime.now()


class OptionalDateTime(QWidget):
    """A date-time that may be left out: a check box switches the editor on."""

    def __init__(self, check_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(check_text)
        self.edit = QDateTimeEdit()
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.edit.setCalendarPopup(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.setFocusProxy(self.check)
        self.check.toggled.connect(self._toggled)
        self._toggled(False)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        if on:
            self.edit.setFocus()

    def value(self) -> datetime | None:
        if not self.check.isChecked():
            return None
        value: datetime = self.edit.dateTime().toPython()  # type: ignore[assignment]
        return value.replace(second=0, microsecond=0)

    def set_value(self, value: datetime | None) -> None:
        """A stored time (修改): checked and shown; None leaves it switched off."""
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDateTime(QDateTime(value))

    def reset(self, suggested: datetime) -> None:
        self.check.setChecked(False)
        self.edit.setDateTime(QDateTime(suggested.replace(second=0, microsecond=0)))


class ComplaintsTab(RecordTab):
    kind = "complaint"
    title = "投诉处理"
    # 回访 and 修改: the base class
    actions = frozenset({"开始处理", "升级", "答复", "回访", "修改", "作废"})
    forms_kind = "complaint"
    tick_ms = TICK_MS  # the list's clock repaints the countdowns and colours

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.shown_id: int | None = None  # the complaint whose attachments are listed
        self.attachment_rows: list[AttachmentInfo] = []
        self._arrange()
        self.view.selectionModel().currentRowChanged.connect(self._complaint_changed)

    # --- form ------------------------------------------------------------------------

    def build_form(self) -> None:
        self.carried: Carry | None = None  # the visit or call this complaint comes from
        self.limits: dict[Severity, str] = {}  # sla.complaint.* specs, once loaded
        self.carried_note = QLabel()
        self.carried_note.setStyleSheet("color:#1f618d; background:#eaf2f8; padding:4px;")
        self.carried_note.setVisible(False)
        self.form.addRow(self.carried_note)
        self.add_party_rows()
        self.channel = QComboBox()
        self.channel.addItems([c.value for c in ComplaintChannel])
        self.severity = QComboBox()
        self.severity.addItems([s.value for s in SEVERITIES])
        self.add_field_pair(self.channel, "channel", self.severity, "severity")
        self.category = QComboBox()
        self.subtype = QComboBox()
        self.add_field_pair(self.category, "category", self.subtype, "subtype")
        self.severity_note = QLabel()
        self.severity_note.setWordWrap(True)
        self.severity_note.setStyleSheet("color:#7e5109;")
        self.form.setWidget(
            self.form.rowCount(), QFormLayout.ItemRole.FieldRole, self.severity_note
        )
        self.occurred = OptionalDateTime(self.tr("记下时间"))
        self.add_field(self.occurred, "occurred_at")
        self.place = QLineEdit()
        self.place.setMaxLength(100)
        self.target = QLineEdit()
        self.target.setMaxLength(100)
        self.target.setPlaceholderText(self.tr("被投诉的人或部门"))
        self.add_field_pair(self.place, "occurred_place", self.target, "target")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText(self.tr("听清楚、问清楚：复述确认后如实记录"))
        # four lines to start with, then it scrolls: the fields under it stay in view
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.add_field(self.description, "description")
        self.demand = QLineEdit()
        self.demand.setMaxLength(1000)
        self.demand.setPlaceholderText(self.tr("如 维修、道歉、赔偿……"))
        self.add_field(self.demand, "demand")
        self.deadline = OptionalDateTime(self.tr("业主有期限"))
        self.add_field(self.deadline, "demand_deadline")
        self.witnesses = QLineEdit()
        self.witnesses.setMaxLength(200)
        self.department = QLineEdit()
        self.department.setMaxLength(40)
        self.department.setPlaceholderText(self.tr("如 工程部、客服部"))
        self.add_field_pair(self.witnesses, "witnesses", self.department, "department")
        for line in (self.place, self.target, self.demand, self.witnesses, self.department):
            line.returnPressed.connect(self.save)
        self.severity.currentIndexChanged.connect(lambda _i: self._show_severity_hint())
        self._reset_times()
        self.load_choices()

    def _reset_times(self) -> None:
        now = datetime.now()
        self.occurred.reset(now)
        self.deadline.reset(now + timedelta(days=1))

    def load_choices(self) -> None:
        """Categories, sub-types and limits from settings, read on the DB worker."""
        self.ops.read(lambda ctx: settings.all_values(ctx.session), self._show_choices)

    def on_changed(self, changes: Changes) -> None:
        super().on_changed(changes)
        if changes.concerns("setting"):  # what counts as near (the window reloads the choices)
            self.reload()
        if changes.concerns("complaintattachment"):
            self.load_attachments()

    def _show_choices(self, conf: dict[str, Any]) -> None:
        # a blank first entry: the category is chosen on purpose, never by default
        for combo, key in (
            (self.category, "lists.complaint.categories"),
            (self.subtype, "lists.complaint.subtypes"),
        ):
            current = combo.currentText()
            combo.clear()
            combo.addItems(["", *conf[key]])
            combo.setCurrentIndex(max(combo.findText(current), 0))
        self.limits = {s: str(conf[f"sla.complaint.{s.value}"]) for s in Severity}
        self._show_severity_hint()

    def severity_hint(self, severity: Severity) -> str:
        """Whom a complaint of ``severity`` must reach by when (DOMAIN §4, from settings)."""
        try:
            limit = sla.Limit.parse(self.limits[severity])
        except (KeyError, ValidationError):
            return ""
        when = self.tr("当天") if limit.unit == "eod" else self.tr("{0}内").format(limit)
        level = REQUIRED_LEVEL[severity]
        if level == EscalationLevel.DESK:
            return self.tr(
                "{0}：{1}由前台/责任部门处理完毕（业主要求更早的，以业主期限为准）"
            ).format(severity, when)
        return self.tr("{0}：{1}上报{2}").format(severity, when, level)

    def _show_severity_hint(self) -> None:
        hint = self.severity_hint(SEVERITIES[self.severity.currentIndex()])
        self.severity_note.setText(hint)
        self.severity.setAccessibleDescription(hint)

    def fill_from(self, match: Match) -> None:
        super().fill_from(match)
        self.channel.setFocus()

    def fill_carried(self, carried: Carry) -> None:
        self.description.setPlainText(carried.text)
        self.channel.setCurrentText(carried.complaint_channel.value)

    def has_input(self) -> bool:
        texts = (self.place, self.target, self.demand, self.witnesses, self.department)
        return (
            self.party_has_input()
            or bool(self.description.toPlainText())
            or any(line.text() for line in texts)
            or self.carried is not None
        )

    def clear_form(self) -> None:
        self.clear_party()
        for line in (self.place, self.target, self.demand, self.witnesses, self.department):
            line.clear()
        self.description.clear()
        for combo in (self.channel, self.category, self.subtype, self.severity):
            combo.setCurrentIndex(0)
        self._reset_times()
        self.carried = None  # a cleared form no longer comes from that visit or call
        self.carried_note.setVisible(False)

    def draft(self) -> ComplaintDraft:
        return ComplaintDraft(
            description=self.description.toPlainText(),
            category=self.category.currentText(),
            severity=self.severity.currentText(),
            channel=self.channel.currentText(),
            complainant=self.person.text(),
            room=self.room.text(),
            room_confirmed=self.room_confirmed(),
            phone=self.phone.text(),
            resident_id=self.resident_id,
            subtype=self.subtype.currentText(),
            occurred_at=self.occurred.value(),
            occurred_place=self.place.text(),
            target=self.target.text(),
            demand=self.demand.text(),
            demand_deadline=self.deadline.value(),
            witnesses=self.witnesses.text(),
            department=self.department.text(),
            visit_id=self.carried.visit_id if self.carried else None,
            call_id=self.carried.call_id if self.carried else None,
        )

    def fill_draft(self, draft: ComplaintDraft) -> None:
        self.fill_party(draft.complainant, draft.phone, draft.room, draft.resident_id)
        self.channel.setCurrentText(str(draft.channel))
        self.severity.setCurrentText(str(draft.severity))
        self.category.setCurrentIndex(max(self.category.findText(draft.category), 0))
        self.subtype.setCurrentIndex(max(self.subtype.findText(draft.subtype), 0))
        self.occurred.set_value(draft.occurred_at)
        self.place.setText(draft.occurred_place)
        self.target.setText(draft.target)
        self.description.setPlainText(draft.description)
        self.demand.setText(draft.demand)
        self.deadline.set_value(draft.demand_deadline)
        self.witnesses.setText(draft.witnesses)
        self.department.setText(draft.department)

    def save_job(self) -> Op:
        return self.write_job(complaints.create, self.draft())

    # --- list ------------------------------------------------------------------------

    def columns(self) -> list[ViewColumn]:
        return columns_of(kinds.COMPLAINT, {"countdown": self.countdown})

    def countdown(self, row: ComplaintRow) -> str:
        """剩 40分 / 超时 2小时 to the deadline still running; "" when none is."""
        return clocks.complaint_text(row, clock())

    def row_colour(self, row: ComplaintRow) -> str | None:
        return colour(row, clock())

    # --- actions ---------------------------------------------------------------------

    def _shown_field(self, label: str, record_id: int) -> str:
        shown = self.detail.detail
        if shown is None or shown.record_id != record_id:
            return ""
        return dict(shown.fields).get(label, "")

    def action_job(self, action: str, record_id: int) -> Op | None:
        if action == "作废":
            return self.void_job(complaints.void, record_id)
        asked = self._ask(action, record_id)
        return None if asked is None else asked[1]

    def _ask(
        self, action: str, record_id: int, typed: Any = None, error: ValidationError | None = None
    ) -> tuple[Any, Op] | None:
        """Open the action's dialog — again with what was typed and why the service refused
        it, when ``typed`` is given — and return the values and their write job."""
        if action == "开始处理":
            start = dialogs.ask_start(
                self, typed or StartValues(self._shown_field("责任部门", record_id)), error
            )
            if start is None:
                return None
            job = self.write_job(complaints.start, record_id, start.department, start.measures)
            return start, job
        if action == "升级":
            level = self._shown_field("上报层级", record_id) or EscalationLevel.DESK
            if dialogs.next_level(level) is None:
                msgbox.error(
                    self,
                    self.tr("不能升级"),
                    self.tr("这条投诉已经上报到公司领导，不能再升级。"),
                )
                return None
            reason = dialogs.ask_escalation(self, level, typed or "", error)
            if reason is None:
                return None
            return reason, self.write_job(complaints.escalate, record_id, reason)
        if action == "答复":
            reply = dialogs.ask_answer(self, typed or AnswerValues(), error)
            if reply is None:
                return None
            job = self.write_job(
                complaints.answer, record_id, reply.reply, reply.result, reply.measures
            )
            return reply, job
        return None

    def run_action(
        self, action: str, record_id: int, typed: Any = None, error: ValidationError | None = None
    ) -> None:
        if action not in DIALOG_ACTIONS:
            super().run_action(action, record_id)
            return
        asked = self._ask(action, record_id, typed, error)
        if asked is None:
            return
        values, job = asked

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):  # the dialog opens again, as it was, with why
                self.run_action(action, record_id, values, exc)
            else:
                msgbox.error(self, self.tr("操作未完成"), str(exc))

        self.ops.write(job, None, failed)  # the list and detail follow on ops.changed

    # --- attachments -----------------------------------------------------------------

    def _arrange(self) -> None:
        """The attachments sit beside the detail."""
        self.attachments = QTableWidget(0, 3)
        self.attachments.setTabKeyNavigation(False)  # Tab leaves it; arrows move in it
        self.attachments.setHorizontalHeaderLabels(
            [self.tr("文件名"), self.tr("大小"), self.tr("添加时间")]
        )
        self.attachments.verticalHeader().setVisible(False)
        self.attachments.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.attachments.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.attachments.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        header = self.attachments.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.attachments.cellDoubleClicked.connect(lambda _r, _c: self.open_attachment())
        self.attachments.currentCellChanged.connect(lambda *_: self._enable_attachments())
        label = QLabel(self.tr("附件（照片、文件）"))
        label.setBuddy(self.attachments)
        self.add_attachment_button = QPushButton(self.tr("添加附件…"))
        self.open_attachment_button = QPushButton(self.tr("打开"))
        self.add_attachment_button.clicked.connect(self.add_attachments)
        self.open_attachment_button.clicked.connect(self.open_attachment)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_attachment_button)
        buttons.addWidget(self.open_attachment_button)
        panel = QWidget()
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(8, 0, 0, 0)
        panel_layout.addWidget(label)
        panel_layout.addWidget(self.attachments)
        panel_layout.addLayout(buttons)

        self.add_beside_detail(panel)
        self._enable_attachments()

    def _complaint_changed(self, current: Any, _previous: Any) -> None:
        if not current.isValid() or current.row() >= self.model.rowCount():
            return
        complaint_id = self.model.row_at(current.row()).id
        if complaint_id != self.shown_id:  # never offer the last complaint's files
            self.attachment_rows = []
            self.attachments.setRowCount(0)
        self.shown_id = complaint_id
        self.load_attachments()

    def _enable_attachments(self) -> None:
        self.add_attachment_button.setEnabled(self.shown_id is not None)
        self.open_attachment_button.setEnabled(
            self.shown_id is not None and self.attachments.currentRow() >= 0
        )

    def load_attachments(self) -> None:
        complaint_id = self.shown_id
        if complaint_id is None:
            return

        def show(found: list[AttachmentInfo]) -> None:
            if complaint_id != self.shown_id:
                return  # another complaint was selected meanwhile
            self.attachment_rows = found
            self.attachments.setRowCount(len(found))
            for row, info in enumerate(found):
                values = [info.filename, size_text(info.size), f"{info.added_at:%m-%d %H:%M}"]
                for col, value in enumerate(values):
                    self.attachments.setItem(row, col, QTableWidgetItem(value))
            self._enable_attachments()

        self.ops.read(lambda ctx: complaints.attachment_list(ctx, complaint_id), show)

    def add_attachments(self) -> None:
        """Read the chosen files here, store each through the worker."""
        complaint_id = self.shown_id
        if complaint_id is None:
            return
        for name in dialogs.ask_attachment_paths(self):
            path = Path(name)
            try:
                size = path.stat().st_size
                if size > complaints.MAX_ATTACHMENT_BYTES:  # refused before reading it all in
                    limit = complaints.MAX_ATTACHMENT_BYTES // 1024 // 1024
                    self._attach_failed(
                        path.name,
                        self.tr("文件太大（{0} MB），请小于 {1} MB").format(
                            size // 1024 // 1024, limit
                        ),
                    )
                    continue
                data = path.read_bytes()
            except OSError as exc:
                self._attach_failed(path.name, self.tr("读不出这个文件：{0}").format(exc.strerror))
                continue
            # the list of attachments follows on ops.changed
            self.ops.write(
                self.write_job(complaints.attach, complaint_id, path.name, data),
                None,
                lambda exc, n=path.name: self._attach_failed(n, str(exc)),
            )

    def _attach_failed(self, name: str, why: str) -> None:
        msgbox.error(self, self.tr("附件没有保存"), f"{name}\n\n{why}")

    def open_attachment(self) -> None:
        """Write the stored file to a temporary folder under its own name and open it."""
        row = self.attachments.currentRow()
        if not 0 <= row < len(self.attachment_rows):
            return
        attachment_id = self.attachment_rows[row].id
        base = Path(tempfile.gettempdir()) / ATTACHMENTS_FOLDER  # named in an error

        def job(ctx: Ctx) -> Path:
            temp_files.sweep(temp_files.temp_folder(ATTACHMENTS_FOLDER))  # a day old: gone
            found = complaints.attachment(ctx, attachment_id)
            name, data, digest = found.filename, found.data, found.sha256
            # one folder per content: the original name is kept, files of the same name
            # never overwrite each other, and a copy still open in its program is reused
            path = base / digest[:16] / Path(name).name
            if path.exists():
                path.touch()  # opened again: the sweep counts the day from now
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                part = path.with_name(path.name + ".part")
                part.write_bytes(data)
                part.replace(path)  # never a half-written file under the real name
            return path

        def opened(path: Path) -> None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                msgbox.error(
                    self,
                    self.tr("打不开附件"),
                    self.tr("这台电脑上没有能打开这种文件的程序。文件在：\n{0}").format(path),
                )

        def failed(exc: BaseException) -> None:
            why = str(exc)
            if isinstance(exc, OSError):  # the temporary folder: full disk, no permission
                why = self.tr("附件没能写到临时文件夹 {0}：{1}").format(base, exc.strerror)
            msgbox.error(self, self.tr("打不开附件"), why)

        # up to 20 MB read and written out: on the second lane, so saves never wait
        self.ops.render(job, opened, failed)
