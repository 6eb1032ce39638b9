"""Cancellation and rescheduling rules: who may cancel when, and what is refunded.

Per service, a ``CancellationPolicy`` has a free-cancellation window of N hours and a late
refund percentage. For an amount paid (integer minor units):

* a provider's cancellation refunds it in full, whenever it happens;
* a no-show refunds nothing (whoever records it);
* a customer cancelling more than N hours before the start gets it in full;
* a customer cancelling N hours or less before the start gets
  ``round_minor(paid * late_refund_percent / 100)`` (rounded once, never more than paid);
* at or after the start a customer cannot cancel, and nothing is refunded.

Boundaries are strict on the customer's side: exactly N hours ahead is already "late",
and exactly at the start is already "after". The same holds for rescheduling: allowed
only while the start is more than ``cutoff`` away. Times must be timezone-aware and are
compared as instants (in UTC), so the window is real elapsed time across DST changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from slotkeeper.domain.pricing import percent_of


class CancelledBy(StrEnum):
    CUSTOMER = "customer"
    PROVIDER = "provider"


def _utc(value: datetime, name: str) -> datetime:
    """``value`` in UTC, so differences are real elapsed time even across DST changes.

    (Python subtracts two datetimes sharing one tzinfo by their wall clocks.)
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class CancellationPolicy:
    free_window_hours: int = 24
    late_refund_percent: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if isinstance(self.free_window_hours, bool) or not isinstance(self.free_window_hours, int):
            raise TypeError("free_window_hours must be an int")
        if self.free_window_hours < 0:
            raise ValueError("free_window_hours must not be negative")
        if not isinstance(self.late_refund_percent, Decimal):
            raise TypeError("late_refund_percent must be a Decimal")
        if not self.late_refund_percent.is_finite() or not (0 <= self.late_refund_percent <= 100):
            raise ValueError("late_refund_percent must be between 0 and 100")

    @property
    def free_window(self) -> timedelta:
        return timedelta(hours=self.free_window_hours)


def can_customer_cancel(now: datetime, start: datetime) -> bool:
    """A customer may cancel only before the start."""
    return _utc(now, "now") < _utc(start, "start")


def reschedule_allowed(now: datetime, start: datetime, cutoff: timedelta) -> bool:
    """Rescheduling is allowed while the start is more than ``cutoff`` away."""
    now, start = _utc(now, "now"), _utc(start, "start")
    if cutoff < timedelta(0):
        raise ValueError("cutoff must not be negative")
    return start - now > cutoff


def refund_due(
    paid: int,
    policy: CancellationPolicy,
    cancelled_at: datetime,
    start: datetime,
    by: CancelledBy | str,
    no_show: bool = False,
) -> int:
    """The refund (minor units, ``0 <= refund <= paid``) owed for this cancellation."""
    if isinstance(paid, bool) or not isinstance(paid, int):
        raise TypeError("paid must be an int of minor units")
    if paid < 0:
        raise ValueError("paid must not be negative")
    cancelled_at = _utc(cancelled_at, "cancelled_at")
    start = _utc(start, "start")
    actor = CancelledBy(by)
    if no_show:
        return 0
    if actor is CancelledBy.PROVIDER:
        return paid
    if cancelled_at >= start:
        return 0
    if start - cancelled_at > policy.free_window:
        return paid
    return min(paid, percent_of(paid, policy.late_refund_percent))
