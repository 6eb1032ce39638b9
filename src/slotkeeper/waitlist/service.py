"""The waitlist: customers waiting for a provider + service in a date range are told, in
order, when a matching time frees up; the first may get an automatic hold."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class FreedTime:
    """A booking's time that stopped blocking (cancelled, declined, expired, moved)."""

    organization_id: uuid.UUID
    provider_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime


async def time_freed(session: AsyncSession, freed: Sequence[FreedTime], now: datetime) -> None:
    """Tell the waiters of each freed time, in order (called inside the freeing transaction)."""
    return None
