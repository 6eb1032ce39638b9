"""The guest's manage link: see the booking, cancel it after seeing the refund due (the
time is offered again), move it to another free time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from tests.support import API, ok
from tests.web.conftest import shoot
from tests.web.seed import book_guest, free_slots, make_salon, times_path


def _manage_path(booking: dict) -> str:
    return f"/manage/{booking['id']}?token={booking['manage_token']}"


def _offered(page: Any, path: str, start: str) -> bool:
    """Whether the times page (in UTC) offers ``start`` on its day."""
    moment = datetime.fromisoformat(start)
    page.goto(f"{path}&day={moment.date().isoformat()}")
    hrefs = page.locator("a.time").evaluate_all("els => els.map(e => e.href)")
    return any(datetime.fromisoformat(httpx.URL(href).params["start"]) == moment for href in hrefs)


def test_a_guest_cancels_with_the_refund_shown_first_and_the_time_is_free_again(
    new_page: Any, api: httpx.Client
) -> None:
    # Cancelling less than 1000 h ahead refunds half.
    salon = make_salon(api, free_cancellation_hours=1000, late_refund_percent=50)
    slot = free_slots(api, salon["haircut"], salon["stylist"], tz="UTC")[3]
    booking = book_guest(api, salon["haircut"], salon["stylist"], slot["start"])
    page = new_page("America/New_York")
    times = times_path(salon, "haircut", tz="UTC")
    assert not _offered(page, times, slot["start"])

    page.goto(_manage_path(booking))
    page.wait_for_url("**tz=America%2FNew_York**")  # switched to the browser's zone
    assert "Confirmed" in page.locator(".summary-list").inner_text()
    shoot(page, "7-manage")
    page.get_by_role("link", name="Cancel booking").click()
    refund = page.locator("#refund").inner_text()
    assert "refunded 27.50 USD of its price, 55.00 USD." in refund
    shoot(page, "8-cancel")
    page.get_by_label("Reason").fill("Plans changed")
    page.get_by_role("button", name="Yes, cancel the booking").click()

    assert "Your booking is cancelled. A refund of 27.50 USD is due." in (
        page.get_by_role("status").inner_text()
    )
    stored = ok(
        api.get(f"{API}/bookings/{booking['id']}", params={"token": booking["manage_token"]})
    )
    assert stored["status"] == "cancelled" and stored["refund_due"] == "27.50"
    assert stored["cancel_reason"] == "Plans changed"
    assert _offered(page, times, slot["start"])


def test_a_guest_moves_a_booking_to_another_free_time(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    slots = free_slots(api, salon["haircut"], salon["stylist"], ahead=2)
    booking = book_guest(api, salon["haircut"], salon["stylist"], slots[0]["start"])
    page = new_page("America/New_York")
    page.goto(_manage_path(booking) + "&tz=America/New_York")
    page.get_by_role("link", name="Move to another time").click()

    page.locator("a.day").nth(1).click()  # another day with free times
    shoot(page, "9-reschedule")
    page.get_by_role("button", name="Move to this time").click()
    assert "Pick a new time first." in page.get_by_role("alert").inner_text()
    page.locator("label.time-option").first.click()
    new_start = page.locator("input[name=start]:checked").get_attribute("value") or ""
    page.get_by_role("button", name="Move to this time").click()

    assert "Your booking has moved to" in page.get_by_role("status").inner_text()
    stored = ok(
        api.get(f"{API}/bookings/{booking['id']}", params={"token": booking["manage_token"]})
    )
    assert datetime.fromisoformat(stored["start"]) == datetime.fromisoformat(new_start)
    assert stored["status"] == "confirmed"
