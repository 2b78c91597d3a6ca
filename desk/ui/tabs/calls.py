"""来电记录: the greeting line, the call form, the call list, 转告 messages and turning a call
into a repair or a complaint."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit

from desk.models import kinds
from desk.models.enums import CallType
from desk.services.core import settings
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx
from desk.services.records import calls, staff
from desk.services.records.calls import CallDraft
from desk.services.views.resident_search import Match
from desk.ui.deadlines import AMBER
from desk.ui.models.paged import ViewColumn, columns_of
from desk.ui.tabs.record_tab import Op, RecordTab


class CallsTab(RecordTab):
    kind = "call"
    title = "来电记录"
    actions = frozenset({"转报修", "转投诉", "已转告", "修改", "作废"})

    def build_form(self) -> None:
        self.greeting = QLabel()
        self.greeting.setWordWrap(True)
        self.greeting.setStyleSheet("color:#2c3e50; background:#eaf2f8; padding:6px;")
        self.form.addRow(self.greeting)
        self.add_party_rows()
        self.call_type = QComboBox()
        self.call_type.addItems([t.value for t in CallType])
        self.add_field(self.call_type, "call_type")
        self.message_for = QComboBox()
        self.add_field(self.message_for, "message_for_id")
        self.content = QPlainTextEdit()
        self.content.setTabChangesFocus(True)
        self.content.setPlaceholderText(self.tr("业主反映的事情，复述确认后记下"))
        self.add_field(self.content, "content")
        self.reply = QPlainTextEdit()
        self.reply.setTabChangesFocus(True)
        self.reply.setMaximumHeight(70)
        self.add_field(self.reply, "reply")
        self.call_type.currentTextChanged.connect(self._type_changed)
        self._type_changed(self.call_type.currentText())
        self.load_choices()

    def load_choices(self) -> None:
        def load(ctx: Ctx) -> tuple[str, list[tuple[int, str]]]:
            office = settings.get(ctx.session, "office.name") or "物业服务中心"
            line = settings.get(ctx.session, "office.greeting").format(office=office)
            return line, [(s.id, s.name) for s in staff.active(ctx)]  # type: ignore[misc]

        def show(result: tuple[str, list[tuple[int, str]]]) -> None:
            line, people = result
            self.greeting.setText(self.tr("接听：") + line)
            self.message_for.clear()
            for staff_id, name in people:
                self.message_for.addItem(name, staff_id)

        self.ops.read(load, show)

    def on_changed(self, changes: Changes) -> None:
        super().on_changed(changes)
        if changes.concerns("staff"):  # a colleague added or gone: 转告给 lists who is here
            self.load_choices()

    def _type_changed(self, text: str) -> None:
        self.message_for.setEnabled(text == CallType.MESSAGE.value)

    def fill_from(self, match: Match) -> None:
        super().fill_from(match)
        self.call_type.setFocus()

    def has_input(self) -> bool:
        return self.party_has_input() or bool(
            self.content.toPlainText() or self.reply.toPlainText()
        )

    def clear_form(self) -> None:
        self.clear_party()
        self.content.clear()
        self.reply.clear()
        self.call_type.setCurrentIndex(0)

    def draft(self) -> CallDraft:
        is_message = self.call_type.currentText() == CallType.MESSAGE.value
        return CallDraft(
            call_type=self.call_type.currentText(),
            content=self.content.toPlainText(),
            caller_name=self.person.text(),
            phone=self.phone.text(),
            room=self.room.text(),
            room_confirmed=self.room_confirmed(),
            reply=self.reply.toPlainText(),
            message_for_id=self.message_for.currentData() if is_message else None,
            resident_id=self.resident_id,
        )

    def fill_draft(self, draft: CallDraft) -> None:
        self.fill_party(draft.caller_name, draft.phone, draft.room, draft.resident_id)
        self.call_type.setCurrentText(draft.call_type)
        if draft.message_for_id is not None:
            self.message_for.setCurrentIndex(self.message_for.findData(draft.message_for_id))
        self.content.setPlainText(draft.content)
        self.reply.setPlainText(draft.reply)

    def save_job(self) -> Op:
        return self.write_job(calls.create_call, self.draft())

    # --- list ------------------------------------------------------------------------

    def columns(self) -> list[ViewColumn]:
        return columns_of(kinds.CALL, {"message_state": lambda r: r.message_state or ""})

    def row_colour(self, row: Any) -> str | None:
        return AMBER if row.message_state == "未转告" else None

    # --- actions ---------------------------------------------------------------------

    def action_job(self, action: str, record_id: int) -> Op | None:
        if action == "已转告":
            return self.write_job(calls.mark_delivered, record_id)
        if action == "作废":
            return self.void_job(calls.void, record_id)
        return None
