"""签回 in the demo: the paper forms of recent repairs and complaints were printed (as the
desk does at dispatch, or when the complaint is taken in), and most came back signed — on
the screen at the desk, as the demo has no scans to show. What fell due in the last days is
still out, so 未签回 in the lists and the handover has something to chase.

Only the last ``RECENT_DAYS`` are printed: older records have no print on their history and
are never 未签回, as in an office that starts using the program. The signatures are a few
scribbles drawn once per demo (a PNG takes tens of milliseconds) and shared.
"""

from __future__ import annotations

import hashlib
import math
import random
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from desk.demo.life import NEVER
from desk.models.enums import AuditAction, SignedWay
from desk.models.signature import Strokes
from desk.reports.signature_image import signature_png
from desk.services.io import paper_forms
from desk.services.records import signed_copies

if TYPE_CHECKING:
    from desk.demo.world import World

RECENT_DAYS = 45  # printed within this many days of the demo's now
BACK_CHANCE = 0.95  # the rest were never brought back: 未签回 for good
PRINTER = "打印机“前台打印机”"
SIGNATURES = 8  # distinct scribbles
FORM_TITLES = {"workorder": paper_forms.WORK_ORDER[0], "complaint": paper_forms.COMPLAINT[0]}


@lru_cache(maxsize=1)
def _signatures() -> tuple[tuple[str, bytes, str], ...]:
    """(strokes JSON, PNG, sha256) of a few scribbles like a signed name."""
    made = []
    for seed in range(SIGNATURES):
        rng = random.Random(seed)
        lines = []
        x = 40.0
        for _ in range(rng.randint(2, 4)):  # a character or two each
            width = rng.uniform(70, 130)
            phase, turns = rng.uniform(0, math.pi), rng.uniform(1.5, 3.5)
            line = []
            for i in range(30):
                t = i / 29
                y = 110 + 45 * math.sin(phase + t * turns * math.pi) * (1 - 0.4 * t)
                line.append((x + width * t, y + rng.uniform(-3, 3), 0.35 + 0.4 * t))
            lines.append(tuple(line))
            x += width + rng.uniform(10, 30)
        strokes = Strokes(max(560.0, x + 40), 200.0, tuple(lines)).check()
        png = signature_png(strokes)
        made.append((strokes.to_json(), png, hashlib.sha256(png).hexdigest()))
    return tuple(made)


def paper(
    w: World, kind: str, rec: dict[str, Any], printed_at: datetime | None, due_at: datetime | None
) -> None:
    """``rec``'s form printed at ``printed_at`` (None: never), due back signed from
    ``due_at`` (None: not yet) — and, most of the time, signed a little later."""
    if printed_at is None or printed_at < w.now - timedelta(days=RECENT_DAYS):
        return
    if rec["voided_at"] is not None or printed_at > w.now:
        return
    form_title = FORM_TITLES[kind]
    w.rows.audit(
        kind,
        rec["id"],
        printed_at,
        w.on_duty(printed_at),
        "1 页",
        action=AuditAction.PRINT,
        field=form_title,
        reason=PRINTER,
    )
    if due_at is None or str(rec["state"]) not in signed_copies.STAGES[kind]:
        return
    rng = random.Random(f"{w.seed}-{kind}-{rec['id']}")
    # the technician brings the signed 派工单 back the same day, mostly
    signed_at = due_at + timedelta(minutes=rng.randint(20, 8 * 60))
    back = signed_at <= w.now and rng.random() <= BACK_CHANCE
    # 未签回 on the duty records from when it fell due, for a week or until it came back
    room = rec["room_text"] or rec.get("location") or ""
    w.handovers.carry(
        "unsigned",
        max(printed_at, due_at),
        min(signed_at if back else NEVER, due_at + timedelta(days=signed_copies.CARRY_DAYS)),
        (kind, rec["id"], rec["serial"], rec["description"], room, rec["state"]),
    )
    if not back:  # still out: waits (signed_copies.recheck would have put it there)
        w.rows.emit("signedwait", {"kind": kind, "record_id": rec["id"]})
        return
    strokes, png, digest = _signatures()[rng.randrange(SIGNATURES)]
    staff_id = w.on_duty(signed_at)
    w.rows.emit(
        "signedcopy",
        {
            "id": w.rows.new_id("signedcopy"),
            "kind": kind,
            "record_id": rec["id"],
            "serial": rec["serial"],
            "way": SignedWay.SCREEN,
            "filename": signed_copies.SCREEN_NAME,
            "mime": "image/png",
            "size": len(png),
            "sha256": digest,
            "data": png,
            "strokes": strokes,
            "signer": (rec.get("person_name") or "")[:40],
            "filed_at": signed_at,
            "staff_id": staff_id,
            "voided_at": None,
            "void_reason": "",
        },
    )
    w.rows.audit(
        kind,
        rec["id"],
        signed_at,
        staff_id,
        f"{SignedWay.SCREEN.value} {signed_copies.SCREEN_NAME}",
        action=AuditAction.UPDATE,
        field=signed_copies.FIELD,
    )
