"""来电 with 转告 messages, 来访 of residents and registered outsiders, 物品借用 and deposits."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from desk.models import Call, Loan, LoanItem, Visit
from desk.models.enums import AuditAction, LoanKind, LoanState, MessageState, RecordState
from desk.models.enums import VisitState as V
from desk.models.errors import TransitionError, ValidationError
from desk.services.core import audit
from desk.services.records import calls, complaints, loans, staff, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.visits import VisitDraft
from desk.services.views import overview

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at

HOUR = timedelta(hours=1)


@pytest.fixture
def colleague(write) -> int:
    """A receptionist on another shift, who messages can be left for."""
    with write() as ctx:
        return staff.add(ctx, "小刘").id


# --- 来电 -----------------------------------------------------------------------------------


def test_call_is_numbered_and_audited(write, fetch, read, staff_id) -> None:
    with write() as ctx:
        call = calls.create_call(
            ctx,
            CallDraft(
                "咨询",
                "问停车月卡价格",
                caller_name="陈先生",
                phone="138 1234 5678",
                room="3栋2单元1201室",
                reply="每月150元",
            ),
        )
    stored = fetch(Call, call.id)
    assert stored.serial == "LD-20261123-001"
    assert (stored.call_type, stored.state, stored.message_state) == (
        "咨询",
        RecordState.ACTIVE,
        None,
    )
    assert (stored.phone, stored.room_text, stored.reply) == (
        "13812345678",
        "3-2-1201",
        "每月150元",
    )
    with read() as ctx:
        assert [(e.action, e.staff_id) for e in audit.history(ctx, "call", call.id)] == [
            (AuditAction.CREATE, staff_id)
        ]


@pytest.mark.parametrize(
    ("kind", "for_colleague", "field"),
    [
        ("转告", False, "message_for_id"),  # a message needs a colleague
        ("咨询", True, "message_for_id"),  # only messages name one
        ("闲聊", False, "call_type"),
    ],
)
def test_call_type_and_message_rules(write, colleague, kind, for_colleague, field) -> None:
    target = colleague if for_colleague else None
    with pytest.raises(ValidationError) as info, write() as ctx:
        calls.create_call(ctx, CallDraft(kind, "请转告", message_for_id=target))
    assert info.value.field == field


def test_message_for_an_unknown_or_departed_colleague_is_refused(write, colleague) -> None:
    with write() as ctx:
        staff.deactivate(ctx, colleague)
    for who in (colleague, 999):
        with pytest.raises(ValidationError, match="在职"), write() as ctx:
            calls.create_call(ctx, CallDraft("转告", "请回电", message_for_id=who))


def test_messages_wait_per_colleague_until_delivered(write, read, fetch, staff_id, colleague):
    with write() as ctx:
        first = calls.create_call(
            ctx, CallDraft("转告", "业主请小刘回电", message_for_id=colleague)
        )
        calls.create_call(ctx, CallDraft("转告", "请经理签字", message_for_id=staff_id))
    with write(NOW + HOUR) as ctx:
        second = calls.create_call(ctx, CallDraft("转告", "快递放前台了", message_for_id=colleague))

    with read() as ctx:
        assert [c.id for c in calls.undelivered_for(ctx, colleague)] == [first.id, second.id]
        assert calls.count_undelivered(ctx) == 3
    assert fetch(Call, first.id).message_state == MessageState.PENDING

    with write(NOW + 2 * HOUR, who=colleague) as ctx:
        calls.mark_delivered(ctx, first.id)
    delivered = fetch(Call, first.id)
    assert (delivered.message_state, delivered.delivered_at) == (
        MessageState.DELIVERED,
        NOW + 2 * HOUR,
    )
    with read() as ctx:
        assert [c.id for c in calls.undelivered_for(ctx, colleague)] == [second.id]
        assert calls.count_undelivered(ctx) == 2
        rows = [(e.field, e.old, e.new, e.staff_id) for e in audit.history(ctx, "call", first.id)]
    assert ("message_state", "未转告", "已转告", colleague) in rows
    with pytest.raises(TransitionError), write() as ctx:
        calls.mark_delivered(ctx, first.id)


def test_voided_message_is_no_longer_waiting(write, read, fetch, colleague) -> None:
    with write() as ctx:
        call = calls.create_call(ctx, CallDraft("转告", "请回电", message_for_id=colleague))
    with pytest.raises(ValidationError), write() as ctx:
        calls.void(ctx, call.id, "")
    with write() as ctx:
        calls.void(ctx, call.id, "业主已自行联系")
    stored = fetch(Call, call.id)
    assert (stored.state, stored.void_reason) == (RecordState.VOID, "业主已自行联系")
    with read() as ctx:
        assert calls.undelivered_for(ctx, colleague) == []
        assert calls.count_undelivered(ctx) == 0
    with pytest.raises(TransitionError), write() as ctx:
        calls.mark_delivered(ctx, call.id)
    with pytest.raises(TransitionError), write() as ctx:
        calls.void(ctx, call.id, "再作废")


# --- 来访 -----------------------------------------------------------------------------------


def test_resident_visit_settled_on_the_spot(write, fetch) -> None:
    with write() as ctx:
        visit = visits.create(
            ctx, VisitDraft("赵先生", "咨询装修手续", room="1-1-101", result="已发放装修须知")
        )
    stored = fetch(Visit, visit.id)
    assert stored.serial == "LF-20261123-001"
    assert (stored.state, stored.closed_at, stored.result) == (V.CLOSED, NOW, "已发放装修须知")
    assert (stored.is_resident, stored.id_tail) == (True, "")


def outsider(**overrides) -> VisitDraft:
    values = {
        "visitor": "孙师傅",
        "reason": "送家具",
        "is_resident": False,
        "id_tail": "123x",
        "phone": "13700001111",
        "visiting": "5-1-502",
    }
    values.update(overrides)
    return VisitDraft(**values)


def test_outsider_is_registered_with_id_tail_phone_and_household(write, fetch) -> None:
    with write() as ctx:
        visit = visits.create(ctx, outsider())
    stored = fetch(Visit, visit.id)
    assert (stored.is_resident, stored.id_tail, stored.phone, stored.visiting) == (
        False,
        "123X",
        "13700001111",
        "5-1-502",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_tail": ""}, "id_tail"),
        ({"id_tail": "12"}, "id_tail"),
        ({"id_tail": "110101199001011234"}, "id_tail"),  # only the last four may be kept
        ({"id_tail": "12-4"}, "id_tail"),
        ({"phone": ""}, "phone"),
        ({"visiting": ""}, "visiting"),
        ({"visitor": ""}, "person_name"),
    ],
)
def test_outsider_registration_is_complete(write, fetch, overrides, field) -> None:
    with pytest.raises(ValidationError) as info, write() as ctx:
        visits.create(ctx, outsider(**overrides))
    assert info.value.field == field
    assert fetch(select(Visit)) == []


def test_full_width_id_tail_is_stored_half_width(write, fetch) -> None:
    """Typed with a Chinese input method (全角), it is still the same four characters."""
    with write() as ctx:
        visit = visits.create(ctx, outsider(id_tail="１２３ｘ"))
    assert fetch(Visit, visit.id).id_tail == "123X"


@pytest.mark.parametrize("tail", ["张三李四", "一二三四", "１２３。"])
def test_id_tail_is_letters_and_digits_only(write, fetch, tail) -> None:
    with pytest.raises(ValidationError) as info, write() as ctx:
        visits.create(ctx, outsider(id_tail=tail))
    assert info.value.field == "id_tail"
    assert fetch(select(Visit)) == []


def test_residents_do_not_leave_id_numbers(write) -> None:
    with pytest.raises(ValidationError) as info, write() as ctx:
        visits.create(ctx, VisitDraft("赵先生", "交物业费", room="1-1-101", id_tail="1234"))
    assert info.value.field == "id_tail"


def test_visit_passed_to_a_department_is_closed_with_its_result(write, fetch, read) -> None:
    with pytest.raises(ValidationError) as info, write() as ctx:
        visits.create(
            ctx, VisitDraft("钱女士", "要求更换单元门禁", room="2-1-301", outcome="转部门处理")
        )
    assert info.value.field == "dept_head"

    with write() as ctx:
        visit = visits.create(
            ctx,
            VisitDraft(
                "钱女士",
                "要求更换单元门禁",
                room="2-1-301",
                outcome="转部门处理",
                dept_head="工程部 周经理",
            ),
        )
    opened = fetch(Visit, visit.id)
    assert (opened.state, opened.passed_at, opened.closed_at) == (V.OPEN, NOW, None)

    with pytest.raises(ValidationError), write() as ctx:
        visits.close(ctx, visit.id, " ")
    with write(NOW + 5 * HOUR) as ctx:
        visits.close(ctx, visit.id, "已更换门禁读卡器")
    closed = fetch(Visit, visit.id)
    assert (closed.state, closed.result, closed.closed_at) == (
        V.CLOSED,
        "已更换门禁读卡器",
        NOW + 5 * HOUR,
    )
    with read() as ctx:
        rows = [(e.field, e.old, e.new) for e in audit.history(ctx, "visit", visit.id)]
    assert ("state", "待处理", "已办结") in rows
    assert ("result", "", "已更换门禁读卡器") in rows
    with pytest.raises(TransitionError, match="已办结"), write() as ctx:
        visits.close(ctx, visit.id, "再办结一次")


def test_visit_void_keeps_the_row(write, fetch) -> None:
    with write() as ctx:
        visit = visits.create(ctx, VisitDraft("赵先生", "咨询", room="1-1-101"))
    with write() as ctx:
        visits.void(ctx, visit.id, "登记错人")
    stored = fetch(Visit, visit.id)
    assert (stored.state, stored.void_reason) == (V.VOID, "登记错人")
    with pytest.raises(TransitionError), write() as ctx:
        visits.close(ctx, visit.id, "结果")
    with pytest.raises(TransitionError), write() as ctx:
        visits.void(ctx, visit.id, "再作废")


# --- 物品借用 -------------------------------------------------------------------------------


@pytest.fixture
def ladder(write) -> int:
    with write() as ctx:
        return loans.add_item(ctx, "折叠梯", 2, deposit="50").id


def lend(write, item_id: int, quantity=1, at=NOW, **overrides) -> Loan:
    values = {
        "item_id": item_id,
        "borrower": "张三",
        "expected_return_at": at + 2 * HOUR,
        "quantity": quantity,
        "phone": "13812345678",
        "room": "3-2-1201",
    }
    values.update(overrides)
    with write(at) as ctx:
        return loans.lend(ctx, LoanDraft(**values))


def available(read, item_id: int) -> int:
    with read() as ctx:
        return loans.available(ctx, item_id)


def test_item_catalogue(write, fetch, ladder) -> None:
    item = fetch(LoanItem, ladder)
    assert (item.name, item.stock, item.deposit, item.kind) == (
        "折叠梯",
        2,
        Decimal("50.00"),
        LoanKind.ITEM,
    )
    with pytest.raises(ValidationError, match="已经在物品目录"), write() as ctx:
        loans.add_item(ctx, "折叠梯", 1)
    with pytest.raises(ValidationError), write() as ctx:
        loans.add_item(ctx, "推车", 0)
    with write() as ctx:
        key = loans.add_item(ctx, "3栋天台钥匙", 1, kind=LoanKind.KEY)
    assert key.deposit == Decimal("0")


def test_stock_never_goes_negative(write, read, fetch, ladder) -> None:
    first = lend(write, ladder)
    assert first.serial == "JY-20261123-001"
    assert first.deposit == Decimal("50.00")
    assert available(read, ladder) == 1
    with pytest.raises(ValidationError, match="只剩 1 件") as info:
        lend(write, ladder, quantity=2)
    assert info.value.field == "quantity"
    lend(write, ladder)
    assert available(read, ladder) == 0
    with pytest.raises(ValidationError, match="只剩 0 件"):
        lend(write, ladder)
    assert len(fetch(select(Loan))) == 2

    with write(NOW + HOUR) as ctx:
        loans.give_back(ctx, first.id)
    assert available(read, ladder) == 1


def test_lending_needs_phone_and_a_future_return(write, ladder) -> None:
    with pytest.raises(ValidationError) as info:
        lend(write, ladder, phone="")
    assert info.value.field == "phone"
    with pytest.raises(ValidationError) as info:
        lend(write, ladder, expected_return_at=NOW)
    assert info.value.field == "expected_return_at"
    with pytest.raises(ValidationError) as info:
        lend(write, ladder, quantity=0)
    assert info.value.field == "quantity"


def test_deposit_follows_quantity_unless_typed(write, ladder) -> None:
    assert lend(write, ladder, quantity=2).deposit == Decimal("100.00")
    with write() as ctx:
        trolley = loans.add_item(ctx, "推车", 1, deposit="20")
    assert lend(write, trolley.id, deposit="0").deposit == Decimal("0.00")


def test_return_refunds_at_most_the_deposit(write, fetch, read, ladder, staff_id) -> None:
    loan = lend(write, ladder)
    with pytest.raises(ValidationError, match="不能超过收取的押金") as info, write() as ctx:
        loans.give_back(ctx, loan.id, deposit_refunded="50.01")
    assert info.value.field == "deposit_refunded"
    assert fetch(Loan, loan.id).state == LoanState.OUT

    with write(NOW + HOUR) as ctx:
        loans.give_back(ctx, loan.id, condition="梯脚磨损", deposit_refunded="30")
    back = fetch(Loan, loan.id)
    assert (back.state, back.returned_at, back.returned_to_id) == (
        LoanState.RETURNED,
        NOW + HOUR,
        staff_id,
    )
    assert (back.condition, back.deposit_refunded) == ("梯脚磨损", Decimal("30.00"))
    with read() as ctx:
        rows = [(e.field, e.old, e.new) for e in audit.history(ctx, "loan", loan.id)]
    assert ("state", "借出", "已归还") in rows
    assert ("deposit_refunded", None, "30.00") in rows
    with pytest.raises(TransitionError, match="已归还"), write() as ctx:
        loans.give_back(ctx, loan.id)


def test_full_refund_by_default(write, fetch, ladder) -> None:
    loan = lend(write, ladder, quantity=2)
    with write(NOW + HOUR) as ctx:
        loans.give_back(ctx, loan.id)
    assert fetch(Loan, loan.id).deposit_refunded == Decimal("100.00")


def test_overdue_loans_stand_out_until_returned(write, read, ladder) -> None:
    loan = lend(write, ladder)  # back by NOW + 2 h
    with read(NOW + 2 * HOUR) as ctx:
        assert loans.count_overdue(ctx) == 0
    with read(NOW + 3 * HOUR) as ctx:
        assert loans.count_overdue(ctx) == 1
    with write(NOW + 4 * HOUR) as ctx:
        loans.give_back(ctx, loan.id)
    with read(NOW + 5 * HOUR) as ctx:
        assert loans.count_overdue(ctx) == 0


def test_voided_loan_frees_the_stock(write, read, fetch, ladder) -> None:
    loan = lend(write, ladder, quantity=2)
    with write() as ctx:
        loans.void(ctx, loan.id, "登记错了物品")
    assert fetch(Loan, loan.id).state == LoanState.VOID
    assert available(read, ladder) == 2
    with pytest.raises(TransitionError), write() as ctx:
        loans.give_back(ctx, loan.id)


# --- what needs attention -----------------------------------------------------------------


def test_attention_counts_everything_overdue(write, read, ladder, colleague) -> None:
    with write() as ctx:
        workorders.create(
            ctx, workorders.WorkOrderDraft("停电", "水电", urgency="紧急", room="3-2-1201")
        )
        complaints.create(
            ctx,
            complaints.ComplaintDraft(
                "电梯困人", "物业管理", severity="重要", complainant="吴女士"
            ),
        )
        calls.create_call(ctx, CallDraft("转告", "请回电", message_for_id=colleague))
    lend(write, ladder)
    with read(NOW + 3 * HOUR) as ctx:
        seen = overview.attention(ctx)
    assert seen == overview.Attention(
        overdue_work_orders=1,
        overdue_complaints=1,
        undelivered_messages=1,
        overdue_loans=1,
        overdue_callbacks=0,
    )
    with read() as ctx:
        assert overview.today(ctx) == overview.Today(
            visits=0, calls=1, work_orders=1, complaints=1, loans=1
        )
