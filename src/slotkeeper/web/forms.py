"""Reading what a visitor sent (query strings and forms) without trusting any of it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, QueryParams

from slotkeeper.kit.types import EARLIEST_DATE, LATEST_DATE, iana_zones

# Longest value any field may have; longer ones are cut before anything looks at them.
MAX_VALUE = 5000
Values = QueryParams | FormData


def one(values: Values, name: str) -> str:
    """The text of a field, stripped ("" when absent or not text)."""
    value = values.get(name)
    return value.strip()[:MAX_VALUE] if isinstance(value, str) else ""


def many(values: Values, name: str, limit: int = 10) -> list[str]:
    found = [v.strip()[:MAX_VALUE] for v in values.getlist(name) if isinstance(v, str)]
    return [v for v in found if v][:limit]


def as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text) if len(text) <= 40 else None
    except ValueError:
        return None


def as_date(text: str) -> date | None:
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
    return day if day is not None and EARLIEST_DATE <= day <= LATEST_DATE else None


def as_instant(text: str) -> datetime | None:
    """An ISO 8601 time with an offset, else ``None``."""
    try:
        moment = datetime.fromisoformat(text) if 16 <= len(text) <= 40 else None
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return moment if EARLIEST_DATE <= moment.date() <= LATEST_DATE else None


def as_zone(text: str) -> str | None:
    return text if text in iana_zones() else None


def has_nul(*texts: str) -> bool:
    return any("\x00" in t for t in texts)


async def read_form(request: Request) -> FormData:
    """The posted form, with a bound on how many fields it may have."""
    return await request.form(max_files=0, max_fields=60)


def query_string(params: Mapping[str, Any]) -> str:
    """``a=1&b=2&b=3`` for links (lists repeat their key; empty values are left out)."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item not in (None, ""):
                pairs.append((key, str(item)))
    return str(QueryParams(pairs))
