"""Who acts on a booking, its status changed by the lifecycle's rules, and the history
entry every change writes (who, when, why)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.bookings.models import Booking, BookingEvent
from slotkeeper.domain.lifecycle import BookingStatus, IllegalTransition, transition
from slotkeeper.kit.problems import InvalidTransition


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
) -> None:
    session.add(
        BookingEvent(
            organization_id=booking.organization_id,
            booking_id=booking.id,
            from_status=previous,
            to_status=booking.status,
            actor=actor.value,
            actor_user_id=user.id if user else None,
            reason=reason,
            at=now,
        )
    )


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
