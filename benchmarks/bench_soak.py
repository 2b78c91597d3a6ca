"""A shift at the desk, compressed: does memory come back when dialogs and models go?

    python -m benchmarks.bench_soak [--days 1800] [--saves 2000] [--dialogs 100]
                                    [--previews 50] [--rebuild]

On a copy of the cached demo database, the real ``MainWindow`` (offscreen) goes through
100 rounds; over them it does ``--saves`` calls typed into the 来电记录 form and saved
with its 保存 button (Chinese typed as input-method commits, as the UI tests do), a walk
through every tab each round, ``--dialogs`` dialogs (设置 and 人员 in turn, opened as the
menu does, closed) and ``--previews`` print previews of work orders (报修派工's 打印:
the PDF rendered on the worker, QtPdf preview opened, then closed; no printer needed).
After each step the worker is let finish, and the event loop runs in real time, so the
collector's timers fire as they would at the desk.

Resident memory (VmRSS, and the peak VmHWM) is read from /proc/self/status after the
window is up, at half-way and at the end (after 2 s of idle event loop), with the number
of objects Python's collector tracks, ``gc.get_count()``, how many closed dialogs'
Python objects are still alive and how many dialogs the window still owns (Qt's side:
no collector frees those). Full collections pause the window: their times are shown.

Two processes on two copies of the same file, one after the other:
- **program**: the collector ``make_app`` installs (``desk.ui.ops.GarbageCollector``);
- **young only** (baseline): the same start, then that collector stopped and replaced by
  what the program did before issue 13 — a 1 s timer running ``gc.collect(0)``. The
  window deletes its closed dialogs in both (``ops.delete_when_closed``); before that,
  each 设置 / 人员 dialog stayed with the window, ~1.7 MB apiece.

Linux only (/proc). Always exits 0: benchmarks inform, the tests decide.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Row, announced_demo_db, copy_db, print_table

ROUNDS = 100  # the tabs are walked once a round; saves, dialogs, previews spread over them
MODES = {"program": "program (full collections)", "young": "young only (before)"}
IDLE_AT_END_S = 2.0  # longer than GC_AFTER_DIALOG_MS: the last dialog's collection runs


# --- the child process ---------------------------------------------------------------------


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    return float("nan")


def _child(mode: str, db_path: str, rounds: int, saves: int, dialogs: int, previews: int) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    from desk.services.io.database import open_desk
    from desk.ui import msgbox
    from desk.ui.app import make_app
    from desk.ui.main_window import MainWindow
    from desk.ui.ops import GarbageCollector, Ops

    app = make_app()
    if mode == "young":
        collector = app.findChild(GarbageCollector)
        assert collector is not None
        collector.stop()
        old = QTimer(app)  # desk/ui/ops.py before issue 13
        old.setInterval(1000)
        old.timeout.connect(lambda: gc.collect(0))
        old.start()

    failures: list[str] = []

    def refuse(_parent: object, title: str, text: str = "", *args: Any, **kw: Any) -> bool:
        failures.append(f"{title}: {text}")  # a message box would wait for a click forever
        return False

    for name in ("error", "info", "confirm"):
        setattr(msgbox, name, refuse)

    pauses: list[float] = []  # full collections, ms
    started: list[float] = []

    def timing(phase: str, info: dict[str, int]) -> None:
        if info["generation"] == 2:
            if phase == "start":
                started.append(time.perf_counter())
            elif started:
                pauses.append((time.perf_counter() - started.pop()) * 1000)

    gc.callbacks.append(timing)

    with sqlite3.connect(db_path) as con:
        order_ids = [r[0] for r in con.execute("SELECT id FROM workorder ORDER BY id DESC")]
    desk = open_desk(Path(db_path))
    ops = Ops(desk)
    window = MainWindow(ops)
    window.show()

    def pump(seconds: float = 0.0) -> None:
        """Run the event loop until the worker is idle (and at least ``seconds``)."""
        until = time.monotonic() + seconds
        while True:
            app.processEvents()
            if ops.idle and time.monotonic() >= until:
                return
            time.sleep(0.002)

    def wait_for(condition: Any) -> None:
        deadline = time.monotonic() + 60
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError("the window did not get there in 60 s")
            app.processEvents()
            time.sleep(0.002)

    def type_text(widget: QWidget, text: str) -> None:
        widget.setFocus()
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)

    def checkpoint(name: str) -> None:
        tracked = gc.get_objects()
        alive_dialogs = sum(isinstance(o, QDialog) for o in tracked)
        print(
            json.dumps(
                {
                    "at": name,
                    "rss": _status_mb("VmRSS"),
                    "hwm": _status_mb("VmHWM"),
                    "objects": len(tracked),
                    "counts": gc.get_count(),
                    "dialogs": alive_dialogs,
                    "children": len(window.findChildren(QDialog)),
                }
            ),
            flush=True,
        )
        del tracked

    pump(1.0)
    wait_for(lambda: all(t.model.rowCount() for t in window.desk_tabs.values()))
    pump(IDLE_AT_END_S)
    checkpoint("start")

    calls_tab, orders_tab = window.calls_tab, window.workorders_tab
    saved: list[object] = []
    calls_tab.saved.connect(saved.append)
    done = {"saves": 0, "dialogs": 0, "previews": 0}

    def share(total: int, round_no: int) -> int:
        return total * (round_no + 1) // rounds - total * round_no // rounds

    began = time.perf_counter()
    for round_no in range(rounds):
        window.tabs.setCurrentWidget(calls_tab)
        for _ in range(share(saves, round_no)):
            n = done["saves"] = done["saves"] + 1
            type_text(calls_tab.person, "王女士")
            type_text(calls_tab.phone, f"139{n:08d}")
            type_text(calls_tab.content, f"第{n}次来电：询问电梯维保时间，已复述确认")
            calls_tab.save_button.click()
            pump()
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            pump()
        for _ in range(share(dialogs, round_no)):
            which = done["dialogs"] = done["dialogs"] + 1
            dialog = window.show_settings() if which % 2 else window.show_staff()
            pump()
            dialog.close()
            del dialog
            pump()
        for _ in range(share(previews, round_no)):
            record_id = order_ids[done["previews"] % len(order_ids)]
            done["previews"] += 1
            window.tabs.setCurrentWidget(orders_tab)
            orders_tab.document_action("print", record_id)
            wait_for(lambda: orders_tab.preview is not None and orders_tab.preview.isVisible())
            pump()
            orders_tab.preview.close_button.click()
            wait_for(lambda: orders_tab.preview is None)
            pump()
        if round_no + 1 == rounds // 2:
            checkpoint("middle")
    seconds = time.perf_counter() - began
    pump(IDLE_AT_END_S)
    checkpoint("end")
    print(
        json.dumps(
            {
                "done": done,
                "rounds": rounds,
                "saved": len(saved),
                "failures": failures[:5],
                "seconds": round(seconds, 1),
                "full_collections": len(pauses),
                "full_max_ms": round(max(pauses, default=0.0), 1),
                "full_median_ms": round(sorted(pauses)[len(pauses) // 2] if pauses else 0.0, 1),
            }
        ),
        flush=True,
    )
    gc.callbacks.remove(timing)
    window.close()
    ops.shutdown()
    desk.close()


# --- the parent ----------------------------------------------------------------------------


def run_child(mode: str, source: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One soak in a fresh process on a fresh copy; its checkpoints and summary."""
    with tempfile.TemporaryDirectory(prefix="desk-soak-") as folder:
        db = copy_db(source, Path(folder) / "soak.sqlite3")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESK_DATA_DIR": folder}
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_soak", "--child", mode, str(db),
             str(args.rounds), str(args.saves), str(args.dialogs), str(args.previews)],
            capture_output=True,
            text=True,
            env=env,
        )  # fmt: skip
    if child.returncode != 0:
        raise RuntimeError(f"the {mode} soak failed ({child.returncode}):\n{child.stderr}")
    result: dict[str, Any] = {}
    for line in child.stdout.splitlines():
        if line.startswith("{"):
            item = json.loads(line)
            result[item.pop("at", "summary")] = item
    return result


