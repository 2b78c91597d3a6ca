"""The context every use case runs in: one session, one person, one moment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from desk.models.db import read_session, write_session


def local_now() -> datetime:
    """Office wall-clock time, to the second (see docs/architecture.md: naive local times)."""
    return datetime.now().replace(microsecond=0)


@dataclass
class Ctx:
    """``now`` is fixed when the transaction starts, so one save has one timestamp."""

    session: Session
    staff_id: int | None = None
    shift_id: int | None = None
    now: datetime = field(default_factory=local_now)


@contextmanager
def writing(
    engine: Engine,
    staff_id: int | None = None,
    shift_id: int | None = None,
    now: datetime | None = None,
) -> Iterator[Ctx]:
    """One durable write transaction; committed when the block ends without error."""
    with write_session(engine) as session:
        yield Ctx(session, staff_id, shift_id, (now or local_now()).replace(microsecond=0))


@contextmanager
def reading(engine: Engine, now: datetime | None = None) -> Iterator[Ctx]:
    with read_session(engine) as session:
        yield Ctx(session, None, None, now or local_now())
