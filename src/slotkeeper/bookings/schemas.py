from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field, model_validator

from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.series import MAX_OCCURRENCES, CancelScope, SeriesMode
from slotkeeper.kit.types import CalendarDate, Instant, NoNul
from slotkeeper.pricing.schemas import BreakdownOut

# The ``?token=`` of the routes a guest reaches by the booking's (or series') manage link.
ManageToken = Annotated[str | None, Query(max_length=200, description="The guest's manage token")]


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200), NoNul]
    email: EmailStr
    phone: Annotated[str | None, Field(max_length=50), NoNul] = None


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_id: uuid.UUID
    provider_id: uuid.UUID
    start: Instant
    duration_minutes: Annotated[int | None, Field(ge=1, le=24 * 60)] = None
    # Optional for a signed-in customer (their account's name and email are used).
    customer: CustomerIn | None = None
    notes: Annotated[str | None, Field(max_length=2000), NoNul] = None
    hold: bool = False
    discount_code: Annotated[str | None, Field(pattern=r"^[A-Za-z0-9_-]{2,64}$")] = None
    # A multi-service visit: these services follow ``service_id`` back to back, with the
    # same provider, each for its default duration.
    extra_service_ids: Annotated[list[uuid.UUID], Field(max_length=9)] = []


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str | None, Field(max_length=1000), NoNul] = None
    # For an occurrence of a series: this one only, or this and every later one.
    scope: CancelScope = "this"


class SeriesIn(BaseModel):
    """A weekly series: the first occurrence's start, repeated every ``every_weeks`` weeks
    at the same local time (the provider's zone), ``count`` times or ``until`` a date."""

    model_config = ConfigDict(extra="forbid")

    service_id: uuid.UUID
    provider_id: uuid.UUID
    start: Instant
    every_weeks: Annotated[int, Field(ge=1, le=52)] = 1
    count: Annotated[int | None, Field(ge=1, le=MAX_OCCURRENCES)] = None
    until: CalendarDate | None = None
    mode: SeriesMode = "all_or_nothing"
    duration_minutes: Annotated[int | None, Field(ge=1, le=24 * 60)] = None
    customer: CustomerIn | None = None
    notes: Annotated[str | None, Field(max_length=2000), NoNul] = None
    discount_code: Annotated[str | None, Field(pattern=r"^[A-Za-z0-9_-]{2,64}$")] = None

    @model_validator(mode="after")
    def _one_end(self) -> SeriesIn:
        if (self.count is None) == (self.until is None):
            raise ValueError("give exactly one of count and until")
        return self


class SuggestTimesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts: Annotated[list[Instant], Field(min_length=1, max_length=5)]
    reason: Annotated[str | None, Field(max_length=1000), NoNul] = None


class AcceptSuggestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: Instant


class RescheduleIn(AcceptSuggestionIn):
    pass


class RefundQuoteOut(BaseModel):
    refund_due: str
    currency: str


class CustomerOut(BaseModel):
    name: str
    email: str
    phone: str | None


class BookingItemOut(BaseModel):
    """One service of the booking; a single-service booking has exactly one item."""

    service_id: uuid.UUID
    start: AwareDatetime
    end: AwareDatetime
    duration_minutes: int
    price: str


class BookingOut(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    service_id: uuid.UUID
    provider_id: uuid.UUID
    status: BookingStatus
    start: AwareDatetime
    end: AwareDatetime
    duration_minutes: int
    items: list[BookingItemOut] = []
    hold_expires_at: AwareDatetime | None
    # A request's deadline: unanswered by then, it expires and frees its time.
    respond_by: AwareDatetime | None = None
    suggested_starts: list[AwareDatetime] = []
    customer: CustomerOut
    notes: str | None
    price: str
    currency: str
    breakdown: BreakdownOut | None = None
    seats: int
    cancelled_by: str | None
    # Set on cancellation: what the service's cancellation policy owes the customer.
    refund_due: str | None = None
    cancel_reason: str | None
    # Set for an occurrence of a recurring series (its position counts from 0).
    series_id: uuid.UUID | None = None
    series_index: int | None = None
    created_at: AwareDatetime
    # Only in the response that creates a guest booking: the key to ?token= routes.
    manage_token: str | None = None


class BookingEventOut(BaseModel):
    from_status: BookingStatus | None
    to_status: BookingStatus
    actor: str
    reason: str | None
    at: AwareDatetime


class SeriesOut(BaseModel):
    id: uuid.UUID
    service_id: uuid.UUID
    provider_id: uuid.UUID
    timezone: str
    first_date: date
    local_time: str
    every_weeks: int
    count: int | None
    until: date | None
    mode: SeriesMode
    # Every occurrence booked, in order (with its current status).
    occurrences: list[BookingOut]
    # The occurrences that were taken or not offered when the series was booked.
    clashes: list[AwareDatetime]
    # Only in the response that creates a guest's series: works on every occurrence.
    manage_token: str | None = None


class BookingsWhen(StrEnum):
    """Which of a customer's bookings to list: not ended yet, or ended."""

    UPCOMING = "upcoming"
    PAST = "past"
