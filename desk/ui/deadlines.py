"""A row's colour from its deadline marks and the clock — the lists' only deadline logic.

Rows of repairs, complaints and callbacks carry ``amber_at`` and ``red_at``, worked out by
the services from the office's settings (``desk.services.core.sla.marks``); the screen compares
them with the time when a cell is painted, so a timer repainting is enough for a row to
turn amber, then red, without a reload.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

RED = "#fadbd8"  # past its deadline
AMBER = "#fdebd0"  # near it: less than the office's near fraction of its time left
TICK_MS = 30_000  # how often the lists repaint: countdowns and colours move on without a reload


class Marked(Protocol):
    amber_at: datetime | None
    red_at: datetime | None


def colour(row: Marked, now: datetime) -> str | None:
    """Red once past ``red_at``, amber from ``amber_at``; None when no deadline runs."""
    if row.red_at is None:
        return None
    if now > row.red_at:
        return RED
    if row.amber_at is not None and now >= row.amber_at:
        return AMBER
    return None
