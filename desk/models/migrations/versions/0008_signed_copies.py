"""signed copies: the scanned signed paper or the screen signature of a record's form

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:30:00

``signedcopy`` (desk.models.signed): one row per copy filed against a work order, complaint
or loan, its bytes inside the database (as the complaints' attachments), voided never
deleted. The index serves a record's copies.

``signedwait``: the records 未签回 now — at the stage their form is due back, printed or
exported, no live copy (services.records.signed_copies keeps it from now on). Filled here
by a frozen copy of that rule: no copy exists yet, so every record at its stage whose form
was printed (prints are logged since revision 0007's program) waits.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# the states from which each kind's signed form is due, and what counts as printed
STAGES = {
    "workorder": ("已完成", "已回访"),
    "complaint": ("已答复", "已回访"),
    "loan": ("借出", "已归还"),
}
OUTPUTS = ("打印", "导出")


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
    op.create_table(
        "signedwait",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "record_id"),
    )
    outputs = ", ".join(f"'{a}'" for a in OUTPUTS)
    for kind, states in STAGES.items():
        stages = ", ".join(f"'{s}'" for s in states)
        op.execute(
            f"INSERT INTO signedwait (kind, record_id) SELECT '{kind}', r.id FROM {kind} r "
            f"WHERE r.state IN ({stages}) AND EXISTS (SELECT 1 FROM auditevent a "
            f"WHERE a.entity = '{kind}' AND a.entity_id = r.id AND a.action IN ({outputs}))"
        )


def downgrade() -> None:
    op.drop_table("signedwait")
    op.drop_index("ix_signedcopy_record", table_name="signedcopy")
    op.drop_table("signedcopy")
