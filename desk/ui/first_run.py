"""First start: name the office and its first staff member (the 经理) with their password,
or try the demo database."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.models.errors import ValidationError
from desk.models.validation import clean_text
from desk.ui.dialogs.form_dialog import FormDialog
from desk.ui.field_errors import error_label, show_error
from desk.ui.widgets.password_fields import PasswordFields


@dataclass(frozen=True)
class FirstRunChoice:
    demo: bool
    office_name: str = ""
    staff_name: str = ""
    password: str | None = None  # the 经理's; the program starts locked, 上班 is the log-in


class FirstRunDialog(FormDialog):
    """Asks for what a new office needs; ``choice`` is set when the dialog is accepted."""

    def __init__(self, parent: QWidget | None = None, *, demo_exists: bool = False) -> None:
        super().__init__(parent)
        self.choice: FirstRunChoice | None = None
        self.setWindowTitle(self.tr("欢迎使用物业前台"))
        self.setMinimumWidth(560)

        demo_label = self.tr("打开演示数据") if demo_exists else self.tr("试用演示数据")
        intro = QLabel(
            self.tr(
                "第一次使用：请填写物业服务中心的名称和您的姓名，程序会为本办公室新建数据库。\n"
                "只想先看看？点“{0}”，打开一个单独的演示数据库，不会混入正式数据。"
            ).format(demo_label)
        )
        intro.setWordWrap(True)

        self.office_edit = QLineEdit()
        self.office_edit.setPlaceholderText(self.tr("例如：阳光花园物业服务中心"))
        self.office_edit.setMaxLength(60)
        self.staff_edit = QLineEdit()
        self.staff_edit.setPlaceholderText(self.tr("您的姓名（将作为经理账号）"))
        self.staff_edit.setMaxLength(40)
        self.office_error = error_label()
        self.staff_error = error_label()

        form = QFormLayout()
        form.addRow(self.tr("物业服务中心名称"), self.office_edit)
        form.addRow(self.office_error)
        form.addRow(self.tr("第一位员工姓名"), self.staff_edit)
        form.addRow(self.staff_error)
        self.secret = PasswordFields()
        self.secret.ask_new(True)
        self.secret.note.setText(
            self.tr("请为这位经理设置密码：上班、解锁和管理人员都要用它，请记牢。")
        )

        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(
            self.tr("新建办公室数据库"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.demo_button = QPushButton(demo_label)
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._create)
        self.demo_button.clicked.connect(self._demo)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.secret)
        layout.addWidget(buttons)

    def submit(self) -> None:  # Enter: 新建, when both names are there
        self._create()

    def _create(self) -> None:
        show_error(self.office_error, "")
        show_error(self.staff_error, "")
        try:
            office = clean_text(
                self.office_edit.text(), field="office", label="名称", max_len=60, required=True
            )
        except ValidationError as exc:
            show_error(self.office_error, str(exc))
            self.office_edit.setFocus()
            return
        try:
            staff = clean_text(
                self.staff_edit.text(), field="staff", label="姓名", max_len=40, required=True
            )
        except ValidationError as exc:
            show_error(self.staff_error, str(exc))
            self.staff_edit.setFocus()
            return
        answer = self.secret.answer()  # says under the fields what to change
        if answer is None:
            return
        self.choice = FirstRunChoice(
            demo=False, office_name=office, staff_name=staff, password=answer.new_password
        )
        self.accept()

    def _demo(self) -> None:
        self.choice = FirstRunChoice(demo=True)
        self.accept()
