from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from slotkeeper.domain.money import MoneyError
from slotkeeper.domain.pricing import (
    Breakdown,
    Discount,
    DiscountKind,
    DiscountRefusal,
    PricingError,
    PricingPolicy,
    RefundParts,
    discount_applies,
    percent_of,
    price_for_duration,
    quote,
    split_refund,
)

HAIRCUT = UUID("00000000-0000-0000-0000-000000000001")
COLOUR = UUID("00000000-0000-0000-0000-000000000002")
MASSAGE = UUID("00000000-0000-0000-0000-000000000003")
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def make_policy(
    currency: str = "EUR", fee: str = "0", vat: str = "20", inclusive: bool = True
) -> PricingPolicy:
    return PricingPolicy(
        currency=currency,
        platform_fee_percent=Decimal(fee),
        vat_percent=Decimal(vat),
        vat_inclusive=inclusive,
    )


def make_percent(percent: str, **kwargs: object) -> Discount:
    return Discount(DiscountKind.PERCENT, Decimal(percent), code="PCT", **kwargs)  # type: ignore[arg-type]


def make_fixed(minor: int, currency: str = "EUR", **kwargs: object) -> Discount:
    return Discount(DiscountKind.FIXED, minor, code="FIX", currency=currency, **kwargs)  # type: ignore[arg-type]


def parts(b: Breakdown) -> tuple[int, int, int, int, int, int]:
    return (b.base, b.discount, b.subtotal, b.platform_fee, b.vat, b.total)


# --- quotes --------------------------------------------------------------------------------


def test_eur_vat_exclusive_no_discount() -> None:
    b = quote(4500, make_policy(fee="5", inclusive=False))
    assert parts(b) == (4500, 0, 4500, 225, 900, 5625)
    assert b.net == 4500
    assert b.currency == "EUR"
    assert not b.vat_inclusive


def test_eur_vat_inclusive_no_discount() -> None:
    b = quote(4500, make_policy(fee="5", inclusive=True))
    # 45.00 includes 7.50 of 20% VAT (45.00 / 1.2 = 37.50 net); only the fee is added.
    assert parts(b) == (4500, 0, 4500, 225, 750, 4725)
    assert b.net == 3750


def test_eur_percent_discount_then_fee_on_discounted_subtotal() -> None:
    b = quote(4500, make_policy(fee="5", inclusive=False), make_percent("10"))
    # fee: 5% of 40.50 = 2.025 -> 2.03 (half up); VAT: 20% of 40.50 = 8.10
    assert parts(b) == (4500, 450, 4050, 203, 810, 5063)


def test_eur_percent_discount_vat_inclusive() -> None:
    b = quote(4500, make_policy(fee="5", inclusive=True), make_percent("10"))
    assert parts(b) == (4500, 450, 4050, 203, 675, 4253)
    assert b.net == 3375


def test_rounding_is_half_up_once_per_amount() -> None:
    # 10% of 10.05 = 1.005 -> 1.01
    assert quote(1005, make_policy(vat="0"), make_percent("10")).discount == 101
    # 20% of 19.99 = 3.998 -> 4.00; inclusive 19.99 / 6 = 3.3316 -> 3.33
    assert quote(1999, make_policy(inclusive=False)).vat == 400
    assert quote(1999, make_policy(inclusive=True)).vat == 333


@pytest.mark.parametrize(
    ("currency", "base", "inclusive", "vat", "total"),
    [
        ("JPY", 1500, False, 300, 1500 + 300),
        ("JPY", 1500, True, 250, 1500),
        ("JPY", 999, True, 167, 999),  # 999 / 6 = 166.5 -> 167
        ("JPY", 999, False, 200, 999 + 200),  # 199.8 -> 200
        ("KWD", 12345, False, 2469, 12345 + 2469),  # 12.345 + 2.469
        ("KWD", 12345, True, 2058, 12345),  # 12.345 / 6 = 2.0575 -> 2.058
        ("EUR", 1, True, 0, 1),  # 0.00166... -> 0
        ("EUR", 3, True, 1, 3),  # 0.005 -> 0.01
    ],
)
def test_vat_in_currencies_with_0_2_and_3_decimals(
    currency: str, base: int, inclusive: bool, vat: int, total: int
) -> None:
    b = quote(base, make_policy(currency, inclusive=inclusive))
    assert (b.vat, b.total) == (vat, total)


