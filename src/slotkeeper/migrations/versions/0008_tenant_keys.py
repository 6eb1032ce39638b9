"""Tenant keys: booking items carry their organization, and the unique keys of booking
items and connections include it (SPEC: every unique constraint includes organization_id,
so the data can be sharded by tenant).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("booking_items") as batch_op:
        batch_op.add_column(sa.Column("organization_id", sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE booking_items SET organization_id = "
        "(SELECT organization_id FROM bookings WHERE bookings.id = booking_items.booking_id)"
    )
    with op.batch_alter_table("booking_items") as batch_op:
        batch_op.alter_column("organization_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_booking_items_organization_id_organizations"),
            "organizations",
            ["organization_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_constraint("uq_booking_items_position", type_="unique")
        batch_op.create_unique_constraint(
            "uq_booking_items_position", ["organization_id", "booking_id", "position"]
        )
    with op.batch_alter_table("connections") as batch_op:
        batch_op.drop_constraint("uq_connections_provider_customer", type_="unique")
        batch_op.create_unique_constraint(
            "uq_connections_provider_customer",
            ["organization_id", "provider_id", "customer_user_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("connections") as batch_op:
        batch_op.drop_constraint("uq_connections_provider_customer", type_="unique")
        batch_op.create_unique_constraint(
            "uq_connections_provider_customer", ["provider_id", "customer_user_id"]
        )
    with op.batch_alter_table("booking_items") as batch_op:
        batch_op.drop_constraint("uq_booking_items_position", type_="unique")
        batch_op.create_unique_constraint("uq_booking_items_position", ["booking_id", "position"])
        batch_op.drop_constraint(
            batch_op.f("fk_booking_items_organization_id_organizations"), type_="foreignkey"
        )
        batch_op.drop_column("organization_id")
