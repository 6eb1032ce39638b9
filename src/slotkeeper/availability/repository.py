from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.availability.models import DateOverride, TimeOff, WeeklyHours
from slotkeeper.domain.ranges import TimeRange


async def weekly_hours(
    session: AsyncSession, provider_ids: Sequence[uuid.UUID]
) -> list[WeeklyHours]:
    result = await session.execute(
        select(WeeklyHours)
        .where(WeeklyHours.provider_id.in_(provider_ids))
        .order_by(WeeklyHours.weekday, WeeklyHours.start_time)
    )
    return list(result.scalars())


async def delete_weekly_hours(session: AsyncSession, provider_id: uuid.UUID) -> None:
    await session.execute(delete(WeeklyHours).where(WeeklyHours.provider_id == provider_id))


async def overrides(
    session: AsyncSession, provider_ids: Sequence[uuid.UUID], first: date, last: date
) -> list[DateOverride]:
    result = await session.execute(
        select(DateOverride)
        .where(
            DateOverride.provider_id.in_(provider_ids),
            DateOverride.day >= first,
            DateOverride.day <= last,
        )
        .order_by(DateOverride.day)
    )
    return list(result.scalars())


async def override_on(
    session: AsyncSession, provider_id: uuid.UUID, day: date
) -> DateOverride | None:
    result = await session.execute(
        select(DateOverride).where(DateOverride.provider_id == provider_id, DateOverride.day == day)
    )
    return result.scalar_one_or_none()


async def time_off(
    session: AsyncSession, provider_ids: Sequence[uuid.UUID], span: TimeRange | None = None
) -> list[TimeOff]:
    query = select(TimeOff).where(TimeOff.provider_id.in_(provider_ids))
    if span is not None:
        query = query.where(TimeOff.start_at < span.end, TimeOff.end_at > span.start)
    result = await session.execute(query.order_by(TimeOff.start_at))
    return list(result.scalars())


async def time_off_entry(
    session: AsyncSession, provider_id: uuid.UUID, time_off_id: uuid.UUID
) -> TimeOff | None:
    """One time-off entry of this provider (another provider's is not found)."""
    result = await session.execute(
        select(TimeOff).where(TimeOff.id == time_off_id, TimeOff.provider_id == provider_id)
    )
    return result.scalar_one_or_none()
