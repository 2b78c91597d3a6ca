"""签回: a signed paper filed by its QR code (or a serial given), refused when the code
names another record, voided not deleted, signed on the screen; 未签回 as the lists and
the handover test it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers.office import NOW, finish_order
from helpers.scans import scan_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from desk.models import SignedCopy
from desk.models.db import driver
from desk.models.enums import SignedWay
from desk.models.errors import DeskError, NotFoundError, PermissionDenied, ValidationError
from desk.models.signature import Strokes
from desk.services.core import audit
from desk.services.io import form_prints, paper_forms
from desk.services.records import settings_text, signed_copies, staff, workorders
from desk.services.records.signed_copies import NoSerialFound, SerialMismatch
from desk.services.records.workorders import WorkOrderDraft

LATER = NOW + timedelta(hours=3)


def new_order(write, done: bool = True, printed: bool = True) -> tuple[int, str]:
    with write() as ctx:
        order = workorders.create(
            ctx, WorkOrderDraft(description="厨房水管漏水", category="水电", room="3-2-1201")
        )
        if done:
            finish_order(ctx, order.id)
        if printed:
            form_prints.record(ctx, [paper_forms.workorder_form(ctx, order.serial)], "前台打印机")
    return order.id, order.serial


def unsigned_ids(read, kind: str = "workorder") -> list[int]:
    """The records 未签回 as the lists find them (``signedwait``) — always what the rule
    says of every record."""
    with read(LATER) as ctx:
        con = driver(ctx.session)
        ruled = f"SELECT r.id FROM {kind} r WHERE {signed_copies.unsigned_sql(kind)} ORDER BY r.id"
        kept = f"SELECT r.id FROM {kind} r WHERE {signed_copies.waiting_sql(kind)} ORDER BY r.id"
        found = [r[0] for r in con.execute(kept)]
        assert found == [r[0] for r in con.execute(ruled)]
        return found


def status(read, record_id: int, kind: str = "workorder") -> signed_copies.SignedStatus:
    with read(LATER) as ctx:
        found = signed_copies.status(ctx.session, kind, record_id)
    assert found is not None
    return found


# --- the setting ----------------------------------------------------------------------------


def test_by_default_work_orders_and_complaints_come_back(read) -> None:
    with read() as ctx:
        assert signed_copies.required_kinds(ctx.session) == {"workorder", "complaint"}


def test_the_setting_names_forms_and_may_be_empty(write, read) -> None:
    with write() as ctx:
        settings_text.change(ctx, "forms.signed_back", "借用单、派工单")
    with read() as ctx:
        assert signed_copies.required_kinds(ctx.session) == {"loan", "workorder"}
    with write() as ctx:
        settings_text.change(ctx, "forms.signed_back", "")
    with read() as ctx:
        assert signed_copies.required_kinds(ctx.session) == frozenset()
    with pytest.raises(
        ValidationError, match="没有“放行单”这种表单；可选：派工单、投诉处理单、借用单"
    ):
        settings_text.from_text("forms.signed_back", "派工单、放行单")


# --- filing a scan ------------------------------------------------------------------------


def test_a_scan_is_filed_by_its_qr_code_and_the_record_is_signed(write, read) -> None:
    order_id, serial = new_order(write)
    assert status(read, order_id).words == "未签回"
    assert unsigned_ids(read) == [order_id]

    scan = signed_copies.read_scan(scan_of(serial), "C:\\扫描\\IMG_0012.png")
    assert scan.serials == (serial,)
    assert scan.filename == "IMG_0012.png"
    with write(LATER) as ctx:
        row = signed_copies.file_scan(ctx, scan)
    assert (row.kind, row.record_id, row.serial, row.way) == (
        "workorder",
        order_id,
        serial,
        SignedWay.SCAN,
    )
    now = status(read, order_id)
    assert now.signed and not now.unsigned
    assert now.words == f"已签回（扫描件，{LATER:%Y-%m-%d %H:%M} 王经理）"
    assert unsigned_ids(read) == []
    with read() as ctx:
        rows = [
            (e.field, e.new)
            for e in audit.history(ctx, "workorder", order_id)
            if e.field == "signed_copy"
        ]
        stored = signed_copies.copy(ctx, row.id or 0)
        assert stored.data == scan.data and stored.mime == "image/png"
    assert rows == [("signed_copy", "扫描件 IMG_0012.png")]


def test_not_printed_or_not_done_is_not_yet_unsigned(write, read) -> None:
    open_id, _ = new_order(write, done=False)
    unprinted_id, _ = new_order(write, printed=False)
    assert unsigned_ids(read) == []
    assert status(read, open_id).words == ""
    assert status(read, unprinted_id).words == "须签回（表单还未打印）"


def test_no_readable_code_asks_for_the_serial(write, read) -> None:
    order_id, serial = new_order(write)
    scan = signed_copies.read_scan(scan_of(), "photo.jpg")
    assert scan.serials == ()
    with write(LATER) as ctx, pytest.raises(NoSerialFound, match="请输入表单右上角的单号"):
        signed_copies.file_scan(ctx, scan)
    with write(LATER) as ctx:  # typed in full width with blanks: still the serial
        signed_copies.file_scan(ctx, scan, " " + serial.lower().replace("-", "－") + " ")
    assert status(read, order_id).signed


def test_a_scan_naming_another_record_is_refused_naming_what_it_found(write, read) -> None:
    first_id, first = new_order(write)
    second_id, second = new_order(write)
    scan = signed_copies.read_scan(scan_of(second), "scan.png")
    with write(LATER) as ctx, pytest.raises(SerialMismatch) as refused:
        signed_copies.file_scan(ctx, scan, first)
    assert refused.value.found == (second,)
    assert f"二维码是 {second}，不是 {first}" in str(refused.value)
    assert not status(read, first_id).signed and not status(read, second_id).signed


def test_two_forms_on_one_scan_are_not_guessed(write) -> None:
    _, first = new_order(write)
    _, second = new_order(write)
    scan = signed_copies.read_scan(scan_of(first, second), "two.png")
    assert scan.serials == (first, second)
    with write(LATER) as ctx, pytest.raises(ValidationError, match="请每张单独扫描"):
        signed_copies.file_scan(ctx, scan)


def test_the_same_file_twice_is_refused(write) -> None:
    _, serial = new_order(write)
    scan = signed_copies.read_scan(scan_of(serial), "a.png")
    with write(LATER) as ctx:
        signed_copies.file_scan(ctx, scan)
    with write(LATER) as ctx, pytest.raises(ValidationError, match=f"已经归档到 {serial}"):
        signed_copies.file_scan(ctx, scan)


@pytest.mark.parametrize(
    ("serial", "message"),
    [
        ("LD-20261123-001", "的表单不用签回；签回的是派工单、投诉处理单、借用单"),
        ("JYDJ-20261123", "的表单不用签回"),
        ("PG-20261123-999", "找不到单号为 PG-20261123-999 的派工单"),
        ("hello", "不是本系统的单号"),
    ],
)
def test_what_is_no_signed_form_is_refused_in_words(write, serial, message) -> None:
    new_order(write)
    scan = signed_copies.read_scan(scan_of(), "x.png")
    with write(LATER) as ctx, pytest.raises((ValidationError, NotFoundError), match=message):
        signed_copies.file_scan(ctx, scan, serial)


def test_a_voided_record_takes_no_copy(write) -> None:
    order_id, serial = new_order(write, done=False)
    with write() as ctx:
        workorders.void(ctx, order_id, "重复登记")
    scan = signed_copies.read_scan(scan_of(serial), "a.png")
    with write(LATER) as ctx, pytest.raises(ValidationError, match="已作废，不用再归档签字件"):
        signed_copies.file_scan(ctx, scan)


def test_not_a_scan_is_refused_before_anything_is_stored(write, fetch) -> None:
    with pytest.raises(ValidationError, match="签字件"):
        signed_copies.read_scan(b"PK\x03\x04 not an image", "report.docx")
    assert fetch(select(SignedCopy)) == []


# --- voiding -------------------------------------------------------------------------------


def test_a_copy_filed_by_mistake_is_voided_with_a_reason_and_kept(write, read, fetch) -> None:
    order_id, serial = new_order(write)
    with write(LATER) as ctx:
        row = signed_copies.file_scan(ctx, signed_copies.read_scan(scan_of(serial), "a.png"))
    with write(LATER) as ctx, pytest.raises(ValidationError, match="作废原因"):
        signed_copies.void(ctx, row.id or 0, "  ")
    with write(LATER) as ctx:
        signed_copies.void(ctx, row.id or 0, "拍错了，是另一张单")
    kept = fetch(SignedCopy, row.id)
    assert kept.voided_at == LATER and kept.void_reason == "拍错了，是另一张单"
    found = status(read, order_id)
    assert found.unsigned and found.copies[0].voided_at == LATER
    assert unsigned_ids(read) == [order_id]
    with write(LATER) as ctx, pytest.raises(ValidationError, match="已经作废"):
        signed_copies.void(ctx, row.id or 0, "再来一次")


def test_a_colleague_without_the_right_cannot_void_my_copy(write) -> None:
    _, serial = new_order(write)
    with write() as ctx:
        clerk = staff.add(ctx, "小赵").id
    with write(LATER) as ctx:
        row = signed_copies.file_scan(ctx, signed_copies.read_scan(scan_of(serial), "a.png"))
    with write(LATER, who=clerk) as ctx, pytest.raises(PermissionDenied, match="主管"):
        signed_copies.void(ctx, row.id or 0, "不对")


# --- signing on the screen ------------------------------------------------------------------

SIGNED = Strokes(
    560.0,
    200.0,
    (
        ((40.0, 120.0, 0.4), (90.0, 60.0, 0.6), (140.0, 130.0, 0.7), (200.0, 70.0, 0.5)),
        ((240.0, 90.0, 0.5), (300.0, 100.0, 0.5)),
    ),
)


def test_a_screen_signature_is_stored_as_strokes_and_png_and_prints(write, read) -> None:
    order_id, serial = new_order(write)
    with write(LATER) as ctx:
        row = signed_copies.sign_on_screen(ctx, "workorder", order_id, SIGNED)
    assert row.way == SignedWay.SCREEN and row.mime == "image/png"
    assert row.data.startswith(b"\x89PNG") and Strokes.from_json(row.strokes or "") == SIGNED
    assert status(read, order_id).words == f"已签回（屏幕签名，{LATER:%Y-%m-%d %H:%M} 王经理）"
    with read(LATER) as ctx:
        signature = signed_copies.screen_signature(ctx.session, "workorder", order_id)
        form = paper_forms.workorder_form(ctx, serial)
        history = [
            (e.staff_id, e.at, e.new)
            for e in audit.history(ctx, "workorder", order_id)
            if e.field == "signed_copy"
        ]
    assert signature is not None and signature.strokes == SIGNED and signature.signed_at == LATER
    assert form.resident_signature == signature
    assert history == [(row.staff_id, LATER, "屏幕签名 屏幕签名.png")]


def test_an_empty_signature_is_refused(write) -> None:
    order_id, _ = new_order(write)
    with write(LATER) as ctx, pytest.raises(ValidationError, match="还没有签名"):
        signed_copies.sign_on_screen(ctx, "workorder", order_id, Strokes(560, 200, ()))


# --- any text as a serial -------------------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=60))
def test_any_typed_serial_gets_a_message_not_a_crash(write, text: str) -> None:
    scan = signed_copies.Scan("a.png", b"\x89PNG", "image/png", ())
    try:
        with write(LATER) as ctx:
            signed_copies.file_scan(ctx, scan, text)
    except DeskError as exc:
        assert str(exc)


# --- where 未签回 is found ------------------------------------------------------------------


def test_waiting_follows_the_record_through_its_life(write, read) -> None:
    """Printed at dispatch: not yet due; 完成: waits; 返工: not; 完成 again: waits; filed:
    not; the copy voided: waits; the order voided: not."""
    order_id, serial = new_order(write, done=False)
    with write() as ctx:
        workorders.dispatch(ctx, order_id, "李师傅")
        form_prints.record(ctx, [paper_forms.workorder_form(ctx, serial)], "前台打印机")
    assert unsigned_ids(read) == []
    with write() as ctx:
        workorders.start(ctx, order_id)
        workorders.complete(ctx, order_id, workorders.Completion("换了阀门"))
    assert unsigned_ids(read) == [order_id]
    with write() as ctx:
        workorders.rework(ctx, order_id, "还在漏")
    assert unsigned_ids(read) == []
    with write() as ctx:
        workorders.start(ctx, order_id)
        workorders.complete(ctx, order_id, workorders.Completion("重新换了阀门"))
    assert unsigned_ids(read) == [order_id]
    with write(LATER) as ctx:
        row = signed_copies.file_scan(ctx, signed_copies.read_scan(scan_of(serial), "a.png"))
    assert unsigned_ids(read) == []
    with write(LATER) as ctx:
        signed_copies.void(ctx, row.id or 0, "拍错了")
    assert unsigned_ids(read) == [order_id]
    with write(LATER) as ctx:
        workorders.void(ctx, order_id, "重复登记")
    assert unsigned_ids(read) == []


def test_the_lists_scope_finds_what_is_not_back(write, read) -> None:
    from desk.services.views import lists

    waiting_id, _ = new_order(write)
    _, back = new_order(write)
    new_order(write, printed=False)
    with write(LATER) as ctx:
        signed_copies.file_scan(ctx, signed_copies.read_scan(scan_of(back), "b.png"))
    flt = lists.ListFilter(scope=lists.Scope.UNSIGNED)
    with read(LATER) as ctx:
        rows = lists.list_rows(ctx.session, "workorder", flt=flt, now=LATER)
        count = lists.count_rows(ctx.session, "workorder", flt=flt, now=LATER)
        visits = lists.count_rows(ctx.session, "visit", flt=flt, now=LATER)
    assert [r.id for r in rows] == [waiting_id] and count == 1
    assert visits == 0  # a kind whose form never comes back has nothing 未签回
    with write() as ctx:  # an office that wants no 派工单 back has none 未签回
        settings_text.change(ctx, "forms.signed_back", "投诉处理单")
    with read(LATER) as ctx:
        assert lists.count_rows(ctx.session, "workorder", flt=flt, now=LATER) == 0


def test_the_handover_carries_recent_forms_not_back(write, read, staff_id) -> None:
    from desk.services.duty import handover

    waiting_id, waiting = new_order(write)
    with write(LATER) as ctx:
        items = handover.carried_items(ctx, LATER)
    unsigned = [i for i in items if i.group == handover.UNSIGNED_GROUP]
    assert [(i.kind, i.record_id, i.serial, i.reason) for i in unsigned] == [
        ("workorder", waiting_id, waiting, "派工单未签回")
    ]
    month_later = LATER + timedelta(days=signed_copies.CARRY_DAYS + 1)
    with write(month_later) as ctx:  # long overdue ones stay in the list's scope only
        assert not [
            i
            for i in handover.carried_items(ctx, month_later)
            if i.group == handover.UNSIGNED_GROUP
        ]
