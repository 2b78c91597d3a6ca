"""物品借用: lend an item or key, take it back; stock can never go negative."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import func, select

from desk.models import Loan, LoanItem, kinds
from desk.models.enums import LoanKind, LoanState
from desk.models.errors import TransitionError, ValidationError
from desk.models.validation import clean_text, parse_money, parse_quantity
from desk.services.core import audit
from desk.services.core.context import Ctx
from desk.services.core.numbering import SerialKind
from desk.services.records import common, correction_rules, void_rules

label_of = kinds.LOAN.label  # a field's one label (desk.models.kinds)


@dataclass
class LoanDraft:
    item_id: int | None  # None: nothing chosen (an empty catalogue)
    borrower: str
    expected_return_at: datetime
    quantity: int | str = 1
    room: str = ""
    phone: str = ""
    resident_id: int | None = None
    deposit: Decimal | str | None = None
    remarks: str = ""
    room_confirmed: bool = False  # 是否仍然保存为未登记房号？ answered 是


def add_item(
    ctx: Ctx,
    name: str,
    stock: int | str,
    kind: LoanKind = LoanKind.ITEM,
    deposit: Decimal | str | None = None,
) -> LoanItem:
    name = clean_text(name, field="name", label="物品名称", max_len=40, required=True)
    if ctx.session.exec(select(LoanItem).where(LoanItem.name == name)).first():
        raise ValidationError("name", "物品名称", f"“{name}”已经在物品目录里了")
    item = LoanItem(
        name=name,
        kind=kind,
        stock=parse_quantity(stock, field="stock", label="数量", minimum=1, maximum=9999),
        deposit=parse_money(deposit, field="deposit", label=label_of("deposit")) or Decimal(0),
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(item)
    ctx.session.flush()
    audit.created(ctx, item, summary=name)
    return item


# What a new office starts lending (DOMAIN §5, and the 便民 things most desks keep), so the
# first loan does not wait for a catalogue: (kind, name, stock). No deposit is assumed;
# each office sets its own numbers with update_item.
STARTER_ITEMS: tuple[tuple[LoanKind, str, int], ...] = (
    (LoanKind.ITEM, "梯子", 2),
    (LoanKind.ITEM, "工具箱", 1),
    (LoanKind.ITEM, "推车", 2),
    (LoanKind.ITEM, "雨伞", 10),
    (LoanKind.ITEM, "轮椅", 1),
    (LoanKind.ITEM, "打气筒", 1),
    (LoanKind.ITEM, "充电宝", 2),
    (LoanKind.ITEM, "老花镜", 2),
    (LoanKind.KEY, "天台钥匙", 1),
    (LoanKind.KEY, "设备间钥匙", 1),
)


def add_starter_items(ctx: Ctx) -> list[LoanItem]:
    """Seed a new office's catalogue through add_item (audited like any other item)."""
    return [add_item(ctx, name, stock, kind) for kind, name, stock in STARTER_ITEMS]


def update_item(
    ctx: Ctx,
    item_id: int,
    *,
    stock: int | str | None = None,
    deposit: Decimal | str | None = None,
    active: bool | None = None,
) -> LoanItem:
    """Correct how many the office owns, the deposit, or stop lending it (audited).

    The stock can never go below what is out now: those have to come back first.
    """
    item = common.get(ctx, LoanItem, item_id)
    values: dict[str, object] = {}
    if stock is not None:
        owned = parse_quantity(stock, field="stock", label="数量", minimum=1, maximum=9999)
        out = out_count(ctx, item_id)
        if owned < out:
            raise ValidationError("stock", "数量", f"“{item.name}”现在借出了 {out} 件，不能少于它")
        values["stock"] = owned
    if deposit is not None:
        money = parse_money(deposit, field="deposit", label=label_of("deposit"))
        values["deposit"] = money or Decimal(0)  # blank: no deposit, as in add_item
    if active is not None:
        values["active"] = active
    audit.change(ctx, item, values)
    return item


def out_count(ctx: Ctx, item_id: int) -> int:
    stmt = select(func.coalesce(func.sum(Loan.quantity), 0)).where(
        Loan.item_id == item_id, Loan.state == LoanState.OUT
    )
    return int(ctx.session.exec(stmt).one())


def available(ctx: Ctx, item_id: int) -> int:
    item = common.get(ctx, LoanItem, item_id)
    return item.stock - out_count(ctx, item_id)


