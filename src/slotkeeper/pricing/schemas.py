from __future__ import annotations

import re
import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from slotkeeper.kit.types import Instant


def _check_percent(text: str) -> str:
    if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", text) or float(text) > 100:
        raise ValueError('a percentage from "0" to "100" with at most 2 decimals')
    return text


def basis_points(percent: str) -> int:
    whole, _, fraction = percent.partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


def percent_text(points: int) -> str:
    return f"{points // 100}.{points % 100:02d}"


Percent = Annotated[str, AfterValidator(_check_percent)]
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{2,64}$")]


class PricingSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vat_percent: Percent | None = None
    vat_inclusive: bool | None = None
    platform_fee_percent: Percent | None = None


class DiscountCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    kind: Literal["percent", "fixed"]
    # A percentage for percent codes ("10"), an amount for fixed ones ("5.00").
    value: Annotated[str, Field(pattern=r"^\d{1,9}(\.\d{1,3})?$")]
    valid_from: Instant | None = None
    valid_until: Instant | None = None
    max_uses: Annotated[int | None, Field(ge=1, le=1_000_000)] = None
    service_ids: Annotated[list[uuid.UUID] | None, Field(max_length=500)] = None

    @model_validator(mode="after")
    def _consistent(self) -> DiscountCodeIn:
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        if self.kind == "percent":
            _check_percent(self.value)
        return self


class DiscountCodePatch(BaseModel):
    """A change to a code: its validity, its limit and its services (its text, kind and
    value stay, as bookings name it by them). Fields left out stay as they are; each may be
    sent as null to clear it (no start, no end, no limit, every service)."""

    model_config = ConfigDict(extra="forbid")

    valid_from: Instant | None = None
    valid_until: Instant | None = None
    max_uses: Annotated[int | None, Field(ge=1, le=1_000_000)] = None
    service_ids: Annotated[list[uuid.UUID] | None, Field(max_length=500)] = None


class DiscountCodeOut(BaseModel):
    id: uuid.UUID
    code: str
    kind: str
    value: str
    valid_from: Instant | None
    valid_until: Instant | None
    max_uses: int | None
    uses: int
    service_ids: list[uuid.UUID] | None


class QuoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_id: uuid.UUID
    duration_minutes: Annotated[int | None, Field(ge=1, le=24 * 60)] = None
    discount_code: Code | None = None
    # A multi-service visit: the services that follow ``service_id`` (default durations).
    extra_service_ids: Annotated[list[uuid.UUID], Field(max_length=9)] = []


class BreakdownOut(BaseModel):
    currency: str
    base: str
    discount: str
    subtotal: str
    platform_fee: str
    vat: str
    vat_inclusive: bool
    total: str
