"""Add or edit one resident (新增住户 / 编辑住户), and pick the day of a move-out (迁出).

The form closes only after the write transaction committed (an operation on ``Ops.write``,
stamped with who is on duty; the screens refresh on its ``Ops.changed``). Until then, and
on any error, what was typed stays: a ``ValidationError`` is shown under its field, a storage
error (database locked, disk full …) in a message box. Enter in a one-line field (Ctrl+Enter in
备注) saves, as 保存 does; Esc asks before throwing typing away (``FormDialog``).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk.models.enums import ResidentRole
from desk.models.errors import DeskError, ValidationError
from desk.services.core.context import Ctx
from desk.services.records import residents
from desk.services.records.residents import ResidentDetail, ResidentDraft
from desk.ui import msgbox
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.field_errors import error_label, show_error
from desk.ui.ops import Ops

# The form's fields in the order of the form; the keys are ValidationError.field values.
FIELD_ORDER = ("room", "name", "role", "phones", "moved_in", "notes")


class ResidentFormDialog(FormDialog):
    """``ResidentFormDialog(ops, detail=None, parent=None, room="")``: a new resident (in
    ``room`` when given) or ``detail`` edited. ``saved(resident_id)`` is emitted after the
    commit, just before the dialog closes."""

    saved = Signal(int)

    def __init__(
        self,
        ops: Ops,
        detail: ResidentDetail | None = None,
        parent: QWidget | None = None,
        *,
        room: str = "",
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self.resident_id = detail.resident_id if detail else None
        self.saving = False
        self.setWindowTitle(self.tr("编辑住户") if detail else self.tr("新增住户"))
        self.setMinimumWidth(480)

        self.room_edit = QLineEdit()
        self.room_edit.setPlaceholderText(self.tr("例如 3-2-1201 或 3栋2单元1201室"))
        self.room_edit.setMaxLength(40)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(40)
        self.role_combo = QComboBox()
        for role in ResidentRole:
            self.role_combo.addItem(role.value, role)
        self.phones_edit = QLineEdit()
        self.phones_edit.setPlaceholderText(self.tr("可填多个，用 / 或 、 隔开"))
        self.phones_edit.setMaxLength(residents.PHONES_MAX_LEN)
        self.moved_in_edit = QLineEdit()
        self.moved_in_edit.setPlaceholderText(self.tr("例如 2020-05-01，可不填"))
        self.moved_in_edit.setMaxLength(20)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)

        self.fields: dict[str, QWidget] = {
            "room": self.room_edit,
            "name": self.name_edit,
            "role": self.role_combo,
            "phones": self.phones_edit,
            "moved_in": self.moved_in_edit,
            "notes": self.notes_edit,
        }
        labels = {
            "room": self.tr("房号"),
            "name": self.tr("姓名"),
            "role": self.tr("身份"),
            "phones": self.tr("电话"),
            "moved_in": self.tr("入住日期"),
            "notes": self.tr("备注"),
        }
        self.errors: dict[str, QLabel] = {key: error_label() for key in FIELD_ORDER}
        form = QFormLayout()
        for key in FIELD_ORDER:
            form.addRow(labels[key], self.fields[key])
            form.addRow(self.errors[key])
        self.general_error = error_label()  # an error that belongs to no single field

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(self.tr("取消"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)

        if detail is not None:
            self.room_edit.setText(detail.room)
            self.name_edit.setText(detail.name)
            self.role_combo.setCurrentIndex(self.role_combo.findData(detail.role))
            self.phones_edit.setText(" / ".join(detail.phones))  # full numbers: the record
            self.moved_in_edit.setText(detail.moved_in.isoformat() if detail.moved_in else "")
            self.notes_edit.setPlainText(detail.notes)
        else:
            self.room_edit.setText(room)

    def first_field(self) -> QWidget:
        # a new resident in a flat already searched for starts at 姓名
        return (
            self.name_edit if self.room_edit.text() and self.resident_id is None else self.room_edit
        )

    def submit(self) -> None:
        self.save()  # the service checks the fields; its refusal shows under the field

    def draft(self) -> ResidentDraft:
        return ResidentDraft(
            name=self.name_edit.text(),
            room=self.room_edit.text(),
            role=self.role_combo.currentData(),
            phones=self.phones_edit.text(),
            moved_in=self.moved_in_edit.text().strip() or None,
            notes=self.notes_edit.toPlainText(),
        )

    def save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        resident_id, draft = self.resident_id, self.draft()  # read here, on the GUI thread

        def save(ctx: Ctx) -> int:
            if resident_id is None:
                resident = residents.add(ctx, draft)
            else:
                resident = residents.update(ctx, resident_id, draft)
            return resident.id  # type: ignore[return-value]

        self._set_saving(True)
        self._ops.write(save, self._saved, self._failed)

    def _saved(self, resident_id: int) -> None:
        self._set_saving(False)
        self.resident_id = resident_id
        self.saved.emit(resident_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        if isinstance(exc, ValidationError):
            label = self.errors.get(exc.field, self.general_error)
            show_error(label, str(exc))
            widget = self.fields.get(exc.field)
            if widget is not None:
                widget.setFocus()
        elif isinstance(exc, DeskError):
            msgbox.error(self, self.tr("未能保存"), str(exc))
        else:
            msgbox.error(self, self.tr("未能保存"), self.tr("保存时出错：{0}").format(exc))

    def clear_errors(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            show_error(label, "")

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.save_button.setEnabled(not saving)
        self.cancel_button.setEnabled(not saving)
        self.save_button.setText(self.tr("正在保存……") if saving else self.tr("保存"))

    def reject(self) -> None:
        if not self.saving:  # a save on its way finishes first: its answer needs the dialog
            super().reject()


class MoveOutDialog(FormDialog):
    """迁出: the day the resident left (today by default, never before moving in)."""

    def __init__(self, detail: ResidentDetail, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("住户迁出"))
        intro = QLabel(
            self.tr("{0} 的 {1} 迁出后，资料和相关记录都会保留，只是不再算作在住。").format(
                detail.room_label or detail.room, detail.name
            )
        )
        intro.setWordWrap(True)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        if detail.moved_in is not None:
            first = detail.moved_in
            self.date_edit.setMinimumDate(QDate(first.year, first.month, first.day))
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        form = QFormLayout()
        form.addRow(self.tr("迁出日期"), self.date_edit)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("迁出"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def day(self) -> date:
        return self.date_edit.date().toPython()  # type: ignore[return-value]
