"""Starting the program and keeping every tab open, on a 5-year demo database.

    python -m benchmarks.bench_window [--days 1800] [--runs 5] [--rebuild]

(a) Start to the main window painted with its lists filled: a fresh process (Python, Qt,
    the database, the window) until the window has painted and every desk tab's list has
    its first page and its count. Baseline in the same run: a fresh process showing a bare
    PySide6 ``QMainWindow`` until it has painted. Runs alternate between the two; the
    median of each is compared. Target (issue 4): ≤ 6× the bare window.
(b) Peak memory with every tab opened: the same process then brings each tab forward in
    turn, lets its list load, and reports its peak resident set size. Target: ≤ 250 MB.
    The bare window's peak is shown beside it.

Both run on Qt's offscreen platform. Always exits 0: benchmarks inform, the tests decide.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import Row, announced_demo_db, print_table, ratio

START_TARGET = 6.0
MEMORY_TARGET_MB = 250
READY = "ready"


# --- the child processes -------------------------------------------------------------------


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own memory map;
    ``ru_maxrss`` is not used: Linux carries it over from the parent across fork and exec,
    so a child of a big parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def child_bare() -> None:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)

    class Painted(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                print(READY, flush=True)
                app.quit()
            return False

    window.installEventFilter(painted := Painted())
    window.show()
    app.exec()
    del painted
    print(json.dumps({"peak_mb": _peak_mb()}), flush=True)


def child_desk(db_path: str) -> None:
    """The program's own start (desk.ui.app.run without the first-start dialogs)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    from desk.ui.app import make_app, office_desk
    from desk.ui.main_window import MainWindow
    from desk.ui.ops import Ops

    app = make_app()
    desk = office_desk(Path(db_path))  # as run() opens it: checked once
    if desk is None:
        raise SystemExit("the benchmark database is not set up")
    ops = Ops(desk)
    window = MainWindow(ops)
    tabs = list(window.desk_tabs.values())
    pending = {"paint": True, **{tab.kind: True for tab in tabs}}
    counted: set[str] = set()

    def check() -> None:
        for tab in tabs:
            if tab.count_label.text():
                counted.add(tab.kind)
            if tab.model.rowCount() or not tab.model.canFetchMore():
                pending.pop(tab.kind, None)
        if not pending and len(counted) == len(tabs):
            print(READY, flush=True)
            poll.stop()
            QTimer.singleShot(0, open_every_tab)

    class Painted(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                pending.pop("paint", None)
            return False

    def open_every_tab() -> None:
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            widget = window.tabs.currentWidget()
            model = getattr(widget, "model", None)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                app.processEvents()
                if model is None or model.rowCount() or not model.canFetchMore():
                    break
                time.sleep(0.005)
            window.grab()  # paint it, as a person looking at it would
        print(json.dumps({"peak_mb": _peak_mb()}), flush=True)
        window.close()
        app.quit()

    window.installEventFilter(painted := Painted())
    poll = QTimer()
    poll.setInterval(2)
    poll.timeout.connect(check)
    poll.start()
    window.show()
    app.exec()
    del painted
    ops.shutdown()
    desk.close()


# --- the parent ----------------------------------------------------------------------------


def start_once(args: list[str]) -> tuple[float, float]:
    """(seconds from spawning the process to its "ready" line, its peak memory in MB)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.bench_window", "--child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,  # the offscreen plugin's chatter; shown if the child fails
        text=True,
        env=env,
    )
    assert child.stdout is not None
    seconds = None
    peak = float("nan")
    for line in child.stdout:
        if line.strip() == READY and seconds is None:
            seconds = time.perf_counter() - started
        elif line.startswith("{"):
            peak = json.loads(line)["peak_mb"]
    errors = child.stderr.read() if child.stderr else ""
    if child.wait() != 0 or seconds is None:
        raise RuntimeError(f"the child process {args} failed ({child.returncode}):\n{errors}")
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=1800)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_bare() if args.child[0] == "bare" else child_desk(args.child[1])
        return

    path, _ = announced_demo_db(args.days, rebuild=args.rebuild)
    start_once(["bare"])  # warm the file cache for both, untimed
    start_once(["desk", str(path)])
    bare: list[float] = []
    desk: list[float] = []
    bare_peak: list[float] = []
    desk_peak: list[float] = []
    for _ in range(args.runs):
        seconds, peak = start_once(["bare"])
        bare.append(seconds)
        bare_peak.append(peak)
        seconds, peak = start_once(["desk", str(path)])
        desk.append(seconds)
        desk_peak.append(peak)
    b, d = statistics.median(bare), statistics.median(desk)
    print_table(
        [
            Row(
                "start to window painted, lists filled",
                f"≤ {START_TARGET:g}× bare window",
                f"{d * 1000:.0f} ms (median of {args.runs})",
                f"{b * 1000:.0f} ms bare QMainWindow",
                ratio(d, b),
                d <= START_TARGET * b,
            ),
            Row(
                "peak memory, every tab opened",
                f"≤ {MEMORY_TARGET_MB} MB",
                f"{max(desk_peak):.0f} MB",
                f"{max(bare_peak):.0f} MB bare QMainWindow",
                ratio(max(desk_peak), max(bare_peak)),
                max(desk_peak) <= MEMORY_TARGET_MB,
            ),
        ]
    )


if __name__ == "__main__":
    main()
