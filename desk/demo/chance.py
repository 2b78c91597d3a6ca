"""Random draws the demo's records are made of: counts, weighted choices, spans of time."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; fine for the small means used here."""
    if lam <= 0:
        return 0
    if lam > 200:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x < 0:
            return value
    return pairs[-1][0]


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randint(0, max(0, seconds)))


def minutes(rng: random.Random, lo: float, hi: float) -> timedelta:
    return timedelta(seconds=rng.randint(int(lo * 60), int(hi * 60)))


def daytime(rng: random.Random, t: datetime, start: int = 9, end: int = 20) -> datetime:
    """Move ``t`` into office hours (callbacks and follow-ups are made in the day)."""
    if t.hour < start:
        return t.replace(hour=start, minute=rng.randint(0, 59), second=rng.randint(0, 59))
    if t.hour >= end:
        nxt = (t + timedelta(days=1)).replace(hour=start)
        return nxt.replace(minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return t
