"""Logging to a rotating file beside the database, with named loggers (desk.db, desk.ui …)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(log_path: Path, level: int = logging.INFO) -> None:
    """Send the ``desk`` loggers to ``log_path`` (1 MB × 5 files). Safe to call twice."""
    root = logging.getLogger("desk")
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_desk_file", False):
            root.removeHandler(handler)
            handler.close()
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        return  # a read-only folder must not stop the desk; errors still reach the screen
    handler._desk_file = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
