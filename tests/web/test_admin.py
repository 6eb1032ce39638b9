"""Organization admin in the browser: an admin creates a service and it appears on the
booking page; a price change shows in the next quote; other accounts get a readable 403;
the reports page draws its four charts with the right numbers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx

from tests.support import (
    API,
    make_location,
    make_org,
    make_provider,
    make_service,
    ok,
    register,
    set_hours,
    unique,
)
from tests.web.conftest import shoot, sign_in


def make_barbershop(api: httpx.Client) -> dict[str, Any]:
    """An owner, a barbershop in New York with one location and a barber working every day
    09:00-17:00; no services yet."""
    owner = register(api)
    org = make_org(
        api, owner, name=unique("Corner Barbers"), timezone="America/New_York", currency="USD"
    )
    location = make_location(api, owner, org, name="Corner Barbers Main", city="New York")
    barber = make_provider(api, owner, org, name=unique("Sam Cole"), location_ids=[location["id"]])
    set_hours(api, owner, barber, "09:00", "17:00")
    return {"owner": owner, "org": org, "location": location, "barber": barber}


def test_an_admin_creates_a_service_and_it_appears_on_the_booking_page(
    new_page: Any, api: httpx.Client
) -> None:
    shop = make_barbershop(api)
    org_id, barber = shop["org"]["id"], shop["barber"]["name"]
    page = new_page("America/New_York")
    sign_in(page, shop["owner"]["email"])
    page.get_by_role("link", name="Admin", exact=True).click()
    page.wait_for_url(re.compile(rf"/admin/{org_id}/services$"))
    page.get_by_role("link", name="Add a service").click()

    # Sent empty first: the messages stand next to their fields.
    page.get_by_label("Length", exact=True).fill("")
    page.get_by_role("button", name="Add service").click()
    assert (
        page.locator("#f-name-error")
        .inner_text()
        .endswith("Enter the service's name (at most 200 characters).")
    )
    assert "Enter the price" in page.locator("#f-price-error").inner_text()
    assert "Tick at least one provider" in page.locator("#f-provider_ids-error").inner_text()
    assert "from 5 to 1440" in page.locator("#f-duration_minutes-error").inner_text()
    shoot(page, "50-admin-service-errors")

    page.get_by_label("Name").fill("Beard trim")
    page.get_by_label("Length", exact=True).fill("30")
    page.get_by_label("Price", exact=True).fill("25.00")
    page.get_by_role("checkbox", name=barber).check()
    page.get_by_role("textbox", name="Length 1 (optional)", exact=True).fill("45")
    page.get_by_role("textbox", name="Price for length 1 (optional)").fill("35.00")
    page.get_by_role("button", name="Add service").click()
    page.get_by_text("Service added.").wait_for()
    row = page.get_by_role("row", name=re.compile("Beard trim"))
    assert "25.00 USD" in row.inner_text() and barber in row.inner_text()
    shoot(page, "51-admin-services")

    # The public booking page lists it with free times.
    page.goto(f"/o/{org_id}")
    card = page.get_by_role("region", name=barber)
    assert "Beard trim" in card.inner_text() and "25.00 USD" in card.inner_text()
    card.get_by_role("checkbox", name="Beard trim").check()
    card.get_by_role("button", name="See free times").click()
    assert page.locator("a.time").count() > 0
    page.locator("a.time").first.click()
    assert "25.00 USD" in page.locator(".breakdown .total").inner_text()
    details = page.url

    # A new price is what the next quote shows.
    page.goto(f"/admin/{org_id}/services")
    page.get_by_role("link", name="Beard trim").click()
    assert page.get_by_label("Price", exact=True).input_value() == "25.00"
    assert page.get_by_role("textbox", name="Length 1 (optional)", exact=True).input_value() == "45"
    shoot(page, "52-admin-service-edit")
    page.get_by_label("Price", exact=True).fill("30.00")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Service saved.").wait_for()
    page.goto(details)
    assert "30.00 USD" in page.locator(".breakdown .total").inner_text()
    quote = ok(api.post(f"{API}/quotes", json={"service_id": _service_id(api, shop)}))
    assert quote["total"] == "30.00"


def _service_id(api: httpx.Client, shop: dict) -> str:
    services = ok(api.get(f"{API}/organizations/{shop['org']['id']}/services"))
    return next(s["id"] for s in services if s["name"] == "Beard trim")


def test_the_other_admin_pages_add_what_they_say(new_page: Any, api: httpx.Client) -> None:
    shop = make_barbershop(api)
    org_id = shop["org"]["id"]
    make_service(api, shop["owner"], shop["org"], [shop["barber"]], name="Cut", price="40.00")
    second = make_org(api, shop["owner"], name=unique("Second Shop"))
    page = new_page("America/New_York")
    sign_in(page, shop["owner"]["email"])

    page.goto("/admin")
    assert page.get_by_role("link", name=second["name"]).is_visible()
    shoot(page, "53-admin-index")

    page.goto(f"/admin/{org_id}/locations")
    page.get_by_label("Name").fill("Corner Barbers Uptown")
    page.get_by_label("City").fill("New York")
    page.get_by_role("button", name="Add location").click()
    page.get_by_text("Location added.").wait_for()
    assert page.get_by_role("row", name=re.compile("Corner Barbers Uptown")).is_visible()
    shoot(page, "54-admin-locations")

    page.goto(f"/admin/{org_id}/providers")
    page.get_by_label("Name").fill("Robin Vale")
    page.get_by_label("Works in the time zone").select_option("America/Chicago")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("radio", name="Connected customers only").check()
    page.get_by_role("checkbox", name="Corner Barbers Uptown, New York").check()
    page.get_by_role("button", name="Add provider").click()
    assert "valid email" in page.locator("#f-email-error").inner_text()
    assert page.get_by_label("Name").input_value() == "Robin Vale"
    page.get_by_label("Email").fill("robin@example.com")
    page.get_by_role("button", name="Add provider").click()
    page.get_by_text("Provider added.").wait_for()
    row = page.get_by_role("row", name=re.compile("Robin Vale"))
    assert "America/Chicago" in row.inner_text()
    assert "Connected customers only" in row.inner_text()
    assert "Corner Barbers Uptown" in row.inner_text()
    row.get_by_role("link", name=re.compile("Calendar")).click()
    page.wait_for_url(re.compile(r"/dashboard/[0-9a-f-]+$"))
    page.goto(f"/admin/{org_id}/providers")
    shoot(page, "55-admin-providers")

    page.goto(f"/admin/{org_id}/discount-codes")
    page.get_by_role("textbox", name="Code").fill("spring10")
    page.get_by_label("Discount", exact=True).fill("10")
    page.get_by_label("First day").fill("2031-03-01")
    page.get_by_label("Last day").fill("2031-02-01")
    page.get_by_role("button", name="Add code").click()
    assert "must not be before" in page.locator("#f-valid_until-error").inner_text()
    page.get_by_label("Last day").fill("2031-03-31")
    page.get_by_label("Uses allowed").fill("50")
    page.get_by_role("checkbox", name="Cut").check()
    page.get_by_role("button", name="Add code").click()
    page.get_by_text("Code added.").wait_for()
    row = page.get_by_role("row", name=re.compile("SPRING10"))
    text = row.inner_text()
    assert "10.00 %" in text and "0 of 50 uses" in text and "31 March 2031" in text
    assert "Cut" in text
    page.get_by_role("textbox", name="Code").fill("spring10")
    page.get_by_label("Discount", exact=True).fill("5")
    page.get_by_role("button", name="Add code").click()
    assert "exists already" in page.locator("#f-code-error").inner_text()
    shoot(page, "56-admin-codes")

    page.goto(f"/admin/{org_id}/pricing")
    page.get_by_label("VAT", exact=True).fill("20")
    page.get_by_role("radio", name="are before VAT").check()
    page.get_by_role("textbox", name="Booking fee").fill("2.5")
    page.get_by_role("button", name="Save pricing").click()
    page.get_by_text("Pricing saved.").wait_for()
    org = ok(api.get(f"{API}/organizations/{org_id}"))
    assert (org["vat_percent"], org["vat_inclusive"], org["platform_fee_percent"]) == (
        "20.00",
        False,
        "2.50",
    )
    shoot(page, "57-admin-pricing")


def test_only_owners_and_admins_get_in(new_page: Any, api: httpx.Client) -> None:
    shop = make_barbershop(api)
    org_id = shop["org"]["id"]
    customer = register(api)
    page = new_page()
    answer = page.goto(f"/admin/{org_id}/services")
    assert "/login?next=" in page.url  # anonymous: sign in first
    sign_in(page, customer["email"])
    page.wait_for_url(re.compile(r"/me\?tz="))  # the page adds the browser's zone
    for path in (f"/admin/{org_id}", f"/admin/{org_id}/reports", "/admin"):
        answer = page.goto(path)
        assert answer is not None and answer.status == 403, path
        assert page.get_by_role("heading", name="Not allowed").is_visible()
        assert "owner" in page.locator(".alert").inner_text()
    shoot(page, "59-admin-forbidden")
    other = make_barbershop(api)  # an owner of another organization
    page = new_page()
    sign_in(page, other["owner"]["email"])
    answer = page.goto(f"/admin/{org_id}/providers")
    assert answer is not None and answer.status == 403


def test_the_reports_page_draws_four_charts_with_the_numbers(
    new_page: Any, api: httpx.Client
) -> None:
    owner = register(api)
    org = make_org(api, owner, name=unique("Harbour Physio"), timezone="UTC", currency="EUR")
    therapist = make_provider(api, owner, org, name="Ines Moreau", timezone="UTC")
    set_hours(api, owner, therapist, "09:00", "17:00")
    session = make_service(api, owner, org, [therapist], name="Session", price="40.00")
    check = make_service(
        api,
        owner,
        org,
        [therapist],
        name="Check",
        duration_minutes=30,
        price="15.00",
        requires_approval=True,
    )
    today = dt.datetime.now(dt.UTC).date()
    first, last = today + dt.timedelta(days=1), today + dt.timedelta(days=7)
    day2, day3 = today + dt.timedelta(days=2), today + dt.timedelta(days=3)

    def book(service: dict, day: dt.date, at: str) -> dict:
        body = {
            "service_id": service["id"],
            "provider_id": therapist["id"],
            "start": f"{day}T{at}:00Z",
            "customer": {"name": "Guest", "email": "guest@example.com"},
        }
        return ok(api.post(f"{API}/bookings", json=body), 201)

    book(session, day2, "10:00")
    book(session, day2, "14:00")
    cancelled = book(session, day3, "10:00")
    ok(api.post(f"{API}/bookings/{cancelled['id']}/cancel", json={}, headers=owner["headers"]))
    book(check, day3, "11:00")

    page = new_page("UTC")
    sign_in(page, owner["email"])
    page.goto(f"/admin/{org['id']}/reports?start_date={first}&end_date={last}")

    def bars(section: str) -> dict[str, str]:
        """Label -> value text of each bar or column of a chart."""
        groups = page.get_by_role("region", name=section).locator("svg g")
        pairs = groups.evaluate_all(
            "gs => gs.map(g => [g.querySelector('.chart-label')?.textContent,"
            " g.querySelector('.chart-value')?.textContent])"
        )
        return {label: value for label, value in pairs if label is not None}

    status = bars("Bookings by status")
    assert (status["Confirmed"], status["Cancelled"], status["Requested"]) == ("2", "1", "1")
    assert status["Completed"] == "0" and len(status) == 10
    assert bars("Utilisation per provider") == {"Ines Moreau": "3.6 %"}  # 120 of 3360 min
    hours = page.get_by_role("region", name="Busiest hours")
    assert _texts(hours.locator("svg .chart-value")) == ["1", "1"]
    desc = _texts(hours.locator("svg desc"))[0]
    assert "10: 1;" in desc and "14: 1;" in desc and "09: 0;" in desc
    monday = day2 - dt.timedelta(days=day2.weekday())
    revenue = page.get_by_role("region", name="Revenue per week")
    assert f"{monday.day} {monday:%b}: 80.00" in _texts(revenue.locator("svg desc"))[0]
    assert _texts(revenue.locator("svg .chart-value")) == ["80.00"]
    assert page.locator("svg[role=img][aria-label]").count() == 4
    assert "2 booked appointments, 80.00 EUR revenue" in page.locator("#report-range").inner_text()
    shoot(page, "58-admin-reports")

    # A bad date is explained next to its field; the default range is shown instead.
    answer = page.goto(f"/admin/{org['id']}/reports?start_date=2027-02-30&end_date={last}")
    assert answer is not None and answer.status == 422
    assert "Pick a date" in page.locator("#f-start_date-error").inner_text()
    assert page.locator("svg.chart").count() == 4


def _texts(locator: Any) -> list[str]:
    """The text of SVG elements (which have no innerText)."""
    return list(locator.evaluate_all("nodes => nodes.map(n => n.textContent)"))
