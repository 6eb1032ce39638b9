"""Moving a booking to another time: reschedule a confirmed booking, answer a request
with other free times, and the customer picking one of them. A new time is checked and
taken under the provider's lock, like a booking's (``creating.require_free``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.bookings.creating import flush_or_taken, require_free
from slotkeeper.bookings.expiry import expire_if_run_out, freed_by
from slotkeeper.bookings.history import STAFF, Actor, change_status, record
from slotkeeper.bookings.lifecycle import require_staff
from slotkeeper.bookings.models import Booking
from slotkeeper.bookings.visits import move_items, visit_of
from slotkeeper.catalog import repository as catalog_repository
from slotkeeper.catalog.models import Provider, Service
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.policies import reschedule_allowed
from slotkeeper.domain.slots import SlotRules
from slotkeeper.kit.problems import Forbidden, Invalid, InvalidTransition

S = BookingStatus


async def reschedule(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    start: datetime,
    now: datetime,
) -> None:
    """Move a confirmed booking atomically: its old time stays taken until the new one is
    secured in this same transaction (any refusal leaves the booking as it was)."""
    if booking.status != S.CONFIRMED.value:
        raise InvalidTransition(
            f"Only a confirmed booking can be moved; this one is {booking.status}."
        )
    service, provider = await _service_and_locked_provider(session, booking)
    cutoff = timedelta(hours=service.reschedule_cutoff_hours)
    if actor not in STAFF and not reschedule_allowed(now, booking.start_at, cutoff):
        raise InvalidTransition(
            f"Bookings can be moved until {service.reschedule_cutoff_hours} h before the start."
        )
    start = start.astimezone(UTC)
    if start == booking.start_at:
        raise Invalid("The booking already starts at that time.")
    visit = await visit_of(session, booking, service)
    await require_free(session, provider, visit.rules, start, now, moving=booking.id)
    old = booking.start_at
    _place(booking, visit.rules, start)
    await move_items(session, booking, visit)
    booking.updated_at = now
    record(
        session,
        booking,
        booking.status,
        actor,
        now,
        user,
        f"rescheduled from {old.isoformat()} to {start.isoformat()}",
        await freed_by(session, booking, old),
    )
    await flush_or_taken(session)


async def suggest_times(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    starts: list[datetime],
    reason: str | None,
    now: datetime,
) -> S | None:
    """Answer a request with other free times; the requested time is freed."""
    require_staff(actor, "suggest other times")
    expired = await expire_if_run_out(session, booking, now)
    if expired is not None:
        return expired
    previous = change_status(booking, S.TIME_SUGGESTED, now)
    booking.hold_expires_at = None
    await session.flush()  # the requested time no longer blocks the checks below
    service, provider = await _service_and_locked_provider(session, booking)
    rules = (await visit_of(session, booking, service)).rules
    chosen = sorted({start.astimezone(UTC) for start in starts})
    for start in chosen:
        await require_free(session, provider, rules, start, now)
    booking.suggested_starts = [start.isoformat() for start in chosen]
    record(session, booking, previous, actor, now, user, reason, await freed_by(session, booking))
    await session.flush()
    return None


async def accept_suggestion(
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    user: User | None,
    start: datetime,
    now: datetime,
) -> None:
    """The customer picks a suggested time: confirmed there if it is still free (else 409,
    and the other suggestions stay offered)."""
    if actor in STAFF:
        raise Forbidden("Only the customer can pick a suggested time.")
    if booking.status != S.TIME_SUGGESTED.value:
        raise InvalidTransition(f"A booking that is {booking.status} has no suggested times.")
    start = start.astimezone(UTC)
    if start.isoformat() not in (booking.suggested_starts or []):
        raise Invalid("That time is not one of the suggested times.")
    service, provider = await _service_and_locked_provider(session, booking)
    visit = await visit_of(session, booking, service)
    await require_free(session, provider, visit.rules, start, now)
    _place(booking, visit.rules, start)
    await move_items(session, booking, visit)
    previous = change_status(booking, S.CONFIRMED, now)
    record(session, booking, previous, actor, now, user, f"picked {start.isoformat()}")
    await flush_or_taken(session)


async def _service_and_locked_provider(
    session: AsyncSession, booking: Booking
) -> tuple[Service, Provider]:
    found = await catalog_repository.service_with_provider(
        session, booking.service_id, booking.provider_id, lock=True
    )
    if found is None:
        raise InvalidTransition("The provider no longer offers this service.")
    service, provider, _ = found
    return service, provider


def _place(booking: Booking, rules: SlotRules, start: datetime) -> None:
    """Put ``booking`` (and the provider's busy block) at ``start``."""
    block = rules.block(start)
    booking.start_at, booking.end_at = start, start + rules.duration
    booking.block_start, booking.block_end = block.start, block.end
    booking.slot_key = rules.occurrence_key(start) or str(booking.id)
