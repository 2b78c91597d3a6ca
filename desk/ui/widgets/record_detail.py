"""The detail under a tab's list: the record's fields, the actions its state allows, and
its history from the audit log. It shows a ``details.Detail``; the tab decides what an
action button does (``action_requested``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.services.views.details import Detail
from desk.ui import shortcuts

FIELD_COLUMNS = 3  # label/value pairs side by side


class RecordDetail(QWidget):
    action_requested = Signal(str, int)  # action word, record id
    document_requested = Signal(str, int)  # "print", "pdf" … (add_document_*), record id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: Detail | None = None
        self.title = QLabel(self.tr("选中列表中的一条记录，这里显示详情"))
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSize(font.pointSize() + 2)
        self.title.setFont(font)
        self.fields = QGridLayout()
        self.fields.setHorizontalSpacing(16)
        self.buttons = QHBoxLayout()
        # 打印 / 导出: about the record as a whole whatever its state, apart from the actions
        self.documents = QHBoxLayout()
        self.history = QTableWidget(0, 5)
        self.history.setTabKeyNavigation(False)  # Tab leaves the history
        self.history.setHorizontalHeaderLabels(
            [self.tr("时间"), self.tr("操作人"), self.tr("操作"), self.tr("内容"), self.tr("原因")]
        )
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.history.horizontalHeader()
        for col in (0, 1, 2, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # what changed
        self.history.setMaximumHeight(150)
        history_label = QLabel(self.tr("变更记录"))
        history_label.setBuddy(self.history)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addLayout(self.buttons)
        top.addSpacing(8)  # the record's actions, then its paper: narrow at 1366 pixels
        top.addLayout(self.documents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(self.fields)
        layout.addWidget(history_label)
        layout.addWidget(self.history)

    def show_detail(self, detail: Detail | None) -> None:
        before = self.detail
        self.detail = detail
        _clear(self.fields)
        # the same record reloaded with the same actions keeps its buttons: the one with
        # the focus keeps it, and an Alt+letter pressed a moment ago (Qt clicks 100 ms
        # later) still finds its button
        same_buttons = (
            before is not None
            and detail is not None
            and before.record_id == detail.record_id
            and list(before.actions) == list(detail.actions)
        )
        if not same_buttons:
            _clear(self.buttons)
        self.history.setRowCount(0)
        for i in range(self.documents.count()):
            self.documents.itemAt(i).widget().setEnabled(detail is not None)
        if detail is None:
            self.title.setText(self.tr("选中列表中的一条记录，这里显示详情"))
            return
        self.title.setText(f"{detail.serial}　{detail.state}")
        for i, (label, value) in enumerate(detail.fields):
            row, col = divmod(i, FIELD_COLUMNS)
            name = QLabel(label + "：")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            name.setBuddy(text)
            self.fields.addWidget(name, row, col * 2)
            self.fields.addWidget(text, row, col * 2 + 1)
        for col in range(FIELD_COLUMNS):
            self.fields.setColumnStretch(col * 2 + 1, 1)
        for action in [] if same_buttons else detail.actions:
            button = QPushButton(shortcuts.action_text(action))  # 派工(&P): Alt+P
            button.setAutoDefault(True)  # Enter on it presses it, as Space does
            button.setObjectName(f"action-{action}")
            button.clicked.connect(
                lambda _=False, a=action, rid=detail.record_id: self.action_requested.emit(a, rid)
            )
            self.buttons.addWidget(button)
        self.history.setRowCount(len(detail.history))
        for row, h in enumerate(detail.history):
            what = h.new if not h.field else f"{h.field}：{h.old or '（空）'} → {h.new or '（空）'}"
            for col, value in enumerate(
                [h.at.strftime("%Y-%m-%d %H:%M"), h.who, h.action, what, h.reason]
            ):
                self.history.setItem(row, col, QTableWidgetItem(value))

    def first_action(self) -> QPushButton | None:
        """The main action of the record shown (the first its state allows: 派工 for a new
        repair, 回访 for a completed one), where Enter on a list row leads."""
        item = self.buttons.itemAt(0) if self.buttons.count() else None
        button = item.widget() if item is not None else None
        return button if isinstance(button, QPushButton) else None

    def action_button(self, action: str) -> QPushButton | None:
        """The button of ``action`` for the record shown now. Not ``findChild``: the buttons
        of the record shown before stay children until their deleteLater runs."""
        for i in range(self.buttons.count()):
            button = self.buttons.itemAt(i).widget()
            if isinstance(button, QPushButton) and button.objectName() == f"action-{action}":
                return button
        return None

    def add_document_button(self, name: str, text: str, tip: str = "") -> QPushButton:
        """A button for the shown record as a document (打印…): enabled while a record is
        shown; a click emits ``document_requested(name, record id)``."""
        button = QPushButton(text)
        button.setAutoDefault(True)  # Enter on it presses it, as Space does
        button.setObjectName(f"document-{name}")
        button.setToolTip(tip)
        button.setEnabled(self.detail is not None)
        button.clicked.connect(lambda _=False: self._document(name))
        self.documents.addWidget(button)
        return button

    def add_document_menu(
        self, name: str, text: str, entries: list[tuple[str, str]], tip: str = ""
    ) -> QPushButton:
        """A button with a menu of ``(name, text)`` entries (导出 → 导出PDF…, 导出Excel…):
        the rarer document actions take one button's room in a crowded header."""
        button = self.add_document_button(name, text, tip)
        menu = QMenu(button)
        for entry, label in entries:
            action = menu.addAction(label)
            action.setObjectName(f"document-{entry}")
            action.triggered.connect(lambda _=False, e=entry: self._document(e))
        button.setMenu(menu)
        return button

    def document_button(self, name: str) -> QPushButton | None:
        return self.findChild(QPushButton, f"document-{name}")

    def document_action(self, name: str) -> QAction | None:
        """An entry of a document menu (add_document_menu)."""
        return self.findChild(QAction, f"document-{name}")

    def _document(self, name: str) -> None:
        if self.detail is not None:
            self.document_requested.emit(name, self.detail.record_id)


def _clear(layout: QGridLayout | QHBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()
