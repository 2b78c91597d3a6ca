"""Starting the program: Qt, translations, the database (first start or demo), the window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QProgressDialog

from desk import paths
from desk.models.errors import DeskError
from desk.services import staff
from desk.services.context import reading, writing
from desk.services.database import is_empty, open_database
from desk.ui import msgbox
from desk.ui.first_run import FirstRunDialog
from desk.ui.main_window import MainWindow
from desk.ui.ops import Ops, collect_on_gui_thread

log = logging.getLogger("desk.ui")

DEMO_DAYS = 90


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("物业前台")
    app.setOrganizationName("desk")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    if translator.load(
        "qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(translator)
    collect_on_gui_thread(app)
    return app  # type: ignore[return-value]


def needs_setup(db_path: Path) -> bool:
    if not db_path.exists():
        return True
    engine = open_database(db_path)
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


def run(db_path: Path) -> int:
    """Start the GUI on ``db_path``. Returns the process exit code."""
    app = make_app()
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
        window = MainWindow(engine, ops, db_path, demo=demo_mode, ask_duty=True)
        window.show()
        code = app.exec()
        engine.dispose()
        return code
    finally:
        ops.shutdown()
