"""A signature written on the screen, kept as vector strokes: what the pad recorded, what the
form prints (scaled into its signature box) and what a PNG is drawn from.

A stroke is the points of one pen-down to pen-up, each ``(x, y, pressure)``: x and y in
the pad's own units (its pixels when signed), the origin top left, y growing down;
pressure 0–1 (a mouse or a finger gives 0.5). ``width`` × ``height`` is the pad's size,
so the signature keeps its proportions wherever it is drawn. Stored as JSON
(``to_json``/``from_json``) beside its PNG (``desk.models.SignedCopy``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from desk.models.errors import ValidationError

Point = tuple[float, float, float]

MAX_POINTS = 20_000  # a long name written slowly is ~2,000; more is a stuck pen
MIN_EXTENT = 0.04  # of the pad's larger side: a dot or a slip of the hand is no signature
LABEL = "签名"


@dataclass(frozen=True)
class Strokes:
    width: float
    height: float
    lines: tuple[tuple[Point, ...], ...]

    @property
    def points(self) -> int:
        return sum(len(line) for line in self.lines)

    def bounds(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of every point; the pad's box when there is none."""
        xs = [p[0] for line in self.lines for p in line]
        ys = [p[1] for line in self.lines for p in line]
        if not xs:
            return 0.0, 0.0, self.width, self.height
        return min(xs), min(ys), max(xs), max(ys)

    def check(self) -> Strokes:
        """Itself when it is a signature worth keeping; ValidationError saying why not."""
        if not (self.width > 0 and self.height > 0):
            raise ValidationError("signature", LABEL, "签名板的大小不对，请重新签名")
        if not self.lines or self.points < 2:
            raise ValidationError("signature", LABEL, "还没有签名，请在框内签上姓名")
        if self.points > MAX_POINTS:
            raise ValidationError("signature", LABEL, "签名笔画太多，请清除后重新签名")
        for line in self.lines:
            for x, y, pressure in line:
                if not all(math.isfinite(v) for v in (x, y, pressure)):
                    raise ValidationError("signature", LABEL, "签名数据有误，请清除后重新签名")
        left, top, right, bottom = self.bounds()
        if max(right - left, bottom - top) < MIN_EXTENT * max(self.width, self.height):
            raise ValidationError("signature", LABEL, "签名太小，请在框内签上完整的姓名")
        return self

    def to_json(self) -> str:
        """Compact JSON: points rounded to a tenth of a unit, pressure to a hundredth."""
        return json.dumps(
            {
                "width": round(self.width, 1),
                "height": round(self.height, 1),
                "lines": [
                    [[round(x, 1), round(y, 1), round(p, 2)] for x, y, p in line]
                    for line in self.lines
                ],
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Strokes:
        data = json.loads(text)
        return cls(
            float(data["width"]),
            float(data["height"]),
            tuple(
                tuple((float(x), float(y), float(p)) for x, y, p in line) for line in data["lines"]
            ),
        )