def test_jpy_fee_rounds_to_whole_yen() -> None:
    b = quote(1500, make_policy("JPY", fee="3.5", vat="10", inclusive=True))
    # fee 52.5 -> 53; VAT 1500 * 10 / 110 = 136.36 -> 136
    assert parts(b) == (1500, 0, 1500, 53, 136, 1553)


def test_fixed_discount() -> None:
    b = quote(4500, make_policy(fee="5", inclusive=False), make_fixed(1000))
    assert parts(b) == (4500, 1000, 3500, 175, 700, 4375)


def test_fixed_discount_larger_than_price_makes_it_free_not_negative() -> None:
    b = quote(4500, make_policy(fee="5", inclusive=False), make_fixed(5000))
    assert parts(b) == (4500, 4500, 0, 0, 0, 0)
    b = quote(4500, make_policy(fee="5", inclusive=True), make_fixed(4500))
    assert parts(b) == (4500, 4500, 0, 0, 0, 0)


def test_hundred_percent_discount_is_free() -> None:
    b = quote(4500, make_policy(fee="5"), make_percent("100"))
    assert parts(b) == (4500, 4500, 0, 0, 0, 0)


def test_fixed_discount_in_another_currency_is_refused() -> None:
    with pytest.raises(PricingError, match="USD discount cannot apply to a EUR price"):
        quote(4500, make_policy(), make_fixed(500, currency="USD"))


def test_several_items_are_summed_then_discounted_once() -> None:
    b = quote([4500, 3000, 1], make_policy(fee="5", inclusive=False), make_percent("10"))
    # base 75.01; 10% = 7.501 -> 7.50; subtotal 67.51; fee 3.3755 -> 3.38; VAT 13.502 -> 13.50
    assert parts(b) == (7501, 750, 6751, 338, 1350, 8439)
    assert quote([], make_policy()).total == 0
    assert quote((4500,), make_policy()) == quote(4500, make_policy())


def test_zero_fee_and_zero_vat() -> None:
    b = quote(4500, make_policy(fee="0", vat="0", inclusive=False))
    assert parts(b) == (4500, 0, 4500, 0, 0, 4500)


def test_negative_or_non_integer_prices_are_refused() -> None:
    with pytest.raises(PricingError, match="negative"):
        quote(-1, make_policy())
    with pytest.raises(TypeError):
        quote(45.0, make_policy())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        quote([4500, Decimal("1")], make_policy())  # type: ignore[list-item]


def test_as_dict() -> None:
    assert quote(4500, make_policy(fee="5")).as_dict() == {
        "currency": "EUR",
        "base": 4500,
        "discount": 0,
        "subtotal": 4500,
        "platform_fee": 225,
        "vat": 750,
        "vat_inclusive": True,
        "total": 4725,
    }


def test_percent_of() -> None:
    assert percent_of(4500, Decimal("5")) == 225
    assert percent_of(1005, Decimal("10")) == 101
    assert percent_of(1, Decimal("49.99")) == 0
    assert percent_of(1, Decimal("50")) == 1
    assert percent_of(10**17, Decimal("33.33")) == 33_330_000_000_000_000


# --- breakdown invariant -------------------------------------------------------------------


def make_breakdown(**changes: int | bool) -> Breakdown:
    fields: dict[str, int | bool] = {
        "base": 4500,
        "discount": 450,
        "subtotal": 4050,
        "platform_fee": 203,
        "vat": 810,
        "total": 5063,
        "vat_inclusive": False,
    }
    fields.update(changes)
    return Breakdown(currency="EUR", **fields)  # type: ignore[arg-type]


def test_breakdown_accepts_consistent_parts() -> None:
    assert make_breakdown().total == 5063
    assert make_breakdown(vat_inclusive=True, vat=675, total=4253).net == 3375


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"subtotal": 4051, "total": 5064}, "subtotal"),
        ({"total": 5062}, "total"),
        ({"vat_inclusive": True}, "total"),
        ({"vat_inclusive": True, "vat": 4051, "total": 4253}, "inclusive VAT"),
        ({"discount": 4600}, "discount exceeds"),
        ({"platform_fee": -1, "total": 4859}, "negative"),
    ],
)
def test_breakdown_refuses_parts_that_do_not_add_up(
    changes: dict[str, int | bool], message: str
) -> None:
    with pytest.raises(PricingError, match=message):
        make_breakdown(**changes)


# --- policy and discount validation --------------------------------------------------------


