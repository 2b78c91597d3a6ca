"""The resident field of every form: type a room, a name, pinyin initials or a phone tail,
pick from the suggestions, and the form gets room, name and phone filled in.

Searches run on the DB worker (``search.search_residents``) after a short pause in typing;
an answer that arrives after the text changed again is dropped. Unknown visitors can
still be recorded: the field is only a helper, the form keeps whatever was typed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from desk.services.core.context import Ctx
from desk.services.views.resident_search import Match, search_residents
from desk.ui.ops import Ops

DEBOUNCE_MS = 150
SUGGESTIONS = 12


def find(ctx: Ctx, text: str) -> list[Match]:
    return search_residents(ctx.session, text, SUGGESTIONS, include_moved_out=False)


def suggestion_text(match: Match) -> str:
    """One line of the drop-down: room, name, role, masked phone."""
    parts = [match.room or "（无房号）", match.name, match.role.value]
    if match.phone_masked:
        parts.append(match.phone_masked)
    return "  ".join(parts)


class ResidentLookup(QLineEdit):
    chosen = Signal(object)  # Match
    searched = Signal()  # suggestions updated (tests wait on it)

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._matches: list[Match] = []
        self._asked = ""
        self._taken = False  # a suggestion of the last search was taken
        self.setPlaceholderText(self.tr("房号 / 姓名 / 拼音首字母 / 电话后四位"))
        self.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        # the list is already filtered by the search; Qt must show it as it is
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.activated[str].connect(self._activated)
        self.setCompleter(self._completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search)
        self.textEdited.connect(lambda _text: self._timer.start())
        # Enter takes the first suggestion (↓ picks another): one key from typing to
        # a filled form. Not by highlighting it: Qt would put its text in the field.
        self.returnPressed.connect(self._take_first)

    @property
    def matches(self) -> list[Match]:
        return list(self._matches)

    def _search(self) -> None:
        text = self.text().strip()
        self._asked = text
        if not text:
            self._show([])
            return
        self._ops.read(lambda ctx: find(ctx, text), lambda found: self._answer(text, found))

    def _answer(self, text: str, found: Sequence[Match]) -> None:
        if text != self._asked:
            return  # the receptionist has typed on since
        self._show(list(found))

    def _show(self, found: list[Match]) -> None:
        self._matches = found
        self._taken = False
        self._model.setStringList([suggestion_text(m) for m in found])
        if found and self.hasFocus():
            self._completer.complete()
        self.searched.emit()

    def choose(self, row: int) -> None:
        """Take suggestion ``row`` (what a click or Enter in the drop-down does)."""
        match = self._matches[row]
        self._taken = True  # Enter in the drop-down also reaches the field: once is enough
        self._show_chosen(match.room or match.name)
        # the completer writes its whole suggestion line into the field after this slot;
        # the room (or name) is put back once it has
        QTimer.singleShot(0, self, lambda: self._show_chosen(match.room or match.name))
        self.chosen.emit(match)

    def _show_chosen(self, text: str) -> None:
        self.blockSignals(True)
        self.setText(text)
        self.blockSignals(False)

    def _take_first(self) -> None:
        # after the drop-down has had the same Enter: it may have taken its current row
        QTimer.singleShot(0, self, self._take_first_unless_taken)

    def _take_first_unless_taken(self) -> None:
        if self._matches and not self._taken and self.text().strip() == self._asked:
            self._completer.popup().hide()
            self.choose(0)

    def _activated(self, text: str) -> None:
        lines = [suggestion_text(m) for m in self._matches]
        if text in lines:
            self.choose(lines.index(text))
