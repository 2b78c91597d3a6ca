"""On a PC without a Chinese system font the window draws Chinese with the font the program
ships (resources/fonts/wqy-microhei.ttc), not as boxes."""

from __future__ import annotations

import json
import lzma
import os
import subprocess
import sys

from PySide6.QtGui import QFont, QFontDatabase, QTextLayout
from PySide6.QtWidgets import QLabel

from desk import paths
from desk.ui import fonts

FAMILY = "WenQuanYi Micro Hei"


def drawn_with(label: QLabel) -> list[tuple[str, list[int]]]:
    """(font family, glyph indexes) of each run Qt lays the label's text out in."""
    layout = QTextLayout(label.text(), label.font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [(run.rawFont().familyName(), list(run.glyphIndexes())) for run in layout.glyphRuns()]


def test_the_bundled_font_is_registered_and_draws_a_chinese_label(qtbot):
    families = fonts.add_bundled_font()
    assert FAMILY in families
    assert FAMILY in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    label = QLabel("物业前台")
    label.setFont(QFont(FAMILY))
    qtbot.addWidget(label)
    runs = drawn_with(label)
    assert [family for family, _ in runs] == [FAMILY]
    assert 0 not in runs[0][1]  # glyph 0 is the font's empty box


def test_the_office_package_ships_it_xz_compressed(qtbot, tmp_path):
    source = paths.resource("fonts", "wqy-microhei.ttc")
    (tmp_path / "wqy-microhei.ttc.xz").write_bytes(lzma.compress(source.read_bytes(), preset=0))
    assert FAMILY in fonts.add_bundled_font(tmp_path)


def test_no_font_at_all_is_a_warning_not_a_crash(qtbot, tmp_path, caplog):
    with caplog.at_level("WARNING", logger="desk.ui"):
        assert fonts.add_bundled_font(tmp_path) == []
    assert "wqy-microhei.ttc" in caplog.text


SCRIPT = """
import json
from PySide6.QtGui import QFontDatabase, QTextLayout
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
before = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
from desk.ui.app import make_app
make_app()
label = QLabel("物业前台 Desk")
layout = QTextLayout(label.text(), label.font())
layout.beginLayout()
layout.createLine()
layout.endLayout()
runs = [(r.rawFont().familyName(), list(r.glyphIndexes())) for r in layout.glyphRuns()]
print(json.dumps({"before": before, "runs": runs}))
"""


def test_make_app_on_a_machine_without_a_chinese_font(tmp_path):
    """A fontconfig that sees no font at all (an empty folder): the program's own start
    makes the label readable."""
    empty = tmp_path / "fonts"
    empty.mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
        f"<fontconfig><dir>{empty}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "QT_QPA_PLATFORM": "offscreen",
        "DESK_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    seen = json.loads(done.stdout)
    assert seen["before"] == []  # the machine really has no Chinese font
    assert [family for family, _ in seen["runs"]] == [FAMILY]
    assert 0 not in seen["runs"][0][1]
