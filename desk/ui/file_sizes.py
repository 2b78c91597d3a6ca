"""A file's size in the words a list shows it: 512 B, 53 KB, 2.4 MB."""

from __future__ import annotations


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
