"""Screenshots of every tab of the main window, the 住户 tab and the import preview, for
docs/screenshots/.

    python scripts/screenshots.py OUTDIR [WIDTHxHEIGHT]

Runs offscreen: builds a demo database (90 days up to now, fixed seed) in a temporary folder,
opens the 住户 tab with a resident selected (record and timeline visible) and the import
preview of tests/data/residents/title_merged.xlsx, then the main window on each desk tab
with a record selected, and saves ``residents.png``, ``import_preview.png``,
``visits.png``, ``calls.png``, ``workorders.png``, ``complaints.png``, ``loans.png``,
``handover.png``, ``callbacks.png``, ``statistics.png`` and ``lock.png`` (the lock screen)
(1280×800, or the size given:
``1366x700`` is a small laptop's window under its title and task bars) into OUTDIR.
Chinese needs a CJK font on the machine (``fonts-wqy-microhei`` on Debian).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (1280, 800)
SEED = 20261122
SAMPLE = ROOT / "tests" / "data" / "residents" / "title_merged.xlsx"
QUERY = "杨"  # a one-character name: a long list of matches
ROOM = "10-2-202"  # … one of them lives in a flat with three residents and a long history


def wait_until(app, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not finish loading")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):  # let layouts settle
        app.processEvents()


def save(widget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def main(argv: list[str]) -> int:
    global SIZE
    if len(argv) not in (2, 3):
        print(__doc__)
        return 2
    if len(argv) == 3:
        width, height = argv[2].lower().split("x")
        SIZE = (int(width), int(height))
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)

    from desk import demo
    from desk.services.core.handle import DeskHandle
    from desk.services.io.database import open_database
    from desk.ui.app import make_app
    from desk.ui.dialogs.import_preview import ImportPreviewDialog
    from desk.ui.ops import Ops
    from desk.ui.tabs.residents import ResidentsTab

    app = make_app(["screenshots"])
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(Path(tmp) / "demo.sqlite3")
        # up to the real now: the lists count deadlines against the real clock
        demo.generate(engine, 90, seed=SEED)
        ops = Ops(DeskHandle(engine, Path(tmp) / "demo.sqlite3"))
        try:
            tab = ResidentsTab(ops)
            tab.setWindowTitle("住户")
            tab.resize(*SIZE)
            tab.show()
            tab.search_edit.setText(QUERY)
            tab.apply_search()
            wait_until(app, lambda: tab.current is not None)  # the first match is opened
            rooms = [tab.model.row_at(i).room for i in range(tab.model.rowCount())]
            tab.table.selectRow(rooms.index(ROOM))
            wait_until(app, lambda: tab.current is not None and tab.current.room == ROOM)
            wait_until(app, lambda: tab.timeline_model.rowCount() > 0)
            tab.table.setFocus()
            path = out / "residents.png"
            tab.grab().save(str(path))
            print(path)

            dialog = ImportPreviewDialog(ops, SAMPLE, tab)
            dialog.resize(*SIZE)
            dialog.show()
            wait_until(app, lambda: dialog.plan is not None and not dialog.busy)
            path = out / "import_preview.png"
            dialog.grab().save(str(path))
            print(path)
            dialog.close()
            tab.close()

            from desk.ui.main_window import MainWindow

            window = MainWindow(ops, demo=True)
            window.resize(*SIZE)
            window.show()
            wait_until(app, lambda: window.snapshot is not None)
            # each desk tab with one record selected, so its detail and history show
            for tab, row, name, scope in (
                (window.visits_tab, 0, "visits", "全部"),
                (window.calls_tab, 1, "calls", "全部"),
                (window.workorders_tab, 0, "workorders", "未完成"),  # deadlines counting down
                (window.complaints_tab, 0, "complaints", "全部"),
                (window.loans_tab, 0, "loans", "全部"),
            ):
                window.tabs.setCurrentWidget(tab)
                tab.show_scope(scope)
                wait_until(app, lambda tab=tab, row=row: tab.model.rowCount() > row)
                tab.view.selectRow(row)
                wait_until(app, lambda tab=tab: tab.detail.detail is not None)
                path = out / f"{name}.png"
                window.grab().save(str(path))
                print(path)
            # 交接班: the shift on duty with what it will hand over
            window.tabs.setCurrentWidget(window.handover_tab)
            wait_until(app, lambda: window.handover_tab.view is not None)
            wait_until(app, lambda: bool(window.handover_tab.entries))
            save(window, out / "handover.png")
            # 回访: the queue, the first callback selected
            window.tabs.setCurrentWidget(window.callbacks_tab)
            wait_until(app, lambda: window.callbacks_tab.model.rowCount() > 0)
            window.callbacks_tab.view.selectRow(0)
            wait_until(app, lambda: window.callbacks_tab.detail.detail is not None)
            save(window, out / "callbacks.png")
            # 统计: the last full month (the tab's default), top of the report
            stats = window.statistics_tab
            window.tabs.setCurrentWidget(stats)
            wait_until(app, lambda: stats.report is not None, timeout=30)
            wait_until(app, lambda: stats.scroll.verticalScrollBar().maximum() > 0)
            stats.scroll.verticalScrollBar().setValue(0)
            save(window, out / "statistics.png")
            # 锁屏: what anyone walking by sees while the receptionist is away
            window.lock()
            wait_until(app, lambda: window.lock_screen.isVisible())
            window.lock_screen.resize(*SIZE)
            save(window.lock_screen, out / "lock.png")
            window.close()
        finally:
            ops.shutdown()
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
