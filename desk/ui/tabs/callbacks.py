"""回访: the queue of callbacks due after completed repairs and answered complaints.

The receptionist works down the list: who to call and the full number, what was done and by
whom; the selected callback's repair or complaint is shown below with its history. 登记回访
(or Enter on a row) records the way, outcome, satisfaction and the resident's words; 不满意
reopens the repair (返工) or escalates the complaint in the same save
(``services.callbacks.record``). Overdue rows are red and near ones amber — near as for every
deadline: less than the office's ``sla.near_fraction`` of the time from the completion (or
the answer) to the callback's due time left (``services.callbacks.clock``; 48 h and 0.2:
the last 9.6 hours). Each row carries both instants; the colours move on with the clock
without a reload.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.models import kinds
from desk.models.enums import CallbackState, Satisfaction
from desk.models.errors import NotFoundError, TransitionError, ValidationError
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx, local_now
from desk.services.records import callbacks
from desk.services.records.callbacks import CallbackResult
from desk.services.views import callback_list
from desk.services.views import countdown as clocks
from desk.services.views.callback_list import CallbackRow, Scope
from desk.ui import msgbox
from desk.ui.deadlines import AMBER, RED, TICK_MS, colour
from desk.ui.dialogs import callback_dialog
from desk.ui.models.paged import ViewColumn, columns_of, short_time
from desk.ui.ops import Ops
from desk.ui.panes.record_detail import DetailPane
from desk.ui.panes.record_list import RecordList

SCOPES = [s.value for s in Scope]  # 待回访, 已超时, 今天到期, 已回访, 全部
DUE_SCOPES = frozenset({Scope.DUE.value, Scope.OVERDUE.value, Scope.TODAY.value})
# the queue's columns as the registry lists them (desk.models.kinds.CALLBACK)
_KEYS = [c.key for c in kinds.CALLBACK.columns]
DONE_COLUMN, CALLED_COLUMN = _KEYS.index("done"), _KEYS.index("called_at")  # 处理内容, 回访时间
label_of = kinds.CALLBACK.label  # a field's one label
DONE_COLUMN_MAX = 320  # pixels
# the kinds whose changes can add, remove or alter a row of this list (a setting: what
# counts as near)
WATCHED = frozenset({"callback", "workorder", "complaint", "setting"})

__all__ = ["AMBER", "RED", "CallbacksTab", "due_status"]


def due_status(row: CallbackRow, now: datetime) -> tuple[str, str | None]:
    """(状态/满意度 text, row colour) at ``now``: recorded ones show the resident's verdict."""
    if row.state == CallbackState.DONE:
        return str(row.satisfaction or row.state), None
    if row.state != CallbackState.DUE:
        return str(row.state), None
    return clocks.left(row.due_at, now), colour(row, now)


