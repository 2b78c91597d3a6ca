"""Files the program writes to the system's temporary folder for another program to open
(the print preview's PDF, a complaint's attachment opened in the system viewer), and the
sweep that removes them a day later, so residents' photos and forms do not pile up there.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from pathlib import Path

STALE_SECONDS = 24 * 3600  # long enough for any viewer still showing the file


def temp_folder(name: str) -> Path:
    """``<temp>/<name>``, made when missing."""
    folder = Path(tempfile.gettempdir()) / name
    folder.mkdir(exist_ok=True)
    return folder


def sweep(folder: Path, max_age: float = STALE_SECONDS) -> int:
    """Delete the files under ``folder`` untouched for ``max_age`` seconds, then the
    folders left empty; returns how many files went. A file still open in another program
    (Windows refuses) or already gone is skipped: the next sweep tries again."""
    cutoff = time.time() - max_age
    removed = 0
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif path.lstat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed
