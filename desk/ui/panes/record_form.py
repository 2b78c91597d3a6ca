"""The entry form on the left of a record tab: labelled rows with the services' errors right
under their field, 清空 and 保存, and the draft kept on disk while something is typed.

The owner adds the rows (``add_row``/``add_field``), then calls ``finish``, and gives the
pane three functions: ``save_job`` reads the form into a write operation (raising
``ValidationError`` for what the form itself can tell), ``clear_form`` empties it and
``has_input`` says whether anything is typed. The form is cleared only after the save
committed; on an error what was typed stays and the message says why (under the field when
the services name one).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk.models import kinds
from desk.models.errors import UnregisteredRoom, ValidationError
from desk.services.core.context import Ctx
from desk.ui import msgbox
from desk.ui.field_errors import FieldErrors, error_label
from desk.ui.form_drafts import FormDrafts
from desk.ui.ops import Ops

Op = Callable[[Ctx], Any]  # an operation: run by Ops in a transaction it opens


class RecordForm(QWidget):
    saved = Signal(object)  # the record just saved
    status = Signal(str)  # a line for the window's status bar

    def __init__(
        self,
        ops: Ops,
        kind: str,
        *,
        save_job: Callable[[], Op | None],
        clear_form: Callable[[], None],
        has_input: Callable[[], bool],
        room_text: Callable[[], str] = lambda: "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.kind = kind  # its fields' labels come from the registry (desk.models.kinds)
        self._save_job, self._clear_form, self._has_input = save_job, clear_form, has_input
        self._room_text = room_text
        # the room as typed when 是否仍然保存为未登记房号？ was answered 是: the next save of
        # that same text keeps it unregistered without asking again
        self.confirmed_room: str | None = None
        self.saving = False
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setDefault(True)
        self.clear_button = QPushButton(self.tr("清空"))
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.ask_clear)
        # 修改: the form holds a saved record's facts; 保存 writes them back to it
        self.editing: tuple[int, str] | None = None  # its id and serial
        self.editing_note = QLabel()
        self.editing_note.setWordWrap(True)
        self.editing_note.setStyleSheet("color:#7e5109; background:#fdf2e9; padding:6px;")
        self.editing_note.setVisible(False)
        self.form_widget = QWidget()  # what the form's rows are in (the drafts walk it)
        self.drafts: FormDrafts | None = None  # keep_drafts turns it on (the window does)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_record)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.ask_clear)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)

    def finish(self) -> None:
        """Lay the form out once its rows are added: the rows take their parent in the
        order they were added and the buttons after them, which is the Tab order."""
        inner_layout = QVBoxLayout(self.form_widget)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addLayout(self.form)
        inner_layout.addStretch(1)
        # a long form scrolls; the error line and 保存/清空 stay in view under it
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.form_widget)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editing_note)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addLayout(buttons)

    # --- rows ------------------------------------------------------------------------

    def add_row(self, label: str, widget: QWidget, field: str | None = None) -> QLabel | None:
        """A form row with, when ``field`` is given, an error label right under it."""
        self.form.addRow(self.tr(label), widget)
        if field is None:
            return None
        err = error_label()
        self.form.addRow(err)
        self.errors.add(field, err, widget)
        return err

    def add_field(self, widget: QWidget, field: str, *, error: str | None = None) -> QLabel | None:
        """A form row for a stored field, under its one label (desk.models.kinds); the
        services' errors for it (``error``, when they name it otherwise) show beneath."""
        return self.add_row(kinds.kind(self.kind).label(field), widget, error or field)

    def add_field_pair(
        self,
        left: QWidget,
        left_field: str,
        right: QWidget,
        right_field: str,
    ) -> None:
        """Two short stored fields side by side in one row (a name and a phone), each under
        its own label, their errors beneath: a long form fits a small screen."""
        label_of = kinds.kind(self.kind).label
        first = QLabel(self.tr(label_of(left_field)))
        first.setBuddy(left)
        second = QLabel(self.tr(label_of(right_field)))
        second.setBuddy(right)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for label, widget, field in (
            (None, left, left_field),
            (second, right, right_field),
        ):
            # the error under its own half: no extra row, so no gap while it is empty
            line = QHBoxLayout()
            if label is not None:
                line.addWidget(label)
            line.addWidget(widget, 1)
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addLayout(line)
            err = error_label()
            cell.addWidget(err)
            row.addLayout(cell, 1)
            self.errors.add(field, err, widget)
        self.form.addRow(first, row)

    def first_field(self) -> QWidget:
        """The form's first input (rows spanning the form, like a greeting line, are not)."""
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            # a label (the greeting, a note) is no input, even where Qt files it as a field
            if widget is not None and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                return widget
        return self

    # --- saving ----------------------------------------------------------------------

    def save(self) -> None:
        if self.saving:
            return
        self.errors.clear()
        try:
            job = self._save_job()
        except ValidationError as exc:  # checked in the form before any write
            self.errors.show(exc)
            return
        if job is None:  # a question before saving (修改原因) was cancelled
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.ops.write(job, self._saved, self._save_failed)

    def _saved(self, record: Any) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.confirmed_room = None
        if self.drafts is not None:
            self.drafts.discard()  # first: a saved record must never come back as a draft
        self._clear_form()  # only now: the save has been committed
        done = self.tr("已修改 {0}") if self.editing is not None else self.tr("已保存 {0}")
        self.stop_editing()
        self.status.emit(done.format(getattr(record, "serial", "")))
        self.saved.emit(record)  # the list reloads on ops.changed, which follows

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, UnregisteredRoom):
            self._ask_unregistered_room(exc)
        elif isinstance(exc, ValidationError):
            self.errors.show(exc)
        else:
            msgbox.error(
                self,
                self.tr("没有保存"),
                self.tr("{0}\n\n您填写的内容还在，处理后可再点“保存”。").format(exc),
            )

    def _ask_unregistered_room(self, exc: UnregisteredRoom) -> None:
        """A room nobody in the registry lives in: a typo, or a flat not imported yet. Asked
        once; 否 leaves everything typed with the reason under 房号."""
        typed = self._room_text().strip()
        if msgbox.confirm(
            self,
            self.tr("未登记的房号"),
            self.tr(
                "房号 {0} 不在住户资料里（可能输错了，也可能还没有导入这户）。\n\n"
                "是否仍然保存为未登记房号？"
            ).format(exc.room),
        ):
            self.confirmed_room = typed
            self.save()
        else:
            self.errors.show(exc)

    def start_editing(self, record_id: int, serial: str) -> None:
        """The form now holds ``serial``'s facts (filled by the owner): 保存 corrects it."""
        self.editing = (record_id, serial)
        self.editing_note.setText(
            self.tr(
                "正在修改 {0}：改好后按“保存修改”（Ctrl+Enter），会问修改原因；Esc 放弃修改。"
            ).format(serial)
        )
        self.editing_note.setVisible(True)
        self.save_button.setText(self.tr("保存修改"))

    def stop_editing(self) -> None:
        self.editing = None
        self.editing_note.setVisible(False)
        self.save_button.setText(self.tr("保存"))

    def ask_clear(self) -> None:
        if self._has_input() and not msgbox.confirm(
            self, self.tr("清空"), self.tr("清空已填写的内容？")
        ):
            return
        if self.drafts is not None:
            self.drafts.discard()
        self._clear_form()
        self.errors.clear()
        self.confirmed_room = None
        self.stop_editing()  # 放弃修改: the record stays as it was saved

    def new_record(self) -> None:
        self.ask_clear()
        self.first_field().setFocus()

    def keep_drafts(self, path: Path) -> bool:
        """Keep what is typed in ``path`` until it is saved; put back a draft kept there by
        an earlier run. True when one was put back."""
        # a correction in progress is not kept: put back after a restart it would be
        # saved as a second, new record
        self.drafts = FormDrafts(
            self.form_widget, lambda: self.editing is None and self._has_input(), path, self
        )
        return self.drafts.restore()
