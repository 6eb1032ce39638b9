"""A guest books a salon visit end to end in the browser: search, organization,
several services, a day, a time in the visitor's zone, details, confirmation, .ics."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from icalendar import Calendar

from tests.support import API, ok
from tests.web.conftest import shoot
from tests.web.seed import free_slots, make_salon


def test_guest_books_a_haircut_and_colour_and_downloads_the_ics(
    new_page: Any, api: httpx.Client, tmp_path: Path
) -> None:
    salon = make_salon(api, showcase=True)
    page = new_page(timezone_id="Europe/Paris")

    page.goto("/")
    shoot(page, "1-search")
    page.get_by_label("City").fill(salon["city"])
    page.get_by_label("Name").fill("studio nine")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=salon["org"]["name"], exact=True).click()

    stylist = salon["stylist"]["name"]
    card = page.get_by_role("region", name=stylist)
    card.get_by_role("checkbox", name="Colour").check()
    card.get_by_role("checkbox", name="Haircut").check()
    assert card.locator("output").inner_text() == "2 services: 2 h 15 min · 175.00 USD"
    assert card.get_by_text("needs the provider's approval").is_visible()
    assert card.get_by_text("group session, up to 4 people").is_visible()
    shoot(page, "2-organization")
    card.get_by_role("button", name="See free times").click()

    # The browser's zone was detected; days without free time are shown as unavailable.
    assert page.get_by_label("Times shown in the time zone").input_value() == "Europe/Paris"
    assert page.locator(".day.unavailable").count() >= 2  # Sundays and Mondays
    shoot(page, "3-times")
    first_time = page.locator("a.time").first
    shown = first_time.inner_text()
    first_time.click()

    # The services follow in the order ticked (colour, then haircut). The first time shown
    # is the API's first free start of that visit, in Paris time.
    expected = free_slots(
        api,
        salon["colour"],
        salon["stylist"],
        tz="Europe/Paris",
        extra_service_id=salon["haircut"]["id"],
    )
    start = datetime.fromisoformat(_details_start(page))
    assert start == datetime.fromisoformat(expected[0]["start"])
    assert shown == start.astimezone(_paris()).strftime("%H:%M")

    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Phone").fill("+1 212 555 0100")
    page.get_by_label(f"Notes for {stylist}").fill("Shorter at the back, please.")
    shoot(page, "4-details")
    page.get_by_role("button", name="Book now").click()

    page.get_by_role("heading", name="You're booked").wait_for()
    assert shown in page.locator(".summary-list").inner_text()
    assert "Europe/Paris" in page.locator(".summary-list").inner_text()
    assert "175.00 USD" in page.locator(".breakdown").inner_text()
    shoot(page, "5-booked")

    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    ics = tmp_path / "booking.ics"
    download.value.save_as(ics)
    event = next(iter(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")))
    assert event.decoded("dtstart") == start
    assert str(event["summary"]).startswith(f"Colour + Haircut with {stylist}")
    assert "9 Bleecker Street" in str(event["location"])

    # The private link on the page opens the booking: the API agrees with what was shown.
    manage = page.locator("#manage-link").get_attribute("href") or ""
    booking_id, token = re.fullmatch(r"/manage/([0-9a-f-]+)\?token=([^&]+)&.*", manage).groups()
    booking = ok(api.get(f"{API}/bookings/{booking_id}", params={"token": token}))
    assert booking["status"] == "confirmed"
    assert [i["service_id"] for i in booking["items"]] == [
        salon["colour"]["id"],
        salon["haircut"]["id"],
    ]
    assert booking["price"] == "175.00" and booking["customer"]["name"] == "Ada Lovelace"
    assert datetime.fromisoformat(booking["start"]) == start


def _details_start(page: Any) -> str:
    return page.locator("input[name=start]").get_attribute("value") or ""


def _paris() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Paris")
