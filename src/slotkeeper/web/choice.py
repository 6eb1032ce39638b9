"""What a visitor is booking (provider, services, duration, time zone) and its free times,
resolved through the same use cases as the API's slots and booking routes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.bookings.creating import bookable
from slotkeeper.bookings.visits import Visit, free_slots, offering_all, plan_visit
from slotkeeper.catalog.models import Organization, Provider, Service
from slotkeeper.catalog.service import get_service
from slotkeeper.domain.availability import day_span
from slotkeeper.domain.pricing import Breakdown
from slotkeeper.domain.slots import Slot
from slotkeeper.kit.problems import Invalid, NotFound
from slotkeeper.kit.types import zone
from slotkeeper.pricing import service as pricing
from slotkeeper.pricing.service import item_price
from slotkeeper.web.forms import Values, as_uuid, as_zone, many, one
from slotkeeper.web.pages import minutes_text

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

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.services]

    @property
    def lengths(self) -> list[tuple[int, int]]:
        """The first service's lengths and their prices, when it has several."""
        return lengths_of(self.services[0])

    @property
    def any_lengths(self) -> bool:
        """Whether a service of the visit comes in several lengths."""
        return any(lengths_of(s) for s in self.services)

    def moved(self, index: int, step: int, **more: Any) -> dict[str, Any]:
        """The parameters of this choice with service ``index`` moved by ``step`` (-1: up).
        A service that becomes first takes its usual length (only the first one's length
        can be chosen, and it is chosen again on the page)."""
        services = list(self.services)
        other = index + step
        services[index], services[other] = services[other], services[index]
        first = services[0]
        duration = self.duration if first is self.services[0] else first.duration_minutes
        ids = [str(s.id) for s in services]
        return self.params(**{**more, "service_id": ids, "duration": str(duration)})

    def params(self, **more: Any) -> dict[str, Any]:
        """The query parameters that name this choice in links and hidden fields."""
        return {
            "provider_id": str(self.provider.id),
            "service_id": [str(s.id) for s in self.services],
            "duration": str(self.duration),
            "tz": self.tz,
            **more,
        }


ORDER_REFUSED = "The order of the services did not match the ticked ones; tick them again."


def lengths_of(service: Service) -> list[tuple[int, int]]:
    """``(minutes, price)`` of each length ``service`` may be booked for, if several."""
    options = sorted(set(service.duration_options))
    if len(options) < 2:
        return []
    return [(minutes, item_price(service, minutes)) for minutes in options]


def _duration(service: Service, text: str) -> int:
    """The length named by ``text`` (the service's usual one if empty), or a refusal."""
    if not text:
        return service.duration_minutes
    minutes = int(text) if text.isdigit() and len(text) <= 4 else None
    if minutes is None or minutes not in service.duration_options:
        options = " or ".join(minutes_text(m) for m in sorted(set(service.duration_options)))
        raise Invalid(f"{service.name} can be booked for {options}; pick one of those lengths.")
    return minutes


def _in_order(ids: list[uuid.UUID], order: str) -> list[uuid.UUID]:
    """The ticked ``ids`` in the order the visitor ticked them (``order``: their ids joined
    by commas, kept by the page's script; without it, the order of the list)."""
    if not order:
        return ids
    wanted = [as_uuid(t.strip()) for t in order.split(",", 20)]
    if len(wanted) != len(ids) or set(wanted) != set(ids):
        raise Invalid(ORDER_REFUSED)
    return [w for w in wanted if w is not None]


async def _length_first(
    session: AsyncSession, org_id: uuid.UUID, ids: list[uuid.UUID], values: Values, ordered: bool
) -> tuple[list[uuid.UUID], str]:
    """The services (the one whose length was changed first) and the first one's length,
    from the organization page's "length-<id>" fields. Only the first service of a visit
    can take another length (the API's ``duration_minutes`` is the first service's):
    without the page's script, the service whose length was changed goes first."""
    picked = {i: one(values, f"length-{i}") for i in ids}
    picked = {i: text for i, text in picked.items() if text}
    if not picked:
        return ids, ""
    changed = []
    for service_id, text in picked.items():
        service = await get_service(session, service_id)
        if service.organization_id != org_id:
            raise NotFound("No such service here.")
        if text != str(service.duration_minutes):
            changed.append(service)
    if len(changed) > 1:
        names = " and ".join(s.name for s in changed)
        raise Invalid(
            f"Only one service of a visit can take another length; {names} both have one. "
            "Keep the usual length of all but one."
        )
    if changed and changed[0].id != ids[0]:
        if ordered:
            raise Invalid(
                f"Only the first service of a visit can take another length; "
                f"tick {changed[0].name} first or keep its usual length."
            )
        ids = [changed[0].id, *(i for i in ids if i != changed[0].id)]
    return ids, picked.get(ids[0], "")


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
    ids = _in_order([s for s in service_ids if s is not None], one(values, "order"))
    length = one(values, "duration")
    if not length:
        ids, length = await _length_first(session, org_id, ids, values, bool(one(values, "order")))
    service, provider, org, _ = await bookable(session, ids[0], provider_id, user, None, lock=False)
    if org.id != org_id:
        raise NotFound("No such service here.")
    duration = _duration(service, length)
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
    found = await free_slots(session, choice.visit, [choice.provider], span, now)
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
