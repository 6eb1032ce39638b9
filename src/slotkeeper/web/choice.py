"""What a visitor is booking (provider, services, duration, time zone) and its free times,
resolved through the same use cases as the API's slots and booking routes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.availability.service import find_slots
from slotkeeper.bookings.service import bookable
from slotkeeper.bookings.visits import Visit, offering_all, plan_visit
from slotkeeper.catalog.models import Organization, Provider, Service
from slotkeeper.domain.availability import day_span
from slotkeeper.domain.pricing import Breakdown
from slotkeeper.domain.slots import Slot
from slotkeeper.kit.problems import Invalid, NotFound
from slotkeeper.kit.types import zone
from slotkeeper.pricing import service as pricing
from slotkeeper.web.forms import Values, as_uuid, as_zone, many, one

DAYS_SHOWN = 14


@dataclass(frozen=True)
class Choice:
    org: Organization
    provider: Provider
    visit: Visit
    tz: str

    @property
    def services(self) -> tuple[Service, ...]:
        return self.visit.services

    @property
    def duration(self) -> int:
        """Minutes of the first service (the others take their default duration)."""
        return self.visit.durations[0]

    @property
    def requires_approval(self) -> bool:
        return self.visit.requires_approval

    @property
    def capacity(self) -> int:
        return self.services[0].capacity

    @property
    def extra_ids(self) -> list[uuid.UUID]:
        return [s.id for s in self.services[1:]]

    def params(self, **more: Any) -> dict[str, Any]:
        """The query parameters that name this choice in links and hidden fields."""
        return {
            "provider_id": str(self.provider.id),
            "service_id": [str(s.id) for s in self.services],
            "duration": str(self.duration),
            "tz": self.tz,
            **more,
        }


def _duration(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 4 else None


async def resolve(
    session: AsyncSession,
    org_id: uuid.UUID,
    values: Values,
    tz_fallback: bool = True,
    user: User | None = None,
) -> Choice:
    """The choice named by ``values``, or a refusal (422 with a message for the visitor,
    404 for ids that do not exist or are hidden)."""
    provider_id = as_uuid(one(values, "provider_id"))
    texts = list(dict.fromkeys(many(values, "service_id")))
    service_ids = [as_uuid(t) for t in texts]
    if provider_id is None:
        raise NotFound("No such provider.")
    if not service_ids:
        raise Invalid("Tick at least one service.")
    if None in service_ids:
        raise NotFound("No such service.")
    ids = [s for s in service_ids if s is not None]
    service, provider, org, duration = await bookable(
        session, ids[0], provider_id, user, _duration(one(values, "duration")), lock=False
    )
    if org.id != org_id:
        raise NotFound("No such service here.")
    visit = await plan_visit(session, service, duration, ids[1:])
    if not await offering_all(session, visit, [provider]):
        raise Invalid(f"{provider.name} does not offer every service you ticked.")
    tz = as_zone(one(values, "tz")) or org.timezone
    return Choice(org, provider, visit, tz)


async def free_starts(
    session: AsyncSession, choice: Choice, first: date, last: date, now: datetime
) -> list[Slot]:
    """Free starts of the choice from ``first`` to ``last`` (local dates in its zone)."""
    span = day_span(first, last, zone(choice.tz))
    rules = choice.visit.rules if choice.visit.plan is not None else None
    found = await find_slots(
        session, choice.services[0], [choice.provider], span, choice.duration, now, rules
    )
    return [slot for _, slot in found]


async def quote(
    session: AsyncSession, choice: Choice, code: str | None, now: datetime
) -> Breakdown:
    """The price of the choice (with a discount code: refused by Invalid or Conflict)."""
    visit = choice.visit
    breakdown, _ = await pricing.price(
        session,
        choice.org,
        visit.services[0],
        visit.durations[0],
        code,
        now,
        extra=list(zip(visit.services[1:], visit.durations[1:], strict=True)),
    )
    return breakdown


@dataclass(frozen=True)
class Day:
    day: date
    free: int


def days_of(starts: list[Slot], first: date, tz: str, count: int = DAYS_SHOWN) -> list[Day]:
    per_day: dict[date, int] = {}
    for slot in starts:
        local = slot.start.astimezone(zone(tz)).date()
        per_day[local] = per_day.get(local, 0) + 1
    days = (first + timedelta(days=i) for i in range(count))
    return [Day(d, per_day.get(d, 0)) for d in days]


def on_day(starts: list[Slot], day: date, tz: str) -> list[Slot]:
    return [s for s in starts if s.start.astimezone(zone(tz)).date() == day]


def today_in(tz: str, now: datetime) -> date:
    return now.astimezone(zone(tz)).date()
