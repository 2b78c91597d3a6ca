"""投诉处理's action dialogs: 开始处理, 升级, 答复, and the file chooser for attachments.

Each ``ask_*`` function opens its dialog and returns what was typed, or None when it was
cancelled; the tab calls them through this module so tests replace them with
``monkeypatch``. Required fields and lengths are checked before the dialog closes, and
a dialog can be opened again with the values and the service's ``ValidationError``, so
nothing typed is lost when a save is refused. The keys are ``FormDialog``'s: Enter (Ctrl+Enter
in a multi-line field) accepts a valid dialog, Esc asks before losing what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk.models.enums import ESCALATION_ORDER, EscalationLevel
from desk.models.errors import ValidationError
from desk.ui.dialogs import answer_of
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.field_errors import error_label, show_error

TEXT_LINES = 4  # height of a multi-line field, in lines


@dataclass(frozen=True)
class StartValues:
    department: str = ""
    measures: str = ""


@dataclass(frozen=True)
class AnswerValues:
    reply: str = ""
    result: str = ""
    measures: str = ""


def next_level(level: EscalationLevel | str) -> EscalationLevel | None:
    """The level 升级 reports to from ``level``; None at 公司领导."""
    index = ESCALATION_ORDER.index(EscalationLevel(level))
    return ESCALATION_ORDER[index + 1] if index + 1 < len(ESCALATION_ORDER) else None


class ComplaintActionDialog(FormDialog):
    """A form of labelled fields with an error line under each, and 确定/取消."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr(title))
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.general_error = error_label()
        # field → (input, its error label, Chinese label, required, longest allowed)
        self._fields: dict[str, tuple[QLineEdit | QPlainTextEdit, QLabel, str, bool, int]] = {}
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("确定"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("取消"))
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)

    def add_text(
        self,
        field: str,
        label: str,
        text: str,
        *,
        max_len: int,
        multi_line: bool = False,
        required: bool = False,
        placeholder: str = "",
    ) -> QLineEdit | QPlainTextEdit:
        edit: QLineEdit | QPlainTextEdit
        if multi_line:
            edit = QPlainTextEdit(text)
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(self.fontMetrics().lineSpacing() * TEXT_LINES + 12)
        else:
            edit = QLineEdit(text)
            edit.setMaxLength(max_len)
        edit.setPlaceholderText(placeholder)
        shown = self.tr(label) + (self.tr("（必填）") if required else "")
        self.form.addRow(shown, edit)
        err = error_label()
        self.form.addRow(err)
        self._fields[field] = (edit, err, self.tr(label), required, max_len)
        return edit

    def add_info(self, label: str, text: str) -> QLabel:
        """A read-only line, e.g. the level a complaint goes to."""
        value = QLabel(text)
        self.form.addRow(self.tr(label), value)
        return value

    def text(self, field: str) -> str:
        edit = self._fields[field][0]
        return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

    def show_service_error(self, exc: ValidationError) -> None:
        """The service's reason under its field (or under the form), cursor there."""
        self.typed_before = True  # the dialog holds the refused answer: Esc asks first
        found = self._fields.get(exc.field)
        if found is None:
            show_error(self.general_error, str(exc))
            return
        show_error(found[1], str(exc))
        found[0].setFocus()

    def accept(self) -> None:
        first_bad: QWidget | None = None
        for field, (edit, err, label, required, max_len) in self._fields.items():
            text = self.text(field).strip()
            reason = ""
            if required and not text:
                reason = self.tr("{0}：不能为空").format(label)
            elif len(text) > max_len:
                reason = self.tr("{0}：最多 {1} 个字，现在 {2} 个").format(
                    label, max_len, len(text)
                )
            show_error(err, reason)
            if reason and first_bad is None:
                first_bad = edit
        if first_bad is not None:
            first_bad.setFocus()
            return
        super().accept()


class StartDialog(ComplaintActionDialog):
    """开始处理: which department takes it and what it will do."""

    def __init__(
        self, values: StartValues, error: ValidationError | None, parent: QWidget | None
    ) -> None:
        super().__init__("开始处理", parent)
        self.add_text(
            "department",
            "责任部门",
            values.department,
            max_len=40,
            placeholder=self.tr("如 工程部、客服部、保洁部"),
        )
        self.add_text("measures", "处理措施", values.measures, max_len=2000, multi_line=True)
        if error is not None:
            self.show_service_error(error)

    def values(self) -> StartValues:
        return StartValues(self.text("department"), self.text("measures"))


class EscalateDialog(ComplaintActionDialog):
    """升级: the reason, with the level it goes to in view."""

    def __init__(
        self,
        level: EscalationLevel | str,
        reason: str,
        error: ValidationError | None,
        parent: QWidget | None,
    ) -> None:
        super().__init__("升级", parent)
        target = next_level(level)
        self.add_info("当前级别", str(level))
        self.add_info("升级到", str(target) if target else self.tr("（已是最高级别）"))
        self.add_text(
            "reason",
            "升级原因",
            reason,
            max_len=200,
            required=True,
            placeholder=self.tr("如 业主对处理结果不满意"),
        )
        if error is not None:
            self.show_service_error(error)

    def reason(self) -> str:
        return self.text("reason")


class AnswerDialog(ComplaintActionDialog):
    """答复: what the resident was told, and what was done."""

    def __init__(
        self, values: AnswerValues, error: ValidationError | None, parent: QWidget | None
    ) -> None:
        super().__init__("答复业主", parent)
        self.add_text(
            "reply", "答复内容", values.reply, max_len=2000, multi_line=True, required=True
        )
        self.add_text("result", "处理结果", values.result, max_len=2000, multi_line=True)
        self.add_text("measures", "处理措施", values.measures, max_len=2000, multi_line=True)
        if error is not None:
            self.show_service_error(error)

    def values(self) -> AnswerValues:
        return AnswerValues(self.text("reply"), self.text("result"), self.text("measures"))


def ask_start(
    parent: QWidget | None, values: StartValues, error: ValidationError | None = None
) -> StartValues | None:
    return answer_of(StartDialog(values, error, parent), StartDialog.values)


def ask_escalation(
    parent: QWidget | None,
    level: EscalationLevel | str,
    reason: str = "",
    error: ValidationError | None = None,
) -> str | None:
    return answer_of(EscalateDialog(level, reason, error, parent), EscalateDialog.reason)


def ask_answer(
    parent: QWidget | None, values: AnswerValues, error: ValidationError | None = None
) -> AnswerValues | None:
    return answer_of(AnswerDialog(values, error, parent), AnswerDialog.values)


def ask_attachment_paths(parent: QWidget | None) -> list[str]:
    """The photos or files picked to attach; empty when cancelled."""
    paths, _filter = QFileDialog.getOpenFileNames(
        parent,
        QCoreApplication.translate("complaint_dialogs", "添加附件"),
        "",
        QCoreApplication.translate(
            "complaint_dialogs", "所有文件 (*);;图片 (*.jpg *.jpeg *.png *.gif *.bmp *.heic)"
        ),
    )
    return paths
