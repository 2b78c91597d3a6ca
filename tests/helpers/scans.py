"""Scans for the 签回 tests: paper holding the QR codes of serials, as an image file's bytes."""

from __future__ import annotations

import io

from PIL import Image

from desk.reports.qr import qr_png


def scan_of(*serials: str, fmt: str = "PNG") -> bytes:
    """A 'scan': white paper holding the QR code of each serial, side by side (none: a
    page without a code)."""
    codes = [Image.open(io.BytesIO(qr_png(s))) for s in serials]
    width = sum(c.width for c in codes) + 40 * (len(codes) + 1) if codes else 400
    height = max((c.height for c in codes), default=300) + 80
    page = Image.new("RGB", (width, height), "white")
    x = 40
    for code in codes:
        page.paste(code, (x, 40))
        x += code.width + 40
    out = io.BytesIO()
    page.save(out, format=fmt)
    return out.getvalue()
