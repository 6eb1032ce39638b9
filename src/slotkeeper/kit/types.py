"""Validated API field types shared by several contexts."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator


@lru_cache(maxsize=1024)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _check_zone(name: str) -> str:
    if not name or name != name.strip() or name.startswith("/") or ".." in name:
        raise ValueError(f"not an IANA time zone: {name!r}")
    try:
        zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown IANA time zone: {name!r}") from exc
    return name


TimeZoneName = Annotated[str, AfterValidator(_check_zone)]
