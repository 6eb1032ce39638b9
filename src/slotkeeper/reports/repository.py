"""The report's aggregate queries: each groups in the database, whatever the range."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.bookings.models import Booking
from slotkeeper.domain.ranges import TimeRange


def _in(org_id: uuid.UUID, span: TimeRange) -> list:  # type: ignore[type-arg]
    return [
        Booking.organization_id == org_id,
        Booking.start_at >= span.start,
        Booking.start_at < span.end,
    ]


async def count_by_status(
    session: AsyncSession, org_id: uuid.UUID, span: TimeRange
) -> dict[str, int]:
    """Bookings starting in ``span``, counted by status."""
    result = await session.execute(
        select(Booking.status, func.count()).where(*_in(org_id, span)).group_by(Booking.status)
    )
    return {status: int(n) for status, n in result.all()}


async def booked_minutes(
    session: AsyncSession, org_id: uuid.UUID, span: TimeRange, statuses: Collection[str]
) -> dict[uuid.UUID, int]:
    """Minutes each provider is booked for in ``span``: the seats of one group occurrence
    (one ``slot_key``) take the provider's time once."""
    occurrences = (
        select(
            Booking.provider_id.label("provider_id"),
            func.max(Booking.duration_minutes).label("minutes"),
        )
        .where(*_in(org_id, span), Booking.status.in_(statuses))
        .group_by(Booking.provider_id, Booking.slot_key)
        .subquery()
    )
    result = await session.execute(
        select(occurrences.c.provider_id, func.sum(occurrences.c.minutes)).group_by(
            occurrences.c.provider_id
        )
    )
    return {pid: int(minutes) for pid, minutes in result.all()}


async def starts_with_revenue(
    session: AsyncSession,
    org_id: uuid.UUID,
    span: TimeRange,
    booked: Collection[str],
    earning: Collection[str],
) -> list[tuple[datetime, int, int]]:
    """For each distinct start in ``span``: how many ``booked`` bookings start then and
    what the ``earning`` ones cost in total (minor units). Grouped by the instant, not an
    hour, so the local hour and week are exact in any zone (half-hour offsets, DST)."""
    revenue = func.sum(case((Booking.status.in_(earning), Booking.price_minor), else_=0))
    result = await session.execute(
        select(Booking.start_at, func.count(), revenue)
        .where(*_in(org_id, span), Booking.status.in_(booked))
        .group_by(Booking.start_at)
    )
    return [(start, int(n), int(total or 0)) for start, n, total in result.all()]
