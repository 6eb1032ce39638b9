"""Prices, discount codes, platform fee and VAT: the breakdown a booking stores.

All amounts are integer minor units of the policy's currency (see ``money``); percentages
are ``Decimal`` (never float). A quote is computed in this order, and each derived amount
is rounded exactly once, with ``money.round_minor`` (ROUND_HALF_UP to the minor unit):

1. ``base``      = sum of the item prices (one item, or several for a multi-service
                   booking). Exact, no rounding.
2. ``discount``  = percent code: ``round_minor(base * percent / 100)``; fixed code: its
                   amount. Capped at ``base`` (a fixed code larger than the price makes
                   the subtotal 0, never negative). Applied once to the whole base, not per
                   item.
3. ``subtotal``  = ``base - discount``. Exact.
4. ``platform_fee`` = ``round_minor(subtotal * fee_percent / 100)``: the fee is charged on
                   the discounted subtotal.
5. ``vat``       = VAT of the organization's price (the subtotal) only; the platform fee is
                   not part of the VAT base here (the platform accounts for its own fee).
                   Exclusive: ``round_minor(subtotal * vat_percent / 100)``, added on top.
                   Inclusive: ``round_minor(subtotal * vat_percent / (100 + vat_percent))``,
                   the part of the subtotal that is tax; nothing is added.
6. ``total``     = ``subtotal + platform_fee + (vat if exclusive else 0)``. Exact.

Hence ``total == base - discount + platform_fee + (0 if vat_inclusive else vat)`` always,
every part is ``>= 0``, and ``Breakdown`` refuses to exist otherwise.

Refunds are split back into their parts with ``split_refund`` (cumulative rounding), so
the parts of any refund add up to it exactly and a full refund returns every part exactly.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext
from enum import StrEnum
from uuid import UUID

from slotkeeper.domain.money import exponent, round_minor

_HUNDRED = Decimal(100)
# Wide enough that no intermediate product or quotient below is ever rounded before
# round_minor does it (amounts are below 10**18 minor units, percentages have few digits).
_PRECISION = 60


class PricingError(ValueError):
    pass


def _check_percent(value: Decimal, name: str, *, allow_zero: bool = True) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise PricingError(f"{name} must be a finite number")
    low_ok = value >= 0 if allow_zero else value > 0
    if not low_ok or value > _HUNDRED:
        bounds = "0 and 100" if allow_zero else "more than 0 and at most 100"
        raise PricingError(f"{name} must be between {bounds}: {value}")


def _check_minor(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int of minor units, not {type(value).__name__}")
    if value < 0:
        raise PricingError(f"{name} must not be negative: {value}")


def _utc(value: datetime, name: str) -> datetime:
    """``value`` in UTC: datetimes sharing one tzinfo compare by wall clock otherwise."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(UTC)


def percent_of(amount: int, percent: Decimal) -> int:
    """``amount * percent / 100`` in minor units, rounded once with ``round_minor``."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return round_minor(Decimal(amount) * percent / _HUNDRED)


def _scaled(amount: int, numerator: int, denominator: int) -> int:
    """``amount * numerator / denominator``, rounded once with ``round_minor``."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return round_minor(Decimal(amount) * numerator / Decimal(denominator))


# --- prices --------------------------------------------------------------------------------


