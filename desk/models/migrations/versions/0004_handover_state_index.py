"""index handovers by state, so the shifts still waiting for acceptance are found fast

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 17:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.create_index("ix_handover_state_shift", ["state", "shift_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_index("ix_handover_state_shift")
