"""来访接待: record a visitor — a resident, or a non-resident with ID tail and the household
visited — settle it on the spot or pass it to a department head, and close it later."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

from desk.models import kinds
from desk.models.enums import VisitOutcome
from desk.services.records import visits
from desk.services.records.visits import VisitDraft
from desk.ui.deadlines import AMBER, RED
from desk.ui.dialogs.text_question import ask_text
from desk.ui.models.paged import ViewColumn, columns_of
from desk.ui.tabs.record_tab import Op, RecordTab


def ask_result(parent: Any) -> str | None:
    """What the department did (written back when a passed-on visit is closed)."""
    return ask_text(parent, "办结", "处理结果", multi_line=True, max_len=1000)


class VisitsTab(RecordTab):
    kind = "visit"
    title = "来访接待"
    actions = frozenset({"转报修", "转投诉", "办结", "修改", "作废"})

    def build_form(self) -> None:
        self.add_party_rows()
        self.non_resident = QCheckBox(self.tr("外来人员（非本小区住户）"))
        self.add_row("身份", self.non_resident)
        self.id_tail = QLineEdit()
        self.id_tail.setMaxLength(4)
        self.id_tail.setPlaceholderText(self.tr("只记证件号后4位"))
        self.add_field(self.id_tail, "id_tail")
        self.visiting = QLineEdit()
        self.visiting.setPlaceholderText(self.tr("拜访哪一户，如 3-2-1201 张先生"))
        self.add_field(self.visiting, "visiting")
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("来访事由"))
        self.add_field(self.reason, "reason")
        self.outcome = QComboBox()
        self.outcome.addItems([o.value for o in VisitOutcome])
        self.add_field(self.outcome, "outcome")
        self.dept_head = QLineEdit()
        self.dept_head.setPlaceholderText(self.tr("当天转交的部门负责人"))
        self.add_field(self.dept_head, "dept_head")
        self.result = QPlainTextEdit()
        self.result.setTabChangesFocus(True)
        self.result.setMaximumHeight(70)
        self.add_field(self.result, "result")
        self.non_resident.toggled.connect(self._resident_changed)
        self.outcome.currentTextChanged.connect(self._outcome_changed)
        self._resident_changed(False)
        self._outcome_changed(self.outcome.currentText())

    def _resident_changed(self, outsider: bool) -> None:
        self.id_tail.setEnabled(outsider)
        self.visiting.setEnabled(outsider)

    def _outcome_changed(self, text: str) -> None:
        self.dept_head.setEnabled(text == VisitOutcome.PASSED.value)

    def has_input(self) -> bool:
        return self.party_has_input() or any(
            (
                self.reason.toPlainText(),
                self.result.toPlainText(),
                self.id_tail.text(),
                self.visiting.text(),
                self.dept_head.text(),
            )
        )

    def clear_form(self) -> None:
        self.clear_party()
        for widget in (self.id_tail, self.visiting, self.dept_head):
            widget.clear()
        self.reason.clear()
        self.result.clear()
        self.non_resident.setChecked(False)
        self.outcome.setCurrentIndex(0)

    def draft(self) -> VisitDraft:
        outsider = self.non_resident.isChecked()
        passed = self.outcome.currentText() == VisitOutcome.PASSED.value
        return VisitDraft(
            visitor=self.person.text(),
            reason=self.reason.toPlainText(),
            room=self.room.text(),
            room_confirmed=self.room_confirmed(),
            phone=self.phone.text(),
            resident_id=None if outsider else self.resident_id,
            is_resident=not outsider,
            id_tail=self.id_tail.text() if outsider else "",
            visiting=self.visiting.text() if outsider else "",
            outcome=self.outcome.currentText(),
            dept_head=self.dept_head.text() if passed else "",
            result=self.result.toPlainText(),
        )

    def fill_draft(self, draft: VisitDraft) -> None:
        self.fill_party(draft.visitor, draft.phone, draft.room, draft.resident_id)
        self.non_resident.setChecked(not draft.is_resident)
        self.id_tail.setText(draft.id_tail)
        self.visiting.setText(draft.visiting)
        self.reason.setPlainText(draft.reason)
        self.outcome.setCurrentText(draft.outcome)
        self.dept_head.setText(draft.dept_head)
        self.result.setPlainText(draft.result)

    def save_job(self) -> Op:
        return self.write_job(visits.create, self.draft())

    def columns(self) -> list[ViewColumn]:
        return columns_of(kinds.VISIT)

    def row_colour(self, row: Any) -> str | None:
        if row.overdue:
            return RED  # passed on and still open after its day
        return AMBER if row.state == "待处理" else None

    def action_job(self, action: str, record_id: int) -> Op | None:
        if action == "办结":
            result = ask_result(self)
            return None if result is None else self.write_job(visits.close, record_id, result)
        if action == "作废":
            return self.void_job(visits.void, record_id)
        return None
