"""Holds and requests whose deadline passed: marked expired (by the sweeper, or by a
booking or a step that meets them), with their history, their discount codes given back
and the times they held handed to the waitlist; and what any booking that stops blocking
frees (its times, one per service) or gives back (a discount code it never used)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.bookings import repository
from slotkeeper.bookings.history import Actor, change_status, record
from slotkeeper.bookings.models import Booking, BookingEvent
from slotkeeper.bookings.visits import items_of
from slotkeeper.domain.lifecycle import EXPIRING, BookingStatus
from slotkeeper.pricing import repository as pricing_repository
from slotkeeper.waitlist.service import FreedTime, time_freed

S = BookingStatus

EXPIRY_REASONS = {S.HELD: "hold ran out", S.REQUESTED: "request was not answered in time"}
UNCONFIRMED = frozenset({S.HELD, S.REQUESTED, S.TIME_SUGGESTED})


def record_expired(session: AsyncSession, expired: list[repository.Expired], now: datetime) -> None:
    session.add_all(
        BookingEvent(
            organization_id=row.organization_id,
            booking_id=row.id,
            from_status=row.previous.value,
            to_status=S.EXPIRED.value,
            actor=Actor.SYSTEM.value,
            actor_user_id=None,
            reason=EXPIRY_REASONS[row.previous],
            at=now,
        )
        for row in expired
    )


async def expire_run_out(session: AsyncSession, now: datetime) -> int:
    """Mark every run-out hold and unanswered request expired (the sweeper), and tell the
    waitlist the times they held are free."""
    expired = await repository.expire_run_out(session, now)
    record_expired(session, expired, now)
    await time_freed(session, freed_times(expired), now)
    # After the waitlist's turn, so locks go provider then code, as a booking takes them.
    await _give_back_codes(session, expired)
    return len(expired)


async def settle_expired(
    session: AsyncSession, expired: list[repository.Expired], now: datetime
) -> list[FreedTime]:
    """After marking holds and requests expired in the way of a booking (its provider
    locked): their history, their discount code uses given back, and the times they free."""
    record_expired(session, expired, now)
    await _give_back_codes(session, expired)
    return freed_times(expired)


async def _give_back_codes(session: AsyncSession, expired: list[repository.Expired]) -> None:
    """Expired holds and requests were never confirmed: their codes were never used."""
    await pricing_repository.give_back(
        session, [row.discount_code_id for row in expired if row.discount_code_id]
    )


def freed_times(expired: list[repository.Expired]) -> list[FreedTime]:
    return [
        FreedTime(
            row.organization_id,
            row.provider_id,
            row.service_id,
            row.start,
            row.end,
            row.customer_user_id,
        )
        for row in expired
    ]


async def freed_by(
    session: AsyncSession, booking: Booking, start: datetime | None = None
) -> list[FreedTime]:
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
        FreedTime(
            booking.organization_id,
            booking.provider_id,
            service_id,
            begin + shift,
            end + shift,
            booking.customer_user_id,
        )
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
    record(session, booking, previous.value, Actor.SYSTEM, now, reason=EXPIRY_REASONS[previous])
    await session.flush()
    await time_freed(session, await freed_by(session, booking), now)
    await give_back_code(session, booking, previous)
    return previous


async def give_back_code(session: AsyncSession, booking: Booking, previous: S) -> None:
    """A booking that ends without ever being confirmed did not use its discount code.
    (Given back after the waitlist's turn: locks go booking, provider, code, the order a
    booking takes them in.)"""
    if previous in UNCONFIRMED and booking.discount_code_id is not None:
        await pricing_repository.give_back(session, [booking.discount_code_id])
