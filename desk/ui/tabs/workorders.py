"""报修派工: take in a repair, dispatch it, follow it on site, 待料 and completion (with fees
for paid services), reopen it (返工). The list counts down to each order's next deadline and
turns amber when it is near, red when it has passed — live, without reloading: each row
carries when it turns amber and red (the services' rule), and the tab only compares those
with the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)

from desk.models import kinds
from desk.models.enums import Channel, Urgency
from desk.models.errors import ValidationError
from desk.services.core import settings, sla
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx, local_now
from desk.services.io import paper_forms
from desk.services.records import workorders
from desk.services.records.carry import Carry
from desk.services.records.workorders import WorkOrderDraft
from desk.services.views import countdown as clocks
from desk.services.views.lists import WorkOrderRow
from desk.ui import msgbox
from desk.ui.deadlines import AMBER, RED, TICK_MS, colour
from desk.ui.dialogs import workorder_dialogs as dialogs
from desk.ui.models.paged import ViewColumn, columns_of
from desk.ui.tabs.record_tab import Op, RecordTab

__all__ = ["AMBER", "RED", "WorkOrdersTab", "countdown"]


def countdown(row: WorkOrderRow, now: datetime) -> tuple[str, str | None]:
    """(剩余 text, row colour) at ``now``: to the deadline running (the response until
    someone is on site, then the completion); 待料 stops the clock, closed orders show
    nothing."""
    return clocks.workorder_text(row, now), colour(row, now)


Choices = tuple[list[str], dict[str, tuple[str, str]]]


def _choices(ctx: Ctx) -> Choices:
    """The office's categories, and each urgency's limits as the form names them."""
    conf = settings.all_values(ctx.session)
    limits = {}
    for u in Urgency:
        key = f"sla.workorder.{u.value}"
        limits[u.value] = (
            str(sla.Limit.parse(conf[f"{key}.response"])),
            str(sla.Limit.parse(conf[f"{key}.completion"])),
        )
    return list(conf["lists.workorder.categories"]), limits


# --- the tab -----------------------------------------------------------------------------


class WorkOrdersTab(RecordTab):
    kind = "workorder"
    title = "报修派工"
    # 回访 (the callback dialog) and 修改 are handled by the base class
    actions = frozenset(
        {"派工", "开始处理", "待料", "到料继续", "完成", "回访", "返工", "修改", "作废"}
    )
    forms_kind = "workorder"
    tick_ms = TICK_MS  # the list's clock repaints: text and colour are worked out then

    # --- form ------------------------------------------------------------------------

    def build_form(self) -> None:
        self.carried: Carry | None = None
        self.assignees: set[str] = set()  # names dispatched to in this session
        self.carried_note = QLabel()
        self.carried_note.setStyleSheet("color:#2c3e50; background:#eaf2f8; padding:4px;")
        self.carried_note.setVisible(False)
        self.form.addRow(self.carried_note)
        self.add_party_rows()
        self.location = QLineEdit()
        self.location.setMaxLength(60)
        self.location.setPlaceholderText(self.tr("没有房号时写公共区域，如 3栋电梯厅"))
        self.location.returnPressed.connect(self.save)
        self.add_field(self.location, "location")
        self.category = QComboBox()
        self.category.setPlaceholderText(self.tr("请选择"))
        self.add_field(self.category, "category")
        self.urgency = QComboBox()
        for u in Urgency:
            self.urgency.addItem(u.value, u.value)
        self.add_field(self.urgency, "urgency")
        self.channel = QComboBox()
        for c in Channel:
            self.channel.addItem(c.value, c.value)
        self.add_field(self.channel, "channel")
        self.has_appointment = QCheckBox(self.tr("与住户约定了上门时间"))
        self.add_row("预约上门", self.has_appointment)
        self.appointment = QDateTimeEdit()
        self.appointment.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.appointment.setCalendarPopup(True)
        self.add_field(self.appointment, "appointment_at")
        self.is_paid = QCheckBox(self.tr("收取材料费、人工费"))
        self.add_row(kinds.WORKORDER.label("is_paid"), self.is_paid)
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText(self.tr("哪里、什么问题，复述确认后记下"))
        self.add_field(self.description, "description")
        self.has_appointment.toggled.connect(self.appointment.setEnabled)
        self._reset_choices()
        self.load_choices()

    def load_choices(self) -> None:
        """The categories and time limits the office has set."""

        def show(result: Choices) -> None:
            categories, limits = result
            chosen = self.category.currentText()
            self.category.clear()
            self.category.addItems(categories)
            self.category.setCurrentIndex(self.category.findText(chosen))  # -1: none yet
            for i in range(self.urgency.count()):
                response, completion = limits[self.urgency.itemData(i)]
                self.urgency.setItemText(
                    i,
                    self.tr("{0}（响应{1}，完成{2}）").format(
                        self.urgency.itemData(i), response, completion
                    ),
                )

        self.ops.read(_choices, show)

    def on_changed(self, changes: Changes) -> None:
        super().on_changed(changes)
        if changes.concerns("setting"):  # what counts as near (the window reloads the choices)
            self.reload()

    def _reset_choices(self) -> None:
        self.category.setCurrentIndex(-1)  # 请选择: a category is never assumed
        self.urgency.setCurrentIndex(self.urgency.findData(Urgency.ORDINARY.value))
        self.channel.setCurrentIndex(self.channel.findData(Channel.CALL.value))
        self.has_appointment.setChecked(False)
        self.appointment.setEnabled(False)
        next_hour = local_now().replace(minute=0, second=0) + timedelta(hours=2)
        self.appointment.setDateTime(QDateTime(next_hour))
        self.is_paid.setChecked(False)

    def fill_carried(self, carried: Carry) -> None:
        self.description.setPlainText(carried.text)
        self.channel.setCurrentIndex(self.channel.findData(carried.repair_channel.value))

    def has_input(self) -> bool:
        return (
            self.party_has_input()
            or bool(self.location.text() or self.description.toPlainText())
            or self.carried is not None
        )

    def clear_form(self) -> None:
        self.clear_party()
        self.location.clear()
        self.description.clear()
        self._reset_choices()
        self.carried = None  # a cleared form is no longer that visit's or call's repair
        self.carried_note.setVisible(False)

    def draft(self) -> WorkOrderDraft:
        appointment = None
        if self.has_appointment.isChecked():
            picked: datetime = self.appointment.dateTime().toPython()  # type: ignore[assignment]
            appointment = picked.replace(second=0, microsecond=0)
        return WorkOrderDraft(
            description=self.description.toPlainText(),
            category=self.category.currentText(),
            urgency=self.urgency.currentData(),
            channel=self.channel.currentData(),
            room=self.room.text(),
            room_confirmed=self.room_confirmed(),
            location=self.location.text(),
            reporter=self.person.text(),
            phone=self.phone.text(),
            resident_id=self.resident_id,
            is_paid=self.is_paid.isChecked(),
            appointment_at=appointment,
            visit_id=self.carried.visit_id if self.carried else None,
            call_id=self.carried.call_id if self.carried else None,
        )

    def fill_draft(self, draft: WorkOrderDraft) -> None:
        self.fill_party(draft.reporter, draft.phone, draft.room, draft.resident_id)
        self.location.setText(draft.location)
        self.category.setCurrentIndex(self.category.findText(draft.category))
        self.urgency.setCurrentIndex(self.urgency.findData(str(draft.urgency)))
        self.channel.setCurrentIndex(self.channel.findData(str(draft.channel)))
        self.has_appointment.setChecked(draft.appointment_at is not None)
        if draft.appointment_at is not None:
            self.appointment.setDateTime(QDateTime(draft.appointment_at))
        self.is_paid.setChecked(draft.is_paid)
        self.description.setPlainText(draft.description)

    def save_job(self) -> Op:
        return self.write_job(workorders.create, self.draft())

    # --- list ------------------------------------------------------------------------

    def columns(self) -> list[ViewColumn]:
        return columns_of(kinds.WORKORDER, {"countdown": lambda r: countdown(r, local_now())[0]})

    def row_colour(self, row: Any) -> str | None:
        return countdown(row, local_now())[1]

    # --- actions ---------------------------------------------------------------------

    def action_job(self, action: str, record_id: int) -> Op | None:
        """The actions that ask nothing; the asking ones go through ``ask_and_write``."""
        if action == "开始处理":
            return self.write_job(workorders.start, record_id)
        if action == "到料继续":
            return self.write_job(workorders.resume, record_id)
        if action == "作废":
            return self.void_job(workorders.void, record_id)
        return None

    def run_action(self, action: str, record_id: int) -> None:
        if action == "派工":
            known = sorted(self.assignees | {r.assignee for r in self.model.rows if r.assignee})
            self.ask_and_write(
                record_id,
                lambda before, error: dialogs.ask_assignee(self, known, before or "", error),
                lambda name: self._dispatch_job(record_id, name),
            )
        elif action == "待料":
            self.ask_and_write(
                record_id,
                lambda before, error: dialogs.ask_parts(self, before, error),
                lambda parts: self.write_job(workorders.wait_for_parts, record_id, *parts),
            )
        elif action == "完成":
            paid = self._shown_field(kinds.WORKORDER.label("is_paid")) == "是"
            self.ask_and_write(
                record_id,
                lambda before, error: dialogs.ask_completion(self, paid, before, error),
                lambda done: self.write_job(workorders.complete, record_id, done),
            )
        elif action == "返工":
            self.ask_and_write(
                record_id,
                lambda before, error: dialogs.ask_rework_reason(self, before or "", error),
                lambda reason: self.write_job(workorders.rework, record_id, reason),
            )
        else:
            super().run_action(action, record_id)

    def ask_and_write(
        self,
        record_id: int,
        ask: Callable[[Any, str], Any],
        job_for: Callable[[Any], Op],
        before: Any = None,
        error: str = "",
    ) -> None:
        """Ask, write; when the service refuses the answer, ask again showing the answer and
        why — what was typed in the dialog is never lost. The list and the detail follow
        on ``ops.changed``."""
        answer = ask(before, error)
        if answer is None:
            return

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self.ask_and_write(record_id, ask, job_for, answer, str(exc))
            else:
                msgbox.error(self, self.tr("操作未完成"), str(exc))

        self.ops.write(job_for(answer), None, failed)

    def _dispatch_job(self, record_id: int, name: str) -> Op:
        if name:
            self.assignees.add(name)  # offered again in the next 派工 dialog
        return self.write_job(workorders.dispatch, record_id, name)

    # --- printing --------------------------------------------------------------------

    def list_buttons(self) -> list[QPushButton]:
        self.batch_button = QPushButton(self.tr("打印今日派工单…"))
        self.batch_button.setToolTip(self.tr("今天派出的全部派工单（作废的除外），一张一页"))
        self.batch_button.clicked.connect(self.print_dispatched_today)
        return [self.batch_button]

    def print_dispatched_today(self) -> None:
        """Every order dispatched today, one a page, in one preview: the technicians'
        sheets printed in one go."""
        day = local_now().date()
        self.preview_forms(
            lambda ctx: paper_forms.dispatched_on(ctx, day),
            title=self.tr("派工单 {0}").format(f"{day:%Y-%m-%d}"),
            empty=self.tr("今天还没有派出的工单。"),
        )

    def _shown_field(self, label: str) -> str:
        shown = self.detail.detail
        return dict(shown.fields).get(label, "") if shown is not None else ""
