"""Password hashing (the standard library's scrypt) and the rules a new password follows.

A stored hash describes itself — ``scrypt$n$r$p$salt$hash`` (salt and hash in base64) —
so the parameters can grow later: ``verify`` reads them from the string, and
``needs_rehash`` says when a log-in should store the password again with today's.
``DEFAULT_PARAMS`` costs about 145 ms and 64 MiB a hash on the 2-core desk PC this was
measured on (n = 2**15 took 70 ms); tests swap cheap ones into ``PARAMS``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

from desk.models.errors import ValidationError

SCHEME = "scrypt"
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 6
MAX_LENGTH = 128  # a pasted novel would only cost hashing time
LABEL = "密码"


@dataclass(frozen=True)
class Params:
    n: int  # CPU/memory cost, a power of two
    r: int = 8
    p: int = 1

    @property
    def maxmem(self) -> int:
        # scrypt needs 128·n·r·p bytes; OpenSSL's default cap (32 MiB) is below that
        return 2 * 128 * self.n * self.r * self.p + (1 << 20)


DEFAULT_PARAMS = Params(n=2**16)
PARAMS = DEFAULT_PARAMS  # what new hashes use; tests swap in cheap ones
# the most a stored string may ask for: a damaged or planted row must not take the PC's memory
MAX_N = 2**20


def _text(password: str) -> bytes:
    # one form for what looks the same (a full-width or composed character typed another way)
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, params: Params, length: int = KEY_BYTES) -> bytes:
    return hashlib.scrypt(
        _text(password),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=params.maxmem,
        dklen=length,
    )


def hash_password(password: str, params: Params | None = None) -> str:
    """A new salted hash of ``password`` with ``params`` (default: ``PARAMS``)."""
    params = params or PARAMS
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, params)
    return f"{SCHEME}${params.n}${params.r}${params.p}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[Params, bytes, bytes] | None:
    """The parameters, salt and key of a stored hash; None for "" or anything malformed."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        return None
    if not (1 < n <= MAX_N and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16 and key):
        return None
    return Params(n, r, p), salt, key


def verify(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (False for no hash)."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    params, salt, key = parsed
    try:
        candidate = _derive(password, salt, params, len(key))
    except (ValueError, MemoryError):  # parameters OpenSSL refuses
        return False
    return hmac.compare_digest(candidate, key)


def needs_rehash(stored: str, params: Params | None = None) -> bool:
    """True when ``stored`` was made with other parameters than ``params`` (or is no hash)."""
    parsed = _parse(stored)
    return parsed is None or parsed[0] != (params or PARAMS)


def check_new(password: str) -> str:
    """A new password as typed, or ``ValidationError`` saying what to change."""
    if not password:
        raise ValidationError("password", LABEL, "请输入密码")
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        raise ValidationError("password", LABEL, f"至少要 {MIN_LENGTH} 个字符")
    if length > MAX_LENGTH:
        raise ValidationError("password", LABEL, f"最多 {MAX_LENGTH} 个字符")
    if len(set(password)) == 1:
        raise ValidationError("password", LABEL, "不能全是同一个字符，请换一个难猜一些的密码")
    return password
