"""The customer area in the browser: join a waitlist from the times page and see the
notification when someone cancels; cancel one's own booking with the refund shown first;
ask a connected-only provider to connect."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from tests.support import API, ok, unique
from tests.web.conftest import register_in_browser, shoot
from tests.web.seed import PASSWORD, book_guest, free_slots, make_salon, times_path


def test_join_a_waitlist_and_see_a_notification_after_someone_cancels(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    taken = book_guest(
        api,
        salon["colour"],
        salon["stylist"],
        free_slots(api, salon["colour"], salon["stylist"])[0]["start"],
    )

    page = new_page("America/New_York")
    page.goto(times_path(salon, "colour", tz="America/New_York"))
    assert page.get_by_role("link", name="Log in").nth(1).is_visible()  # the waitlist's
    register_in_browser(page, "Wanda Waiter", f"{unique('wanda')}@example.com", PASSWORD)
    page.goto(times_path(salon, "colour", tz="America/New_York"))
    page.get_by_role("button", name="Join the waitlist").click()
    page.get_by_text("You are on the waitlist.").wait_for()
    waitlist = page.get_by_role("region", name="My waitlists")
    assert "Colour" in waitlist.inner_text() and "waiting" in waitlist.inner_text()

    page.goto(times_path(salon, "colour", tz="America/New_York"))
    page.get_by_role("button", name="Join the waitlist").click()
    assert "already on this waitlist" in page.get_by_role("alert").inner_text()

    cancel = f"{API}/bookings/{taken['id']}/cancel"
    ok(api.post(cancel, params={"token": taken["manage_token"]}, json={}))
    page.goto("/me?tz=America/New_York")
    notes = page.get_by_role("region", name="Notifications")
    assert "A time freed up: Colour" in notes.inner_text()
    shoot(page, "40-my-notifications")
    notes.get_by_role("link", name="Book this time").click()
    page.get_by_role("heading", name="Your details").wait_for()
    assert page.get_by_label("Full name").input_value() == "Wanda Waiter"

    page.goto("/me")
    page.get_by_role("region", name="Notifications").get_by_role(
        "button", name="Mark as read"
    ).click()
    assert page.get_by_role("region", name="Notifications").locator(".badge").count() == 0
    page.get_by_role("region", name="My waitlists").get_by_role("button", name="Leave").click()
    page.get_by_text("You have left the waitlist.").wait_for()


def test_a_customer_cancels_a_booking_seeing_the_refund_first(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    page = new_page("Europe/Paris")
    register_in_browser(page, "Cal Customer", f"{unique('cal')}@example.com", PASSWORD)
    # Three days ahead: outside the haircut's 24 h free-cancellation window on any day.
    later = dt.date.today() + dt.timedelta(days=3)
    page.goto(f"{times_path(salon, 'haircut')}&from={later}")
    page.locator("a.time").first.click()
    page.get_by_role("button", name="Book now").click()
    page.get_by_role("heading", name="You're booked").wait_for()
    page.get_by_role("link", name="My bookings").first.click()
    page.get_by_role("region", name="Upcoming").get_by_role("link", name="Cancel").click()
    assert "you will be refunded 55.00 USD" in page.locator("#refund").inner_text()
    shoot(page, "41-cancel-my-booking")
    page.get_by_role("button", name="Yes, cancel the booking").click()
    page.get_by_text("Your booking is cancelled.").wait_for()
    page.goto("/me")
    past = page.get_by_role("region", name="Past and cancelled")
    assert "Cancelled" in past.inner_text()
    assert page.get_by_role("region", name="Upcoming").locator(".booking-row").count() == 0


def test_ask_a_connected_only_provider_to_connect(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    coach = salon["other"]
    ok(
        api.patch(
            f"{API}/providers/{coach['id']}",
            json={"visibility": "connected"},
            headers=salon["owner"]["headers"],
        )
    )
    page = new_page()
    register_in_browser(page, "Con Nect", f"{unique('con')}@example.com", PASSWORD)
    page.goto(f"/o/{salon['org']['id']}")
    assert page.get_by_role("region", name=coach["name"]).count() == 0
    page.goto(f"/connect/{coach['id']}")
    page.get_by_label(f"Message for {coach['name']}").fill("We met at the salon.")
    shoot(page, "42-connect")
    page.get_by_role("button", name="Ask to connect").click()
    page.get_by_text("Your request to connect was sent.").wait_for()
    assert "waiting for an answer" in page.get_by_role("region", name="Connections").inner_text()
    page.goto(f"/connect/{coach['id']}")
    assert "waiting for" in page.get_by_role("status").inner_text()
