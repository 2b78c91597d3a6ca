"""Tests for desk.models.validation: what people type at the desk → canonical values."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.models.errors import DeskError, ValidationError
from desk.models.validation import (
    RoomRef,
    check_not_future,
    check_order,
    clean_text,
    mask_phone,
    mask_phones_in,
    normalize_phone,
    normalize_room,
    parse_money,
    parse_phones,
    parse_quantity,
    to_halfwidth,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def _raises(func, *args, field: str, label: str, **kwargs) -> ValidationError:
    """Call ``func`` expecting a ValidationError that carries the given field and label."""
    with pytest.raises(ValidationError) as info:
        func(*args, field=field, label=label, **kwargs)
    exc = info.value
    assert isinstance(exc, DeskError)
    assert exc.field == field
    assert exc.label == label
    assert str(exc) == f"{label}：{exc.reason}"
    assert CJK.search(exc.reason), "reasons are Chinese sentences"
    return exc


# ---------------------------------------------------------------------------
# to_halfwidth
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１２３－４", "123-4"),
        ("\u3000ＡＢＣ\u3000", "ABC"),
        ("  （０２１）  ", "(021)"),
        ("￥１２．５", "¥12.5"),
        ("", ""),
        ("\u3000\u3000", ""),
        ("3栋2单元", "3栋2单元"),
    ],
)
def test_to_halfwidth(raw: str, expected: str) -> None:
    assert to_halfwidth(raw) == expected


# ---------------------------------------------------------------------------
# normalize_phone
# ---------------------------------------------------------------------------

ACCEPTED_PHONES = [
    # mobiles
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("138.1234.5678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("１３８－１２３４－５６７８", "13812345678"),
    ("\u3000138 1234 5678\u3000", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("(+86)13812345678", "13812345678"),
    ("＋８６－１３８１２３４５６７８", "13812345678"),
    ("86 13812345678", "13812345678"),
    ("8613812345678", "13812345678"),
    ("0086 138 1234 5678", "13812345678"),
    ("19912345678", "19912345678"),
    # landlines with area code
    ("021-12345678", "021-12345678"),
    ("02112345678", "021-12345678"),
    ("(021)12345678", "021-12345678"),
    ("（０２１）１２３４５６７８", "021-12345678"),
    ("021 1234 5678", "021-12345678"),
    ("021-1234-5678", "021-12345678"),
    ("021—12345678", "021-12345678"),
    ("010-88889999", "010-88889999"),
    ("0571-8765432", "0571-8765432"),
    ("05718765432", "0571-8765432"),
    ("(0571) 876 5432", "0571-8765432"),
    ("0571-87654321", "0571-87654321"),
    ("+86 21 1234 5678", "021-12345678"),
    ("+86 (0)21 1234 5678", "021-12345678"),
    # extensions
    ("021-12345678-123", "021-12345678-123"),
    ("021-12345678转123", "021-12345678-123"),
    ("021-12345678 转 123", "021-12345678-123"),
    ("021-12345678 ext 123", "021-12345678-123"),
    ("021-12345678 EXT. 123", "021-12345678-123"),
    ("021-12345678分机123", "021-12345678-123"),
    ("021-12345678 分机号 123", "021-12345678-123"),
    ("021-12345678#123", "021-12345678-123"),
    ("021-12345678 x123", "021-12345678-123"),
    ("(021)1234-5678转123456", "021-12345678-123456"),
    ("0571-8765432-1", "0571-8765432-1"),
    ("021 12345678 66", "021-12345678-66"),
    # local numbers without area code
    ("87654321", "87654321"),
    ("8765-4321", "87654321"),
    ("8765432", "8765432"),
    ("87654321-12", "87654321-12"),
    ("87654321转12", "87654321-12"),
    # service and 400/800 numbers
    ("95598", "95598"),
    ("96119", "96119"),
    ("９５５９８", "95598"),
    ("400-123-4567", "400-123-4567"),
    ("4001234567", "400-123-4567"),
    ("400 123 4567", "400-123-4567"),
    ("800-123-4567", "800-123-4567"),
]


@pytest.mark.parametrize(("raw", "expected"), ACCEPTED_PHONES)
def test_normalize_phone_accepts(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected
    assert normalize_phone(expected) == expected


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("\u3000", "不能为空"),
        ("138abcd5678", "不能识别的字符「a」"),
        ("138１２３４５６７８Ｘ", "13812345678"),
        ("电话13812345678", "不能识别的字符「电」"),
        ("1381234567", "11位"),  # 10-digit mobile
        ("138123456789", "11位"),  # 12-digit mobile
        ("12812345678", "第二位"),
        ("13812345678转12", "手机号不能带分机号"),
        ("13812345678-1", "11位"),
        ("021-1234567890", "区号"),
        ("021-123456", "区号"),
        ("0012345678", "区号"),
        ("1234", "11位"),
        ("123456", "11位"),
        ("234567", "现在是6位"),
        ("400-123-456", "400-123-4567"),
        ("95598转1", "只有座机号可以带分机号"),
        ("400-123-4567转1", "只有座机号可以带分机号"),
        ("021-12345678转1234567", "分机号应为1到6位"),
        ("转123", "缺少总机号码"),
        ("---", "应为手机号"),
        ("+86 95598", "+86 后面应为手机号或带区号的座机号"),
        ("+86 1381234567", "11位"),
        ("+86 87654321", "+86 后面应为手机号或带区号的座机号"),
        ("+1 2025550123", "不能识别的字符「+」"),
    ],
)
def test_normalize_phone_rejects(raw: str, reason_part: str) -> None:
    exc = _raises(normalize_phone, raw, field="caller_phone", label="来电号码")
    assert reason_part in exc.reason


def test_normalize_phone_default_field_and_label() -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone("abc")
    assert (info.value.field, info.value.label) == ("phone", "电话")


def test_normalize_phone_mobile_message_shows_example() -> None:
    exc = _raises(normalize_phone, "1381234567", field="phone", label="手机")
    assert "手机号应为11位数字，以1开头，例如 13812345678" in exc.reason


# ---------------------------------------------------------------------------
# parse_phones
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", []),
        ("  \n ", []),
        ("13812345678", ["13812345678"]),
        ("138 1234 5678", ["13812345678"]),
        ("13812345678/021-12345678", ["13812345678", "021-12345678"]),
        ("13812345678, 13987654321", ["13812345678", "13987654321"]),
        ("13812345678，13987654321", ["13812345678", "13987654321"]),
        ("13812345678、87654321", ["13812345678", "87654321"]),
        ("13812345678;95598；400-123-4567", ["13812345678", "95598", "400-123-4567"]),
        ("13812345678\n021 1234 5678\r\n87654321", ["13812345678", "021-12345678", "87654321"]),
        ("138 1234 5678  139 8765 4321", ["13812345678", "13987654321"]),
        ("13812345678 13987654321", ["13812345678", "13987654321"]),
        ("138-1234-5678 021-12345678转8", ["13812345678", "021-12345678-8"]),
        ("13812345678/138 1234 5678/+86 13812345678", ["13812345678"]),
        ("021-12345678/13812345678/021-12345678", ["021-12345678", "13812345678"]),
        ("13812345678//", ["13812345678"]),
        ("１３８１２３４５６７８／８７６５４３２１", ["13812345678", "87654321"]),
        ("13812345678 1 3 9 8 7 6 5 4 3 2 1", ["13812345678", "13987654321"]),
    ],
)
def test_parse_phones_accepts(raw: str, expected: list[str]) -> None:
    assert parse_phones(raw) == expected


@pytest.mark.parametrize(
    ("raw", "bad_piece"),
    [
        ("13812345678/abc", "「abc」"),
        ("13812345678, 1381234567", "「1381234567」"),
        ("13812345678 123", "「123」"),
        ("138 1234 567", "「138 1234 567」"),
        ("021-12345678；2号楼", "「2号楼」"),
    ],
)
def test_parse_phones_names_bad_piece(raw: str, bad_piece: str) -> None:
    exc = _raises(parse_phones, raw, field="phones", label="联系电话")
    assert bad_piece in exc.reason


def test_parse_phones_default_field_and_label() -> None:
    with pytest.raises(ValidationError) as info:
        parse_phones("x")
    assert (info.value.field, info.value.label) == ("phones", "电话")


# ---------------------------------------------------------------------------
# mask_phone
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("canonical", "masked"),
    [
        ("13812345678", "138****5678"),
        ("021-12345678", "021-****5678"),
        ("021-12345678-123", "021-****5678"),
        ("0571-8765432", "0571-***5432"),
        ("0571-87654321-9", "0571-****4321"),
        ("87654321", "****4321"),
        ("87654321-12", "****4321"),
        ("8765432", "***5432"),
        ("95598", "***98"),
        ("400-123-4567", "400-***-4567"),
        ("", ""),
        ("ab", "**"),
        ("garbage", "*****ge"),
    ],
)
def test_mask_phone(canonical: str, masked: str) -> None:
    assert mask_phone(canonical) == masked


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("请回电13812345678", "请回电138****5678"),
        ("电话 138 1234 5678 找张先生", "电话 138****5678 找张先生"),
        ("13812345678/13987654321", "138****5678/139****4321"),
        ("座机021-62345678转", "座机021-****5678转"),
        ("请拨 0755-23456789 或 13800001111", "请拨 0755-****6789 或 138****1111"),
        # digits that are no phone stay: serials, order and ID numbers, service numbers
        ("PG-20261129-003 已派工", "PG-20261129-003 已派工"),
        ("订单号 2026112913812345678", "订单号 2026112913812345678"),
        ("身份证 110101199003071234", "身份证 110101199003071234"),
        ("联系95598，3-2-1201", "联系95598，3-2-1201"),
    ],
)
def test_phones_in_free_text_are_masked(text: str, shown: str) -> None:
    assert mask_phones_in(text) == shown


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=20),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=20),
)
def test_a_mobile_in_any_text_is_never_shown_whole(before: str, mobile: str, after: str) -> None:
    shown = mask_phones_in(before + mobile + after)
    assert shown == before + mask_phone(mobile) + after
    assert mask_phones_in(shown) == shown  # masking twice changes nothing


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",))))
def test_text_without_digits_is_left_as_it_is(text: str) -> None:
    assert mask_phones_in(text) == text


# ---------------------------------------------------------------------------
# normalize_room
# ---------------------------------------------------------------------------

R_3_2_1201 = RoomRef("3", "2", "1201")
R_3_1201 = RoomRef("3", "", "1201")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3-2-1201", R_3_2_1201),
        ("3—2—1201", R_3_2_1201),
        ("3–2–1201", R_3_2_1201),
        ("3 2 1201", R_3_2_1201),
        ("3 - 2 - 1201", R_3_2_1201),
        ("３－２－１２０１", R_3_2_1201),
        ("\u30003-2-1201\u3000", R_3_2_1201),
        ("3栋2单元1201室", R_3_2_1201),
        ("3号楼2单元1201", R_3_2_1201),
        ("3幢2单元1201号", R_3_2_1201),
        ("3座2单元1201", R_3_2_1201),
        ("3#2-1201", R_3_2_1201),
        ("3#2单元1201", R_3_2_1201),
        ("3号楼1单元 1201室", RoomRef("3", "1", "1201")),
        ("3 号楼 2 单元 1201 室", R_3_2_1201),
        ("3栋-2单元-1201", R_3_2_1201),
        ("3栋02单元1201", R_3_2_1201),
        ("03-2-1201", R_3_2_1201),
        ("3-2-01201", R_3_2_1201),
        ("3#1201", R_3_1201),
        ("3-1201", R_3_1201),
        ("3栋1201室", R_3_1201),
        ("12栋1201", RoomRef("12", "", "1201")),
        ("A栋1单元101", RoomRef("A", "1", "101")),
        ("B-2-302", RoomRef("B", "2", "302")),
        ("b-2-302", RoomRef("B", "2", "302")),
        ("ａ栋１单元１０１", RoomRef("A", "1", "101")),
        ("A3-12-302b", RoomRef("A3", "12", "302B")),
        ("3-2-0101", RoomRef("3", "2", "101")),
        ("3-2-12", RoomRef("3", "2", "12")),
        ("3-2-12345", RoomRef("3", "2", "12345")),
    ],
)
def test_normalize_room_accepts(raw: str, expected: RoomRef) -> None:
    room = normalize_room(raw)
    assert room == expected
    assert normalize_room(room.code) == room
    assert normalize_room(room.label) == room


def test_room_code_and_label() -> None:
    assert R_3_2_1201.code == "3-2-1201"
    assert R_3_2_1201.label == "3栋2单元1201室"
    assert R_3_1201.code == "3-1201"
    assert R_3_1201.label == "3栋1201室"


def test_room_ref_is_frozen_and_hashable() -> None:
    with pytest.raises(AttributeError):
        R_3_2_1201.room = "1202"  # type: ignore[misc]
    assert {R_3_2_1201, RoomRef("3", "2", "1201")} == {R_3_2_1201}


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("", "不能为空"),
        ("\u3000 ", "不能为空"),
        ("12", "缺少楼栋"),  # a 2-digit room alone
        ("1201", "缺少楼栋"),
        ("1201室", "缺少楼栋"),
        ("31201", "缺少楼栋"),
        ("3-2-1", "例如 3-2-1201"),
        ("3-2-123456", "例如 3-2-1201"),
        ("3-123-1201", "例如 3-2-1201"),
        ("ABCDE-1-101", "例如 3-2-1201"),
        ("三栋二单元1201", "例如 3-2-1201"),
        ("3单元1201", "例如 3-2-1201"),
        ("3-2-1201-5", "例如 3-2-1201"),
        ("3-2-1201AB", "例如 3-2-1201"),
        ("3--2--1201", "例如 3-2-1201"),
        ("3-0-1201", "单元号不能为0"),
        ("0-2-1201", "楼栋号不能为0"),
        ("3-2-001", "房号应为2到5位数字"),
        ("3/2/1201", "例如 3-2-1201"),
    ],
)
def test_normalize_room_rejects(raw: str, reason_part: str) -> None:
    exc = _raises(normalize_room, raw, field="unit", label="住址")
    assert reason_part in exc.reason
    if reason_part != "不能为空":
        assert "请按 楼栋-单元-房号 填写，例如 3-2-1201 或 3栋2单元1201室" in exc.reason


def test_normalize_room_default_field_and_label() -> None:
    with pytest.raises(ValidationError) as info:
        normalize_room("?")
    assert (info.value.field, info.value.label) == ("room", "房号")


# ---------------------------------------------------------------------------
# clean_text
# ---------------------------------------------------------------------------


def test_clean_text_strips_and_keeps_inner_newlines() -> None:
    text = "\u3000 厨房水管漏水\n  需要上门  \u3000\n"
    assert clean_text(text, field="content", label="内容", max_len=50) == "厨房水管漏水\n  需要上门"


@pytest.mark.parametrize("empty", [None, "", "   ", "\u3000", "\n\t"])
def test_clean_text_empty_optional(empty: str | None) -> None:
    assert clean_text(empty, field="note", label="备注", max_len=10) == ""


@pytest.mark.parametrize("empty", [None, "", "\u3000 "])
def test_clean_text_empty_required(empty: str | None) -> None:
    exc = _raises(clean_text, empty, field="name", label="姓名", max_len=10, required=True)
    assert exc.reason == "不能为空"


def test_clean_text_counts_characters_not_bytes() -> None:
    assert clean_text("张" * 5, field="name", label="姓名", max_len=5) == "张" * 5
    exc = _raises(clean_text, "张" * 6, field="name", label="姓名", max_len=5)
    assert exc.reason == "不能超过5个字（现在6个字）"


def test_clean_text_length_is_measured_after_stripping() -> None:
    assert clean_text("  abc  ", field="f", label="标签", max_len=3) == "abc"


# ---------------------------------------------------------------------------
# check_not_future / check_order
# ---------------------------------------------------------------------------

NOW = datetime(2024, 5, 1, 10, 0)


def test_check_not_future() -> None:
    assert check_not_future(NOW, now=NOW, field="t", label="来访时间") == NOW
    past = NOW - timedelta(days=3)
    assert check_not_future(past, now=NOW, field="t", label="来访时间") == past
    slack = NOW + timedelta(minutes=5)
    assert check_not_future(slack, now=NOW, field="t", label="来访时间") == slack
    late = NOW + timedelta(minutes=5, seconds=1)
    exc = _raises(check_not_future, late, now=NOW, field="visited_at", label="来访时间")
    assert exc.reason == "不能晚于现在"
    _raises(
        check_not_future,
        NOW + timedelta(minutes=1),
        now=NOW,
        field="t",
        label="时间",
        slack_minutes=0,
    )


def test_check_order() -> None:
    later = NOW + timedelta(hours=1)
    check_order(NOW, later, field="done_at", label="完成时间", earlier_label="报修时间")
    check_order(NOW, NOW, field="done_at", label="完成时间", earlier_label="报修时间")
    check_order(None, NOW, field="done_at", label="完成时间", earlier_label="报修时间")
    check_order(NOW, None, field="done_at", label="完成时间", earlier_label="报修时间")
    exc = _raises(
        check_order, later, NOW, field="done_at", label="完成时间", earlier_label="报修时间"
    )
    assert exc.reason == "不能早于报修时间"


# ---------------------------------------------------------------------------
# parse_money
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", "12.00"),
        ("12.5", "12.50"),
        ("12.50", "12.50"),
        ("¥12.50", "12.50"),
        ("￥12.50", "12.50"),
        ("12元", "12.00"),
        ("12.5 元", "12.50"),
        ("１２．５０", "12.50"),
        ("￥１２元", "12.00"),
        ("RMB 8", "8.00"),
        ("1,200.5", "1200.50"),
        (".5", "0.50"),
        ("12.", "12.00"),
        ("0", "0.00"),
        ("-0", "0.00"),
        ("12.500", "12.50"),
        ("1000000", "1000000.00"),
        (12, "12.00"),
        (12.5, "12.50"),
        (0.1, "0.10"),
        (Decimal("3.1"), "3.10"),
    ],
)
def test_parse_money_accepts(raw: object, expected: str) -> None:
    amount = parse_money(raw, field="fee", label="费用")  # type: ignore[arg-type]
    assert amount == Decimal(expected)
    assert str(amount) == expected


@pytest.mark.parametrize("empty", [None, "", "  ", "\u3000"])
def test_parse_money_empty_is_none(empty: str | None) -> None:
    assert parse_money(empty, field="fee", label="费用") is None


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("-5", "不能为负数"),
        ("¥-5", "不能为负数"),
        (-0.01, "不能为负数"),
        ("12.345", "最多两位小数"),
        (12.345, "最多两位小数"),
        ("1000000.01", "不能超过"),
        (10**7, "不能超过"),
        ("abc", "例如 12 或 12.50"),
        ("12a", "例如 12 或 12.50"),
        ("1e3", "例如 12 或 12.50"),
        ("1.2.3", "例如 12 或 12.50"),
        ("--5", "例如 12 或 12.50"),
        ("12,5", "例如 12 或 12.50"),
        ("¥", "例如 12 或 12.50"),
        (float("nan"), "例如 12 或 12.50"),
        (float("inf"), "例如 12 或 12.50"),
        (Decimal("NaN"), "例如 12 或 12.50"),
        (True, "例如 12 或 12.50"),
    ],
)
def test_parse_money_rejects(raw: object, reason_part: str) -> None:
    exc = _raises(parse_money, raw, field="deposit", label="押金")
    assert reason_part in exc.reason


# ---------------------------------------------------------------------------
# parse_quantity
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        ("３", 3),
        (" 12 ", 12),
        ("999", 999),
        ("2.0", 2),
        (5, 5),
        (2.0, 2),
        (Decimal(4), 4),
    ],
)
def test_parse_quantity_accepts(raw: object, expected: int) -> None:
    assert parse_quantity(raw, field="qty", label="数量") == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        (None, "不能为空"),
        ("", "不能为空"),
        ("0", "不能少于1"),
        ("-3", "不能少于1"),
        ("1000", "不能超过999"),
        ("9" * 5000, "不能超过999"),
        ("2.5", "只能是整数"),
        (2.5, "只能是整数"),
        ("abc", "1到999之间的整数"),
        ("3个", "1到999之间的整数"),
        (True, "1到999之间的整数"),
    ],
)
def test_parse_quantity_rejects(raw: object, reason_part: str) -> None:
    exc = _raises(parse_quantity, raw, field="qty", label="数量")
    assert reason_part in exc.reason


def test_parse_quantity_custom_range() -> None:
    assert parse_quantity("0", field="n", label="件数", minimum=0, maximum=5) == 0
    exc = _raises(parse_quantity, "6", field="n", label="件数", minimum=0, maximum=5)
    assert "0到5之间的整数" in exc.reason


# ---------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------


def to_fullwidth(text: str) -> str:
    """The full-width form of printable ASCII, as a Chinese input method in 全角 mode types it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
