"""借用: items and keys lent at the desk, never more of an item than the office owns at that
moment; most come back in time, some late, a few long overdue, a few voided at once."""

from __future__ import annotations

import heapq
import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desk.demo.chance import minutes
from desk.demo.life import NEVER, Life
from desk.models.enums import LoanKind, LoanState

if TYPE_CHECKING:
    from desk.demo.world import World

# (kind, name, stock, deposit yuan, typical hours out (min, max), weight)
LOAN_ITEMS = [
    (LoanKind.ITEM, "梯子", 4, 50, (1, 6), 10),
    (LoanKind.ITEM, "工具箱", 3, 50, (1, 24), 8),
    (LoanKind.ITEM, "推车", 5, 0, (0.3, 2), 14),
    (LoanKind.ITEM, "雨伞", 10, 20, (4, 48), 8),
    (LoanKind.ITEM, "轮椅", 2, 200, (24, 168), 2),
    (LoanKind.ITEM, "电钻", 2, 100, (1, 8), 5),
    (LoanKind.ITEM, "打气筒", 2, 0, (0.2, 1), 5),
    (LoanKind.ITEM, "折叠桌椅", 4, 50, (3, 24), 2),
    (LoanKind.ITEM, "应急充电宝", 3, 50, (2, 12), 3),
    (LoanKind.KEY, "天台钥匙", 2, 0, (0.5, 4), 3),
    (LoanKind.KEY, "设备间钥匙", 1, 0, (0.5, 3), 2),
    (LoanKind.KEY, "地下室储藏间钥匙", 2, 0, (0.5, 3), 3),
    (LoanKind.KEY, "水表井钥匙", 1, 0, (0.3, 2), 2),
]
KEY_REMARKS = ["晒被子", "安装太阳能热水器", "查看水表", "电信宽带施工", "取储藏物品"]
LOAN_DAMAGE = [("伞骨折断", 10), ("表面划痕", 0), ("轮子松动", 0), ("缺少配件", 20)]
LOAN_VOID_REASONS = ["登记错误", "业主未实际借用"]


def make_items(w: World) -> None:
    """The catalogue, logged as ``loans.add_item`` logs it; nothing is out yet."""
    at = w.setup_at
    for kind, name, stock, deposit, _hours, _w in LOAN_ITEMS:
        item_id = w.rows.new_id("loanitem")
        w.rows.emit(
            "loanitem",
            {"id": item_id, "kind": kind, "name": name, "stock": stock,
             "deposit": Decimal(deposit), "active": True, "notes": "", "created_at": at,
             "updated_at": at},
        )  # fmt: skip
        w.rows.audit("loanitem", item_id, at, w.people.manager, name)
    # per item: a heap of (back at, quantity) still out
    w.loans_out = [[] for _ in LOAN_ITEMS]


def wanted(w: World, rng: random.Random, when: list[datetime], rainy: bool) -> list[Any]:
    """For each moment someone comes to borrow: three items they would take, in order."""
    weights = [item[5] * (5 if rainy and item[1] == "雨伞" else 1) for item in LOAN_ITEMS]
    out = []
    for t in sorted(when):
        if t > w.now:
            continue
        choices = rng.choices(range(len(LOAN_ITEMS)), weights=weights, k=3)
        out.append((t, choices))
    return out


def lend(w: World, rng: random.Random, loans: list[tuple[datetime, list[int]]]) -> None:
    """Lend in time order; never more of an item than the office owns at that moment."""
    day_loans: list[dict[str, Any]] = []
    for t, choices in loans:
        for index in choices:  # first choice, or a second item if it is all out
            kind, name, stock, deposit, hours, _w = LOAN_ITEMS[index]
            out = w.loans_out[index]
            while out and out[0][0] <= t:
                heapq.heappop(out)
            taken = sum(q for _, q in out)
            qty = 2 if name == "雨伞" and rng.random() < 0.2 else 1
            if name == "折叠桌椅":
                qty = rng.randint(1, 3)
            if taken + qty > stock:
                continue
            party = w.people.resident_party(rng, need_phone=True)
            if kind == LoanKind.KEY and rng.random() < 0.3:
                who = rng.choice(["电信", "移动", "燃气公司", "装修队"])
                party = w.people.outsider(rng, who + w.people.names.polite(rng))
            planned = timedelta(minutes=rng.randint(int(hours[0] * 60), int(hours[1] * 60)))
            expected = t + planned
            if planned >= timedelta(hours=12):
                expected = datetime.combine(expected.date(), time(rng.choice([12, 18, 20])))
                expected = max(expected, t + timedelta(hours=2))
            x = rng.random()
            if x < 0.01:
                back = t + minutes(rng, 1, 30)  # voided right away
            elif x < 0.03:
                back = expected + minutes(rng, 3 * 24 * 60, 20 * 24 * 60)  # long overdue
            elif x < 0.17:
                back = expected + minutes(rng, 30, 2 * 24 * 60)  # late
            else:
                span = (expected - t).total_seconds()
                back = t + timedelta(seconds=int(span * rng.uniform(0.3, 1.0)) + 60)
            heapq.heappush(out, (back, qty))
            rec = w.draft(
                "loan", t, party, item_id=index + 1, quantity=qty,
                deposit=Decimal(deposit) * qty, expected_return_at=expected,
                remarks=rng.choice(KEY_REMARKS) if kind == LoanKind.KEY else "",
                _back=back, _void=x < 0.01,
            )  # fmt: skip
            day_loans.append(rec)
            break
    w.number("loan", day_loans)
    for rec in day_loans:
        _live(w, rng, rec)


def _live(w: World, rng: random.Random, rec: dict[str, Any]) -> None:
    back = rec.pop("_back")
    life = Life(rec, w.now)
    if rec.pop("_void"):
        life.at(back, state=LoanState.VOID, voided_at=back,
                void_reason=rng.choice(LOAN_VOID_REASONS))  # fmt: skip
    else:  # as loans.give_back: never more refunded than the deposit
        condition, refund = "完好", rec["deposit"]
        if rng.random() < 0.04:
            condition, keep = rng.choice(LOAN_DAMAGE)
            refund = max(Decimal(0), refund - keep)
        life.at(
            back,
            state=LoanState.RETURNED,
            returned_at=back,
            returned_to_id=w.on_duty(back) if back <= w.now else None,
            condition=condition,
            deposit_refunded=refund,
        )
    w.write("loan", rec)
    item_kind, item_name = LOAN_ITEMS[rec["item_id"] - 1][:2]
    end = rec["returned_at"] or rec["voided_at"] or NEVER
    w.handovers.carry("loan", rec["created_at"], end, (
        rec["id"], rec["serial"], item_name, item_kind, rec["quantity"], rec["person_name"],
        rec["room_text"], rec["expected_return_at"],
    ))  # fmt: skip
