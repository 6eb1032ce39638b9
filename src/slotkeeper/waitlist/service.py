"""The waitlist: customers waiting for a provider + service in a date range are told, in
order, when a matching time frees up; the first may get an automatic hold.

A freed time matches an entry when the provider and service are the entry's, the start's
local date (organization's time zone) lies in the entry's range, the entry is waiting,
and the waiter may see the provider. Nobody is told unless the service can be booked at
the freed start right now (offered by the schedule, free, not too soon): a time freed
by a booking that moved only half an hour tells no one.

With the organization's ``waitlist_hold_minutes`` above 0 (and a service that needs no
approval), the first matching waiter gets a held booking at that start and only they are
told; if it runs out or is cancelled unconfirmed, that frees the time again and the next
waiter gets it. Otherwise (or if the hold cannot be made) every matching waiter is told,
in join order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.availability.service import calendars, rules_for
from slotkeeper.bookings.creating import book_slot, bookable
from slotkeeper.bookings.history import Actor
from slotkeeper.bookings.schemas import BookingIn
from slotkeeper.catalog import repository as catalog_repository
from slotkeeper.catalog.models import Organization, Provider, Service
from slotkeeper.catalog.visibility import visible
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.ranges import TimeRange
from slotkeeper.domain.slots import generate_slots
from slotkeeper.kit.problems import (
    Conflict,
    Forbidden,
    Invalid,
    InvalidTransition,
    NotFound,
    Problem,
)
from slotkeeper.kit.types import zone
from slotkeeper.waitlist import repository
from slotkeeper.waitlist.models import Notification, WaitlistEntry
from slotkeeper.waitlist.repository import Offer
from slotkeeper.waitlist.schemas import WaitlistJoinIn, WaitlistStatus

W = WaitlistStatus
TIME_FREED = "waitlist.time_freed"
HOLD_OFFERED = "waitlist.hold_offered"
# Automatic holds are never made for services that need approval; this is only the
# argument book_slot asks for.
REQUEST_TTL = timedelta(hours=48)


@dataclass(frozen=True, slots=True)
class FreedTime:
    """A booking's time that stopped blocking (cancelled, declined, expired, moved)."""

    organization_id: uuid.UUID
    provider_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    # The customer whose booking freed it: never offered their own time back.
    customer_user_id: uuid.UUID | None = None


def status_of(entry: WaitlistEntry, offer: Offer | None, now: datetime) -> WaitlistStatus:
    """An entry's status; an offered one is fulfilled or missed as its hold went."""
    if entry.status != W.OFFERED.value:
        return W(entry.status)
    if offer is not None and offer.confirmed:
        return W.FULFILLED
    pending = (
        offer is not None
        and offer.status == BookingStatus.HELD.value
        and (offer.hold_expires_at is None or offer.hold_expires_at > now)
    )
    return W.OFFERED if pending else W.MISSED


async def statuses(
    session: AsyncSession, entries: Sequence[WaitlistEntry], now: datetime
) -> dict[uuid.UUID, WaitlistStatus]:
    """The status of each entry, by entry id (one query for all offers)."""
    booking_ids = [e.booking_id for e in entries if e.booking_id is not None]
    offers = await repository.offers(session, booking_ids)
    return {
        e.id: status_of(e, offers.get(e.booking_id) if e.booking_id else None, now) for e in entries
    }


def _today(org: Organization, now: datetime) -> date:
    return now.astimezone(zone(org.timezone)).date()


async def join(
    session: AsyncSession, user: User, data: WaitlistJoinIn, now: datetime
) -> WaitlistEntry:
    """Wait for ``data.service_id`` with ``data.provider_id`` on any day of the range."""

    # The same refusals as booking: unknown or hidden ids 404, a wrong pairing 422.
    service, provider, org, _ = await bookable(
        session, data.service_id, data.provider_id, user, None
    )
    _check_range(org, service, data, now)
    if await _already_waiting(session, user, data, now):
        raise Conflict(
            "You are already on this waitlist for overlapping dates; leave that entry first."
        )
    entry = WaitlistEntry(
        id=uuid.uuid4(),
        organization_id=org.id,
        provider_id=provider.id,
        service_id=service.id,
        user_id=user.id,
        date_from=data.date_from,
        date_to=data.date_to,
        status=W.WAITING.value,
        booking_id=None,
        created_at=now,
        updated_at=now,
    )
    session.add(entry)
    await session.flush()
    return entry


def _check_range(org: Organization, service: Service, data: WaitlistJoinIn, now: datetime) -> None:
    today = _today(org, now)
    if data.date_from < today:
        raise Invalid(f"date_from is in the past: today is {today} in {org.timezone}.")
    horizon = today + timedelta(days=service.max_advance_days)
    if data.date_from > horizon:
        raise Invalid(
            f"date_from is beyond {horizon}: this service is booked at most "
            f"{service.max_advance_days} days ahead."
        )


