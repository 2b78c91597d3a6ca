"""上班: the receptionist picks themself and the shift and proves who they are with their
password — or, at their first log-in, sets their own (services.duty.log_in); every record
made afterwards is attributed to that person and shift.

The shift that fits the clock is preselected. Picking another one is allowed (someone
covers a colleague's shift), but the dialog says what it means: 晚班 chosen at 16:40 is
planned to run until the next morning, so the handover and the late flags follow that.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desk.ui.dialogs import answer_of
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.widgets.password_fields import PasswordFields


@dataclass(frozen=True)
class DutyChoice:
    staff_id: int
    shift_name: str
    password: str = ""
    new_password: str | None = None  # at a first log-in


class DutyDialog(FormDialog):
    def __init__(
        self,
        people: list[tuple[int, str]],
        shifts: list[tuple[str, str]],  # (name, "08:00–16:00")
        *,
        staff_id: int | None = None,
        shift_name: str = "",
        note: str = "",
        planned_ends: Mapping[str, datetime] | None = None,
        without_password: Collection[int] = (),
        error: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("上班"))
        self.setMinimumWidth(380)
        self.person = QComboBox()
        for pid, name in people:
            self.person.addItem(name, pid)
        self.person.setCurrentIndex(max(self.person.findData(staff_id), 0))
        self.shift = QComboBox()
        for name, hours in shifts:
            self.shift.addItem(f"{name}（{hours}）", name)
        self.shift.setCurrentIndex(max(self.shift.findData(shift_name), 0))
        self.suggested = shift_name
        self.planned_ends = dict(planned_ends or {})
        self.without_password = frozenset(without_password)
        self.secret = PasswordFields()
        self.person.currentIndexChanged.connect(lambda _i: self._ask_password())
        self._ask_password()
        if error:  # the service refused what was typed: the dialog is asked again
            self.secret.refuse(error)
        form = QFormLayout()
        form.addRow(self.tr("值班人"), self.person)
        form.addRow(self.tr("班次"), self.shift)
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color:#c0392b;")
        self.shift.currentIndexChanged.connect(lambda _i: self._warn())
        self._warn()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("上班"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("请选择您自己和本班班次，之后的登记都记在您名下。")))
        layout.addLayout(form)
        layout.addWidget(self.secret)
        layout.addWidget(self.note)
        layout.addWidget(self.warning)
        layout.addWidget(buttons)

    def _warn(self) -> None:
        """Say what another shift than the clock's means, with its planned end."""
        chosen = self.shift.currentData()
        end = self.planned_ends.get(chosen)
        text = ""
        if self.suggested and chosen != self.suggested and end is not None:
            text = self.tr(
                "按现在的时间应是{0}。选{1}的话，本班要到 {2} 才结束，请确认没有选错。"
            ).format(self.suggested, chosen, f"{end:%m-%d %H:%M}")
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def _ask_password(self) -> None:
        """The password, or a new one for someone who has none yet."""
        self.secret.ask_new(self.person.currentData() in self.without_password)

    def first_field(self) -> QWidget:
        # the person and shift are preselected: the password is what is left to type
        return self.secret.first_field()

    def submit(self) -> None:
        if self.secret.answer() is not None:
            self.accept()

    def choice(self) -> DutyChoice:
        answer = self.secret.typed()  # checked by ``submit`` before the dialog accepted
        return DutyChoice(
            self.person.currentData(),
            self.shift.currentData(),
            answer.password,
            answer.new_password,
        )


def ask_duty(
    parent: QWidget | None,
    people: list[tuple[int, str]],
    shifts: list[tuple[str, str]],
    *,
    staff_id: int | None = None,
    shift_name: str = "",
    note: str = "",
    planned_ends: Mapping[str, datetime] | None = None,
    without_password: Collection[int] = (),
    error: str = "",
) -> DutyChoice | None:
    """Who comes on duty for which shift, with their password; None when cancelled.
    ``error`` is the refusal of the last try (the same person and shift come back)."""
    dialog = DutyDialog(
        people,
        shifts,
        staff_id=staff_id,
        shift_name=shift_name,
        note=note,
        planned_ends=planned_ends,
        without_password=without_password,
        error=error,
        parent=parent,
    )
    return answer_of(dialog, DutyDialog.choice)
