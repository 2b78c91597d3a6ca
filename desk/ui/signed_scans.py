"""归档签字件…: a scan or photo of a signed paper, picked from a folder and filed — against
the record shown (its detail's 签回 menu: the scan's QR code must not name another), or,
from the 文件 menu, against the record its QR code names, asking for the serial when no
code can be read. Reading and decoding run on the second lane, the filing on the writer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from desk.services.core.context import Ctx
from desk.services.records import signed_copies
from desk.services.records.signed_copies import NoSerialFound, Scan
from desk.ui import dialogs, msgbox, printing
from desk.ui.dialogs import text_question
from desk.ui.ops import Ops

# ASCII brackets: Qt reads the patterns between them
SCAN_FILTER = "扫描件或照片 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp)"

Filed = Callable[[str, str, int, str], None]  # file name, kind, record id, serial


def _tr(text: str) -> str:
    return QCoreApplication.translate("signed_scans", text)


def pick_and_file(parent: QWidget, ops: Ops, serial: str | None, filed: Filed) -> None:
    """Ask for the file, then file it (``serial``: the record shown, None: by its code)."""
    title = _tr("归档签字件 — {0}").format(serial) if serial else _tr("归档签字件")
    path = dialogs.ask_open_path(parent, title, printing.suggested_path(""), SCAN_FILTER)
    if not path:
        return
    source = Path(path)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, OSError):
            text = _tr("读不了这个文件：{0}。请确认文件没有被其他程序占用，再试一次。")
            text = text.format(source.name)
        else:
            text = str(exc)
        msgbox.error(parent, _tr("未能归档签字件"), text)

    def store(scan: Scan, given: str | None) -> None:
        def job(ctx: Ctx) -> tuple[str, int, str]:
            row = signed_copies.file_scan(ctx, scan, given)
            return row.kind, row.record_id, row.serial

        def refused(exc: BaseException) -> None:
            if isinstance(exc, NoSerialFound):  # no code read: the person reads the serial
                title = _tr("归档签字件 {0}：没有认出二维码，请输入单号").format(scan.filename)
                typed = text_question.ask_text(parent, title, "单号", max_len=40)
                if typed:
                    store(scan, typed)
                return
            failed(exc)

        ops.write(job, lambda done: filed(scan.filename, *done), refused)

    ops.background(
        lambda: signed_copies.read_scan(source.read_bytes(), source.name),
        lambda scan: store(scan, serial),
        failed,
    )
