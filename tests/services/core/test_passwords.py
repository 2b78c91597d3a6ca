"""Password hashing and the rules of a new password (services.core.passwords)."""

from __future__ import annotations

import string

import pytest
from helpers.office import FAST_HASHES
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.models.errors import ValidationError
from desk.services.core import passwords
from desk.services.core.passwords import Params

# cheap enough for hypothesis (every test's PARAMS, tests/conftest.py); the real
# parameters are tested once below
FAST = FAST_HASHES


def test_the_real_parameters_round_trip_and_are_described_in_the_string() -> None:
    stored = passwords.hash_password("门卫室2026", passwords.DEFAULT_PARAMS)
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**16, 8, 1)
    assert len(salt) == 24 and len(key) == 44  # 16 and 32 bytes in base64
    assert passwords.verify("门卫室2026", stored)
    assert not passwords.verify("门卫室2027", stored)
    assert not passwords.needs_rehash(stored, passwords.DEFAULT_PARAMS)
    assert "门卫室2026" not in stored


def test_a_wrong_password_does_not_verify() -> None:
    stored = passwords.hash_password("secret1", FAST)
    assert passwords.verify("secret1", stored)
    for wrong in ["secret2", "Secret1", "secret1 ", "", "secret"]:
        assert not passwords.verify(wrong, stored)


def test_every_hash_has_its_own_salt() -> None:
    first, second = (passwords.hash_password("secret1", FAST) for _ in range(2))
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]
    assert passwords.verify("secret1", first) and passwords.verify("secret1", second)


def test_a_hash_made_with_other_parameters_needs_rehashing() -> None:
    stored = passwords.hash_password("secret1", FAST)
    assert passwords.needs_rehash(stored, passwords.DEFAULT_PARAMS)
    assert not passwords.needs_rehash(stored, FAST)
    assert passwords.needs_rehash(stored, Params(n=2**5, r=1, p=1))
    assert passwords.needs_rehash("")  # no password yet
    # the string carries its parameters: it verifies whatever PARAMS says today
    assert passwords.verify("secret1", stored)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "secret1",
        "scrypt$16$1$1$c2FsdA==",  # a part missing
        "bcrypt$16$1$1$c2FsdA==$a2V5",
        "scrypt$15$1$1$c2FsdA==$a2V5",  # n not a power of two
        "scrypt$2097152$8$1$c2FsdA==$a2V5",  # n beyond MAX_N: refused before any work
        "scrypt$16$1$1$not base64$a2V5",
        "scrypt$16$1$1$c2FsdA==$",
    ],
)
def test_a_damaged_stored_hash_never_verifies(stored: str) -> None:
    assert not passwords.verify("secret1", stored)
    assert passwords.needs_rehash(stored)


def test_the_same_looking_text_typed_either_way_verifies() -> None:
    composed, decomposed = "café123", "cafe\u0301123"
    assert passwords.verify(decomposed, passwords.hash_password(composed, FAST))


@settings(max_examples=60)
@given(st.text(min_size=0, max_size=12), st.text(min_size=0, max_size=12))
def test_round_trip_on_any_short_text(text: str, other: str) -> None:
    stored = passwords.hash_password(text, FAST)
    assert passwords.verify(text, stored)
    assert passwords.verify(other, stored) == (passwords._text(other) == passwords._text(text))


@pytest.mark.parametrize("good", ["abc123", "门卫室的钥匙", "aaaaab", "  x  y", "ab" * 64])
def test_acceptable_new_passwords(good: str) -> None:
    assert passwords.check_new(good) == good


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("", "请输入密码"),
        ("abc12", "至少要 6 个字符"),
        ("门卫室", "至少要 6 个字符"),
        ("aaaaaa", "不能全是同一个字符"),
        ("111111111", "不能全是同一个字符"),
        ("a" * 129, "最多 128 个字符"),
    ],
)
def test_refused_new_passwords_say_why(bad: str, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        passwords.check_new(bad)
    assert refused.value.field == "password"
    assert str(refused.value).startswith("密码：")
    assert reason in refused.value.reason


@given(st.text(alphabet=string.printable + "门卫室钥匙", max_size=20))
def test_the_rules_accept_exactly_six_or_more_not_all_alike(text: str) -> None:
    ok = 6 <= len(text) <= 128 and len(set(text)) > 1
    try:
        passwords.check_new(text)
    except ValidationError:
        assert not ok
    else:
        assert ok
