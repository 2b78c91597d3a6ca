"""值班人员, the shift, 上班… and 锁屏: who is on duty, always in view in the window's header.

上班 is the log-in (services.duty.log_in): the person coming on duty picks themself and the
shift and types their password, or sets one at their first log-in. A refused try comes
back as the same dialog with the reason under the password. The bar keeps ``ops.desk``'s
duty — the person and the shift every write is stamped with — as the log-in left it, and
follows the shift on duty when a reload shows another. Coming on duty ends the previous
shift (``services.shifts``); the person then sees the messages (转告) left for them, and the
handovers the last shift confirmed are handed to the window to offer (``handover_waiting``).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desk.models.errors import DeskError, LoginRefused
from desk.services.core.context import Ctx
from desk.services.duty import log_in
from desk.services.duty.on_duty import DutyState
from desk.services.records import calls
from desk.ui import msgbox, shortcuts
from desk.ui.dialogs import duty_dialog
from desk.ui.dialogs.duty_dialog import DutyChoice
from desk.ui.ops import Ops


def shift_words(state: DutyState) -> str:
    """The shift on duty as the header shows it: ``早班 08:02–16:00``."""
    until = f"–{state.planned_end:%H:%M}" if state.planned_end else ""
    return f"{state.shift_name} {state.started_at:%H:%M}{until}"  # type: ignore[union-attr]


class DutyBar(QWidget):
    status = Signal(str)  # a line for the window's status bar
    shift_changed = Signal()  # another shift is on duty (the 交接班 tab shows it)
    handover_waiting = Signal(object)  # a DutyEntry the last shift confirmed, to accept
    reload_wanted = Signal()  # coming on duty failed: what the window shows may be stale
    logged_in = Signal(int)  # someone proved who they are and came on duty (their id)
    lock_wanted = Signal()  # 锁屏

    def __init__(self, ops: Ops, parent: QWidget | None = None):
        super().__init__(parent)
        self.ops = ops
        self.people: list[tuple[int, str, str]] = []  # id, name, role: who can be on duty
        self.state: DutyState | None = None  # as last read

        label = QLabel(self.tr("值班人员"))
        self.person_label = QLabel()
        self.person_label.setMinimumWidth(120)
        label.setBuddy(self.person_label)
        self.shift_label = QLabel()
        self.on_duty_button = QPushButton(self.tr("上班…"))
        self.on_duty_button.setToolTip(self.tr("换人上班：接班的同事选自己和班次，输入密码"))
        self.on_duty_button.clicked.connect(lambda: self.ask_come_on_duty())
        self.lock_button = QPushButton(self.tr("锁屏"))
        self.lock_button.setToolTip(
            self.tr("离开座位时锁屏（{0}），回来输入密码解锁").format(shortcuts.LOCK_KEY)
        )
        self.lock_button.clicked.connect(self.lock_wanted.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.person_label)
        layout.addWidget(self.shift_label)
        layout.addWidget(self.on_duty_button)
        layout.addWidget(self.lock_button)

    @property
    def staff_on_duty(self) -> int | None:
        return self.ops.desk.duty.staff_id

    @property
    def shift_on_duty(self) -> int | None:
        return self.ops.desk.duty.shift_id

    def name_of(self, staff_id: int | None) -> str:
        """``张三（前台）``, or "" for nobody."""
        return next((f"{n}（{r}）" for pid, n, r in self.people if pid == staff_id), "")

    # --- showing -----------------------------------------------------------------------

    def show_duty(self, people: list[tuple[int, str, str]], state: DutyState) -> None:
        """The people who can be on duty and the duty as read (the window's reload)."""
        self.people, self.state = people, state
        self._show_shift(state)

    def _show_shift(self, state: DutyState) -> None:
        changed = state.shift_id != self.shift_on_duty
        if state.shift_id is not None:  # the shift on duty, whoever's desk started it
            self.ops.desk.on_duty(state.staff_id, state.shift_id)
        elif changed:  # the shift ended (a 主管 ended it): nobody is on duty any more
            self.ops.desk.on_duty(self.staff_on_duty, None)
        self.person_label.setText(self.name_of(self.staff_on_duty) or self.tr("（无人）"))
        if state.shift_id is None:
            self.shift_label.setText(self.tr("未上班"))
            self.shift_label.setStyleSheet("color:#c0392b; font-weight:bold;")
        else:
            self.shift_label.setText(shift_words(state))
            self.shift_label.setStyleSheet("")
        if changed:
            self.shift_changed.emit()

    # --- coming on duty ----------------------------------------------------------------

    def ask_come_on_duty(
        self,
        staff_id: int | None = None,
        *,
        shift_name: str = "",
        error: str = "",
        parent: QWidget | None = None,
    ) -> None:
        """上班: pick the person and the shift, type the password; then their messages and
        the handover. A refusal asks again with the same choice and the reason."""
        people, state = self.people, self.state
        if state is None:
            return
        if state.first_in_line and staff_id is None:  # after the upgrade: the 经理 first
            staff_id = next((p for p, _n, r in people if r == state.first_in_line), None)
        choice = duty_dialog.ask_duty(
            parent or self.window(),
            [(pid, name) for pid, name, _role in people],
            state.shifts,
            staff_id=staff_id if staff_id is not None else self.staff_on_duty,
            shift_name=shift_name or state.suggested,
            note=self._note(state),
            planned_ends=state.planned_ends,
            without_password=state.without_password,
            error=error,
        )
        if choice is not None:
            self.come_on_duty(choice, parent)

    def _note(self, state: DutyState) -> str:
        if state.first_in_line:
            return self.tr(
                "还没有人设置密码：请{0}先上班并设置自己的密码，其他同事之后再设置。"
            ).format(state.first_in_line)
        if state.shift_id is not None:
            return self.tr("现在值班的是 {0}（{1}），上班后其班次结束。").format(
                state.staff_name, state.shift_name
            )
        return ""

    def come_on_duty(self, choice: DutyChoice, parent: QWidget | None = None) -> None:
        """Check the password and start the shift (one write: a wrong try is kept)."""

        def again(reason: str) -> None:
            # after this slot returns: the refused dialog is gone, the next one is modal
            QTimer.singleShot(
                0,
                lambda: self.ask_come_on_duty(
                    choice.staff_id, shift_name=choice.shift_name, error=reason, parent=parent
                ),
            )

        def come(ctx: Ctx) -> log_in.OnDuty | LoginRefused:
            return log_in.come_on_duty(
                ctx, choice.staff_id, choice.shift_name, choice.password, choice.new_password
            )

        def done(result: log_in.OnDuty | LoginRefused) -> None:
            if isinstance(result, LoginRefused):
                again(str(result))
                return
            self.ops.desk.on_duty(result.staff_id, result.shift_id)
            self.person_label.setText(self.name_of(result.staff_id))
            self.status.emit(self.tr("已上班：{0}").format(choice.shift_name))
            self.logged_in.emit(result.staff_id)
            # the window's counts and this bar's shift follow the write's changes
            self.shift_changed.emit()
            self.show_waiting_messages()
            for entry in result.waiting:
                self.handover_waiting.emit(entry)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, DeskError):  # a new password the rules refuse, 经理 first
                again(str(exc))
                return
            msgbox.error(self.window(), self.tr("没有上班"), str(exc))
            self.reload_wanted.emit()

        # the proof is stamped with whoever is on duty; the shift with the person coming
        self.ops.write(come, done, failed)

    def show_waiting_messages(self) -> None:
        """The messages (转告) left for the person on duty and not yet passed on."""
        staff_id = self.staff_on_duty
        if staff_id is None:
            return

        def load(ctx: Ctx) -> list[str]:
            return [
                f"{c.serial}  {c.created_at:%m-%d %H:%M}  {c.person_name or '来电人'}：{c.content}"
                for c in calls.undelivered_for(ctx, staff_id)
            ]

        def show(lines: list[str]) -> None:
            if lines:
                msgbox.info(
                    self.window(),
                    self.tr("有转告给您的留言"),
                    self.tr("以下留言还没有转告给您：\n\n")
                    + "\n".join(lines)
                    + self.tr("\n\n看过后请在“来电记录”里点“已转告”。"),
                )

        self.ops.read(load, show)
