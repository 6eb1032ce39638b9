from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from slotkeeper.kit.database import Base, IdMixin


class Booking(IdMixin, Base):
    """One booking. On PostgreSQL the migration adds an exclusion constraint: no two
    blocking bookings of a provider overlap on ``[block_start, block_end)`` unless they
    share ``slot_key`` (seats of one group occurrence)."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_provider_block", "provider_id", "block_start", "block_end"),
        Index("ix_bookings_org_start", "organization_id", "start_at"),
        Index("ix_bookings_held_expiry", "status", "hold_expires_at"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    customer_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_email: Mapped[str] = mapped_column(String(320))
    customer_phone: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)

    status: Mapped[str] = mapped_column(String(20))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    duration_minutes: Mapped[int]
    # The provider is busy on [block_start, block_end): the booking plus its buffers.
    block_start: Mapped[datetime]
    block_end: Mapped[datetime]
    # Equal for seats of one group occurrence, unique (the booking id) otherwise.
    slot_key: Mapped[str] = mapped_column(String(200))
    seats: Mapped[int] = mapped_column(default=1)
    # When a held or requested booking stops blocking unless it is confirmed or answered.
    hold_expires_at: Mapped[datetime | None]
    # Other times a provider offered instead of a request (UTC ISO strings).
    suggested_starts: Mapped[list[str] | None] = mapped_column(JSON)

    manage_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # The breakdown (minor units); price_minor is its total.
    price_minor: Mapped[int] = mapped_column(BigInteger)
    base_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    platform_fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    vat_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    vat_inclusive: Mapped[bool] = mapped_column(default=True)
    discount_code_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("discount_codes.id", ondelete="SET NULL")
    )
    currency: Mapped[str] = mapped_column(String(3))
    # What the cancellation policy owes the customer (money moves with payments, later).
    refund_due_minor: Mapped[int | None] = mapped_column(BigInteger)
    cancelled_by: Mapped[str | None] = mapped_column(String(20))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Occurrence ``series_index`` (from 0) of a recurring series.
    series_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), index=True
    )
    series_index: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class BookingItem(IdMixin, Base):
    """One service of a multi-service visit, in order; only visits have items (a
    single-service booking is its own one item)."""

    __tablename__ = "booking_items"
    __table_args__ = (
        UniqueConstraint(
            "organization_id", "booking_id", "position", name="uq_booking_items_position"
        ),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    booking_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    position: Mapped[int]
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    duration_minutes: Mapped[int]
    price_minor: Mapped[int] = mapped_column(BigInteger)


class Series(IdMixin, Base):
    """A weekly rule; its occurrences are bookings with ``series_id`` set. ``clashes``
    lists the occurrence starts (UTC ISO) that were taken when the series was booked."""

    __tablename__ = "series"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    customer_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    customer_email: Mapped[str] = mapped_column(String(320))
    timezone: Mapped[str] = mapped_column(String(64))
    first_date: Mapped[date]
    local_time: Mapped[time]
    every_weeks: Mapped[int]
    count: Mapped[int | None]
    until: Mapped[date | None]
    mode: Mapped[str] = mapped_column(String(20))
    clashes: Mapped[list[str]] = mapped_column(JSON)
    manage_token_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class BookingEvent(Base):
    """Every status change of a booking: who, when, why. Never updated."""

    __tablename__ = "booking_events"

    # A sequence, so events recorded in the same instant keep their order.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    booking_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(20))  # customer, guest, provider, admin, system
    actor_user_id: Mapped[uuid.UUID | None]
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class IdempotencyRecord(IdMixin, Base):
    """The first response to a request sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_scope_key"),)

    scope: Mapped[str] = mapped_column(String(100))  # "user:<id>" or "guest"
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    booking_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime]
