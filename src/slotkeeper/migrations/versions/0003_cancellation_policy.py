"""Cancellation policy and reschedule cut-off per service; the refund due per booking.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("services") as batch_op:
        batch_op.add_column(
            sa.Column("free_cancellation_hours", sa.Integer(), nullable=False, server_default="24")
        )
        batch_op.add_column(
            sa.Column("late_refund_percent", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("reschedule_cutoff_hours", sa.Integer(), nullable=False, server_default="2")
        )
    with op.batch_alter_table("bookings") as batch_op:
        batch_op.add_column(sa.Column("refund_due_minor", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch_op:
        batch_op.drop_column("refund_due_minor")
    with op.batch_alter_table("services") as batch_op:
        batch_op.drop_column("reschedule_cutoff_hours")
        batch_op.drop_column("late_refund_percent")
        batch_op.drop_column("free_cancellation_hours")
