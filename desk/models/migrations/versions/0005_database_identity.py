"""give every database file an identity of its own (desk.models.dbfile)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 12:40:00
"""

import uuid
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "databaseidentity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # a file upgraded from an earlier version gets its identity now: its older backups
    # have none and are never rotated away (desk.services.io.backup.prune)
    op.bulk_insert(table, [{"id": 1, "uid": uuid.uuid4().hex, "created_at": datetime.now()}])


def downgrade() -> None:
    op.drop_table("databaseidentity")
