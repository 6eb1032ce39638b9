from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from slotkeeper.kit.database import Base, IdMixin


class ConnectionStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Connection(IdMixin, Base):
    """A customer's link to a provider whose calendar is for connected customers only.

    The provider is referenced together with its organization, so a connection can never
    name an organization the provider does not belong to."""

    __tablename__ = "connections"
    __table_args__ = (
        UniqueConstraint(
            "organization_id",
            "provider_id",
            "customer_user_id",
            name="uq_connections_provider_customer",
        ),
        ForeignKeyConstraint(
            ["organization_id", "provider_id"],
            ["providers.organization_id", "providers.id"],
            name="fk_connections_provider_organizations",
            ondelete="CASCADE",
        ),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    provider_id: Mapped[uuid.UUID]
    customer_user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))  # requested | accepted | declined
    message: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
