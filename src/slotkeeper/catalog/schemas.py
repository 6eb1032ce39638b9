from __future__ import annotations

import re
import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, model_validator

from slotkeeper.catalog.visibility import Visibility
from slotkeeper.domain.money import CURRENCIES
from slotkeeper.kit.types import NoNul, TimeZoneName


def _check_currency(code: str) -> str:
    if code not in CURRENCIES:
        raise ValueError(f"unknown or unsupported ISO 4217 currency code: {code!r}")
    return code


def _check_price(text: str) -> str:
    if not re.fullmatch(r"\d{1,9}(\.\d{1,3})?", text):
        raise ValueError('price must be a decimal string such as "45.00"')
    return text


Currency = Annotated[str, AfterValidator(_check_currency)]
Name = Annotated[str, Field(min_length=1, max_length=200), NoNul]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=2, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _refuse_nulls(patch: BaseModel, nullable: set[str]) -> None:
    """A patch may leave a field out, but only ``nullable`` ones may be sent as null."""
    nulls = sorted(
        name for name in patch.model_fields_set - nullable if getattr(patch, name) is None
    )
    if nulls:
        raise ValueError(f"{', '.join(nulls)} may not be null")


class OrganizationIn(Strict):
    name: Name
    timezone: TimeZoneName
    currency: Currency
    slug: Slug | None = None


class LocationIn(Strict):
    name: Name
    city: Name
    address: Annotated[str | None, Field(max_length=500), NoNul] = None
    timezone: TimeZoneName | None = None


class LocationPatch(Strict):
    """A change to a location: the fields sent replace the stored ones (checked together
    as ``LocationIn`` checks a new one); ``address`` may be sent as null to clear it."""

    name: Name | None = None
    city: Name | None = None
    address: Annotated[str | None, Field(max_length=500), NoNul] = None
    timezone: TimeZoneName | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> LocationPatch:
        _refuse_nulls(self, nullable={"address"})
        return self


class LocationOut(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    city: str
    address: str | None
    timezone: str


class OrganizationOut(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    timezone: str
    currency: str
    vat_percent: str = "0.00"
    vat_inclusive: bool = True
    platform_fee_percent: str = "0.00"
    locations: list[LocationOut] = []


class ProviderIn(Strict):
    name: Name
    timezone: TimeZoneName
    email: EmailStr | None = None
    location_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    visibility: Visibility = Visibility.PUBLIC


class ProviderPatch(Strict):
    """The fields a manager may change; those left out stay as they are (checked together
    as ``ProviderIn`` checks a new provider). ``email`` may be sent as null to clear it;
    ``location_ids`` replaces the provider's locations (an empty list: none)."""

    name: Name | None = None
    timezone: TimeZoneName | None = None
    email: EmailStr | None = None
    location_ids: list[uuid.UUID] | None = Field(None, max_length=100)
    visibility: Visibility | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> ProviderPatch:
        _refuse_nulls(self, nullable={"email"})
        return self


class ProviderAccountIn(Strict):
    user_id: uuid.UUID


class ProviderOut(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    timezone: str
    email: str | None
    location_ids: list[uuid.UUID]
    visibility: Visibility


Minutes = Annotated[int, Field(ge=0, le=7 * 24 * 60)]


class ServiceIn(Strict):
    name: Name
    duration_minutes: Annotated[int, Field(ge=5, le=24 * 60)]
    price: Annotated[str, AfterValidator(_check_price)]
    provider_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)
    duration_options: list[Annotated[int, Field(ge=5, le=24 * 60)]] | None = Field(
        None, max_length=20
    )
    capacity: Annotated[int, Field(ge=1, le=1000)] = 1
    buffer_before_minutes: Annotated[int, Field(ge=0, le=720)] = 0
    buffer_after_minutes: Annotated[int, Field(ge=0, le=720)] = 0
    min_notice_minutes: Minutes = 0
    max_advance_days: Annotated[int, Field(ge=1, le=730)] = 90
    slot_step_minutes: Annotated[int, Field(ge=5, le=24 * 60)] = 15
    requires_approval: bool = False
    # Prices of other duration options where they differ: {"90": "65.00"}.
    duration_prices: Annotated[
        dict[int, Annotated[str, AfterValidator(_check_price)]] | None, Field(max_length=20)
    ] = None
    free_cancellation_hours: Annotated[int, Field(ge=0, le=24 * 365)] = 24
    late_refund_percent: Annotated[int, Field(ge=0, le=100)] = 0
    reschedule_cutoff_hours: Annotated[int, Field(ge=0, le=24 * 365)] = 2

    @model_validator(mode="after")
    def _durations(self) -> ServiceIn:
        options = sorted(set(self.duration_options or []) | {self.duration_minutes})
        self.duration_options = options
        if self.duration_prices and not set(self.duration_prices) <= set(options):
            raise ValueError("duration_prices may only price the service's duration options")
        if len(set(self.provider_ids)) != len(self.provider_ids):
            raise ValueError("provider_ids lists a provider twice")
        return self


class ServicePatch(Strict):
    """A change to a service: the fields sent replace the stored ones (checked together
    with the rest as ``ServiceIn`` checks a new service); those left out stay as they are.
    ``duration_options`` and ``duration_prices`` may be sent as null to clear them."""

    name: Name | None = None
    duration_minutes: Annotated[int, Field(ge=5, le=24 * 60)] | None = None
    price: Annotated[str, AfterValidator(_check_price)] | None = None
    provider_ids: list[uuid.UUID] | None = Field(None, min_length=1, max_length=500)
    duration_options: list[Annotated[int, Field(ge=5, le=24 * 60)]] | None = Field(
        None, max_length=20
    )
    capacity: Annotated[int, Field(ge=1, le=1000)] | None = None
    buffer_before_minutes: Annotated[int, Field(ge=0, le=720)] | None = None
    buffer_after_minutes: Annotated[int, Field(ge=0, le=720)] | None = None
    min_notice_minutes: Minutes | None = None
    max_advance_days: Annotated[int, Field(ge=1, le=730)] | None = None
    slot_step_minutes: Annotated[int, Field(ge=5, le=24 * 60)] | None = None
    requires_approval: bool | None = None
    duration_prices: Annotated[
        dict[int, Annotated[str, AfterValidator(_check_price)]] | None, Field(max_length=20)
    ] = None
    free_cancellation_hours: Annotated[int, Field(ge=0, le=24 * 365)] | None = None
    late_refund_percent: Annotated[int, Field(ge=0, le=100)] | None = None
    reschedule_cutoff_hours: Annotated[int, Field(ge=0, le=24 * 365)] | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> ServicePatch:
        nullable = {"duration_options", "duration_prices"}
        nulls = sorted(
            name for name in self.model_fields_set - nullable if getattr(self, name) is None
        )
        if nulls:
            raise ValueError(f"{', '.join(nulls)} may not be null")
        return self


class ServiceOut(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    duration_minutes: int
    duration_options: list[int]
    price: str
    currency: str
    duration_prices: dict[str, str] | None = None
    provider_ids: list[uuid.UUID]
    capacity: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice_minutes: int
    max_advance_days: int
    slot_step_minutes: int
    requires_approval: bool
    free_cancellation_hours: int
    late_refund_percent: int
    reschedule_cutoff_hours: int
