"""值班人员, the shift and 上班…: who is on duty, always in view in the window's header.

The bar keeps ``ops.desk``'s duty — the person and the shift every write is stamped with —
current: when the combo shows another person, when a reload shows another shift on duty,
and when someone comes on duty here. Coming on duty ends the previous shift
(``services.shifts``); the person then sees the messages (转告) left for them, and the
handovers the last shift confirmed are handed to the window to offer (``handover_waiting``).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from desk.services.core.context import Ctx
from desk.services.core.handle import Duty
from desk.services.duty import on_duty, shifts
from desk.services.duty.handover import DutyEntry
from desk.services.duty.on_duty import DutyState
from desk.services.records import calls
from desk.ui import msgbox
from desk.ui.dialogs import duty_dialog
from desk.ui.ops import Ops


class DutyBar(QWidget):
    status = Signal(str)  # a line for the window's status bar
    shift_changed = Signal()  # another shift is on duty (the 交接班 tab shows it)
    handover_waiting = Signal(object)  # a DutyEntry the last shift confirmed, to accept
    reload_wanted = Signal()  # coming on duty failed: what the window shows may be stale

    def __init__(self, ops: Ops, *, ask_duty: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.ops = ops
        # the program's start asks who comes on duty when nobody is (tests leave it off)
        self.ask_duty = ask_duty
        self.people: list[tuple[int, str, str]] = []  # id, name, role: who can be on duty
        self.state: DutyState | None = None  # as last read

        self.combo = QComboBox()
        self.combo.setMinimumWidth(160)
        label = QLabel(self.tr("值班人员"))
        label.setBuddy(self.combo)
        # choosing another person means they come on duty: pick the shift, then they see
        # the messages (转告) waiting for them and the handover to accept
        self.combo.activated.connect(lambda _i: self.ask_come_on_duty(self.combo.currentData()))
        # whoever the combo shows is on duty (before anyone has come on duty, too)
        self.combo.currentIndexChanged.connect(lambda _i: self._keep_duty())
        self.shift_label = QLabel()
        self.on_duty_button = QPushButton(self.tr("上班…"))
        self.on_duty_button.clicked.connect(lambda: self.ask_come_on_duty())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(self.shift_label)
        layout.addWidget(self.on_duty_button)

    @property
    def staff_on_duty(self) -> int | None:
        return self.combo.currentData()

    @property
    def shift_on_duty(self) -> int | None:
        return self.ops.desk.duty.shift_id

    def _keep_duty(self) -> None:
        """Every write from now on is stamped with the person the combo shows and the
        shift on on_duty."""
        self.ops.desk.on_duty(self.combo.currentData(), self.shift_on_duty)

    # --- showing -----------------------------------------------------------------------

    def show_duty(self, people: list[tuple[int, str, str]], state: DutyState) -> None:
        """The people who can be on duty and the duty as read (the window's reload)."""
        self.people, self.state = people, state
        current = self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        for staff_id, name, role in people:
            self.combo.addItem(f"{name}（{role}）", staff_id)
        # the person on duty is who came on duty; before anyone has, whoever was chosen
        on_duty = state.staff_id if state.shift_id is not None else current
        self.combo.setCurrentIndex(max(self.combo.findData(on_duty), 0))
        self.combo.blockSignals(False)
        self._show_shift(state)
        if self.ask_duty:
            self.ask_duty = False
            if state.shift_id is None:
                QTimer.singleShot(0, self.ask_come_on_duty)

    def _show_shift(self, state: DutyState) -> None:
        changed = state.shift_id != self.shift_on_duty
        self.ops.desk.on_duty(self.combo.currentData(), state.shift_id)
        if state.shift_id is None:
            self.shift_label.setText(self.tr("未上班"))
            self.shift_label.setStyleSheet("color:#c0392b; font-weight:bold;")
        else:
            until = f"–{state.planned_end:%H:%M}" if state.planned_end else ""
            self.shift_label.setText(
                f"{state.shift_name} {state.started_at:%H:%M}{until}"  # type: ignore[union-attr]
            )
            self.shift_label.setStyleSheet("")
        if changed:
            self.shift_changed.emit()

    # --- coming on duty ----------------------------------------------------------------

    def ask_come_on_duty(self, staff_id: int | None = None) -> None:
        """上班: pick the person and the shift; then their messages and the handover."""
        people, state = self.people, self.state
        if state is None:
            return
        choice = duty_dialog.ask_duty(
            self.window(),
            [(pid, name) for pid, name, _role in people],
            state.shifts,
            staff_id=staff_id if staff_id is not None else self.staff_on_duty,
            shift_name=state.suggested,
            note=(
                self.tr("现在值班的是 {0}（{1}），上班后其班次结束。").format(
                    state.staff_name, state.shift_name
                )
                if state.shift_id is not None
                else ""
            ),
            planned_ends=state.planned_ends,
        )
        if choice is None:
            self.show_duty(people, state)  # the combo goes back to who is on duty
            return

        def come(ctx: Ctx) -> tuple[int, list[DutyEntry]]:
            shift = shifts.come_on_duty(ctx, choice.staff_id, choice.shift_name)
            return shift.id, on_duty.waiting_for(ctx, choice.staff_id)  # type: ignore[return-value]

        def done(result: tuple[int, list[DutyEntry]]) -> None:
            shift_id, waiting = result
            self.ops.desk.on_duty(choice.staff_id, shift_id)
            self.combo.setCurrentIndex(max(self.combo.findData(choice.staff_id), 0))
            self.status.emit(self.tr("已上班：{0}").format(choice.shift_name))
            # the window's counts and this bar's shift follow the write's changes
            self.shift_changed.emit()
            self.show_waiting_messages()
            for entry in waiting:
                self.handover_waiting.emit(entry)

        def failed(exc: BaseException) -> None:
            msgbox.error(self.window(), self.tr("没有上班"), str(exc))
            self.show_duty(people, state)  # the combo goes back to who is on duty
            self.reload_wanted.emit()

        # stamped with the person coming on duty, not with whoever was on duty before
        self.ops.write(come, done, failed, duty=Duty(choice.staff_id))

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