async def _already_waiting(
    session: AsyncSession, user: User, data: WaitlistJoinIn, now: datetime
) -> bool:
    entries = await repository.active_overlapping(
        session, user.id, data.provider_id, data.service_id, data.date_from, data.date_to
    )
    found = await statuses(session, entries, now)
    return any(status in (W.WAITING, W.OFFERED) for status in found.values())


async def leave(
    session: AsyncSession, entry_id: uuid.UUID, user: User, now: datetime
) -> WaitlistEntry:
    """Leave the waitlist (own entries only). An offered hold stays the waiter's booking."""
    entry = await repository.entry(session, entry_id, for_update=True)
    if entry is None:
        raise NotFound(f"No waitlist entry {entry_id}.")
    if entry.user_id != user.id:
        raise Forbidden("Only the waiter can leave their waitlist entry.")
    status = (await statuses(session, [entry], now))[entry.id]
    if status not in (W.WAITING, W.OFFERED):
        raise InvalidTransition(f"This waitlist entry is {status.value}; it cannot be left.")
    entry.status = W.LEFT.value
    entry.updated_at = now
    return entry


async def mark_read(
    session: AsyncSession, notification_id: uuid.UUID, user: User, now: datetime
) -> Notification:
    """Mark a notification read (once: reading it again keeps the first time)."""
    found = await repository.notification(session, notification_id)
    if found is None:
        raise NotFound(f"No notification {notification_id}.")
    if found.user_id != user.id:
        raise Forbidden("This notification is someone else's.")
    if found.read_at is None:
        found.read_at = now
    return found


async def time_freed(session: AsyncSession, freed: Sequence[FreedTime], now: datetime) -> None:
    """Tell the waiters of each freed time, in order (the waitlist's consumer of booking
    events, just after the freeing transaction committed)."""
    for time in freed:
        await _tell_waiters(session, time, now)


async def _tell_waiters(session: AsyncSession, freed: FreedTime, now: datetime) -> None:
    # The provider's lock (PostgreSQL) orders concurrent freeings of its times: the waiters
    # are read after the previous one committed, so no waiter is offered two holds.
    found = await catalog_repository.service_with_provider(
        session, freed.service_id, freed.provider_id, lock=True
    )
    if found is None:  # the provider no longer offers the service
        return
    service, provider, org = found
    day = freed.start.astimezone(zone(org.timezone)).date()
    waiters = await repository.waiting_for(session, provider.id, service.id, day)
    if not waiters or not await _bookable(session, service, provider, freed.start, now):
        return
    waiters = [
        (e, u)
        for e, u in waiters
        if u.id != freed.customer_user_id and await visible(session, [provider], u)
    ]
    if not waiters:
        return
    if org.waitlist_hold_minutes > 0 and not service.requires_approval:
        entry, user = waiters[0]
        if await _offer_hold(session, entry, user, service, freed, org, now):
            return
    payload = _payload(service, freed)
    for entry, user in waiters:
        repository.add_notification(
            session, user.id, TIME_FREED, {**payload, "entry_id": str(entry.id)}, now
        )


async def _bookable(
    session: AsyncSession, service: Service, provider: Provider, start: datetime, now: datetime
) -> bool:
    """Whether ``service`` (its default duration) can be booked at ``start`` now."""
    rules = rules_for(service, service.duration_minutes)
    probe = TimeRange(start, start + timedelta(microseconds=1))
    calendar = (await calendars(session, [provider], probe, rules, now))[provider.id]
    return bool(
        generate_slots(calendar.windows, calendar.busy, rules, now, probe, calendar.origins)
    )


async def _offer_hold(
    session: AsyncSession,
    entry: WaitlistEntry,
    user: User,
    service: Service,
    freed: FreedTime,
    org: Organization,
    now: datetime,
) -> bool:
    """Hold the freed start for the first waiter; False if it cannot be booked (then
    every waiter is told instead: the savepoint undoes the failed attempt only)."""

    data = BookingIn(
        service_id=service.id, provider_id=freed.provider_id, start=freed.start, hold=True
    )
    try:
        async with session.begin_nested():
            created = await book_slot(
                session,
                data,
                user,
                now,
                hold_ttl=timedelta(minutes=org.waitlist_hold_minutes),
                secret_key="",
                request_ttl=REQUEST_TTL,
                actor=Actor.SYSTEM,
                reason="held for the first in line on the waitlist",
            )
    except Problem:
        return False
    booking = created.booking
    entry.status = W.OFFERED.value
    entry.booking_id = booking.id
    entry.updated_at = now
    payload = {
        **_payload(service, freed),
        "entry_id": str(entry.id),
        "booking_id": str(booking.id),
        "hold_expires_at": _instant(booking.hold_expires_at or booking.start_at),
    }
    repository.add_notification(session, user.id, HOLD_OFFERED, payload, now)
    return True


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _payload(service: Service, freed: FreedTime) -> dict[str, str]:
    """What was freed, as the waiter would book it (the service's default duration)."""
    start = freed.start
    end = start + timedelta(minutes=service.duration_minutes)
    return {
        "organization_id": str(service.organization_id),
        "provider_id": str(freed.provider_id),
        "service_id": str(service.id),
        "start": _instant(start),
        "end": _instant(end),
    }
