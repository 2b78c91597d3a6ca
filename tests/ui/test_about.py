"""关于: version, the database and data folder (copyable), and the fonts' licences read from
the files that ship with them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from helpers.ui import WAIT
from PySide6.QtGui import QGuiApplication

from desk import __version__, paths
from desk.reports.pdf_fonts import FONT_FILES
from desk.services.io import backup
from desk.ui.about import AboutDialog, font_notices, licence_text
from desk.ui.main_window import MainWindow


def test_every_font_the_forms_use_has_its_licence_named_and_shipped():
    notices = font_notices(paths.resource("fonts", "README.md"))
    assert {n.file for n in notices} == {file for file, _face in FONT_FILES.values()}
    for n in notices:
        assert n.font and n.licence and "`" not in n.licence
        assert paths.resource("fonts", n.licence_file).is_file(), n.licence_file
    wqy = next(n for n in notices if n.file == "wqy-microhei.ttc")
    assert wqy.licence.startswith("Apache-2.0")
    assert wqy.licence_file == "WQY-MICROHEI-LICENSE.txt"


def test_the_licence_text_lists_the_fonts_then_each_licence_once():
    text = licence_text(paths.resource("fonts"))
    assert "WenQuanYi Micro Hei" in text and "HanaMinB" in text and "Desk Han Ext A" in text
    # two fonts share the Hanazono licence: its text appears once
    assert text.count("==== HANAZONO-LICENSE.txt ====") == 1
    assert text.count("==== WQY-MICROHEI-LICENSE.txt ====") == 1
    assert "Apache License" in text  # the licence's own words, not only its name
    assert "LGPL-3.0" in text  # Qt for Python


def test_a_missing_fonts_readme_says_to_reinstall(tmp_path: Path):
    assert "请重新安装程序" in licence_text(tmp_path)


def test_the_dialog_shows_version_and_where_the_data_is(qtbot, db_path, profile_dir):
    dialog = AboutDialog(db_path)
    qtbot.addWidget(dialog)
    assert __version__ in dialog.version_label.text()
    assert dialog.db_label.text() == str(db_path)
    assert dialog.data_label.text() == str(profile_dir)  # DESK_DATA_DIR in the tests
    assert dialog.log_label.text() == str(db_path.parent / "desk.log")
    assert "WQY-MICROHEI-LICENSE.txt" in dialog.licences.toPlainText()
    assert dialog.licences.isReadOnly()


def test_the_newest_backup_is_shown(qtbot, db_path, engine):
    dialog = AboutDialog(db_path)
    qtbot.addWidget(dialog)
    assert dialog.backup_label.text().startswith("还没有")
    made = backup.make(db_path, backup.auto_folder(db_path), datetime(2026, 11, 29, 8, 15))
    dialog = AboutDialog(db_path)
    qtbot.addWidget(dialog)
    assert dialog.backup_label.text().startswith(f"2026-11-29 08:15  {made.path}（")
    assert f"最近备份：2026-11-29 08:15  {made.path}" in dialog.summary()


def test_copy_puts_the_version_and_paths_on_the_clipboard(qtbot, db_path, profile_dir):
    dialog = AboutDialog(db_path)
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"物业前台 {__version__}")
    assert str(db_path) in copied and str(profile_dir) in copied
    assert dialog.copy_button.text() == "已复制"


def test_the_help_menu_opens_it_without_blocking(qtbot, ops):
    window = MainWindow(ops)
    qtbot.addWidget(window)
    window.show()
    dialog = window.show_about()  # open(), not exec(): no nested event loop
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert dialog.parent() is window and dialog.isModal()
    dialog.reject()
