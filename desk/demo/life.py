"""A record's life, event by event, up to the moment the demo data ends.

A record is a dict of its columns; ``Life.at`` applies one event to it if it happened by
``now`` (and no earlier event was cut off). Events that move a work order or a complaint
name the workflow's action (``派工``, ``完成``, ``升级`` …) and the state comes from the
services' own tables (``desk.models.states``): a move the desk could not make raises, so
every state the demo stores is one the desk can reach.

``events`` keeps what happened when, so the handovers can tell the record's state at any
moment of its life (``open_spans``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from desk.models.states import Flow, next_state

NEVER = datetime.max  # the end of an open span that has not closed by ``now``


class Facts:
    """A record's dict read as attributes, for the services' rules that take a record
    (``workorders.clock``, ``complaints.deadline``)."""

    __slots__ = ("row",)

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row

    def __getattr__(self, name: str) -> Any:
        try:
            return self.row[name]
        except KeyError:
            raise AttributeError(name) from None


class Life:
    __slots__ = ("alive", "events", "flow", "now", "row")

    def __init__(self, row: dict[str, Any], now: datetime, flow: Flow | None = None) -> None:
        self.row = row
        self.now = now
        self.flow = flow
        self.alive = True
        self.events: list[tuple[datetime, dict[str, Any]]] = []

    def at(self, when: datetime, action: str | None = None, **changes: Any) -> bool:
        """Apply ``changes`` (and the state ``action`` leads to) at ``when``; False, and
        nothing more happens to the record, once ``when`` is after ``now``."""
        if not self.alive or when > self.now:
            self.alive = False
            return False
        if action is not None:
            assert self.flow is not None
            changes["state"] = next_state(self.flow, self.row["state"], action)
        self.row.update(changes)
        self.row["updated_at"] = when
        self.events.append((when, changes))
        return True

    def end(self, when: datetime, action: str | None = None, **changes: Any) -> None:
        """The event that ends the record's life (作废 at ``when``, which the caller has
        checked is by ``now``): it happens even though the events after it were cut off."""
        self.alive = True
        self.at(when, action, **changes)
        self.alive = False


def open_spans(
    start: datetime,
    initial: list[Any],
    events: list[tuple[datetime, dict[str, Any]]],
    tracked: dict[str, int],
    open_states: frozenset[Any],
) -> list[tuple[datetime, datetime, tuple[Any, ...]]]:
    """The spans of a record's life in which it was open: (from, until, tracked values).

    ``tracked`` maps the fields followed to their place in ``initial``; the state is first.
    """
    out = []
    cur = list(initial)
    t = start
    for when, changes in events:
        hit = False
        for key, value in changes.items():
            i = tracked.get(key)
            if i is None:
                continue
            if not hit:
                hit = True
                if when > t and cur[0] in open_states:
                    out.append((t, when, tuple(cur)))
            cur[i] = value
        if hit and when > t:
            t = when
    if cur[0] in open_states:
        out.append((t, NEVER, tuple(cur)))
    return out
