"""Exact money: amounts are integer minor units of an ISO 4217 currency.

Rounding rule (one place): decimal amounts are quantized to the currency's minor unit
with ROUND_HALF_UP when derived (percentages, VAT); amounts typed by people must already
fit the minor unit and are refused otherwise.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 currencies whose minor unit is not 2 digits; every other valid code uses 2.
_EXPONENTS: dict[str, int] = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0, "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip

# Currencies we accept: the common ones plus those listed above.
CURRENCIES: frozenset[str] = frozenset(
    {
        "AED", "ARS", "AUD", "BGN", "BRL", "CAD", "CHF", "CNY", "COP", "CZK", "DKK",
        "EGP", "EUR", "GBP", "HKD", "HUF", "IDR", "ILS", "INR", "MAD", "MXN", "MYR",
        "NGN", "NOK", "NZD", "PEN", "PHP", "PKR", "PLN", "RON", "RSD", "SAR", "SEK",
        "SGD", "THB", "TRY", "TWD", "UAH", "USD", "ZAR", *_EXPONENTS,
    }
)  # fmt: skip


# Larger amounts are typing mistakes; minor units of this still fit a 64-bit integer.
_MAX_AMOUNT = Decimal(10) ** 15


class MoneyError(ValueError):
    pass


def exponent(currency: str) -> int:
    if currency not in CURRENCIES:
        raise MoneyError(f"unknown or unsupported ISO 4217 currency: {currency!r}")
    return _EXPONENTS.get(currency, 2)


def to_minor(amount: str | Decimal, currency: str) -> int:
    """Parse an amount typed by a person (e.g. ``"45.00"``) into minor units, exactly."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise MoneyError(f"not a decimal amount: {amount!r}") from exc
    if not value.is_finite():
        raise MoneyError(f"not a finite amount: {amount!r}")
    if value < 0:
        raise MoneyError("amount must not be negative")
    places = exponent(currency)
    # Bounded, so the checks below stay exact in the 28-digit decimal context (scaleb
    # would round "1.0000000000000000000000000001" to a whole number of cents).
    if value >= _MAX_AMOUNT:
        raise MoneyError(f"amount is too large: {amount}")
    fitted = value.quantize(Decimal(1).scaleb(-places))
    if fitted != value:
        raise MoneyError(f"{currency} amounts have {places} decimal places at most: {amount}")
    return int(fitted.scaleb(places))


def round_minor(value: Decimal) -> int:
    """The one rounding function for derived amounts (in minor units)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_minor(minor: int, currency: str) -> str:
    """Minor units back to a decimal string, e.g. ``4500, "EUR" -> "45.00"``."""
    places = exponent(currency)
    return str(Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places)))
