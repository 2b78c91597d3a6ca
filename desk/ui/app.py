"""Starting the program: Qt, translations, the database (first start or demo), the window."""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QProgressDialog
from sqlalchemy.engine import Engine

from desk import paths
from desk.models.errors import DeskError, StorageError
from desk.services import backup, staff
from desk.services.context import reading, writing
from desk.services.database import is_empty, open_database
from desk.ui import msgbox
from desk.ui.first_run import FirstRunDialog
from desk.ui.main_window import MainWindow
from desk.ui.ops import Ops, collect_on_gui_thread

log = logging.getLogger("desk.ui")

DEMO_DAYS = 90
# Start, wait this long, quit with exit code 0: how scripts/build_check proves the built
# program's window really opens (offscreen) without anyone clicking it closed.
QUIT_AFTER_ENV = "DESK_QUIT_AFTER_MS"


def qt_translations_dir() -> str:
    """Where ``qtbase_zh_CN.qm`` is: the bundle ships it in ``resources/translations``
    (build.spec drops Qt's other translations); from source, the installed Qt's folder."""
    if paths.bundled():
        return str(paths.resource("translations"))
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("物业前台")
    app.setOrganizationName("desk")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    icon = paths.resource("icons", "desk.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    else:  # logged, so scripts/build_check notices a bundle without it
        log.warning("window icon missing: %s", icon)
    translator = QTranslator(app)
    folder = qt_translations_dir()
    if translator.load("qtbase_zh_CN", folder):
        app.installTranslator(translator)
    else:
        log.warning("Qt's Chinese translation qtbase_zh_CN not found in %s", folder)
    collect_on_gui_thread(app)
    return app  # type: ignore[return-value]


def needs_setup(db_path: Path) -> bool:
    if not db_path.exists():
        return True
    engine = open_database_or_restore(db_path)  # the first look at the file: damaged?
    try:
        with reading(engine) as ctx:
            return not staff.is_set_up(ctx)
    finally:
        engine.dispose()


def prepare_demo(ops: Ops) -> Path | None:
    """Open the demo file, generating it first (with a progress dialog) if it is new."""
    from desk.services import demo

    path = paths.demo_db()
    engine = open_database(path)
    if not is_empty(engine):
        engine.dispose()
        return path
    dialog = QProgressDialog("正在生成演示数据……", "", 0, 0)
    dialog.setCancelButton(None)
    dialog.setWindowTitle("物业前台")
    dialog.setMinimumDuration(0)
    outcome: dict[str, object] = {}

    def finished(result: object) -> None:
        outcome["ok"] = result
        dialog.close()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        dialog.close()

    ops.run(lambda: demo.generate(engine, DEMO_DAYS), finished, failed)
    dialog.exec()
    engine.dispose()
    if "error" in outcome:
        msgbox.error(None, "演示数据", f"生成演示数据失败：{outcome['error']}")
        return None
    return path


def open_database_or_restore(db_path: Path) -> Engine:
    """Open the database; when its file is damaged, offer the newest daily backup.

    The damaged file is kept aside by the restore, never overwritten: whoever looks into
    it later still has it.
    """
    try:
        return open_database(db_path)
    except StorageError as exc:
        if exc.kind != "corrupt":
            raise
        newest = backup.latest(db_path)
        if newest is None:
            raise
        question = (
            f"{exc}\n\n最近的自动备份是 {newest.made_at:%Y-%m-%d %H:%M} 的"
            f"（{newest.size / 2**20:.1f} MB）。要用它恢复吗？\n\n备份之后登记的内容请按纸质单据"
            "补登。损坏的文件会另存一份（文件名带 before-restore），不会删除。"
        )
        if not msgbox.confirm(None, "数据库文件损坏", question):
            raise
        aside = backup.restore(newest.path, db_path, datetime.now())
        log.warning("restored %s from %s; damaged file kept as %s", db_path, newest.path, aside)
        return open_database(db_path)


def quit_after(app: QApplication, ms: int) -> None:
    """Quit ``ms`` after start, ending any dialog still open; logs which windows were up."""

    def leave() -> None:
        shown = [w.windowTitle() for w in app.topLevelWidgets() if w.isVisible()]
        log.info("%s=%d: quitting; windows open: %s", QUIT_AFTER_ENV, ms, shown)
        app.exit(0)  # ends nested loops too (a modal dialog's exec), then the main loop

    QTimer.singleShot(ms, leave)


def run(db_path: Path) -> int:
    """Start the GUI on ``db_path``. Returns the process exit code."""
    app = make_app()
    quit_ms = os.environ.get(QUIT_AFTER_ENV, "").strip()
    if quit_ms.isdigit():
        quit_after(app, int(quit_ms))
    ops = Ops()
    try:
        demo_mode = db_path.resolve() == paths.demo_db().resolve()  # also when opened by --db
        try:
            if needs_setup(db_path):
                dialog = FirstRunDialog(demo_exists=paths.demo_db().exists())
                if not dialog.exec() or dialog.choice is None:
                    return 0
                if dialog.choice.demo:
                    demo_path = prepare_demo(ops)
                    if demo_path is None:
                        return 1
                    db_path, demo_mode = demo_path, True
                else:
                    engine = open_database(db_path)
                    with writing(engine) as ctx:
                        staff.set_up_office(
                            ctx, dialog.choice.office_name, dialog.choice.staff_name
                        )
                    engine.dispose()
            engine = open_database(db_path)
        except DeskError as exc:
            log.error("cannot open %s: %s", db_path, exc)
            msgbox.error(None, "无法打开数据库", f"{exc}\n\n文件：{db_path}")
            return 2
        window = MainWindow(
            engine,
            ops,
            db_path,
            demo=demo_mode,
            ask_duty=True,
            auto_backup=True,
            keep_drafts=True,
        )
        window.show()
        code = app.exec()
        engine.dispose()
        return code
    finally:
        ops.shutdown()
