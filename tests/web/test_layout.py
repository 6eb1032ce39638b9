"""Phone width: no main page scrolls sideways at 390 px (the week calendar scrolls inside
its own region, never the page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from tests.support import API, ok, register, unique
from tests.web.conftest import PHONE, register_in_browser, sign_in
from tests.web.seed import (
    PASSWORD,
    book_guest,
    free_slots,
    make_salon,
    provider_account,
    times_path,
)

OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth,
  viewport: window.innerWidth,
  wide: [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                 && !e.closest(".week-scroll, .visually-hidden, .skip-link"))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + "." + e.className),
})"""


def assert_fits(page: Any, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 500, (path, response and response.status)
    check_fits(page, path)


def check_fits(page: Any, what: str) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["page"] <= found["viewport"], f"{what} scrolls sideways at 390 px: {found}"


def test_every_main_page_fits_a_phone(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    org_id, stylist_id = salon["org"]["id"], salon["stylist"]["id"]
    slots = free_slots(api, salon["haircut"], salon["stylist"])
    guest = book_guest(api, salon["haircut"], salon["stylist"], slots[0]["start"])
    token = guest["manage_token"]
    asked = free_slots(api, salon["consultation"], salon["stylist"])[-1]["start"]
    request = book_guest(api, salon["consultation"], salon["stylist"], asked, "Rae Quest")
    ok(
        api.patch(
            f"{API}/providers/{salon['other']['id']}",
            json={"visibility": "connected"},
            headers=salon["owner"]["headers"],
        )
    )
    stylist = provider_account(api, salon)
    today = dt.date.today()
    waiter = register(api)
    ok(
        api.post(
            f"{API}/waitlist",
            json={
                "provider_id": stylist_id,
                "service_id": salon["colour"]["id"],
                "date_from": str(today + dt.timedelta(days=1)),
                "date_to": str(today + dt.timedelta(days=5)),
            },
            headers=waiter["headers"],
        ),
        201,
    )
    ok(
        api.post(
            f"{API}/providers/{stylist_id}/time-off",
            json={
                "start": f"{today + dt.timedelta(days=3)}T14:00:00Z",
                "end": f"{today + dt.timedelta(days=3)}T16:00:00Z",
                "reason": "A rather long reason: " + "training " * 12,
            },
            headers=salon["owner"]["headers"],
        ),
        201,
    )

    visitor = new_page("America/New_York")
    visitor.set_viewport_size(PHONE)
    details = (
        f"/o/{org_id}/details?provider_id={stylist_id}&service_id={salon['haircut']['id']}"
        f"&start={slots[4]['start'].replace('+', '%2B')}&tz=America/New_York"
    )
    manage = f"/manage/{guest['id']}?token={token}&tz=America/New_York"
    for path in (
        "/",
        f"/?city={salon['city']}",
        "/?q=nothing-matches-" + "x" * 60,
        f"/o/{org_id}",
        times_path(salon, "haircut", tz="America/New_York"),
        times_path(salon, "haircut", "colour", tz="America/New_York"),
        times_path(salon, "class", tz="America/New_York"),
        details,
        f"/booked/{guest['id']}?token={token}&tz=America/New_York",
        manage,
        f"/manage/{guest['id']}/cancel?token={token}&tz=America/New_York",
        f"/manage/{guest['id']}/reschedule?token={token}&tz=America/New_York",
        "/login",
        "/register",
        "/no-such-page",
    ):
        assert_fits(visitor, path)
    visitor.goto(details)
    visitor.get_by_label("Email").fill("not an email " + "x" * 80)
    visitor.get_by_role("button", name="Book now").click()
    visitor.locator(".field-error").first.wait_for()
    check_fits(visitor, "the details form with its messages")

    customer = new_page("America/New_York")
    customer.set_viewport_size(PHONE)
    register_in_browser(customer, "Phoebe Phone", f"{unique('phoebe')}@example.com", PASSWORD)
    customer.goto(times_path(salon, "haircut", tz="America/New_York"))
    customer.locator("a.time").nth(2).click()
    customer.get_by_role("button", name="Book now").click()
    customer.get_by_role("heading", name="You're booked").wait_for()
    check_fits(customer, "the confirmation of a signed-in booking")
    for path in ("/me", f"/connect/{salon['other']['id']}"):
        assert_fits(customer, path)

    provider = new_page("America/New_York")
    provider.set_viewport_size(PHONE)
    sign_in(provider, stylist["email"])
    for path in (
        f"/dashboard/{stylist_id}",
        f"/dashboard/{stylist_id}/hours",
        f"/dashboard/{stylist_id}/days",
        f"/dashboard/{stylist_id}/bookings/{request['id']}/suggest",
    ):
        assert_fits(provider, path)
    assert provider.locator(".week-scroll").count() == 0  # the suggest page has no grid
    provider.goto(f"/dashboard/{stylist_id}")
    grid = provider.evaluate(
        "() => { const s = document.querySelector('.week-scroll');"
        " return [s.scrollWidth, s.clientWidth]; }"
    )
    assert grid[0] > grid[1], "the week calendar scrolls inside its own region on a phone"
