"""Group sessions show the seats left; a service that needs approval says so and its
booking is a request."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import API, ok
from tests.web.seed import book_guest, free_slots, make_salon, times_path


def test_group_sessions_show_seats_left(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    first = free_slots(api, salon["class"], salon["stylist"])[0]
    book_guest(api, salon["class"], salon["stylist"], first["start"])
    page = new_page("America/New_York")
    page.goto(times_path(salon, "class", tz="America/New_York"))

    assert page.locator("a.time .seats").first.inner_text() == "3 seats left"
    assert page.locator("a.time .seats").nth(1).inner_text() == "4 seats left"
    assert "group session" in page.locator(".summary").inner_text()


def test_a_service_that_needs_approval_is_booked_as_a_request(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    page = new_page("America/New_York")
    page.goto(times_path(salon, "consultation", tz="America/New_York"))
    assert "needs the provider's approval" in page.locator(".summary").inner_text()
    page.locator("a.time").first.click()
    assert "This needs the provider's approval" in page.locator(".notice").inner_text()
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Send booking request").click()

    page.get_by_role("heading", name="Request sent").wait_for()
    assert "waiting for the provider's approval" in page.locator(".summary-list").inner_text()
    manage = page.locator("#manage-link").get_attribute("href") or ""
    booking_id = manage.split("/")[2].split("?")[0]
    token = httpx.URL(manage).params["token"]
    stored = ok(api.get(f"{API}/bookings/{booking_id}", params={"token": token}))
    assert stored["status"] == "requested"


def test_the_flow_works_by_keyboard(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    page = new_page("America/New_York")
    page.goto(f"/o/{salon['org']['id']}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    card = page.get_by_role("region", name=salon["stylist"]["name"])
    card.get_by_role("checkbox", name="Haircut").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the styling class, listed after the haircut
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "See free times"
    page.keyboard.press("Enter")
    page.locator("a.time").first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your details").wait_for()
