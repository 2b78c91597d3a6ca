"""关于: the version, where this office's data is, and the licences of the bundled fonts.

The paths are what a support call asks for first ("which file is the program using?"),
hence the 复制 button. The fonts' licences (Apache-2.0 and the Hanazono Font License)
ask that their text travels with the fonts; the dialog shows it from the same files the
package ships (resources/fonts: README.md names each font's licence file).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk import __version__, paths
from desk.services.io import backup

PROGRAM = "物业前台"

# a row of the table in resources/fonts/README.md: | `file` | font | covers | source | licence |
_ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`[^|]*\|(?P<font>[^|]+)\|[^|]*\|[^|]*\|(?P<lic>[^|]+)\|")
_LICENCE_FILE = re.compile(r"`([^`]+\.txt)`")


@dataclass(frozen=True)
class FontNotice:
    file: str
    font: str
    licence: str  # as README.md words it, e.g. "Apache-2.0 (or GPL-3+ with font exception)"
    licence_file: str  # in resources/fonts, "" if the row names none


def font_notices(readme: Path) -> list[FontNotice]:
    """The bundled fonts and their licences, from the table in resources/fonts/README.md."""
    notices = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        row = _ROW.match(line)
        if row is None:
            continue
        licence = row["lic"].strip()
        named = _LICENCE_FILE.search(licence)
        notices.append(
            FontNotice(
                file=row["file"].strip(),
                font=row["font"].strip(),
                licence=re.sub(r"\s*—\s*`[^`]+`\s*$", "", licence),
                licence_file=named.group(1) if named else "",
            )
        )
    return notices


def licence_text(fonts_dir: Path) -> str:
    """The text shown under 字体许可: one line per font, then each licence file in full."""
    readme = fonts_dir / "README.md"
    if not readme.is_file():
        return f"找不到字体说明 {readme}。请重新安装程序。"
    notices = font_notices(readme)
    lines = ["打印表单所用的字体（只把用到的字嵌入 PDF）："]
    for n in notices:
        lines.append(f"• {n.font}（{n.file}）：{n.licence}")
    lines.append("")
    lines.append(
        f"本程序使用 Qt {qVersion()} 与 Qt for Python（PySide6 {PySide6.__version__}），"
        "以 LGPL-3.0 许可使用。"
    )
    for name in dict.fromkeys(n.licence_file for n in notices if n.licence_file):
        path = fonts_dir / name
        body = path.read_text(encoding="utf-8") if path.is_file() else "（文件缺失）"
        lines += ["", f"==== {name} ====", "", body.rstrip()]
    return "\n".join(lines)


class AboutDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("关于物业前台"))
        self.resize(640, 560)
        self.db_path = db_path

        icon = QLabel()
        icon.setPixmap(QIcon(str(paths.resource("icons", "desk.png"))).pixmap(64, 64))
        name = QLabel(PROGRAM)
        font = QFont(name.font())
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        name.setFont(font)
        self.version_label = QLabel(self.tr("版本 {0}").format(__version__))
        heading = QVBoxLayout()
        heading.addWidget(name)
        heading.addWidget(self.version_label)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(heading, 1)

        self.db_label = self._path_label(db_path)
        self.data_label = self._path_label(paths.data_dir())
        self.log_label = self._path_label(paths.log_file(db_path))
        self.backup_label = self._path_label(self.last_backup())
        form = QFormLayout()
        form.addRow(self.tr("数据库文件"), self.db_label)
        form.addRow(self.tr("数据目录"), self.data_label)
        form.addRow(self.tr("日志文件"), self.log_label)
        form.addRow(self.tr("最近备份"), self.backup_label)

        licences_title = QLabel(self.tr("字体与许可"))
        self.licences = QPlainTextEdit()
        self.licences.setReadOnly(True)
        self.licences.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.licences.setPlainText(licence_text(paths.resource("fonts")))
        licences_title.setBuddy(self.licences)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.copy_button = QPushButton(self.tr("复制"))
        self.copy_button.setToolTip(self.tr("复制版本和文件位置，方便告诉维护人员"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(licences_title)
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)

    def _path_label(self, path: Path | str) -> QLabel:
        label = QLabel(str(path))
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def last_backup(self) -> str:
        """The newest daily backup, when and where: the first thing to know before a
        restore, and proof the daily backup runs."""
        newest = backup.latest(self.db_path)
        if newest is None:
            return self.tr("还没有（程序打开后每天自动备份一次）")
        return f"{newest.made_at:%Y-%m-%d %H:%M}  {newest.path}（{newest.size / 2**20:.1f} MB）"

    def summary(self) -> str:
        """What 复制 puts on the clipboard."""
        return "\n".join(
            [
                f"{PROGRAM} {__version__}（Qt {qVersion()}，Python {sys.version.split()[0]}）",
                self.tr("数据库文件：{0}").format(self.db_path),
                self.tr("数据目录：{0}").format(paths.data_dir()),
                self.tr("日志文件：{0}").format(paths.log_file(self.db_path)),
                self.tr("最近备份：{0}").format(self.last_backup()),
            ]
        )

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.summary())
        self.copy_button.setText(self.tr("已复制"))
