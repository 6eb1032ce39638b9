"""Property test through the API: for random VAT (inclusive or exclusive), platform fee,
currency, service price and discount code, the quote is the exact breakdown (recomputed
here with Fractions), every booking stores that breakdown, it adds up to the price and
nothing is negative; a provider's cancellation refunds the total exactly, a customer's
before the free-cancellation window too, and a late one ``total * p%`` rounded once half up.

Each example builds its own organization (so its currency, pricing and codes are its own)
under one owner registered once per backend; the frozen clock is put back after each.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slotkeeper.domain.money import exponent, format_minor
from tests.conftest import NOW
from tests.support import (
    API,
    book,
    make_org,
    make_provider,
    make_service,
    ok,
    register,
    set_hours,
)

DAY = "2027-03-03"  # Wednesday, two days after the frozen clock (2027-03-01 08:00 UTC)
FIRST, SECOND, THIRD = (f"{DAY}T{h}:00:00Z" for h in ("10", "12", "14"))
MONEY = ("base", "discount", "subtotal", "platform_fee", "vat", "total")
_codes = itertools.count()


@dataclass(frozen=True)
class Case:
    currency: str
    vat_points: int  # basis points: 2000 = 20.00 %
    vat_inclusive: bool
    fee_points: int
    price: int  # minor units
    discount: tuple[str, int] | None  # ("percent", basis points) or ("fixed", minor units)
    free_hours: int
    late_percent: int


def percent_text(points: int) -> str:
    return f"{points // 100}.{points % 100:02d}"


@st.composite
def cases(draw: st.DrawFn) -> Case:
    currency = draw(st.sampled_from(["EUR", "JPY", "KWD"]))
    points = st.one_of(
        st.sampled_from([0, 500, 1950, 2000, 2500, 10000]),
        st.integers(min_value=0, max_value=10000),
    )
    price = draw(
        st.one_of(
            st.integers(min_value=0, max_value=300), st.integers(min_value=0, max_value=10**8)
        )
    )
    kind = draw(st.sampled_from([None, "percent", "fixed"]))
    discount = None
    if kind == "percent":
        discount = (kind, draw(st.integers(min_value=1, max_value=10000)))
    elif kind == "fixed":
        discount = (kind, draw(st.integers(min_value=1, max_value=2 * price + 10)))
    return Case(
        currency=currency,
        vat_points=draw(points),
        vat_inclusive=draw(st.booleans()),
        fee_points=draw(points),
        price=price,
        discount=discount,
        free_hours=draw(st.integers(min_value=1, max_value=48)),
        late_percent=draw(st.integers(min_value=0, max_value=100)),
    )


def half_up(value: Fraction) -> int:
    return int((value + Fraction(1, 2)) // 1)


def expected_breakdown(case: Case) -> dict[str, int]:
    """The breakdown by the documented rules, in exact rationals."""
    base = case.price
    if case.discount is None:
        off = 0
    elif case.discount[0] == "percent":
        off = half_up(Fraction(base * case.discount[1], 10000))
    else:
        off = min(case.discount[1], base)
    subtotal = base - off
    fee = half_up(Fraction(subtotal * case.fee_points, 10000))
    vat_rate = Fraction(case.vat_points, 10000)  # as a fraction of 1
    if case.vat_inclusive:
        vat = half_up(subtotal * vat_rate / (1 + vat_rate))
        total = subtotal + fee
    else:
        vat = half_up(subtotal * vat_rate)
        total = subtotal + fee + vat
    return {
        "base": base,
        "discount": off,
        "subtotal": subtotal,
        "platform_fee": fee,
        "vat": vat,
        "total": total,
    }


def assert_adds_up(breakdown: dict, currency: str) -> None:
    """Every amount in the currency's decimals, none negative, and the parts add up."""
    places = exponent(currency)
    amounts = {name: Decimal(breakdown[name]) for name in MONEY}
    for name, value in amounts.items():
        assert value >= 0, (name, breakdown)
        assert -value.as_tuple().exponent == places, (name, breakdown)  # type: ignore[operator]
    assert amounts["subtotal"] == amounts["base"] - amounts["discount"], breakdown
    added_vat = 0 if breakdown["vat_inclusive"] else amounts["vat"]
    assert amounts["total"] == amounts["subtotal"] + amounts["platform_fee"] + added_vat, breakdown
    if breakdown["vat_inclusive"]:
        assert amounts["vat"] <= amounts["subtotal"], breakdown
    assert breakdown["currency"] == currency


