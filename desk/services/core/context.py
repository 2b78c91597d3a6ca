"""The context every use case runs in: one session, one person, one moment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from desk.services.core.changes import ChangeSet


def local_now() -> datetime:
    """Office wall-clock time, to the second (see docs/architecture.md: naive local times)."""
    return datetime.now().replace(microsecond=0)


@dataclass
class Ctx:
    """``now`` is fixed when the transaction starts, so one save has one timestamp;
    ``changes`` collects what a write transaction changed (services.changes)."""

    session: Session
    staff_id: int | None = None
    shift_id: int | None = None
    now: datetime = field(default_factory=local_now)
    changes: ChangeSet = field(default_factory=ChangeSet)