SEPARATORS = ["", "", "", " ", "-", ".", "－", "—", "\u3000", " - "]
# A bare "86" is only unambiguous with the usual 3-4-4 grouping: "86130000 00000" reads as the
# local number 86130000 with extension 00000, so bare 86 gets its own strategy below.
PREFIXES = ["", "", "+86", "+86 ", "+86-", "0086", "0086 ", "(+86)", "＋８６ ", "+86 (", "（+86）"]

mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


@st.composite
def decorated_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    digits = draw(mobiles)
    out = [draw(st.sampled_from(PREFIXES))]
    for i, ch in enumerate(digits):
        if i:
            out.append(draw(st.sampled_from(SEPARATORS)))
        out.append(FULLWIDTH[ch] if draw(st.booleans()) else ch)
    pad = draw(st.sampled_from(["", " ", "\u3000", " \u3000 "]))
    return digits, pad + "".join(out) + pad


@st.composite
def bare_86_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    digits = draw(mobiles)
    sep = draw(st.sampled_from(SEPARATORS))
    typed = (
        "86"
        + draw(st.sampled_from(["", " ", "-"]))
        + sep.join([digits[:3], digits[3:7], digits[7:]])
    )
    return digits, to_fullwidth(typed) if draw(st.booleans()) else typed


