"""staff log-in columns, and an audit log that cannot be rewritten

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-14 09:00:00

``staff.password_hash`` ("" = no password yet: every member of an upgraded office sets
one at their first log-in), ``failed_logins``, ``locked_until``, ``password_set_at``
(services.core.accounts). Two triggers refuse UPDATE and DELETE on ``auditevent``: the
program only ever inserts there. The project runs on SQLite only, so the triggers are
SQLite's. A later batch rebuild of ``auditevent`` (a table copy) would drop them: such a
revision must create them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = {
    "auditevent_no_update": ("UPDATE", "审计记录不能修改：操作记录只能追加，不能改写"),
    "auditevent_no_delete": ("DELETE", "审计记录不能删除：操作记录只能追加，不能删除"),
}


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMNs, not a batch: alembic would copy the table for a
    # text-clause default, and dropping the old ``staff`` breaks the audit's foreign keys
    op.add_column(
        "staff",
        sa.Column(
            "password_hash", sa.String(length=200), nullable=False, server_default=sa.text("''")
        ),
    )
    op.add_column(
        "staff", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("staff", sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.add_column("staff", sa.Column("password_set_at", sa.DateTime(), nullable=True))

    for name, (event, message) in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON auditevent "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for column in ("password_set_at", "locked_until", "failed_logins", "password_hash"):
        op.drop_column("staff", column)  # ALTER TABLE DROP COLUMN (SQLite ≥ 3.35)
