"""The daily backup must not hold up the desk: saving a call while a backup of five years
runs (on its own thread and connection, as the window does it) against saving alone. The
backup's writes compete with the save's fsync for the disk, so saves get slower; the
target is that they stay instant for the person at the desk.

    python -m benchmarks.bench_backup [--days 1800] [--runs 150]

Also prints how long one backup of the file takes, and the full ``integrity_check`` the
daily backup runs first (information: both run in the background).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.common import Row, announced_demo_db, copy_db, print_table, ratio, timed
from benchmarks.run import CONTENT, REPLY, _pick
from desk.models.enums import CallType
from desk.services.core.transactions import writing
from desk.services.io import backup
from desk.services.io.database import inspect, open_database
from desk.services.records.calls import CallDraft, create_call


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_backup", description=__doc__)
    parser.add_argument("--days", type=int, default=1800, help="days of demo data (1800 ≈ 5 y)")
    parser.add_argument("--runs", type=int, default=150, help="timed saves per measurement")
    args = parser.parse_args(argv)
    source, _seconds = announced_demo_db(args.days)
    staff_id, shift_id, *_rest = _pick(source, 10)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="desk-bench-backup-") as tmp:
        path = copy_db(source, Path(tmp) / "desk.sqlite3")
        engine = open_database(path)

        def save(_i: int) -> None:
            with writing(engine, staff_id=staff_id, shift_id=shift_id) as ctx:
                draft = CallDraft(CallType.ENQUIRY, CONTENT, caller_name="陈先生",
                                  phone="13812345678", room="3-2-1201", reply=REPLY)  # fmt: skip
                create_call(ctx, draft)

        print("saving alone …", flush=True)
        alone = timed(save, args.runs, warmup=20)

        print("one backup, timed …", flush=True)
        started = time.perf_counter()
        made = backup.make(path, Path(tmp) / "backups", datetime.now())
        took = time.perf_counter() - started

        print("the daily backup's full check of the live file, timed …", flush=True)
        started = time.perf_counter()
        checked = inspect(path, full=True)
        check_took = time.perf_counter() - started
        assert checked.kind.value == "desk", checked

        print("saving while backups run one after another …", flush=True)
        stop = threading.Event()
        count = [0]

        def backups_in_a_row() -> None:
            at = datetime.now() + timedelta(minutes=1)
            while not stop.is_set():
                b = backup.make(path, Path(tmp) / "again", at + timedelta(seconds=count[0]))
                b.path.unlink()
                count[0] += 1

        worker = threading.Thread(target=backups_in_a_row, daemon=True)
        worker.start()
        time.sleep(0.2)  # the first VACUUM INTO is under way
        during = timed(save, args.runs, warmup=5)
        stop.set()
        worker.join()
        engine.dispose()

    size = made.size / 2**20
    rows.append(Row(f"one backup of {args.days} days ({size:.0f} MiB)", "info", f"{took:.1f} s",
                    "—", "—", None))  # fmt: skip
    rows.append(Row("its full integrity_check first (backup.auto)", "info",
                    f"{check_took:.1f} s", "—", "—", None))  # fmt: skip
    for label, m, b in (("p50", during.p50_ms, alone.p50_ms), ("p95", during.p95_ms, alone.p95_ms)):
        # the backup's writing competes with the save's fsync for the disk: slower, but a
        # save must still feel instant to the person at the desk
        rows.append(Row(f"save one call during a backup, {label}", "≤ 50 ms", f"{m:.2f} ms",
                        f"{b:.2f} ms alone", ratio(m, b), m <= 50))  # fmt: skip
    rows.append(Row("backups finished while saving", "info", str(count[0]), "—", "—", None))
    print()
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
