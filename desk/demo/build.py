"""``generate``: the demo office written into a new, empty database in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from desk.demo import loan
from desk.demo.day import one_day
from desk.demo.world import Calendar, World
from desk.demo.writer import FLUSH_ROWS, check_empty, check_schema
from desk.services.core import settings as settings_service
from desk.services.core import textsearch
from desk.services.core.calendar import WorkCalendar
from desk.services.core.handle import DeskHandle

# Bump when the generated data changes shape, so cached demo databases are rebuilt.
GENERATOR_VERSION = 6  # 6: staff have the demo password

OFFICE_NAME = "阳光花园物业服务中心"


def generate(
    engine: Engine,
    days: int,
    *,
    today: date | None = None,
    seed: int = 20261122,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Fill an empty, freshly opened database with ``days`` days of desk work up to ``today``.

    ``now`` is the moment the data ends (records later than it have not happened yet).
    Defaults: without ``today``, the real clock; with ``today`` alone, 15:30 that day, so
    the result is the same on every run. Returns the number of rows written per table.
    Raises ValueError if ``days`` < 1 or the database already holds desk data.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if now is None:
        if today is None:
            now = datetime.now().replace(microsecond=0)
        else:
            now = datetime.combine(today, time(15, 30))
    now = now.replace(microsecond=0)
    today = today or now.date()
    if now.date() != today:
        raise ValueError("now must fall on today")

    with Session(engine) as session:
        conf = settings_service.all_values(session)
        calendar = Calendar(WorkCalendar.load(session).overrides)

    w = World(days, today, now, seed, conf, calendar)
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        assert dbapi is not None
        cur = dbapi.cursor()
        cur.execute("PRAGMA cache_size = -262144")  # 256 MB for the bulk index inserts
        cur.execute("BEGIN IMMEDIATE")
        try:
            check_schema(cur)
            check_empty(cur)
            cur.execute(
                "UPDATE setting SET value = ? WHERE key = 'office.name'",
                (json.dumps(OFFICE_NAME, ensure_ascii=False),),
            )
            w.make_office()
            loan.make_items(w)
            w.rows.flush(cur)
            for i in range(days):
                day = w.start + timedelta(days=i)
                one_day(w, day)
                w.handovers.write(datetime.combine(day + timedelta(days=1), time()))
                w.rows.flush(cur, unless_below=FLUSH_ROWS)
                if progress is not None:
                    progress(i + 1, days)
            w.handovers.draft_on_duty()
            w.write_serial_counters()
            w.rows.flush(cur)
            textsearch.rebuild(cur)  # the records' text search index, in bulk
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.execute("PRAGMA cache_size = -2000")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.close()
    finally:
        raw.close()
    return dict(w.rows.counts)


def fill_demo(desk: DeskHandle, days: int) -> dict[str, int]:
    """``days`` days of demo data into the desk's new, empty file, for the window (which
    holds the desk's handle, never its engine)."""
    return generate(desk.engine, days)
