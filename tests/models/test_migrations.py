"""Alembic migrations: the head schema equals the models, and no migration loses a row."""

from __future__ import annotations

import random
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

import desk.models  # noqa: F401  (registers every table on SQLModel.metadata)
from desk.models import Complaint, WorkOrder, db, migrate
from desk.models.enums import ComplaintState, EscalationLevel, Severity, WorkOrderState
from desk.services.core import settings
from desk.services.core.textsearch import is_search_table
from desk.services.core.transactions import writing
from desk.services.io.database import open_database
from desk.services.records import calls, complaints, staff, workorders

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at

# A revision that rebuilds the most-referenced table (``staff``) through a batch table copy,
# as any future column change on SQLite will: written to a copy of the migrations folder.
EXTRA_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch_op:
        batch_op.add_column(sa.Column("test_extra", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff") as batch_op:
        batch_op.drop_column("test_extra")
"""


def _migrated(path: Path, revision: str) -> sa.Engine:
    engine = db.make_engine(path)
    assert migrate.upgrade(engine, path, revision) is None  # a new file: nothing to back up
    return engine


def _backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.*.bak"))


def _version(path: Path) -> str:
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


# --- one row in every table, whatever the schema ------------------------------------------


def _value_for(column: sa.Column) -> object:
    """A valid stored value for a reflected column, by its type (as SQLAlchemy stores it)."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return 0
    if isinstance(kind, sa.DateTime):
        return "2026-01-01 00:00:00.000000"
    if isinstance(kind, sa.Date):
        return "2026-01-01"
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.Float | sa.Numeric):
        return 1.5
    if isinstance(kind, sa.LargeBinary):
        return b"x"
    if isinstance(kind, sa.String):
        return "x"
    raise AssertionError(f"no test value for {column.table.name}.{column.name}: {kind!r}")


def fill_every_table(path: Path) -> dict[str, int]:
    """Insert one row per table (FK targets first, foreign keys enforced); return the counts."""
    engine = sa.create_engine(f"sqlite:///{path.as_posix()}")
    meta = sa.MetaData()
    meta.reflect(engine)
    engine.dispose()
    # FTS5 virtual tables and their shadow tables are SQLite's to fill (revision 0003)
    tables = [
        t for t in meta.sorted_tables if t.name != "alembic_version" and not is_search_table(t.name)
    ]

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    inserted: dict[str, dict[str, object]] = {}
    try:
        con.execute("BEGIN")
        for table in tables:
            row: dict[str, object] = {}
            for column in table.columns:
                fks = list(column.foreign_keys)
                if fks:
                    target = fks[0].column
                    row[column.name] = inserted[target.table.name][target.name]
                elif (
                    column.primary_key
                    and isinstance(column.type, sa.Integer)
                    and len(table.primary_key.columns) == 1
                ):
                    continue  # rowid: assigned below (a key of several columns is given)
                else:
                    row[column.name] = _value_for(column)
            names = ", ".join(f'"{n}"' for n in row)
            marks = ", ".join("?" for _ in row)
            cur = con.execute(
                f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', [*row.values()]
            )
            for column in table.primary_key.columns:
                row.setdefault(column.name, cur.lastrowid)
            inserted[table.name] = row
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.execute("COMMIT")
    finally:
        con.close()
    return _row_counts(path)


def _row_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
            )
        ]
        return {
            n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]
            for n in names
            if not is_search_table(n)
        }
    finally:
        con.close()


# --- (a) head == models -------------------------------------------------------------------


def test_upgrade_head_gives_exactly_the_models_schema(tmp_path) -> None:
    path = tmp_path / "fresh.sqlite3"
    engine = _migrated(path, "head")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "compare_server_default": True,
                    # the text-search tables are made by raw SQL (revision 0003), as in env.py
                    "include_name": lambda name, type_, _parents: (
                        not (type_ == "table" and is_search_table(name))
                    ),
                },
            )
            diff = compare_metadata(context, SQLModel.metadata)
            conn.rollback()
    finally:
        engine.dispose()
    assert diff == []
    assert _version(path) == migrate.head_revision()


def test_revisions_form_one_line_ending_at_head() -> None:
    revisions = migrate.all_revisions()
    assert revisions, "there is at least the first schema"
    assert len(set(revisions)) == len(revisions)
    assert revisions[-1] == migrate.head_revision()


