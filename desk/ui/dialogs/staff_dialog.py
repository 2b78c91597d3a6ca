"""人员: the office's staff and their accounts — add a colleague, change a 岗位, mark one
who has left (停用; their records keep their name), unlock an account or reset a forgotten
password — and the role table (谁可以做什么). Handing over needs a second person, so a new
office starts here.

The cursor starts in 姓名 and Enter there adds the colleague (never 停用所选); Enter in
the 将所选同事改为 box changes the selected person's 岗位. Esc with a name typed asks
before closing (``FormDialog``). What the person on duty may do is read with the list
(``permissions.may``): the dialog hides or disables the rest; the services refuse anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.models.enums import StaffRole
from desk.models.errors import PermissionDenied, ValidationError
from desk.services.core import accounts, permissions
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx
from desk.services.records import staff
from desk.services.records.staff import Member
from desk.ui import msgbox
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.field_errors import error_label, show_error
from desk.ui.ops import Ops
from desk.ui.widgets.tables import list_table

# what the dialog shows or hides by the role of the person on duty
ACTIONS = frozenset({"staff", "appoint_manager", "unlock_account", "reset_password"})


@dataclass(frozen=True)
class Roster:
    """One read: the active staff, and what the person on duty may do here."""

    members: list[Member]
    may: frozenset[str]
    on_duty: int | None


def read_roster(ctx: Ctx, on_duty: int | None) -> Roster:
    """Read inside an op: the role of ``on_duty`` as the database has it now."""
    allowed = permissions.allowed(ctx.session, on_duty) & ACTIONS
    return Roster(staff.members(ctx), allowed, on_duty)


def _table(headers: list[str]) -> QTableWidget:
    table = list_table(headers)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _role_box() -> QComboBox:
    box = QComboBox()
    box.addItems([r.value for r in StaffRole])
    return box


def _allow_manager(box: QComboBox, allowed: bool) -> None:
    """经理 stays in the list (the values do not move) but cannot be picked without the
    right to appoint one."""
    model = box.model()
    assert isinstance(model, QStandardItemModel)
    item = model.item(box.findText(StaffRole.MANAGER.value))
    item.setEnabled(allowed)


class StaffDialog(FormDialog):
    """Changes are made by whoever is on duty (``ops.desk.duty``); the list follows every
    change to the staff, the window's 值班人员 list too."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("人员"))
        self.resize(880, 520)
        self.ops = ops
        self.people: list[Member] = []
        self.may: frozenset[str] = frozenset()
        self.on_duty: int | None = None

        self.table = _table([self.tr("姓名"), self.tr("岗位"), self.tr("账号")])
        for column in (0, 1):
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.table.itemSelectionChanged.connect(self._selection_changed)
        listed = QLabel(self.tr("在职人员"))
        listed.setBuddy(self.table)

        # what can be done to the selected person (shown by what the person on duty may)
        self.new_role = _role_box()
        self.role_button = QPushButton(self.tr("修改岗位"))
        self.role_button.clicked.connect(self.change_role)
        self.unlock_button = QPushButton(self.tr("解锁"))
        self.unlock_button.clicked.connect(self.unlock_selected)
        self.reset_button = QPushButton(self.tr("重置密码"))
        self.reset_button.clicked.connect(self.reset_selected)
        self.leave_button = QPushButton(self.tr("停用所选"))
        self.leave_button.clicked.connect(self.deactivate_selected)
        self.person_error = error_label()
        # for whoever may not manage staff: why nothing but the list is offered
        self.not_yours = QLabel(
            self.tr("添加、停用同事和修改岗位需由{0}上班后操作。").format(
                permissions.who_may("staff")
            )
        )
        role_label = QLabel(self.tr("将所选同事改为"))
        role_label.setBuddy(self.new_role)
        changing = QHBoxLayout()
        changing.addWidget(role_label)
        changing.addWidget(self.new_role)
        changing.addWidget(self.role_button)
        changing.addStretch(1)
        self.role_row = QWidget()
        self.role_row.setLayout(changing)
        changing.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        for button in (self.unlock_button, self.reset_button, self.leave_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        # adding a colleague
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.role = _role_box()
        self.add_button = QPushButton(self.tr("添加"))
        self.add_button.clicked.connect(self.add)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("姓名"), self.name)
        form.addRow(self.tr("岗位"), self.role)
        form.addRow(self.error)
        adding = QHBoxLayout()
        adding.addLayout(form, 1)
        adding.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        self.adding = QWidget()
        adding_layout = QVBoxLayout(self.adding)
        adding_layout.setContentsMargins(0, 0, 0, 0)
        adding_layout.addWidget(QLabel(self.tr("添加同事")))
        adding_layout.addLayout(adding)

        # the role table, as the manual's §4.4
        self.rules = _table([self.tr("操作"), self.tr("谁可以")])
        self.rules.setWordWrap(True)
        self.rules.setRowCount(len(permissions.ROWS))
        for row, rule in enumerate(permissions.ROWS):
            self.rules.setItem(row, 0, QTableWidgetItem(rule.what))
            self.rules.setItem(row, 1, QTableWidgetItem(permissions.who_may(rule.action)))
        header = self.rules.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.rules.resizeRowsToContents()
        rules_label = QLabel(self.tr("谁可以做什么"))
        rules_label.setBuddy(self.rules)

        left = QVBoxLayout()
        left.addWidget(listed)
        left.addWidget(self.table, 1)
        left.addWidget(self.role_row)
        left.addLayout(buttons)
        left.addWidget(self.person_error)
        left.addWidget(self.adding)
        left.addWidget(self.not_yours)
        right = QVBoxLayout()
        right.addWidget(rules_label)
        right.addWidget(self.rules, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 5)
        columns.addLayout(right, 4)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(close)

        # until the first read says what the person on duty may, nothing is offered on
        # the selected person; adding stays open so the cursor can start in 姓名 (the
        # service refuses whoever may not)
        hidden = (self.role_row, self.unlock_button, self.reset_button, self.leave_button)
        for widget in (*hidden, self.not_yours):
            widget.setVisible(False)
        ops.changed.connect(self._changed)
        self.reload()

    # --- FormDialog ---------------------------------------------------------------------

    def first_field(self) -> QWidget:
        return self.name  # the list above is to read; adding is what is typed

    def inputs(self) -> list[QWidget]:
        """将所选同事改为 follows the selected row: choosing there is no typing to lose."""
        return [w for w in super().inputs() if w is not self.new_role]

    def submit(self) -> None:
        if self.focusWidget() is self.new_role:
            self.change_role()
        else:
            self.add()

    # --- the list -----------------------------------------------------------------------

    def reload(self) -> None:
        on_duty = self.ops.desk.duty.staff_id  # who is on duty now, read on this thread
        self.ops.read(lambda ctx: read_roster(ctx, on_duty), self._show)

    def _changed(self, changes: Changes) -> None:
        if changes.concerns("staff", "shift"):  # a new shift may bring someone else on duty
            self.reload()

    def _show(self, roster: Roster) -> None:
        chosen = self.selected()
        self.table.clearSelection()  # a row must not slide onto the next person
        self.people, self.may, self.on_duty = roster.members, roster.may, roster.on_duty
        self.table.setRowCount(len(self.people))
        for row, person in enumerate(self.people):
            self.table.setItem(row, 0, QTableWidgetItem(person.name))
            self.table.setItem(row, 1, QTableWidgetItem(person.role.value))
            self.table.setItem(row, 2, QTableWidgetItem(person.account))
            if chosen is not None and person.id == chosen.id:
                self.table.selectRow(row)  # the same person stays selected after a change
        self._show_permissions()

    def _show_permissions(self) -> None:
        manages = "staff" in self.may
        appoints = "appoint_manager" in self.may
        focus = self.focusWidget()
        adding_had_focus = focus is not None and self.adding.isAncestorOf(focus)
        self.adding.setVisible(manages)
        self.not_yours.setVisible(not manages)
        if adding_had_focus and not manages:
            self.table.setFocus()
        _allow_manager(self.role, appoints)
        _allow_manager(self.new_role, appoints)
        if not appoints and self.role.currentText() == StaffRole.MANAGER.value:
            self.role.setCurrentIndex(0)
        self.role_row.setVisible(manages)
        self.leave_button.setVisible(manages)
        self.unlock_button.setVisible("unlock_account" in self.may)
        self.reset_button.setVisible("reset_password" in self.may)
        self._selection_changed()

    def selected(self) -> Member | None:
        row = self.table.currentRow()
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        if row not in rows or not 0 <= row < len(self.people):
            return None
        return self.people[row]

    def _selection_changed(self) -> None:
        person = self.selected()
        appoints = "appoint_manager" in self.may
        # a 经理's 岗位 and departure are a 经理's to decide
        touchable = person is not None and (person.role != StaffRole.MANAGER or appoints)
        if person is not None:
            self.new_role.blockSignals(True)
            self.new_role.setCurrentText(person.role.value)
            self.new_role.blockSignals(False)
        self.new_role.setEnabled(touchable)
        self.role_button.setEnabled(touchable)
        # oneself on duty is not offered (the service refuses it, and the last 经理, too)
        self.leave_button.setEnabled(touchable and person.id != self.on_duty)
        self.unlock_button.setEnabled(person is not None and person.locked)
        self.reset_button.setEnabled(person is not None and person.has_password)

    # --- writes -------------------------------------------------------------------------

    def _write(
        self,
        fn: Callable[..., object],
        *args: object,
        errors: QLabel | None = None,
        done: Callable[[], None] | None = None,
    ) -> None:
        """``fn(ctx, *args)`` by whoever is on duty; a refusal is said in ``errors`` (under
        the field it is about) and nothing typed is touched."""
        label = errors or self.error

        def saved(_result: object) -> None:  # the list reloads on the change
            if done is not None:
                done()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError | PermissionDenied):
                show_error(label, str(exc))  # what was typed stays
                if label.isVisibleTo(self):
                    return
                show_error(label, "")  # its part is hidden: not theirs to do
            msgbox.error(self, self.tr("没有保存"), str(exc))

        show_error(self.error, "")
        show_error(self.person_error, "")
        self.ops.write(lambda ctx: fn(ctx, *args), saved, failed)

    def add(self) -> None:
        def added() -> None:  # a name typed meanwhile stays when someone else is changed
            self.name.clear()
            self.mark_clean()  # added: nothing typed is left to lose

        self._write(staff.add, self.name.text(), self.role.currentText(), done=added)

    def change_role(self) -> None:
        person = self.selected()
        if person is None or self.new_role.currentText() == person.role.value:
            return
        self._write(
            staff.set_role, person.id, self.new_role.currentText(), errors=self.person_error
        )

    def unlock_selected(self) -> None:
        person = self.selected()
        if person is not None:
            self._write(accounts.unlock, person.id, errors=self.person_error)

    def reset_selected(self) -> None:
        person = self.selected()
        if person is None:
            return
        if msgbox.confirm(
            self,
            self.tr("重置密码"),
            self.tr("重置 {0} 的密码？{0} 下次上班时要设置新密码。").format(person.name),
        ):
            self._write(accounts.reset_password, person.id, errors=self.person_error)

    def deactivate_selected(self) -> None:
        person = self.selected()
        if person is None:
            return
        if msgbox.confirm(
            self,
            self.tr("停用"),
            self.tr("停用 {0}？其登记过的记录仍保留其姓名。").format(person.name),
        ):
            self._write(staff.deactivate, person.id, errors=self.person_error)
