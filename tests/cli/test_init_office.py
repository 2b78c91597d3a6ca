"""desk init: the new office can lend at once, from the common items and keys."""

from __future__ import annotations

from desk.cli import main
from desk.models.enums import LoanKind
from desk.services.core.transactions import reading
from desk.services.io.database import open_database
from desk.services.records import loans


def test_init_seeds_the_common_loan_items_and_keys_once(tmp_path, capsys):
    db = tmp_path / "office.sqlite3"
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 0
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 2
    capsys.readouterr()
    engine = open_database(db, create=False)
    try:
        with reading(engine) as ctx:
            catalogue = loans.catalogue(ctx)
    finally:
        engine.dispose()
    assert sorted(i.name for i in catalogue) == sorted(n for _k, n, _s in loans.STARTER_ITEMS)
    assert {i.kind for i in catalogue} == {LoanKind.ITEM, LoanKind.KEY}
