"""设置: the office's settings — name, greeting, shifts, time limits, categories — as text
a supervisor can read; each is checked before anything is stored, all in one save. Enter
in a setting saves them all; Esc with a change not saved asks first (``FormDialog``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk.models.errors import ValidationError
from desk.services.records import settings_text
from desk.services.records.settings_text import SettingRow
from desk.ui import backups, msgbox
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.field_errors import FieldErrors, error_label
from desk.ui.ops import Ops


class SettingsDialog(FormDialog):
    """Saved by whoever is on duty (``ops.desk.duty``): the services refuse anyone below
    主管. The window and the open forms follow the save's changes (kind ``setting``)."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("设置"))
        self.resize(720, 640)
        self.ops = ops
        self.edits: dict[str, QLineEdit] = {}
        self.form = QFormLayout()
        self.general = error_label()
        self.errors = FieldErrors(self.general)
        inner = QWidget()
        inner.setLayout(self.form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("修改后点“保存”；只有主管或经理可以保存。")))
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        ops.read(settings_text.rows, self._show)

    def _show(self, rows: list[SettingRow]) -> None:
        for row in rows:
            edit = QLineEdit(row.text)
            edit.setPlaceholderText(row.hint)
            edit.setToolTip(row.hint)
            if row.key in settings_text.FOLDER_SETTINGS:  # a path is easier picked than typed
                self.form.addRow(row.label, self._with_picker(edit))
            else:
                self.form.addRow(row.label, edit)
            err = error_label()
            self.form.addRow(err)
            self.errors.add(row.key, err, edit)
            self.edits[row.key] = edit
        self.mark_clean()  # the settings as stored: nothing changed yet
        # after the rows' own show (queued by the layout): a hidden field takes no focus
        QTimer.singleShot(0, self, self.focus_first_field)

    def _with_picker(self, edit: QLineEdit) -> QWidget:
        button = QPushButton(self.tr("选择…"))
        button.clicked.connect(lambda: self.pick_folder(edit))
        box = QWidget()
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(edit, 1)
        line.addWidget(button)
        return box

    def pick_folder(self, edit: QLineEdit) -> None:
        chosen = backups.ask_folder(self, Path(edit.text().strip() or Path.home()))
        if chosen is not None:
            edit.setText(str(chosen))

    def submit(self) -> None:
        self.save()

    def save(self) -> None:
        self.errors.clear()
        texts = {key: edit.text() for key, edit in self.edits.items()}

        def done(changed: list[str]) -> None:
            self.mark_clean()  # stored: closing loses nothing now
            msgbox.info(
                self,
                self.tr("设置"),
                self.tr("已保存 {0} 项设置。").format(len(changed))
                if changed
                else self.tr("没有改动。"),
            )

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self.errors.show(exc)  # under its field; nothing was stored, the text stays
            else:
                msgbox.error(self, self.tr("没有保存"), str(exc))

        self.ops.write(lambda ctx: settings_text.change_many(ctx, texts), done, failed)
