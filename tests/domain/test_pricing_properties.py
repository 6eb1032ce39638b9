"""Property tests for pricing and refunds: exact money, whatever the inputs.

The oracles recompute with Fractions (exact rationals), sharing none of the module's
Decimal arithmetic.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from slotkeeper.domain.policies import CancellationPolicy, refund_due
from slotkeeper.domain.pricing import (
    Breakdown,
    Discount,
    DiscountKind,
    PricingPolicy,
    quote,
    split_refund,
)

FAST = settings(deadline=None, max_examples=200)
START = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)

currencies = st.sampled_from(["EUR", "JPY", "KWD"])
prices = st.integers(min_value=0, max_value=10**12)
items = st.one_of(prices, st.lists(prices, min_size=0, max_size=5))
percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
positive_percents = st.decimals(
    min_value=Decimal("0.01"), max_value=100, places=2, allow_nan=False, allow_infinity=False
)


@st.composite
def policies(draw: st.DrawFn) -> PricingPolicy:
    return PricingPolicy(
        currency=draw(currencies),
        platform_fee_percent=draw(percents),
        vat_percent=draw(percents),
        vat_inclusive=draw(st.booleans()),
    )


@st.composite
def discounts(draw: st.DrawFn, currency: str) -> Discount | None:
    kind = draw(st.sampled_from([None, DiscountKind.PERCENT, DiscountKind.FIXED]))
    if kind is None:
        return None
    if kind is DiscountKind.PERCENT:
        return Discount(kind, draw(positive_percents))
    return Discount(kind, draw(st.integers(min_value=1, max_value=2 * 10**12)), currency=currency)


@st.composite
def quotes(draw: st.DrawFn) -> tuple[Breakdown, PricingPolicy, Discount | None, list[int]]:
    policy = draw(policies())
    discount = draw(discounts(policy.currency))
    drawn = draw(items)
    listed = [drawn] if isinstance(drawn, int) else drawn
    return quote(drawn, policy, discount), policy, discount, listed


def half_up(value: Fraction) -> int:
    """Exact ROUND_HALF_UP of a non-negative rational."""
    return int((value + Fraction(1, 2)) // 1)


@FAST
@given(quotes())
def test_breakdown_adds_up_and_is_never_negative(
    case: tuple[Breakdown, PricingPolicy, Discount | None, list[int]],
) -> None:
    b, policy, _, listed = case
    assert b.base == sum(listed)
    assert b.subtotal == b.base - b.discount
    added_vat = 0 if b.vat_inclusive else b.vat
    assert b.total == b.base - b.discount + b.platform_fee + added_vat
    assert min(b.base, b.discount, b.subtotal, b.platform_fee, b.vat, b.total, b.net) >= 0
    assert b.discount <= b.base
    assert b.total >= b.subtotal
    assert b.net + b.vat + b.platform_fee == b.total
    assert b.currency == policy.currency
    if b.vat_inclusive:
        assert b.vat <= b.subtotal


@FAST
@given(quotes())
def test_each_derived_amount_is_rounded_once_half_up(
    case: tuple[Breakdown, PricingPolicy, Discount | None, list[int]],
) -> None:
    b, policy, discount, _ = case
    if discount is None:
        assert b.discount == 0
    elif discount.kind is DiscountKind.PERCENT:
        assert b.discount == half_up(b.base * Fraction(discount.value) / 100)
    else:
        assert b.discount == min(int(discount.value), b.base)
    fee = Fraction(policy.platform_fee_percent)
    vat = Fraction(policy.vat_percent)
    assert b.platform_fee == half_up(b.subtotal * fee / 100)
    if policy.vat_inclusive:
        assert b.vat == half_up(b.subtotal * vat / (100 + vat))
    else:
        assert b.vat == half_up(b.subtotal * vat / 100)


@FAST
@given(quotes(), st.integers(min_value=0, max_value=24 * 90), st.booleans())
def test_full_refund_returns_exactly_the_total_paid(
    case: tuple[Breakdown, PricingPolicy, Discount | None, list[int]],
    hours_ahead: int,
    by_provider: bool,
) -> None:
    b = case[0]
    cancelled_at = START - timedelta(hours=hours_ahead, minutes=1)
    # Outside the free window for the customer, or anytime for the provider.
    policy = CancellationPolicy(free_window_hours=hours_ahead, late_refund_percent=Decimal(0))
    by = "provider" if by_provider else "customer"
    refund = refund_due(b.total, policy, cancelled_at, START, by)
    assert refund == b.total
    # A 100% late refund is full too.
    late = CancellationPolicy(free_window_hours=24 * 365, late_refund_percent=Decimal(100))
    assert refund_due(b.total, late, cancelled_at, START, "customer") == b.total
    parts = split_refund(b, refund)
    assert (parts.net, parts.vat, parts.platform_fee) == (b.net, b.vat, b.platform_fee)
    assert parts.total == b.total


@FAST
@given(
    st.integers(min_value=0, max_value=10**15),
    st.integers(min_value=0, max_value=24 * 7),
    percents,
    st.integers(min_value=-3 * 24 * 60, max_value=10 * 24 * 60),
    st.sampled_from(["customer", "provider"]),
    st.booleans(),
)
def test_refund_never_exceeds_what_was_paid(
    paid: int, hours: int, late: Decimal, minutes_ahead: int, by: str, no_show: bool
) -> None:
    policy = CancellationPolicy(free_window_hours=hours, late_refund_percent=late)
    cancelled_at = START - timedelta(minutes=minutes_ahead)
    refund = refund_due(paid, policy, cancelled_at, START, by, no_show=no_show)
    assert 0 <= refund <= paid
    if no_show:
        expected = 0
    elif by == "provider" or minutes_ahead > hours * 60:
        expected = paid
    elif minutes_ahead <= 0:
        expected = 0
    else:
        expected = half_up(paid * Fraction(late) / 100)
    assert refund == expected


@FAST
@given(quotes(), st.data())
def test_splitting_a_refund_loses_or_creates_no_minor_unit(
    case: tuple[Breakdown, PricingPolicy, Discount | None, list[int]], data: st.DataObject
) -> None:
    b = case[0]
    refund = data.draw(st.integers(min_value=0, max_value=b.total))
    parts = split_refund(b, refund)
    assert parts.net + parts.vat + parts.platform_fee == refund
    assert 0 <= parts.net <= b.net
    assert 0 <= parts.vat <= b.vat
    assert 0 <= parts.platform_fee <= b.platform_fee
    # What is kept is the rest of every part, again never negative, adding up to the rest.
    kept = (b.net - parts.net, b.vat - parts.vat, b.platform_fee - parts.platform_fee)
    assert min(kept) >= 0
    assert sum(kept) == b.total - refund
    # Each part is within one minor unit of its exact proportional share.
    if b.total:
        pairs = [(parts.net, b.net), (parts.vat, b.vat), (parts.platform_fee, b.platform_fee)]
        for part, whole in pairs:
            assert abs(part - Fraction(whole * refund, b.total)) < 1