@given(st.one_of(decorated_mobiles(), bare_86_mobiles()))
def test_property_decorated_mobile_normalises_to_digits(case: tuple[str, str]) -> None:
    digits, typed = case
    assert normalize_phone(typed) == digits
    assert parse_phones(typed) == [digits]


digit_runs = st.text(alphabet="0123456789", min_size=1, max_size=14)
phone_like = st.one_of(
    mobiles,
    st.builds(lambda d, s: s.join([d[:3], d[3:7], d[7:]]), mobiles, st.sampled_from(SEPARATORS)),
    st.builds(
        lambda area, local, ext: f"{area}-{local}{ext}",
        st.sampled_from(["010", "021", "029", "0571", "0755", "0311"]),
        st.from_regex(r"[1-9][0-9]{6,7}", fullmatch=True),
        st.sampled_from(["", "-1", "转12", " ext 123", "#123456", "分机9"]),
    ),
    st.from_regex(r"[2-9][0-9]{6,7}(-[0-9]{1,6})?", fullmatch=True),
    st.from_regex(r"9[0-9]{4}", fullmatch=True),
    st.from_regex(r"[48]00[ -]?[0-9]{3}[ -]?[0-9]{4}", fullmatch=True),
    st.lists(digit_runs, min_size=1, max_size=4).map(" ".join),
    st.lists(digit_runs, min_size=1, max_size=4).map("-".join),
)


