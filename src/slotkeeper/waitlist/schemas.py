from __future__ import annotations

import uuid
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from slotkeeper.kit.types import CalendarDate

# The longest range one entry may wait for (inclusive days).
MAX_RANGE_DAYS = 90


class WaitlistStatus(StrEnum):
    WAITING = "waiting"
    # An automatic hold was made for the waiter; it is theirs to confirm.
    OFFERED = "offered"
    # The offered hold was confirmed.
    FULFILLED = "fulfilled"
    # The offered hold ran out (or was cancelled) unconfirmed; the next waiter was told.
    MISSED = "missed"
    LEFT = "left"


class WaitlistJoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_id: uuid.UUID
    service_id: uuid.UUID
    # Local dates in the organization's time zone, both inclusive.
    date_from: CalendarDate
    date_to: CalendarDate

    @model_validator(mode="after")
    def _range(self) -> WaitlistJoinIn:
        if self.date_to < self.date_from:
            raise ValueError("date_to must not be before date_from")
        if self.date_to - self.date_from >= timedelta(days=MAX_RANGE_DAYS):
            raise ValueError(f"a waitlist range spans at most {MAX_RANGE_DAYS} days")
        return self


class WaiterOut(BaseModel):
    name: str
    email: str


class WaitlistEntryOut(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    provider_id: uuid.UUID
    service_id: uuid.UUID
    date_from: date
    date_to: date
    status: WaitlistStatus
    # The automatic hold made for this waiter, once offered.
    booking_id: uuid.UUID | None
    created_at: AwareDatetime
    # Only in the provider's view: who is waiting.
    waiter: WaiterOut | None = None


class WaitlistSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # How long the first matching waiter's automatic hold lasts; 0 turns it off.
    hold_minutes: Annotated[int, Field(ge=0, le=24 * 60)]


class WaitlistSettingsOut(BaseModel):
    organization_id: uuid.UUID
    hold_minutes: int


class NotificationOut(BaseModel):
    id: uuid.UUID
    # Increases with every notification written: their exact order, across users too.
    sequence: int
    kind: str
    payload: dict[str, Any]
    created_at: AwareDatetime
    read_at: AwareDatetime | None
