"""What the five desk tabs share: the entry form on the left, the list on the right and the
detail under the list — three panes (``desk.ui.panes``) — and the hooks a kind fills in.

A tab subclass supplies its form (``build_form``), how to save it (``save_job``), its list
columns and its actions. Everything touching the database is an operation — a function of
a ``Ctx`` — handed to ``Ops``: saves and actions to ``ops.write``, list pages, counts and
details to ``ops.read``, exports and previews to ``ops.render``. The form is cleared only
after the save committed, and on an error what was typed stays. The list and the detail
follow ``ops.changed``: whatever screen changed a record, every tab showing it reloads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.reports.form_data import Form
from desk.services.core.changes import Changes
from desk.services.core.context import Ctx, local_now
from desk.services.records import callbacks, carry, corrections, signed_copies
from desk.services.views import list_export, lists
from desk.services.views.resident_search import Match
from desk.ui import msgbox, printing
from desk.ui.dialogs import callback_dialog
from desk.ui.dialogs.text_question import ask_text
from desk.ui.field_errors import ask_reason
from desk.ui.form_drafts import FormDrafts
from desk.ui.models.paged import ViewColumn
from desk.ui.ops import Ops
from desk.ui.panes.record_detail import DetailPane
from desk.ui.panes.record_form import Op, RecordForm
from desk.ui.panes.record_list import ListExport, Order, Progress, RecordList, Values
from desk.ui.widgets.resident_lookup import ResidentLookup

__all__ = ["COUNT_CAP", "SCOPES", "TURN_INTO", "Op", "RecordTab"]

SCOPES = ["今天", "未完成", "已超时", "全部"]
# a kind whose paper comes back signed can list what is not back yet (signed_copies)
SIGNED_SCOPES = [*SCOPES[:-1], "未签回", SCOPES[-1]]
# 转报修 / 转投诉: a visit or a call becomes a new record on another tab
TURN_INTO = {"转报修": "workorder", "转投诉": "complaint"}
COUNT_CAP = 10_000  # "10000+" is all a person needs; an exact count of a huge match costs


class RecordTab(QWidget):
    """Base of 来访接待, 来电记录, 报修派工, 投诉处理, 物品借用."""

    kind = ""  # "call", "visit", … — the details/lists kind
    title = ""
    actions: frozenset[str] = frozenset()  # the detail actions this tab can carry out
    # other kinds (table names) the list shows, besides ``kind``: a change to one reloads it
    shows: frozenset[str] = frozenset()
    # the paper form of a record (paper_forms.record_form's kind): 打印/导出PDF/导出Excel; None:
    # visits and calls have none
    forms_kind: str | None = None
    # how often the list repaints rows whose colour and countdown move with the clock (ms)
    tick_ms: int | None = None
    saved = Signal(object)  # the record just saved
    status = Signal(str)  # a line for the window's status bar
    turn_into = Signal(str, object)  # target kind, carry.Carry: the window opens that form

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops  # writes are stamped with ops.desk.duty: who and which shift

        # --- form (left) -------------------------------------------------------------
        self.form_pane = RecordForm(
            ops,
            self.kind,
            save_job=self._form_job,
            clear_form=self.clear_form,
            has_input=self.has_input,
            room_text=lambda: self.room.text(),  # every desk form has 房号 (add_party_rows)
        )
        self.form_pane.saved.connect(self.saved)
        self.form_pane.status.connect(self.status)
        self.form = self.form_pane.form
        self.errors = self.form_pane.errors
        self.general_error = self.form_pane.general_error
        self.save_button = self.form_pane.save_button
        self.clear_button = self.form_pane.clear_button
        self.form_widget = self.form_pane.form_widget
        self.build_form()
        self.form_pane.finish()

        # --- list (right) ------------------------------------------------------------
        self.list_pane = RecordList(
            ops,
            self.columns(),
            fetch=self.fetch_page,
            count=self.count_rows,
            scopes=SIGNED_SCOPES if self.kind in signed_copies.FORMS else SCOPES,
            scope="全部",
            dates=True,
            search_hint=self.tr("查找：单号、姓名、房号、电话、内容……"),
            sort=("created_at", True),  # newest first until a header is clicked
            row_colour=self.row_colour,
            row_id=self.row_id,
            keep=self._shown_id,
            count_cap=COUNT_CAP,
            buttons=self.list_buttons(),
            export=ListExport(self._export_name, self.export_job, list_export.TITLES[self.kind]),
            tick_ms=self.tick_ms,
        )
        self.list_pane.status.connect(self.status)
        self.list_pane.failed.connect(self._list_failed)
        self.list_pane.current_changed.connect(self._row_changed)
        self.model = self.list_pane.model
        self.view: QTableView = self.list_pane.view
        self.scope = self.list_pane.scope
        self.date_from = self.list_pane.date_from
        self.date_to = self.list_pane.date_to
        self.search: QLineEdit = self.list_pane.search  # type: ignore[assignment]
        self.count_label = self.list_pane.count_label
        self.export_button: QPushButton = self.list_pane.export_button  # type: ignore[assignment]
        self.clock = self.list_pane.clock  # with tick_ms: the timer that repaints

        # --- detail (below) ----------------------------------------------------------
        self.detail_pane = DetailPane(ops, forms_kind=self.forms_kind)
        self.detail_pane.status.connect(self.status)
        self.detail = self.detail_pane.detail
        self.detail.action_requested.connect(self.run_action)
        self.detail_pane.shown.connect(self._detail_shown)
        self._focus_action_of: int | None = None  # Enter on this row: its main action next
        # save and stay: the record just saved is shown, its actions one key away
        self.form_pane.saved.connect(self._show_saved)
        self.list_pane.activated.connect(self._open_row)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_shown)

        # the form takes the whole height on the left (a long form fits a 768-pixel
        # screen); the list and under it the detail of its selected record on the right
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.list_pane)
        right.addWidget(self.detail_pane)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([420, 280])  # the detail scrolls if long
        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(self.form_pane)
        outer.addWidget(right)
        outer.setStretchFactor(0, 2)
        outer.setStretchFactor(1, 5)
        outer.setSizes([380, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(outer)
        ops.changed.connect(self.on_changed)
        self.reload()

    # --- for subclasses --------------------------------------------------------------

    def build_form(self) -> None:
        raise NotImplementedError

    def columns(self) -> list[ViewColumn]:
        raise NotImplementedError

    def draft(self) -> Any:
        """The form read into the kind's draft (in the GUI thread): what ``save_job`` saves
        and what 修改 corrects the record with."""
        raise NotImplementedError

    def save_job(self) -> Op:
        """Read the form into a draft (in the GUI thread) and return the write operation
        (``write_job``)."""
        raise NotImplementedError

    def clear_form(self) -> None:
        raise NotImplementedError

    def fill_draft(self, draft: Any) -> None:
        """修改: the form filled from a saved record's draft (what ``draft()`` reads back)."""
        raise NotImplementedError

    def has_input(self) -> bool:
        raise NotImplementedError

    def fetch_page(
        self, ctx: Ctx, values: Values, offset: int, limit: int, order: Order | None
    ) -> list[Any]:
        """One page of the list. Runs on the DB worker: use ``values``, never the widgets."""
        key, descending = order or ("created_at", True)
        return lists.list_rows(
            ctx.session,
            self.kind,
            flt=lists.ListFilter(**values),
            now=ctx.now,
            offset=offset,
            limit=limit,
            sort=key,
            descending=descending,
        )

    def count_rows(self, ctx: Ctx, values: Values) -> int:
        """How many rows the list has, at most COUNT_CAP. Runs on the DB worker."""
        return lists.count_rows(
            ctx.session, self.kind, flt=lists.ListFilter(**values), now=ctx.now, cap=COUNT_CAP
        )

    def row_id(self, row: Any) -> int:
        return row.id

    def row_colour(self, row: Any) -> str | None:
        return None

    def list_buttons(self) -> list[QPushButton]:
        """Buttons of a tab beside 导出Excel… under the list (打印登记表…)."""
        return []

    def action_job(self, action: str, record_id: int) -> Op | None:
        """The write operation for a detail action, or None when the action was cancelled."""
        raise NotImplementedError

    def fill_carried(self, carried: carry.Carry) -> None:
        """The tab's own fields from a carried visit or call (text, channel)."""
        raise NotImplementedError

    def take_over(self, carried: carry.Carry) -> None:
        """转报修 / 转投诉: the form filled with who, where and what from a visit or a call;
        the saved record links back to it. The repair and complaint tabs have the fields
        used here (``description``, ``carried_note``, ``category``) and ``fill_carried``."""
        source = self.tr("来电") if carried.source == "call" else self.tr("来访")
        if self.has_input() and not msgbox.confirm(
            self,
            self.tr(self.title),
            self.tr("表单里有未保存的内容，换成{0} {1} 的内容吗？").format(source, carried.serial),
        ):
            return
        self.clear_form()
        self.errors.clear()
        self.person.setText(carried.person)
        self.phone.setText(carried.phone)
        self.room.setText(carried.room)
        self.resident_id = carried.resident_id
        self.fill_carried(carried)
        self.carried = carried
        if carried.room_confirmed:
            self.form_pane.confirmed_room = carried.room
        self.carried_note.setText(self.tr("由{0} {1} 转来").format(source, carried.serial))
        self.carried_note.setVisible(True)
        self.category.setFocus()  # the one thing the visit or call did not say

    # --- form (the form pane) ----------------------------------------------------------

    def add_row(self, label: str, widget: QWidget, field: str | None = None) -> QLabel | None:
        """A form row with, when ``field`` is given, an error label right under it."""
        return self.form_pane.add_row(label, widget, field)

    def add_field(self, widget: QWidget, field: str, *, error: str | None = None) -> QLabel | None:
        """A form row for a stored field, under its one label (desk.models.kinds)."""
        return self.form_pane.add_field(widget, field, error=error)

    def add_field_pair(
        self, left: QWidget, left_field: str, right: QWidget, right_field: str
    ) -> None:
        """Two short stored fields in one row (see RecordForm.add_field_pair)."""
        self.form_pane.add_field_pair(left, left_field, right, right_field)

    def errors_label(self, field: str) -> QLabel:
        return self.errors.label(field)

    def add_party_rows(self) -> None:
        """查找住户 + who + phone + room: the lookup fills the three below it."""
        self.lookup = ResidentLookup(self.ops)
        self.lookup.chosen.connect(self.fill_from)
        self.add_row("查找住户", self.lookup)
        self.person = QLineEdit()
        self.person.setMaxLength(40)
        self.phone = QLineEdit()
        self.add_field_pair(self.person, "person_name", self.phone, "phone")
        self.room = QLineEdit()
        self.room.setPlaceholderText(self.tr("如 3-2-1201"))
        self.add_field(self.room, "room_text", error="room")
        self.resident_id: int | None = None
        for line in (self.person, self.phone, self.room):
            line.returnPressed.connect(self.save)

    def room_confirmed(self) -> bool:
        """Whether the room typed is the one the receptionist said to keep unregistered."""
        return self.form_pane.confirmed_room == self.room.text().strip()

    def fill_from(self, match: Match) -> None:
        self.fill_party(match.name, match.phone, match.room, match.resident_id)

    def fill_party(self, name: str, phone: str, room: str, resident_id: int | None) -> None:
        """Who and where: from the resident chosen, or as stored (修改)."""
        self.person.setText(name)
        self.phone.setText(phone)
        self.room.setText(room)
        self.resident_id = resident_id

    def clear_party(self) -> None:
        for widget in (self.lookup, self.person, self.phone, self.room):
            widget.clear()
        self.resident_id = None

    def party_has_input(self) -> bool:
        return any((self.person.text(), self.phone.text(), self.room.text()))

    def write_job(self, fn: Callable[..., Any], *args: Any) -> Op:
        """The operation ``fn(ctx, *args)``, for ``ops.write``: it runs in one write
        transaction stamped with the person and shift on duty when it is submitted."""
        return lambda ctx: fn(ctx, *args)

    def void_job(self, fn: Callable[..., Any], record_id: int) -> Op | None:
        reason = ask_reason(self)
        return None if reason is None else self.write_job(fn, record_id, reason)

    def save(self) -> None:
        self.form_pane.save()

    @property
    def saving(self) -> bool:
        return self.form_pane.saving

    @property
    def drafts(self) -> FormDrafts | None:
        return self.form_pane.drafts

    def keep_drafts(self, path: Path) -> bool:
        """Keep what is typed in ``path`` until it is saved; put back a draft kept there by
        an earlier run. True when one was put back."""
        return self.form_pane.keep_drafts(path)

    def ask_clear(self) -> None:
        self.form_pane.ask_clear()

    def new_record(self) -> None:
        self.form_pane.new_record()

    def first_field(self) -> QWidget:
        return self.form_pane.first_field()

    # --- list (the list pane) ----------------------------------------------------------

    def filter_values(self) -> Values:
        return self.list_pane.filter_values()

    def reload(self) -> None:
        self.list_pane.reload()

    def show_scope(self, scope: str) -> None:
        """Show the list filtered to ``scope`` (今天/未完成/已超时/全部), no date or search limit:
        where a status-bar count jumps to."""
        self.list_pane.show_scope(scope)

    def show_found(self, serial: str, record_id: int) -> None:
        """A record found by its serial (扫码查单): the list narrowed to it, its detail shown."""
        self.show_filtered("全部", text=serial)
        self.show_record(record_id)

    def show_filtered(
        self, scope: str, start: date | None = None, end: date | None = None, text: str = ""
    ) -> None:
        """Set every filter at once and load the list once (not once per filter)."""
        self.list_pane.show_filtered(scope, start, end, text)

    def on_changed(self, changes: Changes) -> None:
        """A write committed (on this tab or any other screen): reload the list when it
        shows what changed. Subclasses extend it for what else they show."""
        if not changes.concerns(self.kind, *self.shows):
            return
        self.reload()
        # the detail follows what an action did, even when the record has left the
        # filtered list (未完成 after 完成); a change without ids may be anything
        shown = self.detail.detail
        ids = changes.ids_of(self.kind)
        if shown is not None and (shown.record_id in ids or not ids):
            self.show_record(shown.record_id)

    def _shown_id(self) -> int | None:
        """What a reload selects again: the record the detail shows."""
        shown = self.detail.detail
        return shown.record_id if shown is not None else None

    def _show_saved(self, record: Any) -> None:
        """After a save the detail shows the new record (nothing until it has come, so an
        Alt+letter never acts on the record shown before) and the list selects it."""
        self.detail_pane.clear()
        self.show_record(record.id)

    def _open_row(self, row: Any) -> None:
        """Enter on a list row: its record, with the focus on its main action (Enter again
        carries it out) or, when it has none left, on the detail."""
        record_id = self.row_id(row)
        shown = self.detail.detail
        if shown is not None and shown.record_id == record_id:
            self._focus_main_action()
        else:
            self._focus_action_of = record_id
            self.show_record(record_id)

    def _detail_shown(self, detail: Any) -> None:
        if detail is not None and detail.record_id == self._focus_action_of:
            self._focus_action_of = None
            self._focus_main_action()

    def _focus_main_action(self) -> None:
        target = self.detail.first_action() or self.detail.document_button("print")
        if target is not None:
            target.setFocus()
        else:
            self.status.emit(self.tr("这条记录已没有可做的操作"))

    def print_shown(self) -> None:
        """Ctrl+P: the paper form of the record shown, in the print preview."""
        shown = self.detail.detail
        if self.forms_kind is None:
            self.status.emit(self.tr("{0}没有纸质表单可打印").format(self.tr(self.title)))
        elif shown is None:
            self.status.emit(self.tr("先在列表里选中要打印的记录"))
        else:
            self.document_action("print", shown.record_id)

    def _row_changed(self, row: Any | None) -> None:
        if row is not None:
            self.show_record(self.row_id(row))

    def _list_failed(self, text: str) -> None:
        msgbox.error(self, self.tr("读取列表失败"), text)

    def _export_name(self) -> str:
        return f"{list_export.TITLES[self.kind]}-{local_now():%Y%m%d}.xlsx"

    def export_job(
        self, values: Values, order: Order | None, target: Path
    ) -> Callable[[Ctx, Progress], int]:
        """导出Excel…: the list as filtered and sorted now, written on the long lane."""
        kind, flt = self.kind, lists.ListFilter(**values)
        key, descending = order or ("created_at", True)

        def job(ctx: Ctx, progress: Progress) -> int:
            return list_export.export_list(
                ctx.session,
                kind,
                target,
                flt=flt,
                sort=key,
                descending=descending,
                now=ctx.now,
                progress=progress,
            )

        return job

    @property
    def list_export(self) -> printing.ExportProgress | None:
        """The list export under way or done last (its progress dialog)."""
        return self.list_pane.export_progress

    # --- detail and actions (the detail pane) ------------------------------------------

    def add_beside_detail(self, panel: QWidget, stretch: int = 1) -> None:
        """A panel to the right of the detail (the complaint's attachments)."""
        self.detail_pane.add_beside(panel, stretch)

    def show_record(self, record_id: int) -> None:
        """Load ``record_id`` into the detail (fields, allowed actions, history)."""
        self.detail_pane.load(self.kind, record_id, self.actions)

    def _form_job(self) -> Op | None:
        """保存: a new record, or — while 修改 — the correction, once its reason is given."""
        editing = self.form_pane.editing
        if editing is None:
            return self.save_job()
        draft = self.draft()
        reason = ask_text(self, self.tr("修改 {0}").format(editing[1]), "修改原因", max_len=200)
        if reason is None:
            return None
        return self.write_job(corrections.correct, self.kind, editing[0], draft, reason)

    def start_correction(self, record_id: int) -> None:
        """修改: the saved record's facts into the form, to be corrected and saved back."""
        shown = self.detail.detail
        serial = shown.serial if shown is not None and shown.record_id == record_id else ""
        if self.has_input() and not msgbox.confirm(
            self,
            self.tr(self.title),
            self.tr("表单里有未保存的内容，换成要修改的 {0} 吗？").format(serial),
        ):
            return
        kind = self.kind

        def fill(draft: Any) -> None:
            self.clear_form()
            self.errors.clear()
            self.fill_draft(draft)
            self.form_pane.start_editing(record_id, serial)
            self.first_field().setFocus()

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("不能修改"), str(exc))

        self.ops.read(lambda ctx: corrections.draft_of(ctx, kind, record_id), fill, failed)

    def run_action(self, action: str, record_id: int) -> None:
        if action == "修改":
            self.start_correction(record_id)
            return
        if action in TURN_INTO:
            self.start_turn_into(TURN_INTO[action], record_id)
            return
        job = (
            self.callback_job(record_id) if action == "回访" else self.action_job(action, record_id)
        )
        if job is None:
            return

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("操作未完成"), str(exc))

        # the list and the detail follow on ops.changed once it has committed
        self.ops.write(job, None, failed)

    def callback_job(self, record_id: int) -> Op | None:
        """回访 of a completed repair or an answered complaint (its pending callback)."""
        serial = self.detail.detail.serial if self.detail.detail is not None else ""
        result = callback_dialog.ask_callback(self, serial)
        if result is None:
            return None
        return self.write_job(callbacks.record_for, self.kind, record_id, result)

    def start_turn_into(self, target: str, record_id: int) -> None:
        """Read what the record hands over, then ask the window to open ``target``'s form."""
        source = self.kind

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("操作未完成"), str(exc))

        self.ops.read(
            lambda ctx: carry.carry_over(ctx, source, record_id),
            lambda found: self.turn_into.emit(target, found),
            failed,
        )

    def document_action(self, name: str, record_id: int) -> None:
        """打印… / 导出PDF… / 导出Excel… of the record the detail shows."""
        self.detail_pane.document_action(name, record_id)

    def preview_forms(
        self, build: Callable[[Ctx], Sequence[Form]], title: str = "", empty: str = ""
    ) -> None:
        """Build forms on the second lane and open them in the print preview (a batch:
        ``title``; ``empty`` is said when ``build`` finds nothing)."""
        self.detail_pane.preview_forms(build, title, empty)

    @property
    def preview(self) -> printing.PrintPreviewDialog | None:
        return self.detail_pane.preview

    @property
    def preview_pending(self) -> bool:
        return self.detail_pane.preview_pending