@pytest.mark.parametrize(
    ("fee", "vat"), [("-1", "20"), ("100.01", "20"), ("5", "-0.01"), ("5", "101"), ("NaN", "0")]
)
def test_policy_refuses_percentages_out_of_range(fee: str, vat: str) -> None:
    with pytest.raises(PricingError):
        make_policy(fee=fee, vat=vat)


def test_policy_refuses_floats_and_unknown_currencies() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        PricingPolicy("EUR", platform_fee_percent=5.0)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        make_policy("XYZ")


def test_discount_validation() -> None:
    with pytest.raises(PricingError):
        make_percent("0")
    with pytest.raises(PricingError):
        make_percent("100.5")
    with pytest.raises(TypeError):
        Discount(DiscountKind.PERCENT, 10)
    with pytest.raises(TypeError):
        Discount(DiscountKind.FIXED, Decimal("5.00"), currency="EUR")
    with pytest.raises(PricingError, match="more than 0"):
        make_fixed(0)
    with pytest.raises(PricingError, match="needs a currency"):
        Discount(DiscountKind.FIXED, 500)
    with pytest.raises(MoneyError):
        make_fixed(500, currency="EURO")
    with pytest.raises(ValueError, match="timezone-aware"):
        make_percent("10", valid_from=datetime(2027, 1, 1))
    with pytest.raises(PricingError, match="after valid_from"):
        make_percent("10", valid_from=NOW, valid_until=NOW)
    with pytest.raises(PricingError, match="max_uses"):
        make_percent("10", max_uses=0)


def test_amount_off_is_capped_at_the_base() -> None:
    assert make_fixed(5000).amount_off(4500) == 4500
    assert make_fixed(5000).amount_off(0) == 0
    assert make_percent("12.5").amount_off(4500) == 563  # 562.5 -> 563


# --- discount eligibility ------------------------------------------------------------------

WINDOWED = make_percent(
    "10",
    valid_from=datetime(2027, 3, 1, tzinfo=UTC),
    valid_until=datetime(2027, 4, 1, tzinfo=UTC),
)


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        (datetime(2027, 2, 28, 23, 59, 59, tzinfo=UTC), DiscountRefusal.NOT_YET_VALID),
        (datetime(2027, 3, 1, tzinfo=UTC), None),
        (NOW, None),
        (datetime(2027, 3, 31, 23, 59, 59, tzinfo=UTC), None),
        (datetime(2027, 4, 1, tzinfo=UTC), DiscountRefusal.EXPIRED),
        (datetime(2028, 1, 1, tzinfo=UTC), DiscountRefusal.EXPIRED),
    ],
)
def test_validity_window_is_half_open(now: datetime, reason: DiscountRefusal | None) -> None:
    assert discount_applies(WINDOWED, HAIRCUT, now, 0) == reason


def test_open_ended_validity() -> None:
    only_from = make_percent("10", valid_from=NOW)
    only_until = make_percent("10", valid_until=NOW)
    assert discount_applies(only_from, HAIRCUT, NOW + timedelta(days=3650), 0) is None
    assert discount_applies(only_from, HAIRCUT, NOW - timedelta(seconds=1), 0) == "not_yet_valid"
    assert discount_applies(only_until, HAIRCUT, NOW - timedelta(days=3650), 0) is None
    assert discount_applies(only_until, HAIRCUT, NOW, 0) == "expired"


def test_validity_compares_instants_across_zones() -> None:
    from zoneinfo import ZoneInfo

    tokyo = datetime(2027, 4, 1, 8, 59, tzinfo=ZoneInfo("Asia/Tokyo"))  # 23:59 UTC
    assert discount_applies(WINDOWED, HAIRCUT, tokyo, 0) is None
    assert discount_applies(WINDOWED, HAIRCUT, tokyo + timedelta(minutes=1), 0) == "expired"


def test_validity_uses_real_time_in_one_zone_across_dst() -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    # Valid until the second 01:30 of 31 October 2027 (01:30 GMT = 01:30 UTC).
    code = make_percent("10", valid_until=datetime(2027, 10, 31, 1, 30, tzinfo=london, fold=1))
    first_0130 = datetime(2027, 10, 31, 1, 30, tzinfo=london, fold=0)  # 00:30 UTC
    assert discount_applies(code, HAIRCUT, first_0130, 0) is None
    assert discount_applies(code, HAIRCUT, first_0130.astimezone(UTC), 0) is None


