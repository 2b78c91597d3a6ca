"""How every dialog that collects input answers the keyboard (issue #14: Enter never
destroys typed input).

- It opens with the cursor in its first field (``first_field``), never on a button.
- Enter in a one-line field (line edit, combo box, date, number, check box) and Ctrl+Enter
  anywhere run the dialog's accept path (``submit``, by default ``accept``); a multi-line
  field keeps plain Enter for a new line. The accept path checks the fields: when one is
  wrong it says why and everything typed stays. Enter on a focused button presses that
  button; Enter in a list or a table closes nothing.
- Esc, the window's close button and 取消 run ``reject``: when anything was typed or changed
  since the dialog opened — or it came back with what was typed before a refusal
  (``typed_before``) — it asks first, and 否 leaves the dialog as it was.

No button is auto-default: Qt makes a focused button the default and keeps it so after Tab
moved on, so Enter in a field pressed 取消 (or, in 人员, 停用所选).
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from desk.ui import form_drafts, msgbox

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# widgets made of inner widgets (a combo's line edit, a table's cell editor): the outer one
# is the field
COMPOUNDS = (QComboBox, QAbstractSpinBox, QAbstractItemView)


def is_input(widget: QWidget) -> bool:
    """Something a person types into or changes: what Esc must not throw away unasked —
    the fields a form's draft keeps (``form_drafts.FIELD_TYPES``) and an editable table."""
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    if isinstance(widget, form_drafts.FIELD_TYPES):
        return True
    if isinstance(widget, QAbstractButton):
        return widget.isCheckable()  # check boxes, radio buttons
    if isinstance(widget, QAbstractItemView):  # an editable table (材料), not a list to pick
        return widget.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers
    return False


def _value(widget: QWidget) -> object:
    """What ``widget`` holds now, read as a draft reads it; a table cell by cell."""
    if not isinstance(widget, QAbstractItemView):
        return form_drafts.read(widget)
    model = widget.model()
    if model is None:
        return ()
    return tuple(
        str(model.index(row, col).data() or "")
        for row in range(model.rowCount())
        for col in range(model.columnCount())
    )


class FormDialog(QDialog):
    """A dialog of fields. Subclasses override ``submit`` when their accept path is not
    ``accept`` (a save through ``Ops``), check their fields in it, and call ``mark_clean``
    when their fields were filled after opening (a load) or were just saved."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # asked again with the answer a save refused: cancelling loses typing, so it asks
        self.typed_before = False
        self._start: tuple[object, ...] | None = None  # the inputs' values when opened
        self._opened = False

    # --- what subclasses may change -----------------------------------------------------

    def first_field(self) -> QWidget | None:
        """Where the cursor starts: the first input in Tab order."""
        return next(self._fields_in_tab_order(), None)

    def submit(self) -> None:
        """The accept path Enter takes; it refuses (and says why) while a field is wrong."""
        self.accept()

    # --- state --------------------------------------------------------------------------

    def inputs(self) -> list[QWidget]:
        return [w for w in self.findChildren(QWidget) if self._is_field(w)]

    def mark_clean(self) -> None:
        """The inputs as they are now are the starting point (nothing typed yet)."""
        self._start = tuple(_value(w) for w in self.inputs())
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)

    def has_changes(self) -> bool:
        if self.typed_before:
            return True
        return self._start is not None and tuple(_value(w) for w in self.inputs()) != self._start

    def focus_first_field(self) -> None:
        """Put the cursor in the first field, unless it is in a field already (a dialog
        asked again puts it where the refused value is)."""
        current = self.focusWidget()
        if current is not None and self._is_field(self._outer(current)):
            return
        field = self.first_field()
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- Qt -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._opened:  # filled in by now: the constructor has returned
            self._opened = True
            self.mark_clean()
            self.focus_first_field()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter and Ctrl+Enter that the focused widget left to the dialog; the rest (Esc)
        as QDialog does. QDialog would press the default button instead."""
        if event.key() not in ENTER_KEYS:
            super().keyPressEvent(event)
            return
        event.accept()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        focus = self.focusWidget()
        if modifiers == Qt.KeyboardModifier.ControlModifier:
            self.submit()
        elif modifiers != Qt.KeyboardModifier.NoModifier or focus is None:
            return
        elif isinstance(focus, QAbstractButton) and not focus.isCheckable():
            focus.click()  # a button reached with Tab: Enter presses it, as Space does
        elif not isinstance(self._outer(focus), QAbstractItemView):
            self.submit()

    def reject(self) -> None:
        """Esc, 取消 and the close button: ask before throwing away what was typed."""
        if (
            self.isVisible()
            and self.has_changes()
            and not msgbox.confirm(
                self,
                self.windowTitle(),
                self.tr("填写的内容还没有保存，关闭后就没有了。确定放弃吗？"),
            )
        ):
            return
        super().reject()

    # --- helpers --------------------------------------------------------------------------

    def _outer(self, widget: QWidget) -> QWidget:
        """The field ``widget`` belongs to: a combo box for its line edit, a table for the
        editor of one of its cells."""
        found, parent = widget, widget.parentWidget()
        while parent is not None and parent is not self:
            if isinstance(parent, COMPOUNDS):
                found = parent
            parent = parent.parentWidget()
        return found

    def _is_field(self, widget: QWidget) -> bool:
        # not a popup's or a message box's widgets, nor the inner parts of a field
        return widget.window() is self and self._outer(widget) is widget and is_input(widget)

    def _shown(self, widget: QWidget) -> bool:
        """Not hidden on purpose (a row the form hides). A widget just added to the open
        dialog is shown by its layout a moment later: it counts as shown already."""
        while widget is not self:
            explicit = widget.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
            if widget.isHidden() and explicit:
                return False
            parent = widget.parentWidget()
            if parent is None:
                return False
            widget = parent
        return True

    def _fields_in_tab_order(self) -> Iterator[QWidget]:
        widget = self.nextInFocusChain()
        for _ in range(len(self.findChildren(QWidget))):
            if widget is self:
                return
            if (
                widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value
                and widget.isEnabled()
                and self._shown(widget)
                and self._is_field(widget)
            ):
                yield widget
            widget = widget.nextInFocusChain()