def price_for_duration(prices: Mapping[int, int], duration: int | timedelta) -> int:
    """The price (minor units) of the duration option ``duration`` (minutes or timedelta)."""
    if isinstance(duration, timedelta):
        seconds = duration.total_seconds()
        if seconds % 60:
            raise PricingError(f"duration must be whole minutes: {duration}")
        minutes = int(seconds // 60)
    else:
        minutes = duration
    if minutes not in prices:
        offered = ", ".join(str(m) for m in sorted(prices)) or "none"
        raise PricingError(f"no price for {minutes} minutes (offered: {offered})")
    price = prices[minutes]
    _check_minor(price, "price")
    return price


# --- discount codes ------------------------------------------------------------------------


class DiscountKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


class DiscountRefusal(StrEnum):
    """Why a code cannot be used; the value is a stable machine-readable reason."""

    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    USED_UP = "used_up"
    WRONG_SERVICE = "wrong_service"
    WRONG_CURRENCY = "wrong_currency"

    @property
    def message(self) -> str:
        return _REFUSAL_MESSAGES[self]


_REFUSAL_MESSAGES: dict[DiscountRefusal, str] = {
    DiscountRefusal.NOT_YET_VALID: "This discount code is not valid yet.",
    DiscountRefusal.EXPIRED: "This discount code has expired.",
    DiscountRefusal.USED_UP: "This discount code has been used the maximum number of times.",
    DiscountRefusal.WRONG_SERVICE: "This discount code is not valid for this service.",
    DiscountRefusal.WRONG_CURRENCY: "This discount code is in another currency.",
}


@dataclass(frozen=True, slots=True)
class Discount:
    """A discount code.

    ``value`` is the percentage (``Decimal``, more than 0 and at most 100) for a percent
    code, and an amount in minor units (``int`` > 0, with its ``currency``) for a fixed
    code. It is valid in ``[valid_from, valid_until)`` (either bound may be open), at most
    ``max_uses`` times (None = unlimited) and only for ``services`` (None = all).

    The use count is the caller's to keep: the rule is ``uses_so_far < max_uses``; the
    store must take a use with one conditional update (``uses = uses + 1 WHERE uses <
    max_uses``) so that concurrent bookings never exceed the limit.
    """

    kind: DiscountKind
    value: Decimal | int
    code: str = ""
    currency: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_uses: int | None = None
    services: frozenset[UUID] | None = None

    def __post_init__(self) -> None:
        if self.kind is DiscountKind.PERCENT:
            if not isinstance(self.value, Decimal):
                raise TypeError("a percent discount's value must be a Decimal percentage")
            _check_percent(self.value, "discount percent", allow_zero=False)
        elif self.kind is DiscountKind.FIXED:
            if not isinstance(self.value, int) or isinstance(self.value, bool):
                raise TypeError("a fixed discount's value must be an int of minor units")
            if self.value <= 0:
                raise PricingError("a fixed discount must be more than 0")
            if self.currency is None:
                raise PricingError("a fixed discount needs a currency")
        else:  # pragma: no cover - exhaustive
            raise PricingError(f"unknown discount kind: {self.kind!r}")
        if self.currency is not None:
            exponent(self.currency)  # validates the code
        for name in ("valid_from", "valid_until"):
            bound = getattr(self, name)
            if bound is not None:
                _utc(bound, name)
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and _utc(self.valid_until, "valid_until") <= _utc(self.valid_from, "valid_from")
        ):
            raise PricingError("valid_until must be after valid_from")
        if self.max_uses is not None and self.max_uses < 1:
            raise PricingError("max_uses must be at least 1 (or None for unlimited)")

    def amount_off(self, base: int) -> int:
        """The discount on ``base`` minor units, rounded once and never more than ``base``."""
        _check_minor(base, "base")
        if self.kind is DiscountKind.PERCENT:
            assert isinstance(self.value, Decimal)
            off = percent_of(base, self.value)
        else:
            off = int(self.value)
        return min(off, base)


def discount_applies(
    discount: Discount,
    service_id: UUID | Collection[UUID],
    now: datetime,
    uses_so_far: int,
    currency: str | None = None,
) -> DiscountRefusal | None:
    """None if the code may be used now, else the reason it is refused.

    ``service_id`` may be the services of a multi-service booking: a code limited to some
    services is refused unless every one of them is allowed (it discounts the whole base).
    ``currency`` (the booking's) is checked against a fixed code's currency when given.
    """
    now = _utc(now, "now")
    if uses_so_far < 0:
        raise ValueError("uses_so_far must not be negative")
    if discount.valid_from is not None and now < _utc(discount.valid_from, "valid_from"):
        return DiscountRefusal.NOT_YET_VALID
    if discount.valid_until is not None and now >= _utc(discount.valid_until, "valid_until"):
        return DiscountRefusal.EXPIRED
    if discount.max_uses is not None and uses_so_far >= discount.max_uses:
        return DiscountRefusal.USED_UP
    if discount.services is not None:
        wanted = {service_id} if isinstance(service_id, UUID) else set(service_id)
        if not wanted or not wanted <= discount.services:
            return DiscountRefusal.WRONG_SERVICE
    if (
        currency is not None
        and discount.kind is DiscountKind.FIXED
        and discount.currency != currency
    ):
        return DiscountRefusal.WRONG_CURRENCY
    return None


# --- policy and breakdown ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PricingPolicy:
    """An organization's pricing: platform fee and VAT percentages, and its currency."""

    currency: str
    platform_fee_percent: Decimal = Decimal(0)
    vat_percent: Decimal = Decimal(0)
    vat_inclusive: bool = True

    def __post_init__(self) -> None:
        exponent(self.currency)  # validates the code
        _check_percent(self.platform_fee_percent, "platform_fee_percent")
        _check_percent(self.vat_percent, "vat_percent")