# --- (b) no revision loses a row ----------------------------------------------------------


@pytest.mark.parametrize("revision", migrate.all_revisions())
def test_upgrading_from_every_revision_keeps_every_row(tmp_path, revision) -> None:
    path = tmp_path / f"at-{revision}.sqlite3"
    _migrated(path, revision).dispose()
    seeded = _row_counts(path)  # rows a migration writes itself (the file's identity)
    before = fill_every_table(path)
    assert before and all(n == seeded.get(t, 0) + 1 for t, n in before.items())

    engine = db.make_engine(path)
    try:
        migrate.upgrade(engine, path)
    finally:
        engine.dispose()

    after = _row_counts(path)
    assert {t: after.get(t) for t in before} == before
    assert _version(path) == migrate.head_revision()
    assert db.integrity_problems(path) == []


@pytest.fixture
def extra_revision(tmp_path, monkeypatch) -> str:
    """A copy of the migrations folder with one more revision (``9999``) on top of head."""
    old_head = migrate.head_revision()
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9999_test_extra.py").write_text(
        EXTRA_REVISION.format(head=old_head), encoding="utf-8"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
    assert migrate.head_revision() == "9999"
    return old_head


def test_rebuilding_a_referenced_table_keeps_every_row(tmp_path, extra_revision) -> None:
    path = tmp_path / "old.sqlite3"
    _migrated(path, extra_revision).dispose()
    before = fill_every_table(path)

    engine = db.make_engine(path)
    try:
        migrate.upgrade(engine, path)
        with engine.connect() as conn:
            cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(staff)")]
            dangling = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    finally:
        engine.dispose()

    assert "test_extra" in cols
    assert dangling == []
    assert _row_counts(path) == before
    assert _version(path) == "9999"


# --- (c)/(d) the copy taken before a migration --------------------------------------------


