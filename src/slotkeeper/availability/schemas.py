from __future__ import annotations

import re
import uuid
from datetime import time
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from slotkeeper.domain.availability import WEEKDAYS
from slotkeeper.kit.types import CalendarDate, Instant, NoNul

Day = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _clock(text: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d|24:00", text):
        raise ValueError(f"time must be HH:MM between 00:00 and 24:00, got {text!r}")
    return text


ClockTime = Annotated[str, AfterValidator(_clock)]


def parse_clock(text: str) -> time | None:
    """``"HH:MM"`` to a time; ``"24:00"`` (midnight at the end of the day) to ``None``."""
    if text == "24:00":
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def format_clock(value: time | None) -> str:
    return "24:00" if value is None else value.strftime("%H:%M")


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start == "24:00" or (self.end != "24:00" and self.end <= self.start):
            raise ValueError(f"window must end after it starts ({self.start}-{self.end})")
        return self


class WeeklyWindowIn(Window):
    day: Day

    @property
    def weekday(self) -> int:
        return WEEKDAYS.index(self.day)


class DateOverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: CalendarDate
    windows: list[Window] = Field(max_length=48)


class DateOverrideOut(DateOverrideIn):
    id: uuid.UUID
    provider_id: uuid.UUID


class TimeOffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: Instant
    end: Instant
    reason: Annotated[str | None, Field(max_length=500), NoNul] = None

    @model_validator(mode="after")
    def _ordered(self) -> TimeOffIn:
        if self.end <= self.start:
            raise ValueError("time off must end after it starts")
        if (self.end - self.start).days > 366:
            raise ValueError("time off may span a year at most")
        return self


class TimeOffOut(BaseModel):
    id: uuid.UUID
    provider_id: uuid.UUID
    start: AwareDatetime
    end: AwareDatetime
    reason: str | None


class SlotOut(BaseModel):
    provider_id: uuid.UUID
    start: str
    end: str
    seats_left: int


class SlotsOut(BaseModel):
    timezone: str
    duration_minutes: int
    slots: list[SlotOut]
