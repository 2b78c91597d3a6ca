"""The record-kind registry (desk.models.kinds) is the one place a field's label and a
list's columns are written: it must fit the tables, the list rows and the sort keys it
names, and every place that shows a field must take its label from it. Besides the desk
tabs' five registers it declares 回访 (callback) and 值班记录 (handover), whose lists are the
回访 queue and the 交接班 tab's shifts."""

from __future__ import annotations

import dataclasses

import pytest

from desk.models import MODELS, Callback, Handover, kinds
from desk.reports import form_layout
from desk.reports.form_data import CallbackInfo
from desk.services.core import numbering, textsearch
from desk.services.core.numbering import SerialKind
from desk.services.duty.handover import DutyEntry
from desk.services.views import callback_list, details, list_export, lists

TABLES = {**MODELS, "callback": Callback, "handover": Handover}
ROWS = {
    "visit": lists.VisitRow,
    "call": lists.CallRow,
    "workorder": lists.WorkOrderRow,
    "complaint": lists.ComplaintRow,
    "loan": lists.LoanRow,
    "callback": callback_list.CallbackRow,  # the 回访 queue
    "handover": DutyEntry,  # the 交接班 tab's shifts (on_duty.duty_list)
}
COMPUTED = {"countdown"}  # worked out by the tab and the export at the moment shown


def test_every_kind_of_record_is_declared() -> None:
    assert set(kinds.ALL_KINDS) == set(TABLES) == set(ROWS)
    assert [k.title for k in kinds.ALL_KINDS.values()] == [
        "来访", "来电", "报修", "投诉", "借用", "回访", "值班记录",
    ]  # fmt: skip
    assert all(kinds.kind(key) is k for key, k in kinds.ALL_KINDS.items())
    assert set(kinds.KINDS) == set(MODELS)  # the desk tabs' registers


def _attributes(row: type) -> set[str]:
    """A row's fields and properties (DutyEntry.status)."""
    made = {f.name for f in dataclasses.fields(row)}
    return made | {name for name, v in vars(row).items() if isinstance(v, property)}


@pytest.mark.parametrize("key", list(kinds.ALL_KINDS))
def test_every_field_is_a_column_of_the_kinds_table(key: str) -> None:
    columns = set(TABLES[key].model_fields)
    assert [f.name for f in kinds.kind(key).fields if f.name not in columns] == []


@pytest.mark.parametrize("key", list(kinds.KINDS))
def test_every_searchable_field_is_a_column_and_the_text_search_reads_it(key: str) -> None:
    columns = set(MODELS[key].model_fields)
    searchable = kinds.kind(key).searchable
    assert searchable, "every kind is found by its text"
    assert [f.name for f in searchable if f.name not in columns] == []
    indexed = [f if isinstance(f, str) else f.fk for f in textsearch.FIELDS[key]]
    assert indexed == [f.name for f in searchable]


@pytest.mark.parametrize("key", ["callback", "handover"])
def test_records_without_a_tab_have_no_text_index_of_their_own(key: str) -> None:
    """回访 is found by its repair's or complaint's text; 值班记录 by its shift."""
    assert kinds.kind(key).searchable == ()
    assert key not in textsearch.FIELDS


@pytest.mark.parametrize("key", list(kinds.ALL_KINDS))
def test_a_field_names_the_table_its_foreign_key_points_at(key: str) -> None:
    """An id shows (and is searched) as the name of its row, never as the number."""
    table = TABLES[key].__table__
    for f in kinds.kind(key).fields:
        targets = {fk.column.table.name for fk in table.columns[f.name].foreign_keys}
        assert targets == ({f.names} if f.names else set()), f


@pytest.mark.parametrize("key", list(kinds.ALL_KINDS))
def test_one_field_one_label_and_one_label_one_field(key: str) -> None:
    fields = kinds.kind(key).fields
    assert len({f.name for f in fields}) == len(fields)
    assert len({f.label for f in fields}) == len(fields)


@pytest.mark.parametrize("key", list(kinds.ALL_KINDS))
def test_list_columns_name_row_attributes_and_sort_keys_the_list_has(key: str) -> None:
    kind = kinds.kind(key)
    attributes = _attributes(ROWS[key])
    # the 回访 queue and the shifts keep their own order (scopes): no header sorts
    sortable = lists.sortable(key) if key in kinds.KINDS else set()
    for column in kind.columns:
        assert column.key in attributes | COMPUTED, column
        assert column.sort is None or column.sort in sortable, column
        assert kind.column_label(column)  # a label from a field, or its own
    labels = [kind.column_label(c) for c in kind.columns]
    assert len(set(labels)) == len(labels)


def test_serial_prefixes_are_the_numbering_ones_and_distinct() -> None:
    counted = [k.prefix for k in kinds.ALL_KINDS.values() if k.prefix and k.counted]
    assert sorted(counted) == sorted(s.value for s in SerialKind)
    assert [k.prefix for k in kinds.KINDS.values()] == counted  # the desk tabs' registers
    assert [k.key for k in kinds.ALL_KINDS.values() if not k.counted] == ["handover"]
    assert kinds.CALLBACK.prefix is None  # a 回访 shows its repair's or complaint's serial
    every = [k.prefix for k in kinds.ALL_KINDS.values() if k.prefix]
    every += list(kinds.REGISTER_PREFIXES.values())
    assert len(set(every)) == len(every)
    assert set(numbering.SERIAL_NAMES) == {k.prefix for k in kinds.ALL_KINDS.values()} - {None}


def test_the_detail_and_the_export_say_what_the_registry_says() -> None:
    wo = kinds.WORKORDER
    assert details.LABELS["workorder"]["response_due"] == wo.label("response_due") == "响应时限"
    titles = [c.title for c in list_export.columns("workorder")]
    assert titles == [wo.column_label(c) for c in wo.columns]
    assert "响应时限" in titles and "响应期限" not in titles


def test_the_callback_dialog_note_and_paper_form_say_what_the_registry_says() -> None:
    """The 回访 fields are named alike in the queue, the dialog, the validation and on the
    派工单/投诉处理单's 回访 rows."""
    cb = kinds.CALLBACK
    assert [cb.label(f) for f in ("done_at", "way", "staff_id", "satisfaction", "outcome")] == [
        "回访时间", "回访方式", "回访人", "回访满意度", "回访结果",
    ]  # fmt: skip
    printed = form_layout._callback(CallbackInfo(due_at=None))
    labels = [c.label for block in printed for c in getattr(block, "cells", ())]
    labels += [block.label for block in printed if isinstance(block, form_layout.TextBox)]
    # who called back signs beside their name and the time, in the last row
    assert labels == [cb.label(f) for f in ("way", "satisfaction", "staff_id", "done_at")] + [
        f"{cb.label('staff_id')}签字",
        cb.label("outcome"),
    ]
