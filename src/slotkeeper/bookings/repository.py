"""Every query on bookings, their history and idempotency records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import Membership
from slotkeeper.bookings.models import Booking, BookingEvent, IdempotencyRecord
from slotkeeper.bookings.schemas import BookingsWhen
from slotkeeper.catalog.models import Provider
from slotkeeper.domain.lifecycle import BLOCKING, EXPIRING, BookingStatus
from slotkeeper.domain.ranges import TimeRange

BLOCKING_VALUES = sorted(s.value for s in BLOCKING)
EXPIRING_VALUES = frozenset(s.value for s in EXPIRING)


@dataclass(frozen=True, slots=True)
class BusyBooking:
    provider_id: uuid.UUID
    block_start: datetime
    block_end: datetime
    slot_key: str
    seats: int
    status: str
    hold_expires_at: datetime | None

    def ran_out(self, now: datetime) -> bool:
        """A hold or request stops blocking at its deadline, marked expired or not."""
        return (
            self.status in EXPIRING_VALUES
            and self.hold_expires_at is not None
            and self.hold_expires_at <= now
        )


async def blocking_in(
    session: AsyncSession,
    provider_ids: Sequence[uuid.UUID],
    span: TimeRange,
    exclude: uuid.UUID | None = None,
) -> list[BusyBooking]:
    """Bookings in a blocking status overlapping ``span``, run-out holds included
    (``exclude``: a booking being moved, whose old time must not block its new one)."""
    result = await session.execute(
        select(
            Booking.provider_id,
            Booking.block_start,
            Booking.block_end,
            Booking.slot_key,
            Booking.seats,
            Booking.status,
            Booking.hold_expires_at,
        ).where(
            Booking.provider_id.in_(provider_ids),
            Booking.block_start < span.end,
            Booking.block_end > span.start,
            Booking.status.in_(BLOCKING_VALUES),
            *([Booking.id != exclude] if exclude is not None else []),
        )
    )
    return [BusyBooking(*row) for row in result.all()]


class Expired(NamedTuple):
    """A hold or request the sweeper (or a booking in its way) marked expired."""

    id: uuid.UUID
    organization_id: uuid.UUID
    previous: BookingStatus
    provider_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    customer_user_id: uuid.UUID | None
    discount_code_id: uuid.UUID | None


async def expire_run_out(
    session: AsyncSession,
    now: datetime,
    provider_id: uuid.UUID | None = None,
    block: TimeRange | None = None,
) -> list[Expired]:
    """Mark holds and requests whose deadline passed ``expired``."""
    expired = []
    for status in sorted(EXPIRING):
        conditions = [Booking.status == status.value, Booking.hold_expires_at <= now]
        if provider_id is not None:
            conditions.append(Booking.provider_id == provider_id)
        if block is not None:
            conditions += [Booking.block_start < block.end, Booking.block_end > block.start]
        result = await session.execute(
            update(Booking)
            .where(*conditions)
            .values(status=BookingStatus.EXPIRED.value, updated_at=now)
            .returning(
                Booking.id,
                Booking.organization_id,
                Booking.provider_id,
                Booking.service_id,
                Booking.start_at,
                Booking.end_at,
                Booking.customer_user_id,
                Booking.discount_code_id,
            )
            .execution_options(synchronize_session=False)
        )
        expired += [Expired._make((row[0], row[1], status, *row[2:])) for row in result.all()]
    return expired


async def get(session: AsyncSession, booking_id: uuid.UUID) -> Booking | None:
    return await session.get(Booking, booking_id)


async def get_for_update(session: AsyncSession, booking_id: uuid.UUID) -> Booking | None:
    result = await session.execute(
        select(Booking).where(Booking.id == booking_id).with_for_update()
    )
    return result.scalar_one_or_none()


async def history(session: AsyncSession, booking_id: uuid.UUID) -> list[BookingEvent]:
    result = await session.execute(
        select(BookingEvent).where(BookingEvent.booking_id == booking_id).order_by(BookingEvent.id)
    )
    return list(result.scalars())


async def visible_to(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    everything: bool,
    provider_id: uuid.UUID | None,
    status: str | None,
    start_from: datetime | None,
    start_to: datetime | None,
    limit: int,
    offset: int,
) -> list[Booking]:
    """Bookings the user may see: own, as provider, or of organizations they manage."""
    query = select(Booking)
    if not everything:
        managed = select(Membership.organization_id).where(Membership.user_id == user_id)
        own_providers = select(Provider.id).where(Provider.user_id == user_id)
        query = query.where(
            or_(
                Booking.customer_user_id == user_id,
                Booking.provider_id.in_(own_providers),
                Booking.organization_id.in_(managed),
            )
        )
    if provider_id is not None:
        query = query.where(Booking.provider_id == provider_id)
    if status is not None:
        query = query.where(Booking.status == status)
    if start_from is not None:
        query = query.where(Booking.start_at >= start_from)
    if start_to is not None:
        query = query.where(Booking.start_at < start_to)
    query = query.order_by(Booking.start_at, Booking.id).limit(limit).offset(offset)
    return list((await session.execute(query)).scalars())


async def of_customer(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    when: BookingsWhen | None,
    now: datetime,
    limit: int,
    offset: int,
) -> list[Booking]:
    """Bookings whose customer is the user (not those seen as provider or manager).

    ``upcoming``: not ended yet, soonest first; ``past``: ended, latest first; neither:
    all of them by start."""
    query = select(Booking).where(Booking.customer_user_id == user_id)
    if when is BookingsWhen.UPCOMING:
        query = query.where(Booking.end_at > now)
    elif when is BookingsWhen.PAST:
        query = query.where(Booking.end_at <= now)
    if when is BookingsWhen.PAST:
        query = query.order_by(Booking.start_at.desc(), Booking.id.desc())
    else:
        query = query.order_by(Booking.start_at, Booking.id)
    return list((await session.execute(query.limit(limit).offset(offset))).scalars())


async def idempotency_record(
    session: AsyncSession, scope: str, key: str
) -> IdempotencyRecord | None:
    result = await session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )
    return result.scalar_one_or_none()