@given(st.one_of(phone_like, st.text(alphabet="0123456789 -.()+#转x", max_size=24)))
def test_property_phone_idempotent(raw: str) -> None:
    try:
        once = normalize_phone(raw)
    except ValidationError:
        return
    assert normalize_phone(once) == once
    assert parse_phones(once) == [once]
    masked = mask_phone(once)
    assert "*" in masked
    assert len(masked) <= len(once)


buildings = st.from_regex(r"[0-9A-Z]{1,4}", fullmatch=True).filter(lambda b: b.strip("0") != "")
room_refs = st.builds(
    RoomRef,
    building=buildings.map(lambda b: b.lstrip("0") if b.isdigit() else b),
    entrance=st.one_of(st.just(""), st.integers(1, 99).map(str)),
    room=st.from_regex(r"[1-9][0-9]{1,4}[A-Z]?", fullmatch=True),
)


@given(room_refs)
def test_property_room_code_and_label_round_trip(room: RoomRef) -> None:
    assert normalize_room(room.code) == room
    assert normalize_room(room.label) == room
    assert normalize_room(room.code.lower()) == room


ROOM_BUILDING_SEPS = ["-", "栋", "号楼", "幢", "座", "#", " ", "—", "－", " 栋 "]
ROOM_ENTRANCE_SEPS = ["-", "单元", " ", "—", "－", "单元 "]


