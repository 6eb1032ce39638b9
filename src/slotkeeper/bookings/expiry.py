"""Holds and requests whose deadline passed: marked expired (by the sweeper, or by a
booking or a step that meets them), with their history and events (which carry the times
they held, for the waitlist) and their discount codes given back; and what any booking
that stops blocking frees (its times, one per service) or gives back (a discount code it
never used)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.bookings import repository
from slotkeeper.bookings.history import Actor, Freed, change_status, record, write_change
from slotkeeper.bookings.models import Booking
from slotkeeper.bookings.visits import items_of
from slotkeeper.domain.lifecycle import EXPIRING, BookingStatus
from slotkeeper.pricing import repository as pricing_repository

S = BookingStatus

EXPIRY_REASONS = {S.HELD: "hold ran out", S.REQUESTED: "request was not answered in time"}
UNCONFIRMED = frozenset({S.HELD, S.REQUESTED, S.TIME_SUGGESTED})


def record_expired(session: AsyncSession, expired: list[repository.Expired], now: datetime) -> None:
    """The history entry and the event of each booking marked expired in bulk (the event
    carries the time it held)."""
    for row in expired:
        held = Freed(row.provider_id, row.service_id, row.start, row.end, row.customer_user_id)
        reason = EXPIRY_REASONS[row.previous]
        write_change(
            session,
            row.organization_id,
            row.id,
            held,
            row.previous.value,
            S.EXPIRED,
            Actor.SYSTEM,
            now,
            None,
            reason,
            [held],
        )


async def expire_run_out(session: AsyncSession, now: datetime) -> int:
    """Mark every run-out hold and unanswered request expired (the sweeper); their events
    tell the waitlist after commit."""
    expired = await repository.expire_run_out(session, now)
    await settle_expired(session, expired, now)
    return len(expired)


async def settle_expired(
    session: AsyncSession, expired: list[repository.Expired], now: datetime
) -> None:
    """After marking holds and requests expired (in bulk, or in the way of a booking with
    its provider locked): their history and events, and their discount code uses given
    back."""
    record_expired(session, expired, now)
    await _give_back_codes(session, expired)


async def _give_back_codes(session: AsyncSession, expired: list[repository.Expired]) -> None:
    """Expired holds and requests were never confirmed: their codes were never used."""
    await pricing_repository.give_back(
        session, [row.discount_code_id for row in expired if row.discount_code_id]
    )


async def freed_by(
    session: AsyncSession, booking: Booking, start: datetime | None = None
) -> list[Freed]:
    """The times ``booking`` held (or held before it moved from ``start``): one per
    service, so the waiters of each service of a visit hear of their part."""
    shift = (start or booking.start_at) - booking.start_at
    items = (await items_of(session, [booking.id])).get(booking.id)
    parts = (
        [(i.service_id, i.start_at, i.end_at) for i in items]
        if items
        else [(booking.service_id, booking.start_at, booking.end_at)]
    )
    return [
        Freed(booking.provider_id, service_id, begin + shift, end + shift, booking.customer_user_id)
        for service_id, begin, end in parts
    ]


def ran_out(booking: Booking, now: datetime) -> bool:
    """A hold or request past its deadline: it no longer blocks, marked or not."""
    return (
        S(booking.status) in EXPIRING
        and booking.hold_expires_at is not None
        and booking.hold_expires_at <= now
    )


async def expire_if_run_out(session: AsyncSession, booking: Booking, now: datetime) -> S | None:
    """Mark a run-out hold or request expired; returns the status it had, if it was."""
    if not ran_out(booking, now):
        return None
    previous = S(change_status(booking, S.EXPIRED, now))
    freed = await freed_by(session, booking)
    reason = EXPIRY_REASONS[previous]
    record(session, booking, previous.value, Actor.SYSTEM, now, reason=reason, freed=freed)
    await session.flush()
    await give_back_code(session, booking, previous)
    return previous


async def give_back_code(session: AsyncSession, booking: Booking, previous: S) -> None:
    """A booking that ends without ever being confirmed did not use its discount code."""
    if previous in UNCONFIRMED and booking.discount_code_id is not None:
        await pricing_repository.give_back(session, [booking.discount_code_id])
