"""Other free times a provider suggests instead of a requested one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

MAX_SUGGESTIONS = 5


def suggest_times(
    free_slots: Sequence[datetime], around: datetime, limit: int = MAX_SUGGESTIONS
) -> list[datetime]:
    """Up to ``limit`` (1..5) free starts closest to ``around``, returned sorted.

    The requested time itself is never suggested (suggestions are *other* times); of two
    starts equally far away the earlier wins. Duplicates count once.
    """
    if isinstance(limit, bool) or not 1 <= limit <= MAX_SUGGESTIONS:
        raise ValueError(f"limit must be 1..{MAX_SUGGESTIONS}, got {limit}")
    if around.tzinfo is None or any(start.tzinfo is None for start in free_slots):
        raise ValueError("suggestions need timezone-aware datetimes")
    candidates = {start for start in free_slots if start != around}
    closest = sorted(candidates, key=lambda start: (abs(start - around), start))[:limit]
    return sorted(closest)
