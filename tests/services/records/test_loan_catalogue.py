"""A new office can lend at once: it starts with the common items and keys (audited like
any item, correctable), and a loan with nothing chosen says so in words."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import select

from desk.models import AuditEvent, Loan, LoanItem
from desk.models.enums import AuditAction, LoanKind
from desk.models.errors import ValidationError
from desk.services.core.transactions import reading, writing
from desk.services.io.database import open_database
from desk.services.records import loans, staff
from desk.services.records.loans import LoanDraft

NOW = datetime(2026, 11, 23, 10, 0)


@pytest.fixture
def new_office(engine: Engine) -> int:
    """The office as `desk init` and the first start set it up; the manager's id."""
    with writing(engine, now=NOW) as ctx:
        return staff.set_up_office(ctx, "幸福里物业服务中心", "赵敏").id


def draft(item_id: int | None, **overrides) -> LoanDraft:
    values = {"borrower": "张三", "expected_return_at": NOW + timedelta(hours=2)}
    return LoanDraft(item_id, phone="13812345678", **values | overrides)


def test_a_new_office_starts_with_the_common_items_and_keys(engine, new_office, fetch):
    with reading(engine, now=NOW) as ctx:
        catalogue = loans.catalogue(ctx)
    names = {i.name for i in catalogue}
    assert {"梯子", "工具箱", "推车", "雨伞", "轮椅"} <= names
    assert len(names) == len(catalogue) == len(loans.STARTER_ITEMS)
    keys = [i for i in catalogue if i.kind == LoanKind.KEY]
    assert keys and all(k.name.endswith("钥匙") for k in keys)
    assert all(i.stock >= 1 and i.available == i.stock and i.deposit == 0 for i in catalogue)
    # each one logged as the manager's, as 新增物品 logs it
    events = fetch(select(AuditEvent).where(AuditEvent.entity == "loanitem"))
    assert sorted(e.new for e in events) == sorted(names)
    assert {(e.action, e.staff_id) for e in events} == {(AuditAction.CREATE, new_office)}


def test_a_new_office_lends_at_once(engine, new_office, fetch):
    with reading(engine, now=NOW) as ctx:
        ladder = next(i for i in loans.catalogue(ctx) if i.name == "梯子")
    with writing(engine, staff_id=new_office, now=NOW) as ctx:
        loan = loans.lend(ctx, draft(ladder.id))
    assert fetch(Loan, loan.id).item_id == ladder.id


def test_an_office_set_up_without_them_has_none(engine):
    with writing(engine, now=NOW) as ctx:
        staff.set_up_office(ctx, "幸福里物业服务中心", "赵敏", loan_items=False)
    with reading(engine, now=NOW) as ctx:
        assert loans.catalogue(ctx) == []


@pytest.mark.parametrize("nothing", [None, 0])
def test_a_loan_with_no_item_says_so_in_words(write, fetch, nothing):
    with pytest.raises(ValidationError) as err, write() as ctx:
        loans.lend(ctx, draft(nothing))
    assert (err.value.field, err.value.label) == ("item_id", "物品")
    assert str(err.value) == "物品：请选择要借出的物品"
    assert "编号" not in str(err.value)
    assert fetch(select(Loan)) == []


def test_an_item_is_corrected_and_the_change_is_audited(write, fetch):
    with write() as ctx:
        umbrella = loans.add_item(ctx, "雨伞", 2).id
    with write() as ctx:
        loans.update_item(ctx, umbrella, stock="20", deposit="10")
    item = fetch(LoanItem, umbrella)
    assert (item.stock, item.deposit, item.active) == (20, Decimal("10.00"), True)
    events = fetch(
        select(AuditEvent).where(
            AuditEvent.entity == "loanitem", AuditEvent.action == AuditAction.UPDATE
        )
    )
    assert {(e.field, e.old, e.new) for e in events} == {
        ("stock", "2", "20"),
        ("deposit", "0.00", "10.00"),
    }
    with write() as ctx:
        loans.update_item(ctx, umbrella, active=False)
    with write() as ctx:
        assert umbrella not in {i.id for i in loans.catalogue(ctx)}
    with pytest.raises(ValidationError, match="停止出借"), write() as ctx:
        loans.lend(ctx, draft(umbrella))


def test_the_stock_cannot_go_below_what_is_out(write, fetch):
    with write() as ctx:
        ladder = loans.add_item(ctx, "梯子", 3).id
        loans.lend(ctx, draft(ladder, quantity=2))
    with pytest.raises(ValidationError, match="借出了 2 件") as err, write() as ctx:
        loans.update_item(ctx, ladder, stock=1)
    assert err.value.field == "stock"
    with write() as ctx:
        loans.update_item(ctx, ladder, stock=2)
    assert fetch(LoanItem, ladder).stock == 2


# --- any stock typed ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def office(
    empty_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, int]]:
    path = tmp_path_factory.mktemp("catalogue") / "desk.sqlite3"
    shutil.copyfile(empty_db_template, path)
    engine = open_database(path)
    with writing(engine, now=NOW) as ctx:
        manager = staff.set_up_office(ctx, "幸福里物业服务中心", "赵敏", loan_items=False)
    yield engine, manager.id
    engine.dispose()


_names = (f"物品{n}" for n in itertools.count())


@settings(deadline=None)  # each example commits to a real file (synchronous=FULL)
@given(
    owned=st.integers(1, 5),
    out=st.integers(0, 5),
    typed=st.one_of(st.integers(-3, 12), st.sampled_from(["", " 7 ", "７", "三", "1.5", "10000"])),
)
def test_any_stock_is_taken_only_when_it_covers_what_is_out(
    office: tuple[Engine, int], owned: int, out: int, typed: int | str
) -> None:
    engine, manager = office
    out = min(out, owned)
    with writing(engine, staff_id=manager, now=NOW) as ctx:
        item = loans.add_item(ctx, next(_names), owned).id
        if out:
            loans.lend(ctx, draft(item, quantity=out))
    text = str(typed).strip().replace("７", "7")
    valid = text.isdigit() and 1 <= int(text) <= 9999 and int(text) >= out
    try:
        with writing(engine, staff_id=manager, now=NOW) as ctx:
            loans.update_item(ctx, item, stock=typed)
    except ValidationError as exc:
        assert not valid and exc.field == "stock", (typed, out)
        expected = owned
    else:
        assert valid, (typed, out)
        expected = int(text)
    with reading(engine, now=NOW) as ctx:
        assert loans.available(ctx, item) == expected - out