def test_non_empty_database_is_copied_aside_before_migrating(tmp_path, extra_revision) -> None:
    path = tmp_path / "office.sqlite3"
    engine = _migrated(path, extra_revision)
    try:
        with writing(engine, now=NOW) as ctx:
            settings.seed(ctx.session)
            staff.set_up_office(ctx, "阳光花园物业服务中心", "王经理")
            calls.create_call(ctx, calls.CallDraft("咨询", "问停车"))
    finally:
        engine.dispose()

    engine = open_database(path)  # the ordinary door migrates to 9999
    engine.dispose()

    [backup] = _backups(path)
    assert backup.name.startswith(f"office.sqlite3.before-{extra_revision}-")
    assert _version(backup) == extra_revision
    assert _version(path) == "9999"
    con = sqlite3.connect(f"file:{backup.as_posix()}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert con.execute("SELECT content FROM call").fetchall() == [("问停车",)]
        staff_cols = [r[1] for r in con.execute("PRAGMA table_info(staff)")]
    finally:
        con.close()
    assert "test_extra" not in staff_cols  # the copy is the old schema


def test_brand_new_file_gets_no_backup(tmp_path) -> None:
    path = tmp_path / "new.sqlite3"
    engine = open_database(path)
    engine.dispose()
    assert path.exists()
    assert _backups(path) == []
    assert _version(path) == migrate.head_revision()


def test_opening_a_current_database_makes_no_backup(db_path) -> None:
    before_revision = _version(db_path)
    for _ in range(2):
        open_database(db_path).dispose()
    assert _backups(db_path) == []
    assert _version(db_path) == before_revision == migrate.head_revision()


def test_backup_name_carries_the_old_revision_and_a_timestamp(db_path) -> None:
    backup = migrate.backup_copy(db_path, "before-0001")
    assert backup.parent == db_path.parent
    stamp = backup.name.removeprefix("desk.sqlite3.before-0001-").removesuffix(".bak")
    datetime.strptime(stamp, "%Y%m%d-%H%M%S")
    assert _row_counts(backup) == _row_counts(db_path)


# --- (e) 0006: the stored deadlines are what the services' rules say ----------------------


def _insert(con: sqlite3.Connection, table: sa.Table, values: dict[str, object]) -> int:
    """A row of ``table`` (as reflected at an old revision): ``values``, and a valid value
    for every other NOT NULL column."""
    row = dict(values)
    for column in table.columns:
        if column.name not in row and not column.nullable and not column.primary_key:
            row[column.name] = _value_for(column)
    names = ", ".join(f'"{n}"' for n in row)
    marks = ", ".join("?" for _ in row)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
    return con.execute(sql, list(row.values())).lastrowid or 0


def _text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(sep=" ", timespec="microseconds")


def _old_rows(path: Path, tables: dict[str, sa.Table]) -> dict[int, datetime]:
    """Repairs and complaints in every state, written as a desk at 0005 left them; returns
    the 返工 moments (from the audit log) of the reworked orders."""
    rng = random.Random(6)
    base = datetime(2026, 11, 1, 8, 0)

    def later(start: datetime, hours: int) -> datetime:
        return start + timedelta(minutes=rng.randrange(1, hours * 60))

    def maybe(chance: float, value: datetime) -> datetime | None:
        return value if rng.random() < chance else None

    reworked: dict[int, datetime] = {}
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("BEGIN")
        for i in range(300):
            created = later(base, 200)
            agreed = maybe(0.3, later(created, 48))
            start = max(created, agreed) if agreed else created
            rework_at = maybe(0.3, later(start, 72))
            state = rng.choice(list(WorkOrderState))
            order_id = _insert(con, tables["workorder"], {
                "serial": f"PG-{i}", "state": state.value, "channel": "来电", "urgency": "一般",
                "created_at": _text(created), "appointment_at": _text(agreed),
                "response_due": _text(later(start, 4)),
                "completion_due": _text(later(rework_at or start, 48)),
                "arrived_at": _text(later(start, 5) if rework_at else maybe(0.5, later(start, 5))),
                "paused_seconds": rng.choice([0, 0, 600, 3 * 3600]),
                "paused_since": _text(later(start, 50))
                if state == WorkOrderState.WAITING_PARTS else None,
                "rework_count": 1 if rework_at else 0,
            })  # fmt: skip
            if rework_at:
                reworked[order_id] = rework_at
                _insert(con, tables["auditevent"], {
                    "at": _text(rework_at), "entity": "workorder", "entity_id": order_id,
                    "action": "修改", "field": "rework_count", "old": "0", "new": "1",
                })  # fmt: skip
        for i in range(200):
            created = later(base, 200)
            _insert(con, tables["complaint"], {
                "serial": f"TS-{i}", "channel": "来电",
                "state": rng.choice(list(ComplaintState)).value,
                "severity": rng.choice(list(Severity)).value,
                "level": rng.choice(list(EscalationLevel)).value,
                "created_at": _text(created), "due_at": _text(later(created, 48)),
                "demand_deadline": _text(maybe(0.4, later(created, 72))),
            })  # fmt: skip
        con.execute("COMMIT")
    finally:
        con.close()
    return reworked


def test_0006_backfills_the_deadlines_the_services_compute(tmp_path) -> None:
    """Its frozen copy of the rules and the services' own agree on every kind of row."""
    path = tmp_path / "at-0005.sqlite3"
    engine = _migrated(path, "0005")
    meta = sa.MetaData()
    meta.reflect(engine)
    engine.dispose()
    reworked = _old_rows(path, meta.tables)

    engine = db.make_engine(path)
    try:
        migrate.upgrade(engine, path)
        with Session(engine) as session:
            orders = session.exec(select(WorkOrder)).all()
            found = session.exec(select(Complaint)).all()
            for order in orders:
                began = reworked.get(order.id, workorders.limits_start(order))  # type: ignore[arg-type]
                assert order.completion_from == began, order.serial
                clock = workorders.clock(order)
                assert (order.clock_from, order.overdue_at) == (
                    (clock.start, clock.due) if clock else (None, None)
                ), order.serial
            for complaint in found:
                assert complaint.overdue_at == complaints.deadline(complaint), complaint.serial
    finally:
        engine.dispose()
    # every kind of case came up: running clocks of both kinds, complaints with and without
    assert sum(o.overdue_at is not None for o in orders) > 50
    assert sum(o.overdue_at is not None and o.arrived_at is None for o in orders) > 10
    assert 30 < sum(c.overdue_at is not None for c in found) < len(found)
