"""A tab's list, filtered and sorted as the tab shows it, as a print-ready ``.xlsx``.

``export_list(engine, "workorder", path, flt=…, sort=…, descending=…)`` writes every row
the list has — no cap below Excel's own sheet size — and returns how many it wrote. It
runs on the UI's DB worker like any read: one read snapshot, so the rows, the count in
the subtitle and the overdue flags all belong to one moment. Names and rooms are personal
data: the caller records each export afterwards, in a write transaction of its own —
``audit.exported(ctx, TITLES[kind], count, path)`` (the window: ``printing.record_export``).
No list exports full phone numbers (the 回访 queue, which shows them, has no export), so
none needs the role table's ``export_personal``.

The columns are the tab's columns with full values: times as real dates (``2026-11-29
15:29`` instead of ``11-29 15:29``), quantities as numbers, phones masked as the list
masks them, the content cut as the list cuts it. The live countdowns (剩余) are worked
out for the moment of the export, which the subtitle names; a complaint's deadline
column is split into 期限 and 业主期限 so both are dates.

Rows are fetched in pages through ``lists.list_rows`` while the file is written, so a
large list never sits in memory. Sorted by time (the default), each page starts from the
day of the last row written instead of an ever larger offset: a search re-checks every
row it skips, and deep offsets made a 100,000-row search export quadratic. Sorted by
another column, pages go by offset (``list_rows`` has no other way in): fine for the
usual lists, slow only for a search matching most of five years (~30 s more reading
for 100,000 rows).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from desk.models import kinds
from desk.models.errors import DeskError
from desk.reports.list_xlsx import MAX_ROWS, SheetColumn, write_list
from desk.services.core import settings
from desk.services.core.context import local_now
from desk.services.core.transactions import reading
from desk.services.views import countdown, lists
from desk.services.views.lists import (
    ListFilter,
    Scope,
)

__all__ = [
    "TITLES",
    "ListExport",
    "columns",
    "complaint_countdown",
    "export_list",
    "prepare",
    "workorder_countdown",
]

TITLES = {key: k.list_title for key, k in kinds.KINDS.items() if k.columns}
PAGE = lists.MAX_PAGE


# --- what each list exports: the kind's list columns (desk.models.kinds) -----------------


@dataclass(frozen=True)
class _Field:
    title: str  # the tab's header
    kind: str = "text"  # a list_xlsx column kind
    sort: str | None = None  # the lists sort key the tab sorts this column by
    key: str = ""  # the list row's attribute


def _text(value: object) -> str:
    return "" if value is None else str(value)  # StrEnum members as their plain text


# values a list computes rather than stores (剩余), worked out for the export's moment
_COMPUTED: dict[tuple[str, str], Callable[[Any, datetime], Any]] = {
    ("workorder", "countdown"): countdown.workorder_text,
    ("complaint", "countdown"): countdown.complaint_text,
}


def _stored(row: Any, key: str) -> Any:
    value = getattr(row, key)
    if value is None or (
        isinstance(value, datetime | int | Decimal) and not isinstance(value, bool)
    ):
        return value
    return _text(value)


def _kind(kind: str) -> tuple[list[_Field], Callable[[Any, datetime], tuple[Any, ...]]]:
    found = kinds.KINDS.get(kind)
    if found is None or not found.columns:
        raise ValueError(f"no list for {kind!r}; kinds: {', '.join(TITLES)}")
    fields = [_Field(found.column_label(c), c.format, c.sort, c.key) for c in found.columns]
    values = [
        _COMPUTED.get((kind, f.key)) or (lambda r, _now, key=f.key: _stored(r, key)) for f in fields
    ]
    return fields, lambda r, now: tuple(value(r, now) for value in values)


def columns(kind: str) -> list[SheetColumn]:
    """The exported columns of ``kind``'s list, in the tab's order."""
    return [SheetColumn(f.title, f.kind) for f in _kind(kind)[0]]


# --- the countdowns (剩余), as the tabs show them ------------------------------------------


# the countdowns as the tabs show them, at the export moment
workorder_countdown = countdown.workorder_text
complaint_countdown = countdown.complaint_text


# --- gathering the rows ----------------------------------------------------------------


@dataclass
class ListExport:
    """Everything the writer needs; ``rows`` pages through the database as it is read,
    so it must be consumed while the session is open."""

    title: str
    subtitle: str
    footer: str
    columns: list[SheetColumn]
    total: int
    rows: Iterator[tuple[Any, ...]]


def prepare(
    session: Session,
    kind: str,
    *,
    flt: ListFilter,
    now: datetime,
    sort: str | None = None,
    descending: bool = True,
    progress: Callable[[int, int], None] | None = None,
    page: int = PAGE,
) -> ListExport:
    """The list ``kind`` as the tab shows it with ``flt`` and the order (``sort``,
    ``descending``), as plain columns and typed rows.

    ``progress(done, total)`` is called after each page. Raises DeskError when the list
    is longer than an Excel sheet can hold (over a million rows).
    """
    fields, values = _kind(kind)
    key = sort or "created_at"
    if key not in lists.sortable(kind):
        raise ValueError(f"cannot sort the {kind} list by {sort!r}")
    now = now.replace(microsecond=0)
    total = lists.count_rows(session, kind, flt=flt, now=now)
    if total > MAX_ROWS:
        raise DeskError(
            f"这个列表有 {total} 条，超过了 Excel 一张表能放下的 {MAX_ROWS} 条。"
            "请用日期范围分几次导出。"
        )
    office = settings.get(session, "office.name") or ""
    when = f"{now:%Y-%m-%d %H:%M}"
    subtitle = "　".join(
        [
            *_filter_words(flt),
            *_sort_words(fields, key, descending),
            f"共 {total} 条",
            f"{office} 导出于 {when}" if office else f"导出于 {when}",
        ]
    )
    records = _walk(session, kind, flt, now, key, descending, page, total, progress)
    return ListExport(
        title=TITLES[kind],
        subtitle=subtitle,
        footer=f"导出于 {when}",
        columns=[SheetColumn(f.title, f.kind) for f in fields],
        total=total,
        rows=(values(r, now) for r in records),
    )


def _filter_words(flt: ListFilter) -> list[str]:
    words = [f"范围：{Scope(flt.scope).value}"]
    start, end = flt.date_from, flt.date_to
    if start and end:
        words.append(f"日期：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")
    elif start:
        words.append(f"日期：{start:%Y-%m-%d} 起")
    elif end:
        words.append(f"日期：截至 {end:%Y-%m-%d}")
    else:
        words.append("日期：不限")
    if flt.text.strip():
        words.append(f"查找：“{flt.text.strip()}”")
    return words


def _sort_words(fields: Sequence[_Field], key: str, descending: bool) -> list[str]:
    if key == "created_at" and descending:
        return []  # the lists' own order: newest first
    title = next((f.title for f in fields if f.sort == key), key)
    return [f"排序：{title}{'降序' if descending else '升序'}"]


def _walk(
    session: Session,
    kind: str,
    flt: ListFilter,
    now: datetime,
    key: str,
    descending: bool,
    page: int,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> Iterator[Any]:
    """Every row of the list in order, a page at a time.

    Sorted by time, the next page is asked for from the day of the last row on — the
    rows seen of that day skipped by offset: the order (time, then id) is total, so the
    rows of that day and before come in the same order as in the whole list.
    """
    window, offset, done = flt, 0, 0
    day: date | None = None
    on_day = 0  # rows seen of `day`, the day of the last row
    while True:
        rows = lists.list_rows(
            session, kind, flt=window, now=now, offset=offset, limit=page,
            sort=key, descending=descending,
        )  # fmt: skip
        for row in rows:
            row_day = row.created_at.date()
            if row_day == day:
                on_day += 1
            else:
                day, on_day = row_day, 1
            yield row
        done += len(rows)
        if progress is not None:
            progress(done, total)
        if len(rows) < page:
            return
        if key == "created_at" and day is not None:
            bound = "date_to" if descending else "date_from"
            window = dataclasses.replace(flt, **{bound: day})
            offset = on_day
        else:
            offset += page


# --- the one call for the UI -----------------------------------------------------------


def export_list(
    db: Engine | Session,
    kind: str,
    path: Path | str,
    *,
    flt: ListFilter | None = None,
    sort: str | None = None,
    descending: bool = True,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write ``kind``'s list, filtered by ``flt`` and in the order ``sort``/``descending``
    (as ``lists.list_rows`` takes them), to the ``.xlsx`` file ``path``; returns the number
    of rows written.

    ``db`` is the engine (a read snapshot is opened for the export) or an open session.
    ``now`` is the moment overdue flags and countdowns are worked out for (default: now).
    Raises DeskError with a message for the user when the file cannot be written.
    """
    flt = flt or ListFilter()
    if isinstance(db, Session):
        return _export(db, kind, Path(path), flt, sort, descending, now or local_now(), progress)
    with reading(db, now) as ctx:
        return _export(ctx.session, kind, Path(path), flt, sort, descending, ctx.now, progress)


def _export(
    session: Session,
    kind: str,
    path: Path,
    flt: ListFilter,
    sort: str | None,
    descending: bool,
    now: datetime,
    progress: Callable[[int, int], None] | None,
) -> int:
    export = prepare(
        session, kind, flt=flt, now=now, sort=sort, descending=descending, progress=progress
    )
    try:
        return write_list(
            path,
            title=export.title,
            subtitle=export.subtitle,
            columns=export.columns,
            rows=export.rows,
            footer=export.footer,
        )
    except PermissionError as exc:
        raise DeskError(
            f"无法写入“{path.name}”：文件可能正在 Excel 或 WPS 里打开，"
            "或者这个文件夹不允许写入。请关闭文件或换一个位置再导出。"
        ) from exc
    except OSError as exc:
        raise DeskError(
            f"无法写入“{path.name}”：{exc.strerror or exc}。请换一个位置再导出。"
        ) from exc
