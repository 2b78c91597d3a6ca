"""Where every transaction of the services is opened: ``writing`` and ``reading``.

Only the services (and the desk's handle, through which the UI's operations run) open
transactions; an import-linter contract keeps this module out of ``desk.ui``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.engine import Engine

from desk.models.db import read_session, write_session
from desk.services.core.changes import track
from desk.services.core.context import Ctx, local_now


@contextmanager
def writing(
    engine: Engine,
    staff_id: int | None = None,
    shift_id: int | None = None,
    now: datetime | None = None,
) -> Iterator[Ctx]:
    """One durable write transaction; committed when the block ends without error."""
    with write_session(engine) as session:
        ctx = Ctx(session, staff_id, shift_id, (now or local_now()).replace(microsecond=0))
        track(session, ctx.changes)
        yield ctx


@contextmanager
def reading(engine: Engine, now: datetime | None = None) -> Iterator[Ctx]:
    with read_session(engine) as session:
        yield Ctx(session, None, None, now or local_now())
