"""The provider dashboard in the browser: the issue's acceptance test (a provider accepts
one request and suggests times for another, the customer accepts a suggestion), weekly
hours and days off edited on the pages change the free times, completed / no-show."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.server.servers import Server
from tests.support import API, ok, unique
from tests.web.conftest import register_in_browser, shoot, sign_in
from tests.web.seed import (
    PASSWORD,
    book_guest,
    free_slots,
    make_salon,
    move_into_past,
    provider_account,
    times_path,
)

NEW_YORK = ZoneInfo("America/New_York")


def _monday(start: str) -> str:
    day = dt.datetime.fromisoformat(start).astimezone(NEW_YORK).date()
    return str(day - dt.timedelta(days=day.weekday()))


def _provider_bookings(api: httpx.Client, salon: dict) -> list[dict]:
    params = {"provider_id": salon["stylist"]["id"]}
    return ok(api.get(f"{API}/bookings", params=params, headers=salon["owner"]["headers"]))


def test_a_provider_answers_two_requests_and_the_customer_accepts_a_suggestion(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    stylist = provider_account(api, salon)

    customer = new_page("Europe/Paris")
    register_in_browser(customer, "Ada Lovelace", f"{unique('ada')}@example.com", PASSWORD)
    for _ in range(2):
        customer.goto(times_path(salon, "consultation"))
        customer.locator("a.time").first.click()
        assert customer.get_by_label("Full name").input_value() == "Ada Lovelace"
        customer.get_by_role("button", name="Send booking request").click()
        customer.get_by_role("heading", name="Request sent").wait_for()
    customer.goto("/me")
    upcoming = customer.get_by_role("region", name="Upcoming")
    assert upcoming.locator(".status-requested").count() == 2

    provider = new_page("America/New_York")
    sign_in(provider, stylist["email"])
    provider.get_by_role("link", name="Dashboard").click()
    inbox = provider.locator(".request")
    assert inbox.count() == 2
    first_id = (inbox.first.get_attribute("id") or "").removeprefix("request-")
    second_id = (inbox.nth(1).get_attribute("id") or "").removeprefix("request-")
    inbox.first.get_by_role("button", name="Accept").click()
    provider.get_by_text("Request accepted").wait_for()
    assert provider.locator(".request").count() == 1

    provider.locator(".request").get_by_role("link", name="Suggest other times").click()
    provider.get_by_role("heading", name="Suggest other times").wait_for()
    with provider.expect_response(lambda r: r.request.method == "POST") as answer:
        provider.get_by_role("button", name="Suggest these times").click()
    assert answer.value.status == 422
    assert "Tick at least one time" in provider.locator("#f-start-error").inner_text()
    boxes = provider.locator("details[open] input[name=start]")
    boxes.nth(0).check()
    boxes.nth(4).check()
    suggested = [boxes.nth(i).get_attribute("value") for i in (0, 4)]
    provider.get_by_label("Message for Ada Lovelace").fill("Mornings are full; how about these?")
    shoot(provider, "30-suggest-times")
    provider.get_by_role("button", name="Suggest these times").click()
    provider.get_by_text("Times suggested: the customer picks one.").wait_for()
    assert provider.locator(".request").count() == 0

    accepted = next(b for b in _provider_bookings(api, salon) if b["id"] == first_id)
    provider.goto(f"/dashboard/{salon['stylist']['id']}?week={_monday(accepted['start'])}")
    assert provider.locator(f"a.block.kind-confirmed[href='#b-{first_id}']").count() == 1
    assert "Confirmed" in provider.locator(f"#b-{first_id}").inner_text()
    shoot(provider, "31-dashboard-week")

    customer.goto("/me")
    row = customer.locator(f"[data-booking-id='{second_id}']")
    assert "suggested other times" in row.inner_text()
    row.get_by_role("link", name="Pick a suggested time").click()
    choices = customer.get_by_role("radio")
    assert choices.count() == 2
    choices.nth(1).check()
    shoot(customer, "32-pick-a-suggested-time")
    customer.get_by_role("button", name="Accept this time").click()
    customer.get_by_text("Confirmed:").wait_for()
    customer.goto("/me")
    assert customer.get_by_role("region", name="Upcoming").locator(".status-confirmed").count() == 2
    shoot(customer, "33-my-bookings")

    final = {b["id"]: b for b in _provider_bookings(api, salon)}
    assert final[first_id]["status"] == "confirmed"
    assert final[second_id]["status"] == "confirmed"
    moved = dt.datetime.fromisoformat(final[second_id]["start"])
    assert moved == dt.datetime.fromisoformat(suggested[1] or "")
    a, b = final[first_id], final[second_id]
    assert a["end"] <= b["start"] or b["end"] <= a["start"], "the two bookings overlap"


def test_weekly_hours_days_off_and_special_hours_change_the_free_times(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    stylist = provider_account(api, salon)
    page = new_page("America/New_York")
    sign_in(page, stylist["email"])
    page.goto(f"/dashboard/{salon['stylist']['id']}")
    page.get_by_role("link", name="Weekly hours").click()
    assert page.get_by_label("Tuesday, window 1").get_by_label("From").input_value() == "10:00"

    monday = page.get_by_role("group", name="Monday, window 1")
    monday.get_by_label("From").fill("14:00")
    monday.get_by_label("To").fill("13:00")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save weekly hours").click()
    assert answer.value.status == 422
    assert "The end must be after the start." in page.locator(".field-error").inner_text()
    shoot(page, "34-weekly-hours")

    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        window = page.get_by_role("group", name=f"{day}, window 1")
        window.get_by_label("From").fill("12:00")
        window.get_by_label("To").fill("13:00")
    page.get_by_role("button", name="Save weekly hours").click()
    page.get_by_text("Weekly hours saved").wait_for()

    visitor = new_page("America/New_York")
    visitor.goto(times_path(salon, "class", tz="America/New_York"))
    assert visitor.locator("a.time").all_inner_texts() == ["12:00\n4 seats left"]
    api_starts = free_slots(api, salon["class"], salon["stylist"], days=6)
    assert {s["start"][11:16] for s in api_starts} == {"12:00"}

    first, second = (dt.date.fromisoformat(s["start"][:10]) for s in api_starts[:2])
    page.get_by_role("link", name="Days off and special hours").click()
    page.get_by_label("Date", exact=True).fill(str(first))
    page.get_by_label("Closed all day").check()
    page.get_by_role("button", name="Save the date's hours").click()
    page.get_by_text("The hours of that date are saved.").wait_for()
    page.get_by_label("From date").fill(str(second))
    page.get_by_label("To date").fill(str(second))
    page.get_by_label("Reason").fill("Training")
    page.get_by_role("button", name="Add time off").click()
    page.get_by_text("Time off added").wait_for()
    assert "Training" in page.get_by_role("region", name="Time off").inner_text()
    shoot(page, "35-days-off")

    left = {s["start"][:10] for s in free_slots(api, salon["class"], salon["stylist"], days=6)}
    assert str(first) not in left and str(second) not in left
    visitor.reload()
    for day in (first, second):
        assert visitor.locator(f"a.day[href$='day={day}']").count() == 0


def test_the_provider_marks_a_booking_completed_and_another_a_no_show(
    new_page: Any, api: httpx.Client, server: Server
) -> None:
    salon = make_salon(api)
    stylist = provider_account(api, salon)
    slots = free_slots(api, salon["haircut"], salon["stylist"])
    came = book_guest(api, salon["haircut"], salon["stylist"], slots[0]["start"])
    missed = book_guest(api, salon["haircut"], salon["stylist"], slots[8]["start"])
    move_into_past(server.database_url, came["id"], hours=3)
    move_into_past(server.database_url, missed["id"], hours=2)
    page = new_page("America/New_York")
    sign_in(page, stylist["email"])
    started = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    page.goto(f"/dashboard/{salon['stylist']['id']}?week={_monday(started.isoformat())}")
    page.locator(f"#b-{came['id']}").get_by_role("button", name="Completed").click()
    page.get_by_text("Marked as completed.").wait_for()
    page.locator(f"#b-{missed['id']}").get_by_role("button", name="No-show").click()
    page.get_by_text("Marked as a no-show.").wait_for()
    assert page.locator(f"a.block.kind-completed[href='#b-{came['id']}']").count() == 1
    assert "No-show" in page.locator(f"a.block[href='#b-{missed['id']}']").inner_text()
    statuses = {b["id"]: b["status"] for b in _provider_bookings(api, salon)}
    assert statuses[came["id"]] == "completed"
    assert statuses[missed["id"]] == "no_show"
