"""Event types (CONTRACT.md, "Notifications") and which consumer hears which."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

# The channel that wakes the dispatchers when deliveries commit: a use case names it in its
# session's ``info["notify"]``, and ``Database.write`` notifies it on PostgreSQL (inside
# the transaction, so every process hears it at commit) and in this process after commit.
CHANNEL = "slotkeeper_events"


class EventType(StrEnum):
    BOOKING_HELD = "booking.held"  # a hold waiting for confirmation (or, next, payment)
    BOOKING_REQUESTED = "booking.requested"
    BOOKING_CONFIRMED = "booking.confirmed"
    BOOKING_DECLINED = "booking.declined"
    BOOKING_TIME_SUGGESTED = "booking.time_suggested"
    BOOKING_CANCELLED = "booking.cancelled"
    BOOKING_RESCHEDULED = "booking.rescheduled"
    BOOKING_EXPIRED = "booking.expired"
    BOOKING_COMPLETED = "booking.completed"
    BOOKING_NO_SHOW = "booking.no_show"
    BOOKING_REMINDER = "booking.reminder"
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    PAYMENT_REFUNDED = "payment.refunded"
    WAITLIST_TIME_FREED = "waitlist.time_freed"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class Route:
    """The events one consumer hears: of these types, and (if ``only_with`` is set) only
    those whose data has that member, not empty."""

    types: frozenset[EventType]
    only_with: str | None = None

    def wants(self, type_: EventType, data: dict[str, object]) -> bool:
        return type_ in self.types and (self.only_with is None or bool(data.get(self.only_with)))


E = EventType
# Every booking event may carry the times the change freed (``data["freed"]``).
BOOKING_EVENTS = frozenset(t for t in EventType if t.value.startswith("booking."))

# The consumers by name, and the events each hears. A delivery row is written for each
# with the event; the handlers are bound by name where a process starts
# (``slotkeeper.consumers``), so this module imports none of them.
ROUTES: dict[str, Route] = {
    "waitlist": Route(BOOKING_EVENTS, only_with="freed"),
}


class DeliveryOut(BaseModel):
    """One consumer's delivery of one event, as an admin sees it."""

    event_id: int
    event_type: str
    booking_id: uuid.UUID | None
    occurred_at: datetime
    consumer: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    done_at: datetime | None
