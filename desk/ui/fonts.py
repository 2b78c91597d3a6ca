"""Chinese text on screen on a PC without a Chinese system font.

Without one, every label is a row of boxes. The program ships WenQuanYi Micro Hei for the
printed forms (``resources/fonts``); added as an application font, Qt's font fallback
draws the characters the system fonts lack with it. It is added only when no installed
font covers Simplified Chinese: on Windows (Microsoft YaHei) and on Chinese desktops the
system's own font stays, so the window looks native there, and the start pays nothing.
"""

from __future__ import annotations

import logging
import lzma
from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QFontDatabase

from desk import paths

log = logging.getLogger("desk.ui")


def system_has_chinese_font() -> bool:
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def add_bundled_font(folder: Path | None = None) -> list[str]:
    """Register the shipped main font with Qt; its family names (empty if it failed).

    The office package ships the fonts xz-compressed (build.spec), so the unpacked bytes
    are handed to Qt there; from source the file itself.
    """
    from desk.reports.pdf_fonts import FONT_FILES, MAIN, PACKED_SUFFIX  # lazily: reportlab

    filename = FONT_FILES[MAIN][0]
    path = (folder or paths.resource("fonts")) / filename
    packed = path.with_name(filename + PACKED_SUFFIX)
    if path.is_file():
        font_id = QFontDatabase.addApplicationFont(str(path))
    elif packed.is_file():
        with lzma.open(packed) as stream:
            font_id = QFontDatabase.addApplicationFontFromData(QByteArray(stream.read()))
    else:
        font_id = -1
    if font_id < 0:
        log.warning("bundled font %s could not be added (%s)", filename, path.parent)
        return []
    return QFontDatabase.applicationFontFamilies(font_id)


def ensure_chinese_font() -> list[str]:
    """Add the shipped font when no system font draws Chinese; the families added."""
    if system_has_chinese_font():
        return []
    families = add_bundled_font()
    log.info("no Chinese system font: using the bundled %s", families)
    return families