@dataclass(frozen=True, slots=True)
class Breakdown:
    """What a booking costs, part by part, in minor units of ``currency``.

    ``vat`` is the tax contained in ``subtotal`` when ``vat_inclusive``, else the tax added
    on top of it. ``net`` is the organization's price without VAT.
    """

    currency: str
    base: int
    discount: int
    subtotal: int
    platform_fee: int
    vat: int
    total: int
    vat_inclusive: bool

    def __post_init__(self) -> None:
        exponent(self.currency)
        for name in ("base", "discount", "subtotal", "platform_fee", "vat", "total"):
            _check_minor(getattr(self, name), name)
        if self.discount > self.base:
            raise PricingError("the discount exceeds the base price")
        if self.subtotal != self.base - self.discount:
            raise PricingError("subtotal != base - discount")
        if self.vat_inclusive and self.vat > self.subtotal:
            raise PricingError("inclusive VAT exceeds the subtotal it is part of")
        added_vat = 0 if self.vat_inclusive else self.vat
        if self.total != self.subtotal + self.platform_fee + added_vat:
            raise PricingError("total != base - discount + platform_fee (+ exclusive VAT)")

    @property
    def net(self) -> int:
        """The organization's price without VAT."""
        return self.subtotal - self.vat if self.vat_inclusive else self.subtotal

    def as_dict(self) -> dict[str, int | str | bool]:
        return {
            "currency": self.currency,
            "base": self.base,
            "discount": self.discount,
            "subtotal": self.subtotal,
            "platform_fee": self.platform_fee,
            "vat": self.vat,
            "vat_inclusive": self.vat_inclusive,
            "total": self.total,
        }


def quote(
    base_minor: int | Sequence[int],
    policy: PricingPolicy,
    discount: Discount | None = None,
) -> Breakdown:
    """The breakdown for one item price, or several (a multi-service booking: their sum).

    The discount's eligibility (dates, uses, services) is ``discount_applies``'s job; this
    only prices it. A fixed code in another currency is refused.
    """
    items = [base_minor] if isinstance(base_minor, int) else list(base_minor)
    for item in items:
        _check_minor(item, "item price")
    base = sum(items)
    off = 0
    if discount is not None:
        if discount.kind is DiscountKind.FIXED and discount.currency != policy.currency:
            raise PricingError(
                f"a {discount.currency} discount cannot apply to a {policy.currency} price"
            )
        off = discount.amount_off(base)
    subtotal = base - off
    fee = percent_of(subtotal, policy.platform_fee_percent)
    if policy.vat_inclusive:
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            vat = round_minor(
                Decimal(subtotal) * policy.vat_percent / (_HUNDRED + policy.vat_percent)
            )
        total = subtotal + fee
    else:
        vat = percent_of(subtotal, policy.vat_percent)
        total = subtotal + fee + vat
    return Breakdown(
        currency=policy.currency,
        base=base,
        discount=off,
        subtotal=subtotal,
        platform_fee=fee,
        vat=vat,
        total=total,
        vat_inclusive=policy.vat_inclusive,
    )


# --- refunds -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefundParts:
    """A refund split into the parts of the breakdown it gives back."""

    net: int
    vat: int
    platform_fee: int

    @property
    def total(self) -> int:
        return self.net + self.vat + self.platform_fee


def split_refund(breakdown: Breakdown, refund: int) -> RefundParts:
    """Split ``refund`` (0..total) into net, VAT and platform fee, proportionally.

    Cumulative rounding: the running sum of the parts is rounded once per step with
    ``round_minor`` and each part is a difference of those, so the parts add up to
    ``refund`` exactly, each lies in ``0..`` its breakdown part, and a full refund gives
    back every part exactly.
    """
    _check_minor(refund, "refund")
    if refund > breakdown.total:
        raise PricingError("a refund cannot exceed the total paid")
    parts = (breakdown.net, breakdown.vat, breakdown.platform_fee)
    if breakdown.total == 0:
        return RefundParts(0, 0, 0)
    shares: list[int] = []
    running = 0
    previous = 0
    for part in parts:
        running += part
        rounded = _scaled(running, refund, breakdown.total)
        shares.append(rounded - previous)
        previous = rounded
    return RefundParts(net=shares[0], vat=shares[1], platform_fee=shares[2])
