"""store each repair's and complaint's running deadline, so SQL and Python read one rule

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 09:00:00

``workorder.completion_from`` (when the completion limit began), ``clock_from`` and
``overdue_at`` (the deadline running now and when its time began), ``complaint.overdue_at``:
kept by the services at every change (``workorders.clock``, ``complaints.deadline``), read
by the lists' 已超时 scope and their colours. The backfill below is a frozen copy of those
rules as of this revision — a revision never imports today's code; a test checks that this
copy and the services agree.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# an order's clock runs while it is open and not 待料 (waiting for parts)
RUNNING_ORDER = ("待派工", "已派工", "处理中", "返工")
OPEN_COMPLAINT = ("已受理", "处理中")
LEVELS = ("前台/部门", "项目主管", "公司领导")
# the level a complaint of each severity must reach by due_at; 轻微: resolved by due_at
REQUIRED = {"重大": "公司领导", "重要": "项目主管"}
MINOR = "轻微"

# when an order's limits began: its intake, or the agreed visit when later
LIMITS_START = "max(created_at, coalesce(appointment_at, created_at))"


def _dt(text):
    return None if text is None else datetime.fromisoformat(text)


def _ts(value):
    """As SQLAlchemy stores a DateTime in SQLite."""
    return None if value is None else value.isoformat(sep=" ", timespec="microseconds")


def upgrade() -> None:
    with op.batch_alter_table("workorder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completion_from", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("clock_from", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("overdue_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_workorder_overdue_at"), ["overdue_at"], unique=False)
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overdue_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_complaint_overdue_at"), ["overdue_at"], unique=False)

    con = op.get_bind()
    # the completion limit began at the limits' start, or at the last 返工 (its log entry)
    con.exec_driver_sql(f"UPDATE workorder SET completion_from = {LIMITS_START}")
    con.exec_driver_sql(
        "UPDATE workorder SET completion_from = coalesce(("
        "SELECT max(a.at) FROM auditevent a WHERE a.entity = 'workorder' "
        "AND a.entity_id = workorder.id AND a.field = 'rework_count'), completion_from) "
        "WHERE rework_count > 0"
    )

    marks = ", ".join("?" for _ in RUNNING_ORDER)
    orders = con.exec_driver_sql(
        f"SELECT id, {LIMITS_START}, arrived_at, response_due, completion_due, "
        f"completion_from, paused_seconds FROM workorder WHERE state IN ({marks})",
        RUNNING_ORDER,
    ).fetchall()
    for order_id, start, arrived, response, completion, began, paused in orders:
        pause = timedelta(seconds=paused or 0)
        completion_due = _dt(completion) + pause
        if arrived is None and _dt(response) <= completion_due:
            clock = (_dt(start), _dt(response))  # nobody on site yet: the response runs
        else:
            clock = (_dt(began) + pause, completion_due)
        con.exec_driver_sql(
            "UPDATE workorder SET clock_from = ?, overdue_at = ? WHERE id = ?",
            (_ts(clock[0]), _ts(clock[1]), order_id),
        )

    marks = ", ".join("?" for _ in OPEN_COMPLAINT)
    complaints = con.exec_driver_sql(
        "SELECT id, severity, level, due_at, demand_deadline FROM complaint "
        f"WHERE state IN ({marks})",
        OPEN_COMPLAINT,
    ).fetchall()
    for complaint_id, severity, level, due_at, demand_deadline in complaints:
        running = [_dt(demand_deadline)] if demand_deadline is not None else []
        required = REQUIRED.get(severity)
        below = (
            required is not None
            and level in LEVELS
            and LEVELS.index(level) < LEVELS.index(required)
        )
        if severity == MINOR or below:
            running.append(_dt(due_at))
        con.exec_driver_sql(
            "UPDATE complaint SET overdue_at = ? WHERE id = ?",
            (_ts(min(running, default=None)), complaint_id),
        )


def downgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_overdue_at"))
        batch_op.drop_column("overdue_at")
    with op.batch_alter_table("workorder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workorder_overdue_at"))
        batch_op.drop_column("overdue_at")
        batch_op.drop_column("clock_from")
        batch_op.drop_column("completion_from")