@st.composite
def typed_rooms(draw: st.DrawFn) -> tuple[RoomRef, str]:
    room = draw(room_refs)
    text = room.building + draw(st.sampled_from(ROOM_BUILDING_SEPS))
    if room.entrance:
        zeros = draw(st.sampled_from(["", "0"])) if len(room.entrance) == 1 else ""
        text += zeros + room.entrance + draw(st.sampled_from(ROOM_ENTRANCE_SEPS))
    text += room.room + draw(st.sampled_from(["", "室", "号", " 室"]))
    if draw(st.booleans()):
        text = to_fullwidth(text)
    return room, text


@given(typed_rooms())
def test_property_typed_room_parses_and_is_idempotent(case: tuple[RoomRef, str]) -> None:
    expected, typed = case
    room = normalize_room(typed)
    assert room == expected
    assert normalize_room(room.code) == room


room_like = st.text(alphabet="0123456789ABab-—#栋单元室号楼 　", max_size=16)


@given(room_like)
def test_property_room_idempotent(raw: str) -> None:
    try:
        room = normalize_room(raw)
    except ValidationError:
        return
    assert normalize_room(room.code) == room
    assert normalize_room(room.label) == room


# Text that mixes plausible characters with arbitrary Unicode so the parsers meet odd input.
messy_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789+-.()# 　转分机extx/,，、;；\n元¥.栋单元室号楼AB", max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)


