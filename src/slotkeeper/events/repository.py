"""Queries of the outbox: claiming due deliveries (``SKIP LOCKED`` on PostgreSQL, so
several processes and hosts share the work; SQLite's write lock serializes them), and
settling each."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.events.models import Delivery, Event
from slotkeeper.events.schemas import CHANNEL, DeliveryStatus

D = DeliveryStatus


class Claim(NamedTuple):
    event_id: int
    consumer: str
    attempts: int  # counting this one


async def claim_due(
    session: AsyncSession,
    consumers: Sequence[str],
    now: datetime,
    lease: timedelta,
    limit: int,
    event_ids: Sequence[int] | None = None,
) -> list[Claim]:
    """Take up to ``limit`` due pending deliveries of ``consumers`` (of ``event_ids`` only,
    if given), oldest event first: each counts an attempt and is pushed ``lease`` ahead,
    so nobody else takes it meanwhile, and a crashed taker's work comes due again."""
    due = (
        select(Delivery.event_id, Delivery.consumer)
        .where(
            Delivery.status == D.PENDING.value,
            Delivery.next_attempt_at <= now,
            Delivery.consumer.in_(consumers),
        )
        .order_by(Delivery.event_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if event_ids is not None:
        due = due.where(Delivery.event_id.in_(event_ids))
    result = await session.execute(
        update(Delivery)
        .where(tuple_(Delivery.event_id, Delivery.consumer).in_(due))
        .values(attempts=Delivery.attempts + 1, next_attempt_at=now + lease)
        .returning(Delivery.event_id, Delivery.consumer, Delivery.attempts)
        .execution_options(synchronize_session=False)
    )
    return sorted(Claim(*row) for row in result.all())


async def event(session: AsyncSession, event_id: int) -> Event | None:
    return await session.get(Event, event_id)


async def settle(
    session: AsyncSession,
    claim: Claim,
    status: DeliveryStatus,
    now: datetime,
    next_attempt_at: datetime | None = None,
    error: str | None = None,
) -> bool:
    """Settle a claimed delivery, if it is still this claim's (no one took it over after
    its lease ran out): ``done``, ``dead``, or ``pending`` again at ``next_attempt_at``."""
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.event_id == claim.event_id,
            Delivery.consumer == claim.consumer,
            Delivery.status == D.PENDING.value,
            Delivery.attempts == claim.attempts,
        )
        .values(
            status=status.value,
            next_attempt_at=next_attempt_at or now,
            last_error=error,
            done_at=now if status is D.DONE else None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def of_organization(
    session: AsyncSession,
    organization_id: uuid.UUID,
    status: DeliveryStatus | None,
    limit: int,
    offset: int,
) -> list[tuple[Delivery, Event]]:
    query = (
        select(Delivery, Event)
        .join(Event, Event.id == Delivery.event_id)
        .where(Delivery.organization_id == organization_id)
        .order_by(Delivery.event_id.desc(), Delivery.consumer)
        .limit(limit)
        .offset(offset)
    )
    if status is not None:
        query = query.where(Delivery.status == status.value)
    return [(d, e) for d, e in (await session.execute(query)).all()]


async def delivery(session: AsyncSession, event_id: int, consumer: str) -> Delivery | None:
    return await session.get(Delivery, (event_id, consumer), with_for_update=True)


async def next_due(session: AsyncSession, consumers: Sequence[str]) -> datetime | None:
    """When the soonest pending delivery of ``consumers`` comes due."""
    return (
        await session.execute(
            select(Delivery.next_attempt_at)
            .where(Delivery.status == D.PENDING.value, Delivery.consumer.in_(consumers))
            .order_by(Delivery.next_attempt_at)
            .limit(1)
        )
    ).scalar_one_or_none()


async def replay(
    session: AsyncSession, organization_id: uuid.UUID, event_id: int, consumer: str, now: datetime
) -> bool:
    """Give a dead delivery of the organization a fresh start; False if there is none."""
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.event_id == event_id,
            Delivery.consumer == consumer,
            Delivery.organization_id == organization_id,
            Delivery.status == D.DEAD.value,
        )
        .values(status=D.PENDING.value, attempts=0, next_attempt_at=now, last_error=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0):
        session.info.setdefault("notify", set()).add(CHANNEL)
    return bool(getattr(result, "rowcount", 0))
