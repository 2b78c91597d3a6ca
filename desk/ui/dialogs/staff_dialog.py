"""人员: the office's staff — add a colleague, or mark one who has left (停用; their records
keep their name). Handing over needs a second person, so a new office starts here.

The cursor starts in 姓名 and Enter there adds the colleague (never 停用所选); Esc with a
name typed asks before closing (``FormDialog``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.models.enums import StaffRole
from desk.models.errors import ValidationError
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx
from desk.services.records import staff
from desk.ui import msgbox
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.field_errors import error_label, show_error
from desk.ui.ops import Ops


class StaffDialog(FormDialog):
    """Changes are made by whoever is on duty (``ops.desk.duty``); the list follows every
    change to the staff, the window's 值班人员 list too."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("人员"))
        self.resize(460, 420)
        self.ops = ops
        self.people: list[tuple[int, str, str]] = []
        self.table = QTableWidget(0, 2)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move in it
        self.table.setHorizontalHeaderLabels([self.tr("姓名"), self.tr("岗位")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        listed = QLabel(self.tr("在职人员"))
        listed.setBuddy(self.table)
        self.leave_button = QPushButton(self.tr("停用所选"))
        self.leave_button.clicked.connect(self.deactivate_selected)
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.role = QComboBox()
        self.role.addItems([r.value for r in StaffRole])
        self.add_button = QPushButton(self.tr("添加"))
        self.add_button.clicked.connect(self.add)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("姓名"), self.name)
        form.addRow(self.tr("岗位"), self.role)
        form.addRow(self.error)
        adding = QHBoxLayout()
        adding.addLayout(form, 1)
        adding.addWidget(self.add_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(listed)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.leave_button)
        layout.addWidget(QLabel(self.tr("添加同事")))
        layout.addLayout(adding)
        layout.addWidget(close)
        ops.changed.connect(self._changed)
        self.reload()

    def first_field(self) -> QWidget:
        return self.name  # the list above is to read; adding is what is typed

    def submit(self) -> None:
        self.add()

    def reload(self) -> None:
        def load(ctx: Ctx) -> list[tuple[int, str, str]]:
            return [(s.id, s.name, s.role.value) for s in staff.active(ctx)]  # type: ignore[misc]

        self.ops.read(load, self._show)

    def _changed(self, changes: Changes) -> None:
        if changes.concerns("staff"):
            self.reload()

    def _show(self, people: list[tuple[int, str, str]]) -> None:
        self.people = people
        self.table.setRowCount(len(people))
        for row, (_pid, name, role) in enumerate(people):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            self.table.setItem(row, 1, QTableWidgetItem(role))

    def _write(self, fn: Callable[..., object], *args: object) -> None:
        def done(_result: object) -> None:  # the list reloads on the change
            if fn is staff.add:  # a name typed meanwhile stays when someone is 停用
                self.name.clear()
                self.mark_clean()  # added: nothing typed is left to lose

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                show_error(self.error, str(exc))  # what was typed stays
            else:
                msgbox.error(self, self.tr("没有保存"), str(exc))

        show_error(self.error, "")
        self.ops.write(lambda ctx: fn(ctx, *args), done, failed)

    def add(self) -> None:
        self._write(staff.add, self.name.text(), self.role.currentText())

    def deactivate_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.people):
            return
        pid, name, _role = self.people[row]
        if pid == self.ops.desk.duty.staff_id:
            msgbox.info(self, self.tr("停用"), self.tr("不能停用正在值班的自己。"))
            return
        if len(self.people) <= 1:
            return
        if msgbox.confirm(
            self,
            self.tr("停用"),
            self.tr("停用 {0}？其登记过的记录仍保留其姓名。").format(name),
        ):
            self._write(staff.deactivate, pid)
