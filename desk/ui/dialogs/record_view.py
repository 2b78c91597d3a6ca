"""A record opened from somewhere else (a unit's timeline): its fields and history, read only."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from desk.services.core.context import Ctx
from desk.services.views import details
from desk.ui import msgbox
from desk.ui.ops import Ops
from desk.ui.widgets.record_detail import RecordDetail


class RecordViewDialog(QDialog):
    def __init__(
        self, ops: Ops, timeline_kind: str, record_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("记录详情"))
        self.resize(900, 520)
        self.view = RecordDetail()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)

        def load(ctx: Ctx) -> details.Detail:
            found = details.timeline_detail(ctx.session, timeline_kind, record_id)
            return details.Detail(**{**found.__dict__, "actions": []})  # read only here

        def failed(exc: BaseException) -> None:
            msgbox.error(self, self.tr("打不开这条记录"), str(exc))
            self.reject()

        ops.read(load, self.view.show_detail, failed)
