"""锁屏: the screen that hides every record while the receptionist is away.

It covers the window's screen and is modal to the whole program, so neither the window
nor a dialog left open behind it can be read or typed into; it shows only the office's
name and who is on duty. The person on duty unlocks with their password (a first log-in
sets one); 换人上班… lets a colleague log in instead, which is a shift change (the window
then offers the handover). Nothing behind it is touched: a form half typed, a dialog
open, a draft — all are there as they were after unlocking, and no list is reloaded.

Esc and the window's close keys do nothing here: only a password opens it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent, QScreen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.models.errors import DeskError, LoginRefused
from desk.services.core.context import Ctx
from desk.services.duty import log_in
from desk.services.duty.on_duty import DutyState
from desk.ui import msgbox
from desk.ui.ops import Ops
from desk.ui.widgets.password_fields import PasswordFields
from desk.ui.window.duty_bar import DutyBar, shift_words


class LockScreen(QWidget):
    unlocked = Signal()  # the person on duty (or a colleague taking over) is back

    def __init__(self, ops: Ops, duty_bar: DutyBar, parent: QWidget, hint: str = "") -> None:
        # a window of its own, owned by the main window (deleted with it, kept above it)
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowTitle(self.tr("物业前台 — 已锁定"))
        self.setObjectName("lockScreen")
        self.setStyleSheet("#lockScreen { background:#2c3e50; } #lockPanel { background:white; }")
        self.ops = ops
        self.duty_bar = duty_bar
        self.state: DutyState | None = None

        self.office = QLabel()
        font = QFont(self.office.font())
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        self.office.setFont(font)
        self.office.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.locked_label = QLabel(self.tr("已锁定"))
        self.locked_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.locked_label.setStyleSheet("color:#7f8c8d;")
        self.who = QLabel()
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who.setWordWrap(True)
        self.secret = PasswordFields()
        for edit in (self.secret.password, self.secret.new, self.secret.again):
            edit.returnPressed.connect(self.try_unlock)
        self.unlock_button = QPushButton(self.tr("解锁"))
        self.unlock_button.clicked.connect(self.try_unlock)
        self.switch_button = QPushButton(self.tr("换人上班…"))
        self.switch_button.setToolTip(self.tr("接班的同事登录：选自己和班次，输入自己的密码"))
        self.switch_button.clicked.connect(self.switch)
        for button in (self.unlock_button, self.switch_button):
            button.setAutoDefault(True)  # Enter on the focused button presses it
        self.hint = QLabel(hint)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color:#e67e22;")
        self.hint.setVisible(bool(hint))

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.switch_button)
        panel = QFrame()
        panel.setObjectName("lockPanel")
        panel.setFixedWidth(440)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(self.office)
        inner.addWidget(self.locked_label)
        inner.addWidget(self.who)
        inner.addWidget(self.secret)
        inner.addLayout(buttons)
        inner.addWidget(self.hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setTabOrder(self.secret.password, self.unlock_button)
        duty_bar.logged_in.connect(self._someone_came)

    # --- what it shows -----------------------------------------------------------------

    @property
    def staff_on_duty(self) -> int | None:
        return self.ops.desk.duty.staff_id

    def show_state(self, office: str, state: DutyState) -> None:
        """The office and who is on duty (the window's reloads, also while locked)."""
        self.office.setText(office)
        self.state = state
        name = self.duty_bar.name_of(self.staff_on_duty)
        someone = state.shift_id is not None and bool(name)
        if someone:
            self.who.setText(self.tr("值班：{0}　{1}").format(name, shift_words(state)))
        else:
            self.who.setText(self.tr("现在没有人值班，请点“上班…”登录。"))
        new = someone and self.staff_on_duty in state.without_password
        changed = new != self.secret.setting_new or someone != self.secret.isVisibleTo(self)
        if new != self.secret.setting_new:
            self.secret.ask_new(new)
        self.secret.setVisible(someone)
        self.unlock_button.setVisible(someone)
        self.switch_button.setText(self.tr("换人上班…") if someone else self.tr("上班…"))
        if changed and self.isVisible():  # what there is to type changed under the cursor
            self._focus_first()

    def cover(self, screen: QScreen) -> None:
        """Show over the whole of ``screen``, the cursor in the password."""
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        self._focus_first()

    def _focus_first(self) -> None:
        target = self.secret.first_field() if self.secret.isVisible() else self.switch_button
        target.setFocus()

    # --- opening -----------------------------------------------------------------------

    def try_unlock(self) -> None:
        """The person on duty's password (or their first one): checked on the worker, a
        wrong one counted."""
        staff_id = self.staff_on_duty
        if staff_id is None or not self.secret.isVisible():
            self.switch()
            return
        answer = self.secret.answer()
        if answer is None:
            return
        self.unlock_button.setEnabled(False)

        def prove(ctx: Ctx) -> LoginRefused | None:
            return log_in.prove(ctx, staff_id, answer.password, answer.new_password)

        def done(refusal: LoginRefused | None) -> None:
            self.unlock_button.setEnabled(True)
            if refusal is not None:
                self.secret.refuse(str(refusal))
            elif self.isVisible():
                self._open()

        def failed(exc: BaseException) -> None:
            self.unlock_button.setEnabled(True)
            if isinstance(exc, DeskError):  # a first password the rules refuse
                self.secret.refuse(str(exc))
            else:
                msgbox.error(self, self.tr("无法解锁"), str(exc))

        self.ops.write(prove, done, failed)

    def switch(self) -> None:
        """换人上班: a colleague logs in over the lock (the 上班 dialog)."""
        self.duty_bar.ask_come_on_duty(parent=self)

    def _someone_came(self, _staff_id: int) -> None:
        if self.isVisible():
            self._open()

    def _open(self) -> None:
        self.secret.refuse("")  # nothing typed stays behind in the hidden fields
        self.hide()
        self.unlocked.emit()

    # --- nothing else opens it ---------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()  # Esc does not unlock
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()  # Alt+F4 on the lock would show the records behind it; unlocking hides
