"""Writing events: ``emit`` adds the event and a delivery per consumer that hears it to the
session, so they commit (or roll back) with the change they describe."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.events.models import Delivery, Event
from slotkeeper.events.schemas import CHANNEL, ROUTES, DeliveryStatus, EventType


def emit(
    session: AsyncSession,
    type_: EventType,
    organization_id: uuid.UUID,
    data: dict[str, Any],
    now: datetime,
    booking_id: uuid.UUID | None = None,
) -> Event:
    event = Event(
        organization_id=organization_id,
        type=type_.value,
        booking_id=booking_id,
        data=data,
        occurred_at=now,
        deliveries=[
            Delivery(
                consumer=name,
                organization_id=organization_id,
                status=DeliveryStatus.PENDING.value,
                attempts=0,
                next_attempt_at=now,
            )
            for name, route in ROUTES.items()
            if route.wants(type_, data)
        ],
    )
    session.add(event)
    if event.deliveries:
        session.info.setdefault("notify", set()).add(CHANNEL)
        session.info.setdefault("events", []).append(event)
    return event