@settings(max_examples=300)
@given(messy_text)
def test_property_arbitrary_text_only_raises_validation_error(raw: str) -> None:
    checks = [
        lambda: normalize_phone(raw, field="f1", label="标签一"),
        lambda: parse_phones(raw, field="f2", label="标签二"),
        lambda: normalize_room(raw, field="f3", label="标签三"),
        lambda: clean_text(raw, field="f4", label="标签四", max_len=10, required=True),
        lambda: parse_money(raw, field="f5", label="标签五"),
        lambda: parse_quantity(raw, field="f6", label="标签六"),
    ]
    for i, check in enumerate(checks, start=1):
        try:
            check()
        except ValidationError as exc:
            assert exc.field == f"f{i}"
            assert exc.label.startswith("标签")
            assert exc.reason
    mask_phone(raw)  # never raises at all


@given(st.text(alphabet="0123456789 -/,、;\n+#转", max_size=40))
def test_property_parse_phones_idempotent(raw: str) -> None:
    try:
        phones = parse_phones(raw)
    except ValidationError:
        return
    assert len(set(phones)) == len(phones)
    assert parse_phones("/".join(phones)) == phones
    assert parse_phones("\n".join(phones)) == phones


@given(st.text(max_size=60), st.integers(min_value=0, max_value=30))
def test_property_clean_text_never_exceeds_max_len(raw: str, max_len: int) -> None:
    try:
        out = clean_text(raw, field="note", label="备注", max_len=max_len)
    except ValidationError as exc:
        assert (exc.field, exc.label) == ("note", "备注")
        assert exc.reason.startswith(f"不能超过{max_len}个字")
        return
    assert len(out) <= max_len
    assert out == out.strip()


@given(
    st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False),
    st.sampled_from(["{}", "¥{}", "{}元", "￥{} 元"]),
)
def test_property_money_round_trip(amount: Decimal, template: str) -> None:
    parsed = parse_money(template.format(amount), field="fee", label="费用")
    assert parsed == amount
    assert parsed is not None
    assert parsed.as_tuple().exponent == -2
    assert parse_money(str(parsed), field="fee", label="费用") == parsed
