"""The booking status machine. History is never rewritten: only these moves exist."""

from __future__ import annotations

from enum import StrEnum


class BookingStatus(StrEnum):
    HELD = "held"
    REQUESTED = "requested"
    TIME_SUGGESTED = "time_suggested"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    DECLINED = "declined"
    EXPIRED = "expired"
    PAYMENT_FAILED = "payment_failed"


S = BookingStatus

TRANSITIONS: dict[BookingStatus, frozenset[BookingStatus]] = {
    S.HELD: frozenset({S.CONFIRMED, S.EXPIRED, S.PAYMENT_FAILED, S.CANCELLED}),
    S.REQUESTED: frozenset({S.CONFIRMED, S.DECLINED, S.TIME_SUGGESTED, S.CANCELLED, S.EXPIRED}),
    S.TIME_SUGGESTED: frozenset({S.CONFIRMED, S.DECLINED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.COMPLETED, S.NO_SHOW, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.NO_SHOW: frozenset(),
    S.CANCELLED: frozenset(),
    S.DECLINED: frozenset(),
    S.EXPIRED: frozenset(),
    S.PAYMENT_FAILED: frozenset(),
}

# Statuses that keep the provider's time taken (a held booking only until it expires).
BLOCKING: frozenset[BookingStatus] = frozenset({S.HELD, S.REQUESTED, S.CONFIRMED})
# Blocking statuses that stop blocking by themselves at a deadline (``hold_expires_at``):
# an unpaid hold, an unanswered request.
EXPIRING: frozenset[BookingStatus] = frozenset({S.HELD, S.REQUESTED})
FINAL: frozenset[BookingStatus] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


class IllegalTransition(Exception):
    def __init__(self, current: BookingStatus, target: BookingStatus) -> None:
        self.current = current
        self.target = target
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none: it is final"
        super().__init__(
            f"A booking that is {current.value} cannot become {target.value} "
            f"(allowed next: {allowed})."
        )


def can_transition(current: BookingStatus, target: BookingStatus) -> bool:
    return target in TRANSITIONS[current]


def transition(current: BookingStatus, target: BookingStatus) -> BookingStatus:
    """Return ``target`` if the move is legal, else raise ``IllegalTransition``."""
    if not can_transition(current, target):
        raise IllegalTransition(current, target)
    return target
