"""Percentiles of latency samples."""

from __future__ import annotations

import math
from collections.abc import Iterable


class Latencies:
    """Latency samples in seconds; percentiles by linear interpolation between ranks."""

    def __init__(self, samples: Iterable[float]) -> None:
        self.samples = sorted(samples)

    def __len__(self) -> int:
        return len(self.samples)

    def percentile(self, p: float) -> float:
        if not self.samples:
            return math.nan
        rank = (len(self.samples) - 1) * p / 100
        low = math.floor(rank)
        high = min(low + 1, len(self.samples) - 1)
        return self.samples[low] + (self.samples[high] - self.samples[low]) * (rank - low)

    @property
    def median(self) -> float:
        return self.percentile(50)

    def ms(self, p: float) -> float:
        return self.percentile(p) * 1000
