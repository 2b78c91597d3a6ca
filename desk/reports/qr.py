"""The serial number as a QR code, so a signed paper can be scanned back to its record.

reportlab's own encoder makes the matrix (no new dependency); the PDF draws it as
rectangles, the xlsx embeds it as a PNG. Error correction M survives a crease or a
stamp over a corner.
"""

from __future__ import annotations

import io
from functools import lru_cache

QUIET = 4  # modules of white border the QR specification asks for


@lru_cache(maxsize=64)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """Dark (True) or light modules, row by row from the top, without the quiet zone."""
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    n = code.getModuleCount()
    return tuple(tuple(bool(code.isDark(r, c)) for c in range(n)) for r in range(n))


def dark_runs(matrix: tuple[tuple[bool, ...], ...]) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules: far fewer
    rectangles to draw than one per module."""
    found = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                found.append((r, start, c - start))
            else:
                c += 1
    return found


def qr_png(text: str, module_px: int = 6) -> bytes:
    """The QR code with its quiet zone as a black-and-white PNG."""
    from PIL import Image, ImageDraw

    matrix = qr_matrix(text)
    side = (len(matrix) + 2 * QUIET) * module_px
    image = Image.new("1", (side, side), 1)
    draw = ImageDraw.Draw(image)
    for r, c, length in dark_runs(matrix):
        x0, y0 = (c + QUIET) * module_px, (r + QUIET) * module_px
        draw.rectangle([x0, y0, x0 + length * module_px - 1, y0 + module_px - 1], fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
