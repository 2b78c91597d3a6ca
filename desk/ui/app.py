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

from desk import paths
from desk.models.dbfile import Kind, presence, reindex
from desk.models.errors import DeskError, StorageError
from desk.services.core.handle import DeskHandle
from desk.services.io import backup
from desk.services.io.database import is_new, open_desk
from desk.services.records import staff
from desk.ui import msgbox
from desk.ui.first_run import FirstRunDialog
from desk.ui.fonts import ensure_chinese_font
from desk.ui.main_window import MainWindow
from desk.ui.ops import Ops, collect_on_gui_thread

log = logging.getLogger("desk.ui")

DEMO_DAYS = 90
# Start, wait this long, quit with exit code 0: how scripts/build_check proves the built
# program's window really opens (offscreen) without anyone clicking it closed.
QUIT_AFTER_ENV = "DESK_QUIT_AFTER_MS"
# a file that is fine but cannot be used right now: the window offers to try again
RETRYABLE = {"locked", "readonly", "unopenable"}


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
    ensure_chinese_font()  # the shipped font, where no system font draws Chinese (not boxes)
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
    """True when the office has still to be set up here (see ``office_desk``)."""
    desk = office_desk(db_path)
    if desk is None:
        return True
    desk.close()
    return False


def office_desk(db_path: Path) -> DeskHandle | None:
    """The office's file opened for the window, or None when the office has still to be
    set up.

    A missing or 0-byte file with a backup (or a file set aside by a restore) beside it is
    first offered that: the data may be there, and a new empty office would only hide it.
    The file is checked once (``open_database``), and the handle is the window's.
    """
    kind = presence(db_path)  # cheap: the full look comes with opening it below
    if kind in (Kind.MISSING, Kind.EMPTY) and not offer_recovery(db_path, kind):
        return None
    desk = open_database_or_restore(db_path)  # the first look at the file: damaged?
    if desk.read(staff.is_set_up):
        return desk
    desk.close()
    return None


def offer_recovery(db_path: Path, kind: Kind) -> bool:
    """Offer the newest whole copy of a missing or empty database; True when restored."""
    state = "不见了" if kind is Kind.MISSING else "是空的（0 字节）"
    return restore_newest(
        db_path,
        "找到以前的数据",
        f"数据库文件 {db_path.name} {state}。",
        "选“否”将新建一个办公室；原来的备份都会保留，不会被删除。",
        f"{kind.value} file",
    )


def restore_newest(
    db_path: Path, title: str, situation: str, otherwise: str, replaced: str
) -> bool:
    """Offer the newest whole copy of ``db_path`` (a backup or a file set aside), saying
    ``situation`` first; True when the person said 是 and it was restored. The file it
    replaces, if any, is kept aside by the restore, never deleted."""
    newest = backup.newest_candidate(db_path)
    if newest is None:
        return False
    question = (
        f"{situation}\n\n最近的{newest.what}是 {newest.made_at:%Y-%m-%d %H:%M} 的"
        f"（{newest.size / 2**20:.1f} MB）：\n{newest.path}\n\n要用它恢复吗？"
        f"之后登记的内容请按纸质单据补登。\n{otherwise}"
    )
    if not msgbox.confirm(None, title, question):
        return False
    aside = backup.restore(newest.path, db_path, datetime.now())
    log.warning("restored %s from %s; %s kept as %s", db_path, newest.path, replaced, aside)
    return True


def prepare_demo() -> Path | None:
    """Open the demo file, generating it first (with a progress dialog) if it is new."""
    path = paths.demo_db()
    desk = open_desk(path)
    if not is_new(desk):
        desk.close()
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

    from desk.demo import fill_demo  # large, and only the demo's first start needs it

    generating = Ops(desk)  # off the GUI thread, so the progress dialog turns meanwhile
    try:
        generating.background(lambda: fill_demo(desk, DEMO_DAYS), finished, failed)
        dialog.exec()
    finally:
        generating.shutdown()
        desk.close()
    if "error" in outcome:
        msgbox.error(None, "演示数据", f"生成演示数据失败：{outcome['error']}")
        return None
    return path


def open_database_or_restore(db_path: Path) -> DeskHandle:
    """Open the database; when its file is damaged, offer the newest whole copy of it;
    when only an index is damaged, offer to rebuild the indexes (nothing is lost).

    A locked, read-only or unopenable file is not damaged: its error goes up unchanged
    (``run`` offers to try again). The damaged file is kept aside by the restore, never
    overwritten: whoever looks into it later still has it.
    """
    try:
        return open_desk(db_path)
    except StorageError as exc:
        if exc.kind == "index":
            if not msgbox.confirm(None, "数据库索引损坏", f"{exc}\n\n现在重建索引吗？"):
                raise
            reindex(db_path)
            log.warning("rebuilt the indexes of %s", db_path.name)
            return open_desk(db_path)
        if exc.kind != "corrupt":
            raise
        otherwise = "损坏的文件会另存一份（文件名带 before-restore），不会删除。"
        if not restore_newest(db_path, "数据库文件损坏", str(exc), otherwise, "damaged file"):
            raise
        return open_desk(db_path)


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
    demo_mode = db_path.resolve() == paths.demo_db().resolve()  # also when opened by --db
    while True:
        try:
            desk, db_path, demo_mode = open_for_window(db_path, demo_mode)
            break
        except _Declined:
            return 0
        except StorageError as exc:
            log.error("cannot open %s: %s", db_path.name, exc.kind)
            if exc.kind in RETRYABLE and msgbox.retry(
                None, "无法打开数据库", f"{exc}\n\n文件：{db_path}"
            ):
                continue
            if exc.kind not in RETRYABLE:
                msgbox.error(None, "无法打开数据库", f"{exc}\n\n文件：{db_path}")
            return 2
        except DeskError as exc:
            log.error("cannot open %s: %s", db_path.name, type(exc).__name__)
            msgbox.error(None, "无法打开数据库", f"{exc}\n\n文件：{db_path}")
            return 2
    if desk is None:
        return 1
    ops = Ops(desk)
    try:
        # locked: 上班 is the log-in; the idle time locks it again
        window = MainWindow(
            ops, demo=demo_mode, locked=True, idle_lock=True, auto_backup=True, keep_drafts=True
        )
        window.show_fitted(paths.window_file())
        return app.exec()
    finally:
        ops.shutdown()
        desk.close()


class _Declined(Exception):
    """The first-start dialog was closed: nothing to open, nothing went wrong."""


def open_for_window(db_path: Path, demo_mode: bool) -> tuple[DeskHandle | None, Path, bool]:
    """The desk the window works on, after the first start's questions; None when the
    demo could not be made. Raises DeskError when the file cannot be used."""
    desk = office_desk(db_path)
    if desk is not None:
        return desk, db_path, demo_mode
    # the first start: a new office or the demo
    dialog = FirstRunDialog(demo_exists=paths.demo_db().exists())
    if not dialog.exec() or dialog.choice is None:
        raise _Declined
    if dialog.choice.demo:
        demo_path = prepare_demo()
        if demo_path is None:
            return None, db_path, demo_mode
        db_path, demo_mode = demo_path, True
    else:
        choice = dialog.choice
        new = open_desk(db_path)
        new.write(
            lambda ctx: staff.set_up_office(
                ctx, choice.office_name, choice.staff_name, password=choice.password
            )
        )
        new.close()
    return open_desk(db_path), db_path, demo_mode
