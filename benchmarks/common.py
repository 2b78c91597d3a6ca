"""Shared benchmark helpers: a cached demo database and a small timer.

Benchmarks inform, they are not tests: they print ratios against a baseline measured in
the same run (see benchmarks/README.md), so a slow machine does not fail them.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from desk import demo
from desk.models.migrate import head_revision, sqlite_copy
from desk.services.io.database import open_database

CACHE_DIR = Path(__file__).resolve().with_name(".cache")
# The demo data ends on a fixed day, so every machine benchmarks the same rows.
BENCH_TODAY = date(2026, 11, 22)


def cache_key(days: int) -> str:
    """Days, generator version and schema revision: a change to any rebuilds the file."""
    return f"demo-{days}d-gen{demo.GENERATOR_VERSION}-schema{head_revision()}"


def demo_db(days: int, *, rebuild: bool = False) -> Path:
    """The path of a demo database with ``days`` days of records, built once and cached.

    Treat the file as read-only: copy it (``copy_db``) before writing to it. How long the
    build took is kept beside it (``build_info``).
    """
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"{cache_key(days)}.sqlite3"
    if path.exists() and not rebuild:
        return path
    # two benchmarks started at once must not build the same file together: the second
    # waits for the first, then finds its file
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists() and not rebuild:
            return path
        return _build(path, days)


def _build(path: Path, days: int) -> Path:
    building = path.with_name(f"{path.name}.building-{os.getpid()}")
    for leftover in (building, *_sidecars(building)):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    engine = open_database(building)
    try:
        counts = demo.generate(engine, days, today=BENCH_TODAY)
    finally:
        engine.dispose()  # the last connection checkpoints the WAL into the file
    seconds = time.perf_counter() - started
    for sidecar in _sidecars(building):
        sidecar.unlink(missing_ok=True)
    _info_path(path).write_text(
        json.dumps(
            {"days": days, "seconds": round(seconds, 2), "rows": counts,
             "bytes": building.stat().st_size, "built": time.strftime("%Y-%m-%d %H:%M:%S")},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )  # fmt: skip
    os.replace(building, path)  # last: a reader finds the file and its info complete
    return path


def build_info(path: Path) -> dict[str, Any]:
    """What ``demo_db`` recorded when it built ``path`` ({} if unknown)."""
    info = _info_path(path)
    return json.loads(info.read_text(encoding="utf-8")) if info.exists() else {}


def copy_db(source: Path, target: Path) -> Path:
    """A consistent private copy (SQLite backup API), safe to write to."""
    for leftover in (target, *_sidecars(target)):
        leftover.unlink(missing_ok=True)
    return sqlite_copy(source, target)


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _info_path(path: Path) -> Path:
    return path.with_suffix(".json")


@dataclass(frozen=True)
class Timing:
    runs: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    max_ms: float

    def __str__(self) -> str:
        return f"p50 {self.p50_ms:.3f} ms, p95 {self.p95_ms:.3f} ms ({self.runs} runs)"


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        raise ValueError("no values")
    rank = min(len(sorted_values), max(1, math.ceil(fraction * len(sorted_values))))
    return sorted_values[rank - 1]


def timed(fn: Callable[[int], Any], runs: int, *, warmup: int = 3) -> Timing:
    """Call ``fn(i)`` ``warmup`` times untimed, then ``runs`` times timed; ms statistics.

    ``fn`` gets the run number, so one callable can walk through different inputs.
    """
    return interleaved([fn], runs, warmup=warmup)[0]


def interleaved(fns: list[Callable[[int], Any]], runs: int, *, warmup: int = 3) -> list[Timing]:
    """``timed`` for several callables, alternating them run by run: a busy machine slows
    all of them alike, so their ratio stays meaningful at a tenth of a millisecond."""
    for i in range(warmup):
        for fn in fns:
            fn(i)
    samples: list[list[float]] = [[] for _ in fns]
    clock = time.perf_counter_ns
    for i in range(runs):
        for fn, out in zip(fns, samples, strict=True):
            start = clock()
            fn(i)
            out.append((clock() - start) / 1e6)
    timings = []
    for out in samples:
        out.sort()
        timings.append(
            Timing(
                runs=runs,
                p50_ms=percentile(out, 0.50),
                p95_ms=percentile(out, 0.95),
                mean_ms=statistics.fmean(out),
                max_ms=out[-1],
            )
        )
    return timings


# --- the report ---------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    target: str
    measured: str
    baseline: str
    ratio: str
    ok: bool | None  # None: information only


def ratio(measured: float, baseline: float) -> str:
    return f"{measured / baseline:.1f}×" if baseline > 0 else "—"


def print_table(rows: list[Row]) -> None:
    headers = ("benchmark", "target", "measured", "baseline", "ratio", "result")
    table = [
        (r.name, r.target, r.measured, r.baseline, r.ratio,
         "info" if r.ok is None else "PASS" if r.ok else "FAIL")
        for r in rows
    ]  # fmt: skip
    widths = [max(len(str(line[i])) for line in [headers, *table]) for i in range(len(headers))]
    rule = "  ".join("-" * w for w in widths)
    print(rule)
    for line in [headers, None, *table]:
        if line is None:
            print(rule)
            continue
        print("  ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=True)))
    print(rule)


def announced_demo_db(days: int, *, rebuild: bool = False) -> tuple[Path, float | None]:
    """The cached demo database, saying where it is and how long it took to build.

    Returns the path and the generation time in seconds (None if unknown)."""
    print(f"demo database: {days} days …", flush=True)
    started = time.perf_counter()
    path = demo_db(days, rebuild=rebuild)
    how = "generated now" if time.perf_counter() - started > 5 else "cached; original build"
    info = build_info(path)
    records = sum(v for k, v in info.get("rows", {}).items() if k != "auditevent")
    print(f"  {path} ({path.stat().st_size / 1e6:.0f} MB, {records:,} rows without the audit log)")
    seconds = info.get("seconds")
    if seconds is not None:
        print(f"  generation took {seconds:.1f} s ({how})")
    return path, seconds
