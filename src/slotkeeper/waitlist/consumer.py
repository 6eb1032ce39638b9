"""The waitlist hears of freed times from the event outbox: every booking event carries
the times its change freed (``data["freed"]``, written by ``bookings.history``), and this
consumer tells their waiters, in a transaction of its own just after the freeing one
committed. ``time_freed`` re-checks that each time can still be booked."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.events.dispatcher import Consumer
from slotkeeper.events.models import Event
from slotkeeper.kit.clock import Clock
from slotkeeper.waitlist.service import FreedTime, time_freed


def freed_times(event: Event) -> list[FreedTime]:
    def one(data: dict[str, Any]) -> FreedTime:
        customer = data.get("customer_user_id")
        return FreedTime(
            organization_id=event.organization_id,
            provider_id=uuid.UUID(data["provider_id"]),
            service_id=uuid.UUID(data["service_id"]),
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            customer_user_id=uuid.UUID(customer) if customer else None,
        )

    return [one(data) for data in event.data.get("freed", ())]


def waitlist_consumer(clock: Clock) -> Consumer:
    async def handle(session: AsyncSession, event: Event) -> None:
        await time_freed(session, freed_times(event), clock.now())

    # Inline: whoever freed the time sees the waiters told (or the first one's hold made)
    # when the call returns.
    return Consumer("waitlist", handle, inline=True)
