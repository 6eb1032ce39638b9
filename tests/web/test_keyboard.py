"""Keyboard only: the booking flow from the search to the confirmation, and the provider
dashboard (answer a request, change week and tab, remove time off), with Tab, Enter and
Space. Every element the Tab key reaches on the way must show a visible focus ring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx

from tests.support import API, ok
from tests.web.conftest import sign_in
from tests.web.seed import book_guest, free_slots, make_salon, provider_account

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const region = el.closest("section, [role=region]");
  const heading = region && region.querySelector("h1, h2, h3");
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute("name") || "",
    cls: el.className || "",
    text: (el.getAttribute("aria-label") || el.textContent || "").trim().replace(/\\s+/g, " "),
    label: el.labels && el.labels.length ? el.labels[0].textContent.trim() : "",
    region: heading ? heading.textContent.trim().replace(/\\s+/g, " ") : "",
    card: el.closest(".request, .connection-request, .listing-row") ? "yes" : "",
    outline: style.outlineStyle,
    // A date or time field's own calendar / clock button (inside the browser's shadow
    // tree, drawn with the browser's focus ring): the field itself is then not :focus.
    pickerButton: /^(date|time|datetime-local)$/.test(el.type || "") && !el.matches(":focus"),
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    shown: box.width > 0 && box.height > 0,
  };
}"""
NO_POSITIVE_TABINDEX = (
    "() => [...document.querySelectorAll('[tabindex]')].filter(e => e.tabIndex > 0).length"
)


def tab_to(page: Any, wanted: Callable[[dict], bool], limit: int = 120) -> dict:
    """Press Tab until the focused element is ``wanted``; each element passed on the way
    must be on screen with a visible outline (the focus ring)."""
    assert page.evaluate(NO_POSITIVE_TABINDEX) == 0, "a positive tabindex breaks the order"
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        seen.append(focused["text"][:40])
        assert focused["shown"], f"focus on an invisible element: {focused}"
        if focused["pickerButton"]:
            continue
        assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, (
            f"no visible focus ring: {focused}"
        )
        if wanted(focused):
            return focused
    raise AssertionError(f"never reached by Tab; passed {seen}")


def test_booking_by_keyboard_from_the_search_to_the_confirmation(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    page = new_page("America/New_York")
    page.goto("/")
    first = tab_to(page, lambda f: True)
    assert first["text"] == "Skip to content"
    tab_to(page, lambda f: f["name"] == "city")
    page.keyboard.type(salon["city"])
    tab_to(page, lambda f: f["name"] == "q")
    page.keyboard.type(salon["org"]["name"])
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Places matching your search").wait_for()
    tab_to(page, lambda f: f["text"] == f"Book at {salon['org']['name']}")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=salon["org"]["name"], level=1).wait_for()

    stylist = salon["stylist"]["name"]
    tab_to(page, lambda f: f["region"] == stylist and f["label"].startswith("Haircut"))
    page.keyboard.press("Space")
    assert "45 min" in page.get_by_role("region", name=stylist).locator("output").inner_text()
    tab_to(page, lambda f: f["region"] == stylist and f["text"] == "See free times")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Pick a time").wait_for()
    chosen = tab_to(page, lambda f: "time" in f["cls"].split())
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your details").wait_for()
    tab_to(page, lambda f: f["name"] == "name")
    page.keyboard.type("Kay Board")
    tab_to(page, lambda f: f["name"] == "email")
    page.keyboard.type("kay@example.com")
    tab_to(page, lambda f: f["text"] == "Book now")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="You're booked").wait_for()
    assert chosen["text"][:5] in page.locator("main").inner_text()
    tab_to(page, lambda f: "Add to calendar" in f["text"])


def test_the_dashboard_by_keyboard(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    stylist = provider_account(api, salon)
    provider_id = salon["stylist"]["id"]
    start = free_slots(api, salon["consultation"], salon["stylist"])[0]["start"]
    request = book_guest(api, salon["consultation"], salon["stylist"], start, "Rhea Quest")
    later = dt.date.today() + dt.timedelta(days=20)
    assert request["status"] == "requested"
    ok(
        api.post(
            f"{API}/providers/{provider_id}/time-off",
            json={"start": f"{later}T15:00:00Z", "end": f"{later}T17:00:00Z"},
            headers=salon["owner"]["headers"],
        ),
        201,
    )
    page = new_page("America/New_York")
    sign_in(page, stylist["email"])
    page.goto(f"/dashboard/{provider_id}")
    tab_to(page, lambda f: f["text"] == "Accept" and f["card"] == "yes")
    page.keyboard.press("Enter")
    page.get_by_text("Request accepted").wait_for()

    # Past the calendar (a scrollable region the keyboard can scroll) to the next week.
    region = tab_to(page, lambda f: f["cls"] == "week-scroll")
    assert region["tag"] == "div"
    page.keyboard.press("Shift+Tab")
    tab_to(page, lambda f: f["text"] == "Next week →")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "done=" not in page.url

    tab_to(page, lambda f: f["text"] == "Days off and special hours")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Time off", exact=True).wait_for()
    tab_to(page, lambda f: f["text"].startswith("Remove the time off"))
    page.keyboard.press("Space")
    page.get_by_text("Time off removed").wait_for()
    assert (
        ok(api.get(f"{API}/providers/{provider_id}/time-off", headers=salon["owner"]["headers"]))
        == []
    )
    statuses = {
        b["id"]: b["status"]
        for b in ok(api.get(f"{API}/bookings", headers=salon["owner"]["headers"]))
    }
    assert statuses[request["id"]] == "confirmed"
