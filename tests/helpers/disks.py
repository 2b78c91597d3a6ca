"""Real small and read-only file systems for the tests of full disks and read-only media:
a tmpfs mounted in the test's folder (Linux, as root — as CI and the project's machines
run), unmounted after. Elsewhere those tests error, saying so: they are never skipped.

No mock stands in for the disk: SQLite, the copy and the rename meet the real errors.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _can_mount() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0


@contextmanager
def small_disk(where: Path, size_kb: int) -> Iterator[Path]:
    """A file system of ``size_kb`` KiB at ``where`` (made if missing)."""
    if not _can_mount():  # a stand-in would prove nothing: say what the test needs
        raise RuntimeError(
            "this test mounts a real small file system: run it on Linux as root, as CI does"
        )
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(where)],
        check=True,
    )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def make_read_only(where: Path) -> None:
    """Remount ``where`` (a ``small_disk``) read-only: a CD, a write-protected stick."""
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def fill(where: Path, leave_kb: int) -> None:
    """Fill the file system at ``where`` until about ``leave_kb`` KiB are free."""
    free = os.statvfs(where).f_bavail * os.statvfs(where).f_frsize
    size = max(0, free - leave_kb * 1024)
    (where / "filler.bin").write_bytes(b"\0" * size)
