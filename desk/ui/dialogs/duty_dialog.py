"""上班: the receptionist picks themself and the shift; every record made afterwards is
attributed to that person and shift (services.shifts.come_on_duty)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class DutyChoice:
    staff_id: int
    shift_name: str


class DutyDialog(QDialog):
    def __init__(
        self,
        people: list[tuple[int, str]],
        shifts: list[tuple[str, str]],  # (name, "08:00–16:00")
        *,
        staff_id: int | None = None,
        shift_name: str = "",
        note: str = "",
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
        form = QFormLayout()
        form.addRow(self.tr("值班人"), self.person)
        form.addRow(self.tr("班次"), self.shift)
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
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
        layout.addWidget(buttons)

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
) -> DutyChoice | None:
    """Who comes on duty for which shift; None when cancelled."""
    dialog = DutyDialog(
        people, shifts, staff_id=staff_id, shift_name=shift_name, note=note, parent=parent
    )
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
