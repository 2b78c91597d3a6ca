"""The record-kind registry (desk.models.kinds) is the one place a field's label and a
list's columns are written: it must fit the tables, the list rows and the sort keys it
names, and every place that shows a field must take its label from it."""

from __future__ import annotations

import dataclasses

import pytest

from desk.models import MODELS, kinds
from desk.services.core import textsearch
from desk.services.core.numbering import SerialKind
from desk.services.views import details, list_export, lists

ROWS = {
    "visit": lists.VisitRow,
    "call": lists.CallRow,
    "workorder": lists.WorkOrderRow,
    "complaint": lists.ComplaintRow,
    "loan": lists.LoanRow,
}
COMPUTED = {"countdown"}  # worked out by the tab and the export at the moment shown


@pytest.mark.parametrize("key", list(kinds.KINDS))
def test_every_field_is_a_column_of_the_kinds_table(key: str) -> None:
    columns = set(MODELS[key].model_fields)
    assert [f.name for f in kinds.kind(key).fields if f.name not in columns] == []


@pytest.mark.parametrize("key", list(kinds.KINDS))
def test_every_searchable_field_is_a_column_and_the_text_search_reads_it(key: str) -> None:
    columns = set(MODELS[key].model_fields)
    searchable = kinds.kind(key).searchable
    assert searchable, "every kind is found by its text"
    assert [f.name for f in searchable if f.name not in columns] == []
    indexed = [f if isinstance(f, str) else f.fk for f in textsearch.FIELDS[key]]
    assert indexed == [f.name for f in searchable]


@pytest.mark.parametrize("key", list(kinds.KINDS))
def test_a_field_names_the_table_its_foreign_key_points_at(key: str) -> None:
    """An id shows (and is searched) as the name of its row, never as the number."""
    table = MODELS[key].__table__
    for f in kinds.kind(key).fields:
        targets = {fk.column.table.name for fk in table.columns[f.name].foreign_keys}
        assert targets == ({f.names} if f.names else set()), f


@pytest.mark.parametrize("key", list(kinds.KINDS))
def test_one_field_one_label_and_one_label_one_field(key: str) -> None:
    fields = kinds.kind(key).fields
    assert len({f.name for f in fields}) == len(fields)
    assert len({f.label for f in fields}) == len(fields)


@pytest.mark.parametrize("key", list(kinds.KINDS))
def test_list_columns_name_row_attributes_and_sort_keys_the_list_has(key: str) -> None:
    kind = kinds.kind(key)
    attributes = {f.name for f in dataclasses.fields(ROWS[key])}
    for column in kind.columns:
        assert column.key in attributes | COMPUTED, column
        assert column.sort is None or column.sort in lists.sortable(key), column
        assert kind.column_label(column)  # a label from a field, or its own


def test_serial_prefixes_are_the_numbering_ones_and_distinct() -> None:
    prefixes = [k.prefix for k in kinds.KINDS.values()]
    assert sorted(prefixes) == sorted(s.value for s in SerialKind)
    assert len(set(prefixes)) == len(prefixes)


def test_the_detail_and_the_export_say_what_the_registry_says() -> None:
    wo = kinds.WORKORDER
    assert details.LABELS["workorder"]["response_due"] == wo.label("response_due") == "响应时限"
    titles = [c.title for c in list_export.columns("workorder")]
    assert titles == [wo.column_label(c) for c in wo.columns]
    assert "响应时限" in titles and "响应期限" not in titles