def checked(ctx: Ctx, draft: LoanDraft, before: Loan | None = None) -> dict[str, Any]:
    """The columns ``draft`` fills, validated: the one set of rules for a new loan and for
    a correction of ``before`` (the stored loan). Lending another item or more of it is
    checked against what is free, this loan's own items counted as free while it is out;
    what was stored is kept without being judged again by today's rules (an item since
    withdrawn, a return time now past, an unregistered room)."""
    if not draft.item_id:  # not "找不到这条记录（编号 0）": nothing was chosen
        raise ValidationError("item_id", label_of("item_id"), "请选择要借出的物品")
    item = common.get(ctx, LoanItem, draft.item_id)
    same_item = correction_rules.kept(before, "item_id", item.id)
    if not item.active and not same_item:
        raise ValidationError("item_id", "借用物品", f"“{item.name}”已停止出借")
    quantity = parse_quantity(draft.quantity, field="quantity", label=label_of("quantity"))
    out = before is not None and before.state == LoanState.OUT
    if before is None or (out and not (same_item and quantity == before.quantity)):
        free = item.stock - out_count(ctx, item.id)  # type: ignore[arg-type]
        if same_item and before is not None:
            free += before.quantity  # this loan's own are lent again, not twice
        if quantity > free:
            raise ValidationError(
                "quantity", label_of("quantity"), f"“{item.name}”现在只剩 {free} 件可借"
            )
    if draft.expected_return_at <= ctx.now and not correction_rules.kept(
        before, "expected_return_at", draft.expected_return_at
    ):
        raise ValidationError("expected_return_at", "预计归还时间", "必须晚于现在")
    party = common.party_fields(
        ctx,
        room=draft.room,
        name=draft.borrower,
        phone=draft.phone,
        resident_id=draft.resident_id,
        label_of=label_of,
        name_required=True,
        phone_required=True,
        room_confirmed=draft.room_confirmed,
        stored_room=before.room_text if before is not None else "",
    )
    deposit = parse_money(draft.deposit, field="deposit", label=label_of("deposit"))
    return {
        "item_id": item.id,
        "quantity": quantity,
        "deposit": item.deposit * quantity if deposit is None else deposit,
        "expected_return_at": draft.expected_return_at,
        "remarks": clean_text(
            draft.remarks, field="remarks", label=label_of("remarks"), max_len=200
        ),
        **party,
    }


def lend(ctx: Ctx, draft: LoanDraft) -> Loan:
    return common.create(ctx, Loan, SerialKind.LOAN, **checked(ctx, draft))


def correct(ctx: Ctx, loan_id: int, draft: LoanDraft, reason: str) -> Loan:
    """修改 a saved loan's facts (services.records.corrections): validated as when it was
    lent; serial, time, receptionist and state stay."""
    loan = common.get(ctx, Loan, loan_id)
    correction_rules.check(ctx, "loan", loan)
    values = checked(ctx, draft, loan)
    if loan.deposit_refunded is not None and values["deposit"] < loan.deposit_refunded:
        raise ValidationError(
            "deposit", label_of("deposit"), f"不能少于已退还的 {loan.deposit_refunded} 元"
        )
    correction_rules.write(ctx, loan, values, reason)
    return loan


def give_back(
    ctx: Ctx, loan_id: int, condition: str = "完好", deposit_refunded: Decimal | str | None = None
) -> Loan:
    loan = common.get(ctx, Loan, loan_id)
    if loan.state != LoanState.OUT:
        raise TransitionError(f"这条借用的状态是“{loan.state}”，不能再归还。")
    refund = parse_money(
        deposit_refunded, field="deposit_refunded", label=label_of("deposit_refunded")
    )
    refund = loan.deposit if refund is None else refund
    if refund > loan.deposit:
        raise ValidationError(
            "deposit_refunded",
            label_of("deposit_refunded"),
            f"不能超过收取的押金 {loan.deposit} 元",
        )
    audit.change(
        ctx,
        loan,
        {
            "state": LoanState.RETURNED,
            "returned_at": ctx.now,
            "returned_to_id": ctx.staff_id,
            "condition": clean_text(
                condition, field="condition", label=label_of("condition"), max_len=200
            ),
            "deposit_refunded": refund,
        },
    )
    return loan


def void(ctx: Ctx, loan_id: int, reason: str) -> Loan:
    loan = common.get(ctx, Loan, loan_id)
    if loan.state == LoanState.VOID:
        raise TransitionError("这条借用已经作废。")
    void_rules.check(ctx, "loan", loan)
    common.void(ctx, loan, reason, LoanState.VOID)
    return loan


def count_overdue(ctx: Ctx) -> int:
    stmt = (
        select(func.count())
        .select_from(Loan)
        .where(Loan.state == LoanState.OUT, Loan.expected_return_at < ctx.now)
    )
    return int(ctx.session.exec(stmt).one())


@dataclass(frozen=True)
class CatalogueItem:
    id: int
    name: str
    kind: LoanKind
    stock: int
    out: int
    deposit: Decimal

    @property
    def available(self) -> int:
        return self.stock - self.out


def catalogue(ctx: Ctx) -> list[CatalogueItem]:
    """The lendable items with how many are out now (one query), for the lending form."""
    out = dict(
        ctx.session.exec(
            select(Loan.item_id, func.sum(Loan.quantity))
            .where(Loan.state == LoanState.OUT)
            .group_by(Loan.item_id)
        ).all()
    )
    items = ctx.session.exec(
        select(LoanItem).where(LoanItem.active).order_by(LoanItem.kind, LoanItem.name)  # type: ignore[arg-type]
    ).all()
    return [
        CatalogueItem(i.id, i.name, i.kind, i.stock, int(out.get(i.id, 0)), i.deposit)  # type: ignore[arg-type]
        for i in items
    ]