def _build(client, owner: dict, case: Case) -> tuple[dict, str | None]:  # type: ignore[no-untyped-def]
    """A fresh organization priced as ``case``, with its provider, service and code."""
    org = make_org(client, owner, currency=case.currency, timezone="UTC")
    priced = ok(
        client.patch(
            f"{API}/organizations/{org['id']}/pricing",
            json={
                "vat_percent": percent_text(case.vat_points),
                "vat_inclusive": case.vat_inclusive,
                "platform_fee_percent": percent_text(case.fee_points),
            },
            headers=owner["headers"],
        )
    )
    assert (priced["vat_percent"], priced["vat_inclusive"], priced["platform_fee_percent"]) == (
        percent_text(case.vat_points),
        case.vat_inclusive,
        percent_text(case.fee_points),
    )
    provider = make_provider(client, owner, org, timezone="UTC")
    set_hours(client, owner, provider, days=["wednesday"])
    service = make_service(
        client,
        owner,
        org,
        [provider],
        slot_step_minutes=60,
        price=format_minor(case.price, case.currency),
        free_cancellation_hours=case.free_hours,
        late_refund_percent=case.late_percent,
    )
    code = None
    if case.discount is not None:
        kind, value = case.discount
        code = f"P{next(_codes)}X"
        text = percent_text(value) if kind == "percent" else format_minor(value, case.currency)
        ok(
            client.post(
                f"{API}/organizations/{org['id']}/discount-codes",
                json={"code": code, "kind": kind, "value": text},
                headers=owner["headers"],
            ),
            201,
        )
    return {"owner": owner, "org": org, "provider": provider, "service": service}, code


def test_quotes_bookings_and_refunds_add_up_to_the_minor_unit(client, clock) -> None:
    owner = register(client)

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(cases())
    def check(case: Case) -> None:
        clock.set(NOW)
        try:
            run(case)
        finally:
            clock.set(NOW)

    def run(case: Case) -> None:
        world, code = _build(client, owner, case)
        cur = case.currency
        extra = {"discount_code": code.lower()} if code else {}  # codes ignore case

        quote = ok(
            client.post(f"{API}/quotes", json={"service_id": world["service"]["id"], **extra})
        )
        expected = {name: format_minor(v, cur) for name, v in expected_breakdown(case).items()}
        assert quote == {"currency": cur, "vat_inclusive": case.vat_inclusive, **expected}, case
        assert_adds_up(quote, cur)

        made = [book(client, world, start, **extra) for start in (FIRST, SECOND, THIRD)]
        stored = ok(
            client.get(
                f"{API}/bookings",
                params={"provider_id": world["provider"]["id"]},
                headers=owner["headers"],
            )
        )
        assert sorted(b["id"] for b in stored) == sorted(b["id"] for b in made)
        for booking in [*made, *stored]:
            assert booking["status"] == "confirmed"
            assert booking["currency"] == cur
            assert booking["breakdown"] == quote, (case, booking)
            assert booking["price"] == quote["total"]
        total = quote["total"]
        by_provider, early, late = made

        # The provider cancels: the total, exactly.
        cancelled = ok(
            client.post(
                f"{API}/bookings/{by_provider['id']}/cancel",
                json={"reason": "provider ill"},
                headers=owner["headers"],
            )
        )
        assert (cancelled["cancelled_by"], cancelled["refund_due"]) == ("provider", total), case

        # The customer cancels two days ahead (the window is at most 48 h): the total.
        params = {"token": early["manage_token"]}
        quoted = ok(client.get(f"{API}/bookings/{early['id']}/refund-quote", params=params))
        assert quoted == {"refund_due": total, "currency": cur}
        cancelled = ok(client.post(f"{API}/bookings/{early['id']}/cancel", params=params))
        assert (cancelled["cancelled_by"], cancelled["refund_due"]) == ("customer", total), case

        # Half an hour before the start, inside the window: p % of the total, rounded once.
        clock.set(NOW.replace(day=3, hour=13, minute=30))
        params = {"token": late["manage_token"]}
        cancelled = ok(client.post(f"{API}/bookings/{late['id']}/cancel", params=params))
        total_minor = expected_breakdown(case)["total"]
        due = half_up(Fraction(total_minor * case.late_percent, 100))
        assert cancelled["refund_due"] == format_minor(due, cur), case
        kept = Decimal(total) - Decimal(cancelled["refund_due"])
        assert Decimal(0) <= kept <= Decimal(total)
        assert Decimal(cancelled["refund_due"]) + kept == Decimal(total)

        # What is stored agrees with what was answered.
        clock.set(NOW)
        after = {
            b["id"]: b
            for b in ok(
                client.get(
                    f"{API}/bookings",
                    params={"provider_id": world["provider"]["id"]},
                    headers=owner["headers"],
                )
            )
        }
        assert [after[b["id"]]["refund_due"] for b in made] == [
            total,
            total,
            format_minor(due, cur),
        ]
        assert all(after[b["id"]]["breakdown"] == quote for b in made)

    check()
