"""Waitlist entries, in-app notifications and the organization's automatic waitlist hold.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _seq() -> sa.Column[int]:
    return sa.Column(
        "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True
    )


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.add_column(
            sa.Column("waitlist_hold_minutes", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "waitlist_entries",
        _seq(),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("waitlist_entries", "organization_id", "organizations", "CASCADE"),
        _fk("waitlist_entries", "provider_id", "providers", "CASCADE"),
        _fk("waitlist_entries", "service_id", "services", "CASCADE"),
        _fk("waitlist_entries", "user_id", "users", "CASCADE"),
        _fk("waitlist_entries", "booking_id", "bookings", "SET NULL"),
        sa.PrimaryKeyConstraint("seq", name="pk_waitlist_entries"),
        sa.UniqueConstraint("id", name="uq_waitlist_entries_id"),
    )
    op.create_index(
        "ix_waitlist_entries_match",
        "waitlist_entries",
        ["provider_id", "service_id", "status", "seq"],
    )
    op.create_index("ix_waitlist_entries_user", "waitlist_entries", ["user_id", "seq"])
    op.create_table(
        "notifications",
        _seq(),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        _fk("notifications", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("seq", name="pk_notifications"),
        sa.UniqueConstraint("id", name="uq_notifications_id"),
    )
    op.create_index("ix_notifications_user", "notifications", ["user_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_notifications_user", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_waitlist_entries_user", table_name="waitlist_entries")
    op.drop_index("ix_waitlist_entries_match", table_name="waitlist_entries")
    op.drop_table("waitlist_entries")
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_column("waitlist_hold_minutes")
