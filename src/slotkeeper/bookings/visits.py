"""Multi-service visits: several services back to back with one provider, one booking.

The booking row holds the whole visit (its time, buffers and summed price) and its first
service, so the slots query, the exclusion constraint and every lifecycle step treat a visit
like any booking; ``booking_items`` keeps the services in order. Rules (domain/composite.py):
the visit's leading buffer is the first service's, its trailing buffer the last's; the time
grid, notice and booking horizon are the first service's. Group services (capacity > 1)
cannot be combined, and all services must share one currency.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.availability.service import find_slots, rules_for
from slotkeeper.bookings.models import Booking, BookingItem
from slotkeeper.catalog.models import Provider, Service, ServiceProvider
from slotkeeper.domain.composite import MAX_ITEMS, CombinedPlan, Item, combine, combined_slot_rules
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import Slot, SlotRules
from slotkeeper.kit.problems import Invalid, NotFound
from slotkeeper.pricing.service import item_price


@dataclass(frozen=True, slots=True)
class Visit:
    """What is booked: one service, or several back to back (``plan`` then set)."""

    services: tuple[Service, ...]
    durations: tuple[int, ...]
    rules: SlotRules
    plan: CombinedPlan | None = None

    @property
    def duration_minutes(self) -> int:
        return sum(self.durations)

    @property
    def requires_approval(self) -> bool:
        return any(s.requires_approval for s in self.services)

    def items(self, booking_id: uuid.UUID, start: datetime) -> list[BookingItem]:
        if self.plan is None:
            return []
        return [
            BookingItem(
                organization_id=service.organization_id,
                booking_id=booking_id,
                position=position,
                service_id=service.id,
                start_at=at.start,
                end_at=at.end,
                duration_minutes=minutes,
                price_minor=item_price(service, minutes),
            )
            for position, (service, minutes, at) in enumerate(
                zip(self.services, self.durations, self.plan.item_times(start), strict=True)
            )
        ]


async def _services(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Service]:
    return list(await session.scalars(select(Service).where(Service.id.in_(set(ids)))))


def _plan(services: Sequence[Service], durations: Sequence[int]) -> CombinedPlan:
    return combine(
        [
            Item(
                service_key=str(service.id),
                duration=timedelta(minutes=minutes),
                buffer_before=timedelta(minutes=service.buffer_before_minutes),
                buffer_after=timedelta(minutes=service.buffer_after_minutes),
                price_minor=item_price(service, minutes),
            )
            for service, minutes in zip(services, durations, strict=True)
        ]
    )


def _visit(services: Sequence[Service], durations: Sequence[int]) -> Visit:
    first = services[0]
    if len(services) == 1:
        return Visit(tuple(services), tuple(durations), rules_for(first, durations[0]))
    plan = _plan(services, durations)
    rules = combined_slot_rules(
        plan,
        step=timedelta(minutes=first.slot_step_minutes),
        min_notice=timedelta(minutes=first.min_notice_minutes),
        max_advance=timedelta(days=first.max_advance_days),
    )
    return Visit(tuple(services), tuple(durations), rules, plan)


async def plan_visit(
    session: AsyncSession, first: Service, duration: int, extra_ids: Sequence[uuid.UUID]
) -> Visit:
    """The visit of ``first`` (for ``duration``) followed by the services ``extra_ids``,
    each for its default duration."""
    if not extra_ids:
        return _visit([first], [duration])
    if len(extra_ids) + 1 > MAX_ITEMS:
        raise Invalid(f"A visit has at most {MAX_ITEMS} services.")
    found = {s.id: s for s in await _services(session, extra_ids)}
    services = [first]
    for service_id in extra_ids:
        service = found.get(service_id)
        if service is None or service.organization_id != first.organization_id:
            raise NotFound(f"No service {service_id}.")
        services.append(service)
    for service in services:
        if service.capacity > 1:
            raise Invalid(f"{service.name} is a group session; it cannot be part of a visit.")
        if service.currency != first.currency:
            raise Invalid("All services of a visit must be priced in the same currency.")
    return _visit(services, [duration] + [s.duration_minutes for s in services[1:]])


async def offering_all(
    session: AsyncSession, visit: Visit, providers: Sequence[Provider]
) -> list[Provider]:
    """The providers among ``providers`` who offer every service of ``visit``."""
    if len(visit.services) == 1:
        return list(providers)
    pairs = set(
        (
            await session.execute(
                select(ServiceProvider.service_id, ServiceProvider.provider_id).where(
                    ServiceProvider.service_id.in_([s.id for s in visit.services]),
                    ServiceProvider.provider_id.in_([p.id for p in providers]),
                )
            )
        ).all()
    )
    return [p for p in providers if all((s.id, p.id) in pairs for s in visit.services)]


async def free_slots(
    session: AsyncSession,
    visit: Visit,
    providers: Sequence[Provider],
    span: TimeRange,
    now: datetime,
) -> list[tuple[uuid.UUID, Slot]]:
    """Free starts of the whole visit in ``span`` (one service or several back to back)."""
    first = visit.services[0]
    return await find_slots(session, first, providers, span, visit.durations[0], now, visit.rules)


async def items_of(
    session: AsyncSession, booking_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[BookingItem]]:
    """The items of each visit among ``booking_ids``, in order (absent: not a visit)."""
    if not booking_ids:
        return {}
    rows = await session.scalars(
        select(BookingItem)
        .where(BookingItem.booking_id.in_(booking_ids))
        .order_by(BookingItem.booking_id, BookingItem.position)
    )
    found: dict[uuid.UUID, list[BookingItem]] = {}
    for row in rows:
        found.setdefault(row.booking_id, []).append(row)
    return found


async def visit_of(session: AsyncSession, booking: Booking, first: Service) -> Visit:
    """What ``booking`` books, with its services' current buffers and grid."""
    items = (await items_of(session, [booking.id])).get(booking.id)
    if not items:
        return _visit([first], [booking.duration_minutes])
    found = {s.id: s for s in await _services(session, [i.service_id for i in items])}
    return _visit([found[i.service_id] for i in items], [i.duration_minutes for i in items])


async def move_items(session: AsyncSession, booking: Booking, visit: Visit) -> None:
    """Put the visit's items at the booking's (new) start."""
    if visit.plan is None:
        return
    items = (await items_of(session, [booking.id]))[booking.id]
    for item, at in zip(items, visit.plan.item_times(booking.start_at), strict=True):
        item.start_at, item.end_at = at.start, at.end