class CallbacksTab(QWidget):
    status = Signal(str)  # a line for the window's status bar
    record_requested = Signal(str, int)  # "workorder" | "complaint", record id: open it

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops  # writes are stamped with ops.desk.duty: who and which shift
        self.saving = False

        # --- the queue (the list pane) ---------------------------------------------------
        self.record_button = QPushButton(self.tr("登记回访"))
        self.record_button.setToolTip(self.tr("选中一行后按回车也可登记"))
        self.open_button = QPushButton(self.tr("打开原单"))
        self.list_pane = RecordList(
            ops,
            self.columns(),
            fetch=self.fetch_page,
            count=self.count_rows,
            scopes=SCOPES,
            search_hint=self.tr("查找：单号、住户、房号、电话、处理内容……"),
            row_colour=self.row_colour,
            select_first=True,  # the top of the queue, ready for Enter
            # 处理内容 is cut at 60 characters; wider would push the rest away
            widest={DONE_COLUMN: DONE_COLUMN_MAX},
            title=self.tr("回访列表"),
            buttons=[self.record_button, self.open_button],
            tick_ms=TICK_MS,  # the colours and the time left move on
        )
        self.model = self.list_pane.model
        self.view = self.list_pane.view
        self.view.setWordWrap(False)
        self.scope = self.list_pane.scope
        self.search: QLineEdit = self.list_pane.search  # type: ignore[assignment]
        self.count_label = self.list_pane.count_label
        self.clock: QTimer = self.list_pane.clock  # type: ignore[assignment]

        # --- the source record, read-only (the detail pane) ------------------------------
        self.note = QLabel()  # the callback itself: when due, or what was recorded
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setStyleSheet("color:#2c3e50; background:#eaf2f8; padding:4px;")
        self.note.setVisible(False)
        self.detail_pane = DetailPane(ops, above=[self.note])
        self.detail = self.detail_pane.detail
        # a few lines of history stay readable; a longer record scrolls (the scroll area)
        self.detail.history.setMinimumHeight(110)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list_pane)
        split.addWidget(self.detail_pane)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([420, 280])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        # --- behaviour -------------------------------------------------------------------
        self.list_pane.current_changed.connect(self._show_current)
        self.list_pane.activated.connect(lambda _row: self.record_callback())  # Enter, double click
        self.list_pane.query_changed.connect(self._query_changed)
        self.list_pane.loaded.connect(self._loaded)
        self.list_pane.ticked.connect(lambda: self._show_note(self.current_row()))
        self.list_pane.failed.connect(
            lambda text: self.status.emit(self.tr("读取回访列表失败：{0}").format(text))
        )
        self.record_button.clicked.connect(self.record_callback)
        self.open_button.clicked.connect(self.open_record)
        ops.changed.connect(self.on_changed)
        self._update_buttons()
        self.reload()

    # --- the list --------------------------------------------------------------------------

    def columns(self) -> list[ViewColumn]:
        # 状态/满意度: the time left while due, the resident's verdict once called
        return columns_of(kinds.CALLBACK, {"state": lambda r: due_status(r, local_now())[0]})

    def row_colour(self, row: CallbackRow) -> str | None:
        return due_status(row, local_now())[1]

    def filter_values(self) -> dict[str, Any]:
        return self.list_pane.filter_values()

    def fetch_page(
        self, ctx: Ctx, values: dict[str, Any], offset: int, limit: int, _order: object = None
    ) -> list[CallbackRow]:
        """One page of the queue. Runs on the DB worker: use ``values``, never the widgets."""
        return callback_list.callback_rows(
            ctx.session, now=ctx.now, offset=offset, limit=limit, **values
        )

    def count_rows(self, ctx: Ctx, values: dict[str, Any]) -> int:
        return callback_list.count_rows(ctx.session, now=ctx.now, **values)

    def reload(self) -> None:
        self.list_pane.reload()

    def _query_changed(self, values: dict[str, Any]) -> None:
        # nothing has been called back in the due scopes: no empty column
        self.view.setColumnHidden(CALLED_COLUMN, values["scope"] in DUE_SCOPES)

    def show_scope(self, scope: str) -> None:
        """Show ``scope`` (待回访/已超时/今天到期/已回访/全部) with no search: where the status
        bar's count of overdue callbacks jumps to."""
        self.list_pane.show_scope(scope)

    def current_row(self) -> CallbackRow | None:
        return self.list_pane.current_row()

    def _loaded(self) -> None:
        """The pane has selected the row shown before, the next one or the first; an empty
        list shows nothing rather than a stale record."""
        if self.model.rowCount() == 0:
            self.detail_pane.clear()
            self._show_note(None)
        self._update_buttons()

    def on_changed(self, changes: Changes) -> None:
        """A write committed (here or on any screen): reload when it touches the queue —
        reselecting the row after the reload reads its record again (state, history)."""
        if changes.concerns(*WATCHED):
            self.reload()

    # --- the selected callback -------------------------------------------------------------

    def _show_current(self, row: CallbackRow | None) -> None:
        self._update_buttons()
        if row is None:
            return  # a reload cleared the selection: the list pane restores it
        self._show_note(row)
        self._load_detail(row)

    def _load_detail(self, row: CallbackRow) -> None:
        def failed(exc: BaseException) -> None:
            self.status.emit(self.tr("读取原单失败：{0}").format(exc))

        # read-only here: the repair's or complaint's own tab has its actions
        self.detail_pane.load(row.kind, row.record_id, (), failed)

    def _show_note(self, row: CallbackRow | None) -> None:
        self.note.setVisible(row is not None)
        if row is None:
            return
        if row.state == CallbackState.DONE:
            parts = [
                self.tr("{0} {1} {2}回访").format(
                    short_time(row.called_at), row.called_by, row.way
                ),
                f"{label_of('satisfaction')}：{row.satisfaction}",
            ]
            if row.outcome:
                parts.append(f"{label_of('outcome')}：{row.outcome}")
            if row.comment:
                parts.append(f"{label_of('comment')}：{row.comment}")
            text = self.tr("已回访：") + "　".join(parts)
        elif row.state == CallbackState.DUE:
            left, _colour = due_status(row, local_now())
            text = self.tr("待回访：{0} 到期（{1}）　{2}").format(
                short_time(row.due_at), left, self._about(row)
            )
        else:
            text = self.tr("这条回访已作废（原单已作废或已重新处理）")
        self.note.setText(text)

    def _about(self, row: CallbackRow) -> str:
        """Who to call and the number, as one line."""
        who = "　".join(p for p in (row.person, row.room) if p)
        phone = self.tr("电话 {0}").format(row.phone) if row.phone else self.tr("没有登记电话")
        return f"{who}　{phone}".strip()

    def _update_buttons(self) -> None:
        row = self.current_row()
        self.record_button.setEnabled(
            row is not None and row.state == CallbackState.DUE and not self.saving
        )
        self.open_button.setEnabled(row is not None)

    def open_record(self) -> None:
        row = self.current_row()
        if row is not None:
            self.record_requested.emit(row.kind, row.record_id)

    # --- recording ---------------------------------------------------------------------------

    def record_callback(self) -> None:
        """登记回访 for the selected row (the button, or Enter on the row)."""
        row = self.current_row()
        if row is None or self.saving:
            return
        if row.state == CallbackState.DONE:
            self.status.emit(self.tr("{0} 已登记过回访").format(row.serial))
            return
        if row.state != CallbackState.DUE:
            self.status.emit(self.tr("{0} 的这次回访已作废，不用登记").format(row.serial))
            return
        self._ask_and_record(row)

    def _ask_and_record(
        self, row: CallbackRow, previous: CallbackResult | None = None, error: str = ""
    ) -> None:
        """Ask, save; when the save fails, ask again with the answer and the reason — what was
        typed in the dialog is never lost."""
        result = callback_dialog.ask_callback(
            self, row.serial, previous=previous, error=error, about=self._about(row)
        )
        if result is None:
            return
        callback_id = row.id
        index = self.view.selectionModel().currentIndex().row()

        def done(_result: object) -> None:
            self.saving = False
            # the reload on ops.changed, which follows, moves to the next one in the queue
            self.list_pane.reselect_at(index)
            self.status.emit(self._recorded_text(row, result))
            self.view.setFocus()  # Enter records the next one

        def failed(exc: BaseException) -> None:
            self.saving = False
            self._update_buttons()
            if isinstance(exc, ValidationError):
                self._ask_and_record(row, result, str(exc))
            elif isinstance(exc, (TransitionError, NotFoundError)):
                # recorded or voided meanwhile (another desk): nothing left to save
                msgbox.error(self, self.tr("没有登记"), str(exc))
                self.reload()
            else:
                msgbox.error(
                    self,
                    self.tr("没有登记"),
                    self.tr("{0}\n\n刚才填写的回访内容还在，处理后可再点“确定”。").format(exc),
                )
                self._ask_and_record(row, result, self.tr("没有保存：{0}").format(exc))

        self.saving = True
        self._update_buttons()
        # one write by the person on duty: the callback and, for 不满意, the repair's 返工 or
        # the complaint's escalation commit together
        self.ops.write(lambda ctx: callbacks.record(ctx, callback_id, result), done, failed)

    def _recorded_text(self, row: CallbackRow, result: CallbackResult) -> str:
        if str(result.satisfaction) != Satisfaction.UNSATISFIED.value:
            return self.tr("已登记回访 {0}（{1}）").format(row.serial, result.satisfaction)
        if row.kind == "workorder":
            return self.tr("已登记回访 {0}（不满意：已转返工）").format(row.serial)
        return self.tr("已登记回访 {0}（不满意：已升级）").format(row.serial)
