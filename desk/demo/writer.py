"""The demo's rows: their columns and stored form, read from the tables, and the bulk write.

The columns of every table come from the models (the record kinds' tables through the
registry, ``desk.models.kinds`` → ``desk.models.MODELS``), so a column added to a model is
written here without a second list. A row is a dict of plain Python values — datetimes,
dates, ``Decimal`` money, enum members — and is turned into what SQLAlchemy stores by the
column's type: ``YYYY-MM-DD HH:MM:SS.ffffff`` text, ``YYYY-MM-DD``, integer fen (``Fixed2``'s
own conversion), an enum's value, a boolean's 0/1.
A row must name every column (``World.draft`` starts a record from the table's defaults);
one that lacks a column is an error naming it, never a silent NULL.

Rows wait in memory and go to the database with ``executemany`` on the raw sqlite3
connection, parents before children (the tables' foreign-key order).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from desk.models import MODELS, kinds
from desk.models.base import Fixed2
from desk.models.enums import AuditAction

# the record kinds' tables come from the registry; the rest are the office around them
RECORD_TABLES: tuple[str, ...] = tuple(kinds.KINDS)
OFFICE_TABLES = (
    "staff", "unit", "resident", "loanitem", "shift", "workordermaterial", "callback",
    "handover", "auditevent", "serialcounter", "signedcopy", "signedwait",
)  # fmt: skip
_REQUIRED = object()  # a column the generator must fill: no default, not nullable


def _table(name: str) -> sa.Table:
    model = MODELS.get(name)
    return model.__table__ if model is not None else SQLModel.metadata.tables[name]  # type: ignore[attr-defined]


def _default(column: sa.Column[Any]) -> Any:
    if column.default is not None and column.default.is_scalar:
        return column.default.arg  # type: ignore[attr-defined]
    if column.nullable or column.primary_key:
        return None
    return _REQUIRED


def _ts(value: datetime) -> str:
    """SQLAlchemy's SQLite DateTime text; every time here is whole seconds."""
    return value.isoformat(" ") + ".000000"


def _converter(column: sa.Column[Any]) -> Callable[[Any], Any] | None:
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return _ts
    if isinstance(kind, sa.Date):
        return lambda d: d.isoformat()
    if isinstance(kind, Fixed2):
        return lambda v: kind.process_bind_param(v, None)
    # sqlite3 stores an enum member (a str) and a bool (an int) as they are, but binds
    # subclasses through its slow adapter path: plain values bind three times faster
    if isinstance(kind, sa.Enum):
        return str
    if isinstance(kind, sa.Boolean):
        return int
    return None


# Parents before children, so foreign keys hold at every insert.
INSERT_ORDER: tuple[str, ...] = tuple(
    t.name
    for t in SQLModel.metadata.sorted_tables
    if t.name in RECORD_TABLES or t.name in OFFICE_TABLES
)
COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c.name for c in _table(name).columns) for name in INSERT_ORDER
}
# each table's column defaults, to start a row from (required columns left out)
DEFAULTS: dict[str, dict[str, Any]] = {
    name: {c.name: d for c in _table(name).columns if (d := _default(c)) is not _REQUIRED}
    for name in INSERT_ORDER
}


def _stored_row(table: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """``row dict → stored tuple`` of one table in ``COLUMNS`` order, compiled once from its
    columns (as ``dataclasses`` compiles ``__init__``): a plain column is read as it is,
    the others through their conversion. A loop over the columns per row costs twice as
    much, and the demo writes 700,000 rows. A missing column raises KeyError naming it."""
    env: dict[str, Any] = {}
    values = []
    for i, column in enumerate(_table(table).columns):
        key = repr(column.name)
        conv = _converter(column)
        if conv is None:
            values.append(f"r[{key}]")
        else:
            env[f"conv{i}"] = conv
            values.append(f"(None if (v := r[{key}]) is None else conv{i}(v))")
    exec(f"def stored(r):\n    return ({', '.join(values)},)", env)
    return env["stored"]


_ROW = {table: _stored_row(table) for table in INSERT_ORDER}

FLUSH_ROWS = 100_000


class Writer:
    """New ids, rows in their stored form, and how many of each were written."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in INSERT_ORDER}
        self.counts: dict[str, int] = dict.fromkeys(INSERT_ORDER, 0)
        self.next_id: dict[str, int] = dict.fromkeys(INSERT_ORDER, 1)

    def new_id(self, table: str) -> int:
        n = self.next_id[table]
        self.next_id[table] = n + 1
        return n

    def emit(self, table: str, row: dict[str, Any]) -> None:
        try:
            self.rows[table].append(_ROW[table](row))
        except KeyError as missing:
            raise RuntimeError(
                f"demo generator out of date: no value for column {missing} of table {table}"
            ) from None

    def audit(
        self,
        entity: str,
        entity_id: int,
        at: datetime,
        staff_id: int | None,
        new: str,
        *,
        action: AuditAction = AuditAction.CREATE,
        field: str = "",
        old: str | None = None,
        reason: str = "",
    ) -> None:
        """One ``auditevent`` row, as ``services.audit`` writes it (CREATE: the summary)."""
        self.emit(
            "auditevent",
            {
                "id": self.new_id("auditevent"),
                "at": at,
                "staff_id": staff_id,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "field": field,
                "old": old,
                "new": new,
                "reason": reason,
            },
        )

    def flush(self, cur: Any, *, unless_below: int = 0) -> None:
        """Insert the waiting rows (only once ``unless_below`` of them have gathered)."""
        if sum(map(len, self.rows.values())) < unless_below:
            return
        for table in INSERT_ORDER:
            rows = self.rows[table]
            if rows:
                cur.executemany(_insert_sql(table), rows)
                self.counts[table] += len(rows)
                rows.clear()


def _insert_sql(table: str) -> str:
    cols = COLUMNS[table]
    return f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'


def check_schema(cur: Any) -> None:
    """Fail clearly if the database lacks columns of the models this generator writes."""
    for table, cols in COLUMNS.items():
        have = {row[1] for row in cur.execute(f'PRAGMA table_info("{table}")').fetchall()}
        missing = set(cols) - have
        if missing:
            raise RuntimeError(
                f"the database's table {table} lacks the models' columns {sorted(missing)}"
            )


def check_empty(cur: Any) -> None:
    for table in (*RECORD_TABLES, "staff", "unit", "resident", "shift", "handover",
                  "serialcounter"):  # fmt: skip
        if cur.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
            raise ValueError(f"演示数据只能写进新的空数据库（{table} 表里已经有数据）")
