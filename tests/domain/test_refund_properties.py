"""Property tests: refunds of a priced booking, end to end (quote -> refund_due -> split).

Whatever the price, VAT (inclusive or exclusive), platform fee, discount and currency:

* a provider's cancellation, whenever it happens, refunds exactly the total paid, and
  splitting it gives back every part of the breakdown exactly;
* a customer's cancellation outside the free window does the same;
* a late refund of p% is ``total * p / 100`` rounded once half up, and it plus what is kept
  is the total to the minor unit, part by part (net, VAT, fee), in the currency's decimals.

The oracles use Fractions, sharing none of the module's Decimal arithmetic.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from slotkeeper.domain.money import exponent, format_minor
from slotkeeper.domain.policies import CancellationPolicy, refund_due
from slotkeeper.domain.pricing import (
    Breakdown,
    Discount,
    DiscountKind,
    PricingPolicy,
    quote,
    split_refund,
)

FAST = settings(deadline=None, max_examples=300)
START = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)

currencies = st.sampled_from(["EUR", "JPY", "KWD", "USD"])
percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
positive_percents = st.decimals(
    min_value=Decimal("0.01"), max_value=100, places=2, allow_nan=False, allow_infinity=False
)
# Small prices hit the rounding edges (1 minor unit, half units), large ones the precision.
prices = st.one_of(
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=10**14),
)


@st.composite
def breakdowns(draw: st.DrawFn) -> Breakdown:
    currency = draw(currencies)
    policy = PricingPolicy(
        currency=currency,
        platform_fee_percent=draw(percents),
        vat_percent=draw(percents),
        vat_inclusive=draw(st.booleans()),
    )
    kind = draw(st.sampled_from([None, DiscountKind.PERCENT, DiscountKind.FIXED]))
    discount = None
    if kind is DiscountKind.PERCENT:
        discount = Discount(kind, draw(positive_percents))
    elif kind is DiscountKind.FIXED:
        amount = draw(st.integers(min_value=1, max_value=2 * 10**14))
        discount = Discount(kind, amount, currency=currency)
    items = draw(st.one_of(prices, st.lists(prices, min_size=1, max_size=4)))
    return quote(items, policy, discount)


def half_up(value: Fraction) -> int:
    """Exact ROUND_HALF_UP of a non-negative rational."""
    return int((value + Fraction(1, 2)) // 1)


def parts_of(b: Breakdown) -> tuple[int, int, int]:
    return (b.net, b.vat, b.platform_fee)


def assert_full_refund(b: Breakdown, refund: int) -> None:
    assert refund == b.total
    parts = split_refund(b, refund)
    assert (parts.net, parts.vat, parts.platform_fee) == parts_of(b)
    assert parts.total == b.total
    # Shown in the currency's decimals, the refund is the total paid, character for character.
    assert format_minor(refund, b.currency) == format_minor(b.total, b.currency)


@FAST
@given(
    breakdowns(),
    st.integers(min_value=0, max_value=24 * 365),
    st.integers(min_value=-30 * 24 * 60, max_value=365 * 24 * 60),
    percents,
)
def test_a_provider_cancellation_refunds_exactly_the_total_whenever_it_happens(
    b: Breakdown, window_hours: int, minutes_ahead: int, late: Decimal
) -> None:
    policy = CancellationPolicy(free_window_hours=window_hours, late_refund_percent=late)
    cancelled_at = START - timedelta(minutes=minutes_ahead)  # before, at or after the start
    assert_full_refund(b, refund_due(b.total, policy, cancelled_at, START, "provider"))


@FAST
@given(
    breakdowns(),
    st.integers(min_value=0, max_value=24 * 365),
    st.integers(min_value=1, max_value=30 * 24 * 60),
    percents,
)
def test_a_customer_cancelling_before_the_window_gets_exactly_the_total(
    b: Breakdown, window_hours: int, extra_minutes: int, late: Decimal
) -> None:
    policy = CancellationPolicy(free_window_hours=window_hours, late_refund_percent=late)
    cancelled_at = START - timedelta(hours=window_hours, minutes=extra_minutes)
    assert_full_refund(b, refund_due(b.total, policy, cancelled_at, START, "customer"))


@FAST
@given(
    breakdowns(),
    st.integers(min_value=1, max_value=24 * 14),
    st.data(),
    percents,
)
def test_a_late_refund_plus_what_is_kept_is_the_total_to_the_minor_unit(
    b: Breakdown, window_hours: int, data: st.DataObject, late: Decimal
) -> None:
    # Anywhere inside the window: from exactly N hours before to one second before.
    seconds_ahead = data.draw(st.integers(min_value=1, max_value=window_hours * 3600))
    cancelled_at = START - timedelta(seconds=seconds_ahead)
    policy = CancellationPolicy(free_window_hours=window_hours, late_refund_percent=late)
    refund = refund_due(b.total, policy, cancelled_at, START, "customer")

    assert refund == half_up(b.total * Fraction(late) / 100)
    assert 0 <= refund <= b.total
    kept = b.total - refund
    assert kept >= 0
    if late == 100:
        assert_full_refund(b, refund)
    if late == 0:
        assert refund == 0

    given_back = split_refund(b, refund)
    returned = (given_back.net, given_back.vat, given_back.platform_fee)
    retained = tuple(whole - part for whole, part in zip(parts_of(b), returned, strict=True))
    assert sum(returned) == refund
    assert sum(retained) == kept
    assert min(returned) >= 0
    assert min(retained) >= 0
    # Part by part, what goes back plus what stays is exactly that part of the breakdown.
    for whole, back, stays in zip(parts_of(b), returned, retained, strict=True):
        assert back + stays == whole

    # And in the currency's own decimals, as the API shows them.
    step = Decimal(1).scaleb(-exponent(b.currency))
    shown = {
        name: Decimal(format_minor(v, b.currency))
        for name, v in (("refund", refund), ("kept", kept), ("total", b.total))
    }
    assert shown["refund"] + shown["kept"] == shown["total"]
    for value in shown.values():
        assert value == value.quantize(step)


@FAST
@given(breakdowns(), percents, percents)
def test_two_late_refund_rates_never_cross_and_never_exceed_the_total(
    b: Breakdown, first: Decimal, second: Decimal
) -> None:
    """A higher late-refund percentage never refunds less (rounding is monotonic)."""
    cancelled_at = START - timedelta(hours=1)
    low, high = sorted((first, second))
    refunds = [
        refund_due(b.total, CancellationPolicy(24, p), cancelled_at, START, "customer")
        for p in (low, high)
    ]
    assert 0 <= refunds[0] <= refunds[1] <= b.total
