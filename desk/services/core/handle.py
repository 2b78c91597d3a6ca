"""The handle of the desk the screens hold instead of an engine: the office's file and who
is on duty. Operations (the UI's ``Ops``) open every transaction through it, so no widget
opens one, and each write carries the person and shift on duty when it was asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import Engine

from desk.services.core.changes import Changes
from desk.services.core.context import Ctx
from desk.services.core.transactions import reading, writing

T = TypeVar("T")


@dataclass(frozen=True)
class Duty:
    """Who is on duty and in which shift; what a write is stamped with."""

    staff_id: int | None = None
    shift_id: int | None = None


class DeskHandle:
    """The office file (``path``, None for an in-memory test database) and the duty."""

    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self._engine = engine
        self.path = path
        self.duty = Duty()

    @property
    def engine(self) -> Engine:
        """For the services that need the file itself (exports paging through it); the UI
        never asks (an import-linter contract keeps SQLAlchemy out of desk.ui)."""
        return self._engine

    def close(self) -> None:
        """Close the file's pooled connections (before a restore replaces the file, and
        at the end); an operation after it opens new ones."""
        self._engine.dispose()

    def on_duty(self, staff_id: int | None, shift_id: int | None = None) -> None:
        self.duty = Duty(staff_id, shift_id)

    def write(
        self, op: Callable[[Ctx], T], duty: Duty | None = None, now: datetime | None = None
    ) -> tuple[T, Changes]:
        """``op(ctx)`` in one durable write transaction; its result and what it changed."""
        who = duty or self.duty
        with writing(self._engine, who.staff_id, who.shift_id, now) as ctx:
            result = op(ctx)
        return result, ctx.changes.frozen()

    def read(self, op: Callable[[Ctx], T], now: datetime | None = None) -> T:
        """``op(ctx)`` on one read snapshot."""
        with reading(self._engine, now) as ctx:
            return op(ctx)
