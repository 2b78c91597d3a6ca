"""What an operation changed: the kinds (table names) and ids, for the screens to follow.

Every write transaction collects its changes in ``Ctx.changes``: the audit log notes each
row it logs (services change nothing without it), and a flush hook notes what the ORM
inserts, updates or deletes (shifts, handovers, settings rows). The UI's worker emits the
collected ``Changes`` once the transaction has committed; each view asks ``concerns``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

# the key under which a write session's ChangeSet sits in Session.info
INFO_KEY = "desk_changes"


@dataclass(frozen=True)
class Changes:
    """Kinds and ids one committed operation changed. ``"setting"`` has no ids."""

    ids: Mapping[str, frozenset[int]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.ids)

    def concerns(self, *kinds: str) -> bool:
        """Whether any of ``kinds`` changed."""
        return any(k in self.ids for k in kinds)

    def ids_of(self, kind: str) -> frozenset[int]:
        return self.ids.get(kind, frozenset())

    def __bool__(self) -> bool:
        return bool(self.ids)


NOTHING = Changes()


class ChangeSet:
    """The changes of the transaction in progress (mutable; ``frozen()`` when committed)."""

    def __init__(self) -> None:
        self._ids: dict[str, set[int]] = {}

    def add(self, kind: str, ids: Iterable[int | None] = ()) -> None:
        bucket = self._ids.setdefault(kind, set())
        bucket.update(i for i in ids if i is not None)

    def frozen(self) -> Changes:
        return Changes(MappingProxyType({k: frozenset(v) for k, v in self._ids.items()}))


def track(session: Session, changes: ChangeSet) -> None:
    """Collect what ``session``'s flushes write into ``changes``."""
    session.info[INFO_KEY] = changes


@event.listens_for(Session, "after_flush")
def _noted(session: Session, _context: Any) -> None:
    changes = session.info.get(INFO_KEY)
    if changes is None:  # a read snapshot, or a session the services did not open
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table:
            changes.add(table, [getattr(obj, "id", None)])
