"""A provider's schedule, stored as local wall-clock rules with the provider's zone."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import JSON, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from slotkeeper.kit.database import Base, IdMixin


class WeeklyHours(IdMixin, Base):
    __tablename__ = "weekly_hours"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time())
    end_time: Mapped[time | None] = mapped_column(Time())  # None = midnight


class DateOverride(IdMixin, Base):
    __tablename__ = "date_overrides"
    __table_args__ = (
        UniqueConstraint("organization_id", "provider_id", "day", name="uq_date_overrides_day"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date]
    # [["09:00", "12:00"], ["13:00", "24:00"]]; empty closes the day.
    windows: Mapped[list[list[str]]] = mapped_column(JSON)


class TimeOff(IdMixin, Base):
    __tablename__ = "time_off"
    __table_args__ = (Index("ix_time_off_provider_range", "provider_id", "start_at", "end_at"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(String(500))
