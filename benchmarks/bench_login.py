"""A log-in: slow by design, and nothing slower than the hash (issue 15).

    python -m benchmarks.bench_login [--runs 20]

A password is stored as a salted scrypt hash whose cost makes guessing slow
(``passwords.DEFAULT_PARAMS``). A person at the desk waits for one check at every 上班 and
every unlock, so the check must cost 100–500 ms on the office PC: cheaper is weak against
a stolen file, dearer is felt. Measured on a new office file with the real parameters:

- log-in: ``log_in.prove`` in its own durable write transaction, as the lock screen and
  上班 run it (the hash check, the account's row, the count of wrong tries, the commit);
- baseline (same run, alternating): ``passwords.verify`` alone, the hash check without the
  database. The ratio is what the desk adds to the hash: ≤ 1.2×.

Unlocking reloads none of the window's lists; that is asserted by the UI test
``tests/ui/window/test_lock.py`` (no read at all is started by an unlock).

Always exits 0.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.common import Row, interleaved, print_table, ratio
from desk.services.core import passwords
from desk.services.duty import log_in
from desk.services.io.database import open_desk
from desk.services.records import staff

PASSWORD = "值班口令2026"
LOW_MS, HIGH_MS = 100, 500
MAX_RATIO = 1.2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    assert passwords.PARAMS == passwords.DEFAULT_PARAMS  # the real cost, not the tests'
    with tempfile.TemporaryDirectory() as tmp:
        desk = open_desk(Path(tmp) / "office.sqlite3")
        try:
            manager, _ = desk.write(
                lambda ctx: staff.set_up_office(
                    ctx, "阳光花园物业服务中心", "王经理", password=PASSWORD
                )
            )
            staff_id = manager.id
            stored, _ = desk.write(lambda ctx: staff.active(ctx)[0].password_hash)

            def whole(_i: int) -> None:
                refusal, _ = desk.write(lambda ctx: log_in.prove(ctx, staff_id, PASSWORD))
                assert refusal is None

            def hash_only(_i: int) -> None:
                assert passwords.verify(PASSWORD, stored)

            login, base = interleaved([whole, hash_only], args.runs, warmup=2)
        finally:
            desk.close()
    print(f"scrypt n={passwords.PARAMS.n} r={passwords.PARAMS.r} p={passwords.PARAMS.p}")
    print_table(
        [
            Row(
                "log-in (prove, committed)",
                f"{LOW_MS}–{HIGH_MS} ms",
                f"p50 {login.p50_ms:.0f} ms, p95 {login.p95_ms:.0f} ms",
                f"hash alone p50 {base.p50_ms:.0f} ms",
                ratio(login.p50_ms, base.p50_ms),
                LOW_MS <= login.p50_ms <= HIGH_MS,
            ),
            Row(
                "what the desk adds to the hash",
                f"≤ {MAX_RATIO}× the hash",
                f"p50 {login.p50_ms:.0f} ms",
                f"p50 {base.p50_ms:.0f} ms",
                ratio(login.p50_ms, base.p50_ms),
                login.p50_ms <= MAX_RATIO * base.p50_ms,
            ),
        ]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
