from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from slotkeeper.kit.database import Base, IdMixin


class Organization(IdMixin, Base):
    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    # Percentages in basis points (2000 = 20 %): exact on every database.
    vat_basis_points: Mapped[int] = mapped_column(default=0)
    vat_inclusive: Mapped[bool] = mapped_column(default=True)
    platform_fee_basis_points: Mapped[int] = mapped_column(default=0)
    # Minutes the first matching waiter's automatic hold lasts when a time frees up (0: off).
    waitlist_hold_minutes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]


class Location(IdMixin, Base):
    __tablename__ = "locations"
    __table_args__ = (Index("ix_locations_org_city", "organization_id", "city"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    timezone: Mapped[str] = mapped_column(String(64))


class Provider(IdMixin, Base):
    __tablename__ = "providers"
    __table_args__ = (UniqueConstraint("organization_id", "id", name="uq_providers_org_id"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    # The account that acts as this provider (manages availability, sees bookings).
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    visibility: Mapped[str] = mapped_column(String(20), default="public")


class ProviderLocation(Base):
    __tablename__ = "provider_locations"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True
    )
    location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Service(IdMixin, Base):
    __tablename__ = "services"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int]
    duration_options: Mapped[list[int]] = mapped_column(JSON)
    price_minor: Mapped[int] = mapped_column(BigInteger)
    # A price per duration option where they differ: {"90": 6500}; else price_minor.
    duration_prices: Mapped[dict[str, int] | None] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    capacity: Mapped[int] = mapped_column(default=1)
    buffer_before_minutes: Mapped[int] = mapped_column(default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(default=0)
    min_notice_minutes: Mapped[int] = mapped_column(default=0)
    max_advance_days: Mapped[int] = mapped_column(default=90)
    slot_step_minutes: Mapped[int] = mapped_column(default=15)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    # Cancellation policy: free until this many hours before the start, then this share.
    free_cancellation_hours: Mapped[int] = mapped_column(default=24)
    late_refund_percent: Mapped[int] = mapped_column(default=0)
    # Customers may move a booking until this many hours before its start.
    reschedule_cutoff_hours: Mapped[int] = mapped_column(default=2)


class ServiceProvider(Base):
    __tablename__ = "service_providers"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    )
    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