def test_used_up() -> None:
    code = make_percent("10", max_uses=3)
    assert discount_applies(code, HAIRCUT, NOW, 0) is None
    assert discount_applies(code, HAIRCUT, NOW, 2) is None
    assert discount_applies(code, HAIRCUT, NOW, 3) == DiscountRefusal.USED_UP
    assert discount_applies(code, HAIRCUT, NOW, 4) == DiscountRefusal.USED_UP
    assert discount_applies(make_percent("10"), HAIRCUT, NOW, 10**9) is None
    with pytest.raises(ValueError, match="negative"):
        discount_applies(code, HAIRCUT, NOW, -1)


def test_limited_to_some_services() -> None:
    code = make_percent("10", services=frozenset({HAIRCUT, COLOUR}))
    assert discount_applies(code, HAIRCUT, NOW, 0) is None
    assert discount_applies(code, MASSAGE, NOW, 0) == DiscountRefusal.WRONG_SERVICE
    assert discount_applies(code, [HAIRCUT, COLOUR], NOW, 0) is None
    assert discount_applies(code, [HAIRCUT, MASSAGE], NOW, 0) == DiscountRefusal.WRONG_SERVICE
    assert discount_applies(code, [], NOW, 0) == DiscountRefusal.WRONG_SERVICE
    assert discount_applies(make_percent("10"), [HAIRCUT, MASSAGE], NOW, 0) is None


def test_wrong_currency_for_fixed_codes_only() -> None:
    assert discount_applies(make_fixed(500), HAIRCUT, NOW, 0, currency="EUR") is None
    assert discount_applies(make_fixed(500), HAIRCUT, NOW, 0, currency="JPY") == "wrong_currency"
    assert discount_applies(make_percent("10"), HAIRCUT, NOW, 0, currency="JPY") is None


def test_first_refusal_reason_wins_and_has_a_message() -> None:
    code = make_percent("10", valid_until=NOW, max_uses=1, services=frozenset({COLOUR}))
    reason = discount_applies(code, HAIRCUT, NOW, 1)
    assert reason == DiscountRefusal.EXPIRED
    assert reason is not None and reason.message == "This discount code has expired."
    assert all(r.message for r in DiscountRefusal)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        discount_applies(WINDOWED, HAIRCUT, datetime(2027, 3, 10), 0)


# --- duration options ----------------------------------------------------------------------

PRICES = {30: 2500, 60: 4500, 90: 6000}


def test_price_for_duration() -> None:
    assert price_for_duration(PRICES, 60) == 4500
    assert price_for_duration(PRICES, timedelta(minutes=30)) == 2500
    assert price_for_duration(PRICES, timedelta(hours=1, minutes=30)) == 6000


def test_price_for_unknown_duration_is_refused() -> None:
    with pytest.raises(PricingError, match=r"no price for 45 minutes \(offered: 30, 60, 90\)"):
        price_for_duration(PRICES, 45)
    with pytest.raises(PricingError, match="whole minutes"):
        price_for_duration(PRICES, timedelta(minutes=30, seconds=1))
    with pytest.raises(PricingError, match="offered: none"):
        price_for_duration({}, 30)
    with pytest.raises(PricingError, match="negative"):
        price_for_duration({30: -1}, 30)


# --- refund split --------------------------------------------------------------------------


def test_split_full_refund_returns_every_part() -> None:
    b = quote(4500, make_policy(fee="5", inclusive=False), make_percent("10"))
    assert split_refund(b, b.total) == RefundParts(net=4050, vat=810, platform_fee=203)
    b = quote(4500, make_policy(fee="5", inclusive=True), make_percent("10"))
    assert split_refund(b, b.total) == RefundParts(net=3375, vat=675, platform_fee=203)


def test_split_partial_refund_adds_up() -> None:
    b = quote(4500, make_policy(fee="5", inclusive=False), make_percent("10"))  # total 5063
    half = split_refund(b, 2532)
    # cumulative: 4050 -> 2025.4 -> 2025; 4860 -> 2430.48 -> 2430; 5063 -> 2532
    assert half == RefundParts(net=2025, vat=405, platform_fee=102)
    assert half.total == 2532
    assert split_refund(b, 0) == RefundParts(0, 0, 0)
    assert split_refund(b, 1).total == 1


def test_split_refund_refuses_more_than_paid() -> None:
    b = quote(4500, make_policy())
    with pytest.raises(PricingError, match="exceed"):
        split_refund(b, b.total + 1)
    with pytest.raises(PricingError, match="negative"):
        split_refund(b, -1)
    free = quote(4500, make_policy(), make_percent("100"))
    assert split_refund(free, 0) == RefundParts(0, 0, 0)
