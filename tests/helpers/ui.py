"""Helpers the UI tests share (fixtures are in tests/ui/conftest.py).

``WAIT`` is the one upper bound for ``qtbot.waitUntil``: generous, since a busy machine
takes seconds; a wait returns as soon as its condition holds, so it costs nothing.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from desk.services.core.changes import Changes, ChangeSet

WAIT = 10_000  # ms


def field(widget: QWidget, label: str, *, visible_only: bool = False) -> QWidget:
    """The input whose label reads ``label``, as a screen reader finds it: a QFormLayout
    row's label or any label with a buddy (a mnemonic ``&``, a required ``*`` and a colon
    ignored). ``visible_only``: skip rows the form hides now."""
    for candidate in widget.findChildren(QLabel):
        text = candidate.text().replace("&", "").rstrip("*：:")
        buddy = candidate.buddy()
        if text != label or buddy is None:
            continue
        if visible_only and not candidate.isVisibleTo(widget):
            continue
        return buddy
    raise LookupError(label)


def changed(kind: str, *ids: int) -> Changes:
    """What the worker emits after a commit that changed ``ids`` of ``kind``, built the way
    a transaction builds it."""
    collected = ChangeSet()
    collected.add(kind, ids)
    return collected.frozen()


# what the UI tests' staff type to come on duty (set at their first log-in)
PASSWORD = "值班口令2026"


def answer_duty(monkeypatch, staff_id: int | None = None, shift: str = "") -> list[int]:
    """Answer every 上班 dialog as ``staff_id`` (else the person it preselects) for
    ``shift`` (else the one it suggests) with ``PASSWORD`` — their first one, set then, or
    the one set before. The people asked are listed; a refusal shown fails the test (it
    would be asked again and again)."""
    from desk.ui.dialogs import duty_dialog

    asked: list[int] = []

    def ask(parent, people, shifts, *, staff_id: int | None, shift_name: str, error: str, **_):
        assert not error, error
        who = chosen if chosen is not None else staff_id
        assert who is not None
        asked.append(who)
        return duty_dialog.DutyChoice(who, shift or shift_name, PASSWORD, PASSWORD)

    chosen = staff_id
    monkeypatch.setattr(duty_dialog, "ask_duty", ask)
    return asked


def open_window(qtbot, settle, ops, **kwargs):
    """The main window at 1280×800, shown, with everything it loads first on the screen."""
    from desk.ui.main_window import MainWindow

    window = MainWindow(ops, **kwargs)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    settle(ops, window)
    assert window.snapshot is not None
    return window
