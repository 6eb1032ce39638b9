"""Every query on waitlist entries and notifications."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.bookings.models import Booking, BookingEvent
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.waitlist.models import Notification, WaitlistEntry
from slotkeeper.waitlist.schemas import WaitlistStatus

ACTIVE = [WaitlistStatus.WAITING.value, WaitlistStatus.OFFERED.value]


@dataclass(frozen=True, slots=True)
class Offer:
    """Where an automatic hold made for a waiter stands."""

    status: str
    hold_expires_at: datetime | None
    # Confirmed at some point (it may have been cancelled since).
    confirmed: bool


async def entry(
    session: AsyncSession, entry_id: uuid.UUID, for_update: bool = False
) -> WaitlistEntry | None:
    query = select(WaitlistEntry).where(WaitlistEntry.id == entry_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def active_overlapping(
    session: AsyncSession,
    user_id: uuid.UUID,
    provider_id: uuid.UUID,
    service_id: uuid.UUID,
    date_from: date,
    date_to: date,
) -> list[WaitlistEntry]:
    """The user's waiting or offered entries for this provider + service whose ranges
    overlap ``[date_from, date_to]``."""
    result = await session.execute(
        select(WaitlistEntry).where(
            WaitlistEntry.user_id == user_id,
            WaitlistEntry.provider_id == provider_id,
            WaitlistEntry.service_id == service_id,
            WaitlistEntry.status.in_(ACTIVE),
            WaitlistEntry.date_from <= date_to,
            WaitlistEntry.date_to >= date_from,
        )
    )
    return list(result.scalars())


async def waiting_for(
    session: AsyncSession, provider_id: uuid.UUID, service_id: uuid.UUID, day: date
) -> list[tuple[WaitlistEntry, User]]:
    """Entries waiting for this provider + service on ``day``, in join order, with their
    users."""
    result = await session.execute(
        select(WaitlistEntry, User)
        .join(User, User.id == WaitlistEntry.user_id)
        .where(
            WaitlistEntry.provider_id == provider_id,
            WaitlistEntry.service_id == service_id,
            WaitlistEntry.status == WaitlistStatus.WAITING.value,
            WaitlistEntry.date_from <= day,
            WaitlistEntry.date_to >= day,
        )
        .order_by(WaitlistEntry.seq)
    )
    return [(e, u) for e, u in result.all()]


async def entries_of_user(
    session: AsyncSession, user_id: uuid.UUID, limit: int, offset: int
) -> list[WaitlistEntry]:
    result = await session.execute(
        select(WaitlistEntry)
        .where(WaitlistEntry.user_id == user_id)
        .order_by(WaitlistEntry.seq)
        .limit(limit)
        .offset(offset)
    )
    return list(result.scalars())


async def entries_of_provider(
    session: AsyncSession,
    provider_id: uuid.UUID,
    limit: int,
    offset: int,
) -> list[tuple[WaitlistEntry, User]]:
    result = await session.execute(
        select(WaitlistEntry, User)
        .join(User, User.id == WaitlistEntry.user_id)
        .where(WaitlistEntry.provider_id == provider_id)
        .order_by(WaitlistEntry.seq)
        .limit(limit)
        .offset(offset)
    )
    return [(e, u) for e, u in result.all()]


async def offers(session: AsyncSession, booking_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Offer]:
    """The automatic holds ``booking_ids``, by id (one query)."""
    if not booking_ids:
        return {}
    confirmed = (
        select(BookingEvent.id)
        .where(
            BookingEvent.booking_id == Booking.id,
            BookingEvent.to_status == BookingStatus.CONFIRMED.value,
        )
        .exists()
    )
    result = await session.execute(
        select(Booking.id, Booking.status, Booking.hold_expires_at, confirmed).where(
            Booking.id.in_(booking_ids)
        )
    )
    return {row[0]: Offer(row[1], row[2], bool(row[3])) for row in result.all()}


def add_notification(
    session: AsyncSession, user_id: uuid.UUID, kind: str, payload: dict[str, str], now: datetime
) -> None:
    session.add(
        Notification(
            id=uuid.uuid4(),
            user_id=user_id,
            kind=kind,
            payload=payload,
            created_at=now,
            read_at=None,
        )
    )


async def notifications_of(
    session: AsyncSession, user_id: uuid.UUID, unread_only: bool, limit: int, offset: int
) -> list[Notification]:
    """Newest first."""
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    result = await session.execute(
        query.order_by(Notification.seq.desc()).limit(limit).offset(offset)
    )
    return list(result.scalars())


async def notification(session: AsyncSession, notification_id: uuid.UUID) -> Notification | None:
    result = await session.execute(select(Notification).where(Notification.id == notification_id))
    return result.scalar_one_or_none()