def report(results: dict[str, dict[str, Any]]) -> None:
    for mode, result in results.items():
        s = result["summary"]
        print(
            f"{MODES[mode]}: {s['done']['saves']} saves ({s['saved']} saved), "
            f"{s['done']['dialogs']} dialogs, {s['done']['previews']} previews, tabs walked "
            f"{s['rounds']}× in {s['seconds']:.0f} s; {s['full_collections']} full collections, "
            f"median {s['full_median_ms']} ms, longest {s['full_max_ms']} ms"
        )
        if s["failures"]:
            print("  messages shown:", *s["failures"], sep="\n    ")
        for at in ("start", "middle", "end"):
            c = result[at]
            print(
                f"  {at:<6} VmRSS {c['rss']:6.0f} MB  VmHWM {c['hwm']:6.0f} MB  "
                f"objects {c['objects']:>9,}  gc counts {tuple(c['counts'])}  "
                f"dialog objects alive {c['dialogs']} (window's dialog children {c['children']})"
            )
    rows = []
    for mode, result in results.items():
        start, end = result["start"], result["end"]
        rows.append(
            Row(
                f"resident memory, start → end: {MODES[mode]}",
                "information",
                f"{start['rss']:.0f} → {end['rss']:.0f} MB ({end['rss'] - start['rss']:+.0f})",
                f"peak {end['hwm']:.0f} MB",
                f"{end['objects'] - start['objects']:+,} objects",
                None,
            )
        )
    print_table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=1800)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument("--dialogs", type=int, default=100)
    parser.add_argument("--previews", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, db, *numbers = args.child
        _child(mode, db, *(int(n) for n in numbers))
        return
    path, _ = announced_demo_db(args.days, rebuild=args.rebuild)
    results = {}
    for mode in MODES:
        print(f"soak: {MODES[mode]} …", flush=True)
        results[mode] = run_child(mode, path, args)
    report(results)


if __name__ == "__main__":
    main()
