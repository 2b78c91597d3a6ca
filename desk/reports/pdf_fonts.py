"""The forms' fonts: embedded TrueType subsets, with a per-character fallback.

WenQuanYi Micro Hei draws almost everything; the characters it lacks — CJK Extension A
(e.g. 䶮) and the ideographs outside the BMP (Extension B–F, e.g. 𠮷) that turn up in
residents' names — are drawn with Hanazono fonts instead, so nothing prints as a blank
or a box. Text is split into runs by which font has each glyph (the fonts' own cmaps).
The fallback fonts are opened only when a text needs them: HanaMinB alone is 30 MB.
A character in none of them (most emoji) has the font ``NO_FONT``: the forms print a
box in its place and keep it in the copied text (``pdf_layout.draw_text``).

reportlab writes a ToUnicode entry of a non-BMP character as five or more hex digits,
which viewers cannot read — copying 𠮷 out of the PDF gave ``₻``. ``_to_unicode_cmap``
writes the UTF-16 surrogate pair PDF requires; the tests check pdftotext's output, that
reportlab's own function is still wrong and that a render still calls the replacement
(pyproject caps reportlab's major version for this patch).

reportlab is imported here, so import this module lazily (it costs ~115 ms).
"""

from __future__ import annotations

import io
import lzma
import threading
import unicodedata
from collections.abc import Callable
from typing import BinaryIO

from reportlab.pdfbase import pdfmetrics, ttfonts

from desk.models.errors import DeskError
from desk.paths import resource
from desk.reports.line_breaking import joins

MAIN = "DeskSans"
# name → (file in resources/fonts, face index in a collection); the order is the fallback order
FONT_FILES: dict[str, tuple[str, int]] = {
    MAIN: ("wqy-microhei.ttc", 0),
    "DeskHanExtA": ("DeskHanExtA.ttf", 0),
    "DeskHanB": ("HanaMinB.ttf", 0),
}
FALLBACKS = ("DeskHanExtA", "DeskHanB")
NO_FONT = "(none)"  # the "font" of a character no font has (most emoji): 1 em wide
PACKED_SUFFIX = ".xz"  # how the office package ships them (see _font_file)

_lock = threading.Lock()
_loaded: dict[str, ttfonts.TTFont] = {}
# character → (font name, advance width at 1 pt); filled as characters are met
_glyphs: dict[str, tuple[str, float]] = {}


def _load(name: str) -> ttfonts.TTFont:
    font = _loaded.get(name)
    if font is None:
        with _lock:
            font = _loaded.get(name)
            if font is None:
                _patch_to_unicode()
                filename, face = FONT_FILES[name]
                font = ttfonts.TTFont(name, _font_file(filename), subfontIndex=face)
                pdfmetrics.registerFont(font)
                _loaded[name] = font
    return font


def _font_file(filename: str) -> str | BinaryIO:
    """The font's path, or the unpacked bytes of its xz-compressed copy.

    The office package ships the fonts compressed (build.spec: 39 → 16 MB of its 150);
    reportlab reads a font whole into memory either way, so the bytes cost only the
    unpacking (HanaMinB ~0.7 s, once, and only when a page has a character outside the BMP).
    """
    path = resource("fonts", filename)
    if path.is_file():
        return str(path)
    packed = path.with_name(filename + PACKED_SUFFIX)
    if packed.is_file():
        with lzma.open(packed) as stream:
            return io.BytesIO(stream.read())
    raise DeskError(
        f"找不到打印表单用的字体文件 {filename}（应在 {path.parent}）。请重新安装程序。"
    )


def main_font() -> str:
    """Register the main font (once) and return its name, e.g. for a canvas' initial font."""
    _load(MAIN)
    return MAIN


def glyph(ch: str) -> tuple[str, float]:
    """(font that draws ``ch``, its advance width at 1 pt)."""
    found = _glyphs.get(ch)
    if found is not None:
        return found
    code = ord(ch)
    name = MAIN
    font = _load(MAIN)
    if code not in font.face.charToGlyph:
        for candidate in FALLBACKS:
            other = _load(candidate)
            if code in other.face.charToGlyph:
                name, font = candidate, other
                break
        else:  # in no font (an emoji …): pdf_layout.draw_text draws a box in its place
            name = NO_FONT
    if name == NO_FONT and (joins(ch) or unicodedata.category(ch) == "Cf"):
        found = (name, 0.0)  # a joiner or format character: part of the box before it
    else:
        found = (name, font.stringWidth(ch, 1.0))
    _glyphs[ch] = found
    return found


def width(text: str, size: float) -> float:
    return sum(glyph(ch)[1] for ch in text) * size


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` cut into (font name, piece) runs, each piece drawable with its font
    (a ``NO_FONT`` piece is not: ``pdf_layout.draw_text`` draws boxes for it)."""
    out: list[tuple[str, str]] = []
    start = 0
    current = ""
    for i, ch in enumerate(text):
        name = glyph(ch)[0]
        if name != current:
            if i > start:
                out.append((current, text[start:i]))
            current, start = name, i
    if text:
        out.append((current, text[start:]))
    return out


# --- ToUnicode for characters outside the BMP --------------------------------------------

# reportlab's own ttfonts.makeToUnicodeCMap, once replaced (the tests compare the two)
_upstream: Callable[[str, list[int]], str] | None = None


def _utf16_hex(code: int) -> str:
    if code <= 0xFFFF:
        return f"{code:04X}"
    code -= 0x10000
    return f"{0xD800 + (code >> 10):04X}{0xDC00 + (code & 0x3FF):04X}"


def _fixed(upstream: Callable[[str, list[int]], str]) -> Callable[[str, list[int]], str]:
    def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        text = upstream(fontname, subset)
        wide = {f"<{i:02X}> <{v:04X}>": i for i, v in enumerate(subset) if v > 0xFFFF}
        if not wide:
            return text
        lines = [
            f"<{wide[line]:02X}> <{_utf16_hex(subset[wide[line]])}>" if line in wide else line
            for line in text.split("\n")
        ]
        return "\n".join(lines)

    return _to_unicode_cmap


def _patch_to_unicode() -> None:
    """Replace reportlab's ToUnicode writer with one that encodes non-BMP characters right.

    Its output is unchanged for every BMP character; should reportlab fix this itself,
    the lines looked for no longer occur and the wrapper passes its text through.
    """
    global _upstream
    if _upstream is None:
        _upstream = ttfonts.makeToUnicodeCMap
        ttfonts.makeToUnicodeCMap = _fixed(_upstream)
