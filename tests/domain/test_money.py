from decimal import Decimal

import pytest

from slotkeeper.domain.money import (
    CURRENCIES,
    MoneyError,
    exponent,
    format_minor,
    round_minor,
    to_minor,
)


@pytest.mark.parametrize(
    ("currency", "places"),
    [("EUR", 2), ("USD", 2), ("GBP", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("BHD", 3)],
)
def test_exponent(currency: str, places: int) -> None:
    assert currency in CURRENCIES
    assert exponent(currency) == places


@pytest.mark.parametrize(
    ("typed", "currency", "minor", "formatted"),
    [
        ("45.00", "EUR", 4500, "45.00"),
        ("45", "EUR", 4500, "45.00"),
        ("45.5", "EUR", 4550, "45.50"),
        ("0.01", "EUR", 1, "0.01"),
        ("0", "EUR", 0, "0.00"),
        ("1234567.89", "EUR", 123456789, "1234567.89"),
        ("1500", "JPY", 1500, "1500"),
        ("1500.0", "JPY", 1500, "1500"),
        ("0", "JPY", 0, "0"),
        ("12.345", "KWD", 12345, "12.345"),
        ("12.3", "KWD", 12300, "12.300"),
        ("0.001", "KWD", 1, "0.001"),
        (Decimal("19.99"), "USD", 1999, "19.99"),
    ],
)
def test_round_trip(typed: str | Decimal, currency: str, minor: int, formatted: str) -> None:
    assert to_minor(typed, currency) == minor
    assert format_minor(minor, currency) == formatted
    assert to_minor(formatted, currency) == minor


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
def test_every_small_amount_round_trips(currency: str) -> None:
    for minor in [*range(0, 1100), 99_999, 100_000, 123_456_789]:
        assert to_minor(format_minor(minor, currency), currency) == minor


@pytest.mark.parametrize(
    ("typed", "currency"),
    [("45.001", "EUR"), ("0.005", "USD"), ("1.5", "JPY"), ("0.1", "JPY"), ("1.2345", "KWD")],
)
def test_refuses_too_many_decimal_places(typed: str, currency: str) -> None:
    with pytest.raises(MoneyError, match="decimal places"):
        to_minor(typed, currency)


def test_refuses_long_tail_hidden_by_decimal_precision() -> None:
    # 29 significant digits: a 28-digit context would round this to a whole 100 cents.
    with pytest.raises(MoneyError, match="decimal places"):
        to_minor("1.0000000000000000000000000001", "EUR")


@pytest.mark.parametrize("typed", ["-1", "-0.01", Decimal("-5")])
def test_refuses_negative(typed: str | Decimal) -> None:
    with pytest.raises(MoneyError, match="negative"):
        to_minor(typed, "EUR")


@pytest.mark.parametrize("typed", ["NaN", "sNaN", "Infinity", "-Infinity", "inf", Decimal("NaN")])
def test_refuses_non_finite(typed: str | Decimal) -> None:
    with pytest.raises(MoneyError, match="finite"):
        to_minor(typed, "EUR")


@pytest.mark.parametrize("typed", ["", "abc", "12,50", "1.2.3", "€5", "5 EUR", "0x10"])
def test_refuses_garbage(typed: str) -> None:
    with pytest.raises(MoneyError, match="not a decimal amount"):
        to_minor(typed, "EUR")


@pytest.mark.parametrize("typed", ["1e15", "1000000000000000", "1e1000000"])
def test_refuses_absurdly_large_amounts(typed: str) -> None:
    with pytest.raises(MoneyError, match="too large"):
        to_minor(typed, "EUR")


def test_largest_accepted_amount() -> None:
    assert to_minor("999999999999999.999", "KWD") == 999_999_999_999_999_999


@pytest.mark.parametrize("currency", ["XYZ", "", "EURO"])
def test_refuses_unknown_currency(currency: str) -> None:
    with pytest.raises(MoneyError, match="currency"):
        to_minor("1.00", currency)
    with pytest.raises(MoneyError, match="currency"):
        format_minor(100, currency)
    with pytest.raises(MoneyError, match="currency"):
        exponent(currency)


def test_money_error_is_a_value_error() -> None:
    assert issubclass(MoneyError, ValueError)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.5", 3),  # ROUND_HALF_EVEN would give 2
        ("3.5", 4),
        ("0.5", 1),
        ("2.4999", 2),
        ("2.5001", 3),
        ("7", 7),
        ("-2.5", -3),  # half away from zero
        ("-2.4", -2),
        ("199.5", 200),
    ],
)
def test_round_minor_is_half_up(value: str, expected: int) -> None:
    assert round_minor(Decimal(value)) == expected


def test_round_minor_on_a_derived_amount() -> None:
    # 19% VAT on 10.50 EUR = 199.5 cents.
    assert round_minor(Decimal(1050) * Decimal("0.19")) == 200
    assert round_minor(Decimal(1050) * Decimal("0.19") / Decimal("1.19")) == 168


def test_format_minor_of_negative_amounts() -> None:
    # Refunds and discounts are negative in breakdowns.
    assert format_minor(-5, "EUR") == "-0.05"
    assert format_minor(-1500, "JPY") == "-1500"
