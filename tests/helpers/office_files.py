"""Office files in the states an office meets them, for the tests of opening a file:
records saved, a lock held by another process, SQL run behind the program's back, an
index damaged. Real files, real locks, real SQLite."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desk.services.records import calls
from desk.services.records.calls import CallDraft

_HOLD = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA locking_mode=EXCLUSIVE")
con.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
sys.stdin.readline()
"""


def add_calls(write, n: int) -> None:
    """``n`` calls saved through the program (the ``write`` fixture)."""
    with write() as ctx:
        for i in range(n):
            calls.create_call(ctx, CallDraft("咨询", f"第{i}个电话"))


def count_calls(path: Path) -> int:
    """The calls the file itself holds (``immutable``: whatever lies beside it)."""
    con = sqlite3.connect(f"file:{path.as_posix()}?immutable=1", uri=True)
    try:
        return con.execute("SELECT count(*) FROM call").fetchone()[0]
    finally:
        con.close()


def run_sql(path: Path, *statements: str) -> None:
    """Another tool changing the file behind the program's back, in one transaction."""
    con = sqlite3.connect(path)
    try:
        for statement in statements:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


class Holder:
    """Another program holding the file exclusively (an antivirus, a sync tool)."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HOLD, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "held"

    def let_go(self) -> None:
        if self.process.poll() is None:
            self.process.communicate("\n")


@contextmanager
def held(path: Path) -> Iterator[Holder]:
    holder = Holder(path)
    try:
        yield holder
    finally:
        holder.let_go()


def swap_indexes(path: Path, first: str, second: str) -> None:
    """Swap the b-trees of two indexes of one table: each then holds the other's entries,
    as a torn index write leaves it. The table's rows stay whole; ``quick_check`` cannot
    see it, ``integrity_check`` can, and ``REINDEX`` repairs it."""
    con = sqlite3.connect(path)
    try:
        roots = dict(
            con.execute(
                "SELECT name, rootpage FROM sqlite_master WHERE type = 'index' AND name IN (?, ?)",
                (first, second),
            ).fetchall()
        )
        assert len(roots) == 2, roots
        con.execute("PRAGMA writable_schema = ON")
        con.execute(
            "UPDATE sqlite_master SET rootpage = CASE name WHEN ? THEN ? ELSE ? END"
            " WHERE name IN (?, ?)",
            (first, roots[second], roots[first], first, second),
        )
        con.commit()
    finally:
        con.close()
