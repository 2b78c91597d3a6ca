"""上班: the receptionist picks themself and the shift; every record made afterwards is
attributed to that person and shift (services.shifts.come_on_duty).

The shift that fits the clock is preselected. Picking another one is allowed (someone
covers a colleague's shift), but the dialog says what it means: 晚班 chosen at 16:40 is
planned to run until the next morning, so the handover and the late flags follow that.
"""

from __future__ import annotations

from collections.abc import Mapping
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


@dataclass(frozen=True)
class DutyChoice:
    staff_id: int
    shift_name: str


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
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("上班"))
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
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("请选择您自己和本班班次，之后的登记都记在您名下。")))
        layout.addLayout(form)
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

    def choice(self) -> DutyChoice:
        return DutyChoice(self.person.currentData(), self.shift.currentData())


def ask_duty(
    parent: QWidget | None,
    people: list[tuple[int, str]],
    shifts: list[tuple[str, str]],
    *,
    staff_id: int | None = None,
    shift_name: str = "",
    note: str = "",
    planned_ends: Mapping[str, datetime] | None = None,
) -> DutyChoice | None:
    """Who comes on duty for which shift; None when cancelled."""
    dialog = DutyDialog(
        people,
        shifts,
        staff_id=staff_id,
        shift_name=shift_name,
        note=note,
        planned_ends=planned_ends,
        parent=parent,
    )
    return answer_of(dialog, DutyDialog.choice)
