"""signed copies: the scanned signed paper or the screen signature of a record's form

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:30:00

``signedcopy`` (desk.models.signed): one row per copy filed against a work order, complaint
or loan, its bytes inside the database (as the complaints' attachments), voided never
deleted. The index serves a record's copies and the lists' 未签回 scope.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signedcopy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column(
            "way",
            sa.Enum("扫描件", "屏幕签名", name="signedway", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("strokes", sa.String(), nullable=True),
        sa.Column("signer", sa.String(length=40), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_signedcopy_record", "signedcopy", ["kind", "record_id", "voided_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_signedcopy_record", table_name="signedcopy")
    op.drop_table("signedcopy")
