"""Validated API field types shared by several contexts."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime


@lru_cache(maxsize=1024)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@lru_cache(maxsize=1)
def iana_zones() -> frozenset[str]:
    # Only names from the IANA database: ZoneInfo would also open files such as
    # "localtime" that mean whatever the server's clock is set to.
    return frozenset(zoneinfo.available_timezones())


def _check_zone(name: str) -> str:
    if name not in iana_zones():
        raise ValueError(f"unknown IANA time zone: {name!r} (e.g. Europe/London)")
    return name


TimeZoneName = Annotated[str, AfterValidator(_check_zone)]


def _no_nul(text: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; refuse it on every backend alike.
    if text is not None and "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    return text


# Add to a ``str`` (or ``str | None``) field that reaches the database.
NoNul = AfterValidator(_no_nul)

# Dates far enough from date.min/max that converting between zones and adding a few days
# never overflows (a 500); nothing bookable lies outside them.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(9000, 12, 31)


def _check_date(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"date must lie between {EARLIEST_DATE} and {LATEST_DATE}")
    return value


def _check_instant(value: datetime) -> datetime:
    _check_date(value.date())
    return value


CalendarDate = Annotated[date, AfterValidator(_check_date)]
Instant = Annotated[AwareDatetime, AfterValidator(_check_instant)]
