"""A screen signature (``desk.models.signature.Strokes``) placed in a box: the geometry the
PDF form draws its strokes with, and the PNG kept beside the strokes and shown in the xlsx.

Both crop the strokes to their ink (the pad's empty margins would shrink the name), scale
them uniformly and centre them, and give the pen the same width for the same pressure
(0.5, a mouse or a finger: the normal width). PIL is loaded only when a PNG is drawn.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from itertools import pairwise

from desk.models.signature import Point, Strokes

NORMAL_PRESSURE = 0.5  # a mouse or a finger: the pen's normal width
PEN_MIN, PEN_MAX = 0.4, 1.8  # the pen's width over the normal one at no and full pressure
PNG_PEN = 0.028  # the normal pen in a PNG, of its height (~5.6 px at 200 px)
PNG_MARGIN = 0.06  # white round the ink in a PNG, of its height, besides half the pen
PNG_MAX_ASPECT = 4.0  # a PNG is at most four times as wide as high
SUPERSAMPLE = 4  # drawn this much larger, then reduced: smooth edges
FLAT = 1e-6  # pad pixels: an extent below this is no extent (a line, a dot)


def pen_scale(pressure: float) -> float:
    """The pen's width at ``pressure`` over its normal width (1 at 0.5)."""
    if not math.isfinite(pressure):
        return 1.0
    return min(PEN_MAX, max(PEN_MIN, pressure / NORMAL_PRESSURE))


def drawn_lines(strokes: Strokes) -> list[tuple[Point, ...]]:
    """The strokes' lines without points that cannot be drawn (not finite): a stored
    signature passed ``check``, but a drawing never fails on one bad point."""
    lines = [
        tuple(p for p in line if math.isfinite(p[0]) and math.isfinite(p[1]))
        for line in strokes.lines
    ]
    return [line for line in lines if line]


def ink_bounds(lines: list[tuple[Point, ...]]) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the points, in the pad's units; (0, 0, 0, 0) when
    there are none."""
    xs = [p[0] for line in lines for p in line]
    ys = [p[1] for line in lines for p in line]
    if not xs:
        return 0.0, 0.0, 0.0, 0.0
    return min(xs), min(ys), max(xs), max(ys)


def _extent(bounds: tuple[float, float, float, float]) -> tuple[float, float]:
    """The ink's width and height; a side thinner than a millionth of a pad pixel is none
    (a scale by its inverse would overflow)."""
    left, top, right, bottom = bounds
    w, h = right - left, bottom - top
    return (w if w > FLAT else 0.0), (h if h > FLAT else 0.0)


def fit(
    bounds: tuple[float, float, float, float], width: float, height: float
) -> tuple[float, float, float]:
    """(scale, dx, dy) that put ``bounds`` (pad units) inside a box ``width`` × ``height``
    with its origin top left, scaled uniformly as large as it fits and centred: the pad's
    (x, y) lands at (dx + x·scale, dy + y·scale). A dot or a straight line is scaled by
    the side it has (a dot: 1)."""
    left, top, _right, _bottom = bounds
    w, h = _extent(bounds)
    scales = [s for s in (width / w if w > 0 else 0.0, height / h if h > 0 else 0.0) if s > 0]
    scale = min(scales) if scales else 1.0
    dx = (width - w * scale) / 2 - left * scale
    dy = (height - h * scale) / 2 - top * scale
    return scale, dx, dy


def segments(
    lines: list[tuple[Point, ...]], scale: float, dx: float, dy: float
) -> Iterator[tuple[float, float, float, float, float]]:
    """Each stroke as (x0, y0, x1, y1, pen scale) pieces, placed by ``fit``; a stroke of
    one point is a piece of no length (a dot). The pen scale of a piece is its two
    points' mean."""
    for line in lines:
        placed = [(dx + x * scale, dy + y * scale, pen_scale(p)) for x, y, p in line]
        if len(placed) == 1:
            x, y, pen = placed[0]
            yield x, y, x, y, pen
        for (x0, y0, p0), (x1, y1, p1) in pairwise(placed):
            yield x0, y0, x1, y1, (p0 + p1) / 2


def png_size(bounds: tuple[float, float, float, float], height_px: int) -> tuple[int, int]:
    """(width, height) of the PNG of ink within ``bounds``: ``height_px`` high, as wide as
    the ink's proportions ask, at most PNG_MAX_ASPECT × as wide as high."""
    w, h = _extent(bounds)
    inset = 2 * _png_inset(height_px)
    inner_h = height_px - inset
    if h > 0:
        width = w * inner_h / h + inset
    elif w > 0:  # a horizontal line: as wide as allowed
        width = PNG_MAX_ASPECT * height_px
    else:  # a dot: square
        width = height_px
    return max(1, min(round(width), round(PNG_MAX_ASPECT * height_px))), height_px


def _png_inset(height_px: int) -> float:
    """White round the ink in a PNG: the margin and half the widest pen (and a pixel for
    the smoothed edge)."""
    return height_px * (PNG_MARGIN + PNG_PEN * PEN_MAX / 2) + 1


def signature_png(strokes: Strokes, *, height_px: int = 200) -> bytes:
    """The strokes as a PNG ``height_px`` high: cropped to the ink with a small margin,
    black on transparent, the pen as wide as the pressure (round ends and joins)."""
    from PIL import Image, ImageDraw

    if height_px < 8:
        raise ValueError(f"height_px too small: {height_px}")
    lines = drawn_lines(strokes)
    bounds = ink_bounds(lines)
    size = png_size(bounds, height_px)
    inset = _png_inset(height_px)
    k = SUPERSAMPLE
    scale, dx, dy = fit(bounds, size[0] - 2 * inset, height_px - 2 * inset)
    mask = Image.new("L", (size[0] * k, size[1] * k), 0)
    draw = ImageDraw.Draw(mask)
    pen = PNG_PEN * height_px * k
    for x0, y0, x1, y1, p in segments(lines, scale * k, (dx + inset) * k, (dy + inset) * k):
        r = pen * p / 2
        if (x0, y0) != (x1, y1):
            draw.line([(x0, y0), (x1, y1)], fill=255, width=max(1, round(2 * r)))
        # round ends and joins: a disc at each end of each piece
        for x, y in ((x0, y0), (x1, y1)):
            draw.ellipse([x - r, y - r, x + r, y + r], fill=255)
    alpha = mask.reduce(k)
    image = Image.new("RGBA", size, (0, 0, 0, 255))
    image.putalpha(alpha)
    out = io.BytesIO()
    image.save(out, format="PNG")  # optimize=True: 1/8 smaller, 4 × as slow
    return out.getvalue()
