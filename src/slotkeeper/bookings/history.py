"""Who acts on a booking, its status changed by the lifecycle's rules, and what every
change writes in its own transaction: the history entry (who, when, why) and the event
the outbox hands to the consumers after commit, with the times the change freed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.bookings.models import Booking, BookingEvent
from slotkeeper.domain.lifecycle import BookingStatus, IllegalTransition, transition
from slotkeeper.events.schemas import EventType
from slotkeeper.events.service import emit
from slotkeeper.kit.problems import InvalidTransition

S = BookingStatus
E = EventType
# The event of a change to each status (a confirmed booking that stays confirmed moved).
EVENT_OF = {
    S.HELD: E.BOOKING_HELD,
    S.REQUESTED: E.BOOKING_REQUESTED,
    S.CONFIRMED: E.BOOKING_CONFIRMED,
    S.DECLINED: E.BOOKING_DECLINED,
    S.TIME_SUGGESTED: E.BOOKING_TIME_SUGGESTED,
    S.CANCELLED: E.BOOKING_CANCELLED,
    S.EXPIRED: E.BOOKING_EXPIRED,
    S.COMPLETED: E.BOOKING_COMPLETED,
    S.NO_SHOW: E.BOOKING_NO_SHOW,
    S.PAYMENT_FAILED: E.PAYMENT_FAILED,
}


@dataclass(frozen=True, slots=True)
class Freed:
    """A time a booking stopped blocking (one per service of a visit); the waitlist hears
    of it through the change's event."""

    provider_id: uuid.UUID
    service_id: uuid.UUID
    start: datetime
    end: datetime
    # The customer whose booking freed it: never offered their own time back.
    customer_user_id: uuid.UUID | None = None

    def data(self) -> dict[str, str | None]:
        return {
            "provider_id": str(self.provider_id),
            "service_id": str(self.service_id),
            "start": _instant(self.start),
            "end": _instant(self.end),
            "customer_user_id": str(self.customer_user_id) if self.customer_user_id else None,
        }


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


class Actor(StrEnum):
    """Who acts on a booking; recorded in its history."""

    CUSTOMER = "customer"
    GUEST = "guest"
    PROVIDER = "provider"
    ADMIN = "admin"
    SYSTEM = "system"


STAFF = frozenset({Actor.PROVIDER, Actor.ADMIN})


def record(
    session: AsyncSession,
    booking: Booking,
    previous: str | None,
    actor: Actor,
    now: datetime,
    user: User | None = None,
    reason: str | None = None,
    freed: Sequence[Freed] = (),
) -> None:
    held = Freed(
        booking.provider_id,
        booking.service_id,
        booking.start_at,
        booking.end_at,
        booking.customer_user_id,
    )
    write_change(
        session,
        booking.organization_id,
        booking.id,
        held,
        previous,
        S(booking.status),
        actor,
        now,
        user.id if user else None,
        reason,
        freed,
    )


def write_change(
    session: AsyncSession,
    organization_id: uuid.UUID,
    booking_id: uuid.UUID,
    held: Freed,
    previous: str | None,
    status: BookingStatus,
    actor: Actor,
    now: datetime,
    user_id: uuid.UUID | None,
    reason: str | None,
    freed: Sequence[Freed],
) -> None:
    """The history entry and the event of one change to a booking (``held``: its time
    now), for a loaded booking (``record``) or a row marked in bulk."""
    session.add(
        BookingEvent(
            organization_id=organization_id,
            booking_id=booking_id,
            from_status=previous,
            to_status=status.value,
            actor=actor.value,
            actor_user_id=user_id,
            reason=reason,
            at=now,
        )
    )
    data: dict[str, Any] = {
        "booking_id": str(booking_id),
        **held.data(),
        "status": status.value,
        "previous_status": previous,
        "actor": actor.value,
        "reason": reason,
        "freed": [time.data() for time in freed],
    }
    moved = previous == status.value == S.CONFIRMED.value
    kind = E.BOOKING_RESCHEDULED if moved else EVENT_OF[status]
    emit(session, kind, organization_id, data, now, booking_id)


def change_status(booking: Booking, target: BookingStatus, now: datetime) -> str:
    """Move ``booking`` to ``target`` if the lifecycle allows it (else 409); returns the
    status it had, for the history entry."""
    previous = booking.status
    try:
        transition(BookingStatus(previous), target)
    except IllegalTransition as exc:
        raise InvalidTransition(str(exc)) from exc
    booking.status = target.value
    booking.updated_at = now
    return previous
