"""Distinct bookable times for the load generator: every (provider, start) once, shuffled."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any


@dataclass
class SlotPlan:
    """``slots_per_provider`` starts ``step_minutes`` apart from ``first_start`` (UTC) for
    each provider, in a shuffled order fixed by ``seed``: index ``i`` is one distinct slot,
    so clients that take different indices never compete for a time."""

    service_id: str
    provider_ids: list[str]
    first_start: str
    step_minutes: int
    slots_per_provider: int
    seed: int = 20261123
    _order: list[int] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.provider_ids) * self.slots_per_provider

    def slot(self, index: int) -> tuple[str, str]:
        if self._order is None:
            self._order = list(range(self.size))
            random.Random(self.seed).shuffle(self._order)
        cell = self._order[index]
        provider = self.provider_ids[cell % len(self.provider_ids)]
        start = datetime.fromisoformat(self.first_start).astimezone(UTC) + timedelta(
            minutes=self.step_minutes * (cell // len(self.provider_ids))
        )
        return provider, start.isoformat()

    def to_json(self) -> dict[str, Any]:
        return {
            "service_id": self.service_id,
            "provider_ids": self.provider_ids,
            "first_start": self.first_start,
            "step_minutes": self.step_minutes,
            "slots_per_provider": self.slots_per_provider,
            "seed": self.seed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SlotPlan:
        return cls(**data)
