"""The read-only tables of the desk's screens, built one way: Tab leaves them (arrows move
inside, issue 14), a click picks a whole row, nothing is edited in place."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableWidget


def list_table(headers: list[str]) -> QTableWidget:
    """A table of ``headers`` to pick one row from; callers size its columns."""
    table = QTableWidget(0, len(headers))
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return table
