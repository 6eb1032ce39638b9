from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slotkeeper.kit.database import Base

# An integer key on SQLite (its rowid, so it counts up), a bigint elsewhere.
Position = BigInteger().with_variant(Integer(), "sqlite")


class Event(Base):
    """Something that happened, written in the transaction that made it happen. ``id``
    counts up, the order consumers (and, later, live streams) read events in."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_org_id", "organization_id", "id"),)

    id: Mapped[int] = mapped_column(Position, primary_key=True, autoincrement=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    type: Mapped[str] = mapped_column(String(60))
    booking_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime]
    # Written with the event, so one flush inserts both in order.
    deliveries: Mapped[list[Delivery]] = relationship(lazy="raise")


class Delivery(Base):
    """One consumer's turn at one event: ``pending`` until it succeeds (``done``), or
    ``dead`` after its last retry, until an admin replays it. A claimed delivery's
    ``next_attempt_at`` is pushed a lease ahead, so a crashed process's work comes due
    again by itself."""

    __tablename__ = "event_deliveries"
    __table_args__ = (Index("ix_event_deliveries_due", "status", "next_attempt_at"),)

    event_id: Mapped[int] = mapped_column(
        Position, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    consumer: Mapped[str] = mapped_column(String(40), primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
