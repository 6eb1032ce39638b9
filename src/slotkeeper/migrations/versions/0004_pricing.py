"""Pricing: VAT and platform fee per organization, prices per duration, discount codes,
and the price breakdown stored on each booking.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.add_column(
            sa.Column("vat_basis_points", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("vat_inclusive", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("platform_fee_basis_points", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("services") as batch_op:
        batch_op.add_column(sa.Column("duration_prices", sa.JSON(), nullable=True))
    op.create_table(
        "discount_codes",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("service_ids", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_discount_codes_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_codes")),
        sa.UniqueConstraint("organization_id", "code", name="uq_discount_codes_code"),
    )
    with op.batch_alter_table("bookings") as batch_op:
        for name in ("base_minor", "discount_minor", "platform_fee_minor", "vat_minor"):
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")
            )
        batch_op.add_column(
            sa.Column("vat_inclusive", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("discount_code_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_bookings_discount_code_id_discount_codes"),
            "discount_codes",
            ["discount_code_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Bookings made before this revision: the whole price was the base.
    op.execute("UPDATE bookings SET base_minor = price_minor")


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_bookings_discount_code_id_discount_codes"), type_="foreignkey"
        )
        for name in (
            "discount_code_id",
            "vat_inclusive",
            "vat_minor",
            "platform_fee_minor",
            "discount_minor",
            "base_minor",
        ):
            batch_op.drop_column(name)
    op.drop_table("discount_codes")
    with op.batch_alter_table("services") as batch_op:
        batch_op.drop_column("duration_prices")
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_column("platform_fee_basis_points")
        batch_op.drop_column("vat_inclusive")
        batch_op.drop_column("vat_basis_points")
