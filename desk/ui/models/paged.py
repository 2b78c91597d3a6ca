"""A table model that loads its rows page by page on the DB worker.

Qt asks ``canFetchMore``/``fetchMore`` as the view scrolls; each page is an operation
``fetch(ctx, offset, limit)`` read through ``Ops.read`` (in turn with the saves, so a page
asked for after a save shows it) and appended when it comes back: a list over five years
of records opens as fast as an empty one and the window never waits on SQL. Changing the
query bumps a generation number; pages of an old query are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desk.models.kinds import RecordKind
from desk.services.core.context import Ctx
from desk.ui.ops import Ops

Fetch = Callable[[Ctx, int, int], Sequence[Any]]  # (ctx, offset, limit) -> rows
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ViewColumn:
    header: str
    value: Callable[[Any], object]
    align_right: bool = False
    sort: str | None = None  # the list service's sort key for this column (lists.sortable)


def short_time(value: datetime | None) -> str:
    return f"{value:%m-%d %H:%M}" if value else ""


def _short_day(value: date | None) -> str:
    return f"{value:%m-%d}" if value else ""


_SHORT: dict[str, Callable[[Any], str]] = {"datetime": short_time, "date": _short_day}


def columns_of(
    kind: RecordKind, show: dict[str, Callable[[Any], object]] | None = None
) -> list[ViewColumn]:
    """The list columns of ``kind`` as the registry declares them (desk.models.kinds): its
    order, labels and sort keys, the same as the export's. A column shows the row's
    attribute of its key (times as 12-05 08:30, days as 12-05) unless ``show`` says how."""
    show = show or {}
    made = []
    for c in kind.columns:
        value = show.get(c.key)
        if value is None:
            get, short = attrgetter(c.key), _SHORT.get(c.format)
            value = (lambda r, get=get, short=short: short(get(r))) if short else get
        made.append(
            ViewColumn(kind.column_label(c), value, align_right=c.format == "int", sort=c.sort)
        )
    return made


class PagedTableModel(QAbstractTableModel):
    loaded = Signal()  # a page arrived (tests and status text wait on it)
    failed = Signal(str)

    def __init__(
        self,
        ops: Ops,
        columns: list[ViewColumn],
        fetch: Fetch | None = None,
        *,
        page_size: int = 100,
        row_colour: Callable[[Any], str | None] | None = None,
    ) -> None:
        super().__init__()
        self._ops = ops
        self._columns = columns
        self._fetch = fetch
        self._page_size = page_size
        self._row_colour = row_colour
        self._rows: list[Any] = []
        self._exhausted = fetch is None
        self._loading = False
        self._generation = 0

    # --- the query -------------------------------------------------------------------

    def set_fetch(self, fetch: Fetch) -> None:
        """Show the rows of a new query (filter or search changed): ``fetch(ctx, offset,
        limit)`` runs on the DB worker with a read snapshot; it must not touch widgets."""
        self.beginResetModel()
        self._generation += 1
        self._fetch = fetch
        self._rows = []
        self._exhausted = False
        self._loading = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def refresh(self) -> None:
        if self._fetch is not None:
            self.set_fetch(self._fetch)

    def repaint(self) -> None:
        """Redraw every loaded cell without reloading: a live countdown moves on."""
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self._columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    @property
    def page_size(self) -> int:
        return self._page_size

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def column(self, section: int) -> ViewColumn:
        return self._columns[section]

    @property
    def rows(self) -> list[Any]:
        return list(self._rows)

    # --- lazy loading ----------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._fetch is None:
            return
        self._loading = True
        fetch, offset, limit, generation = (
            self._fetch,
            len(self._rows),
            self._page_size,
            self._generation,
        )
        self._ops.read(
            lambda ctx: list(fetch(ctx, offset, limit)),
            lambda rows: self._append(generation, rows),
            lambda exc: self._fail(generation, exc),
        )

    def _append(self, generation: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return  # an answer to a query that has since been replaced
        self._loading = False
        self._exhausted = len(rows) < self._page_size
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.loaded.emit()

    def _fail(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = True
        self.failed.emit(str(exc))

    # --- QAbstractTableModel ---------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self._row_colour is not None:
            colour = self._row_colour(row)
            return QBrush(QColor(colour)) if colour else None
        return None
