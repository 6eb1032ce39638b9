"""More of the provider dashboard in the browser: connection requests answered there open a
members-only calendar to the customer; the waitlist in line order; removing a date's
special hours or a time-off entry gives the times back."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.support import (
    API,
    WEEKDAYS,
    make_location,
    make_org,
    make_provider,
    make_service,
    ok,
    register,
    set_hours,
    unique,
)
from tests.web.conftest import DESKTOP, SCREENSHOTS, register_in_browser, shoot, sign_in
from tests.web.seed import PASSWORD, free_slots, make_salon, provider_account, times_path

NEW_YORK = ZoneInfo("America/New_York")


def _members_only(api: httpx.Client, salon: dict, provider: str = "other") -> dict:
    ok(
        api.patch(
            f"{API}/providers/{salon[provider]['id']}",
            json={"visibility": "connected"},
            headers=salon["owner"]["headers"],
        )
    )
    return salon[provider]


def test_the_provider_accepts_a_connection_and_the_customer_sees_the_free_times(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    coach = _members_only(api, salon)
    coach_account = provider_account(api, salon, "other")
    haircut_times = (
        f"/o/{salon['org']['id']}/times?provider_id={coach['id']}"
        f"&service_id={salon['haircut']['id']}&tz=America/New_York"
    )

    customer = new_page("America/New_York")
    register_in_browser(customer, "Mia Member", f"{unique('mia')}@example.com", PASSWORD)
    refused = customer.goto(haircut_times)
    assert refused is not None and refused.status == 404
    assert customer.locator("a.time").count() == 0
    customer.goto(f"/connect/{coach['id']}")
    customer.get_by_label(f"Message for {coach['name']}").fill("Friend of Dana's.")
    customer.get_by_role("button", name="Ask to connect").click()
    customer.get_by_text("Your request to connect was sent.").wait_for()

    # A second customer asks too; the provider declines that one.
    other = new_page("America/New_York")
    register_in_browser(other, "Otto Other", f"{unique('otto')}@example.com", PASSWORD)
    other.goto(f"/connect/{coach['id']}")
    other.get_by_role("button", name="Ask to connect").click()
    other.get_by_text("Your request to connect was sent.").wait_for()

    provider = new_page("America/New_York")
    sign_in(provider, coach_account["email"])
    provider.get_by_role("link", name="Dashboard").click()
    inbox = provider.get_by_role("region", name="Connection requests")
    rows = inbox.locator(".connection-request")
    assert rows.count() == 2
    assert "Friend of Dana's." in rows.filter(has_text="Mia Member").inner_text()
    shoot(provider, "36-dashboard-connections")
    rows.filter(has_text="Mia Member").get_by_role("button", name="Accept").click()
    provider.get_by_text("Connected: the customer now sees your free times").wait_for()
    provider.get_by_role("region", name="Connection requests").locator(
        ".connection-request"
    ).filter(has_text="Otto Other").get_by_role("button", name="Decline").click()
    provider.get_by_text("Connection request declined.").wait_for()
    assert provider.locator(".connection-request").count() == 0

    # Still hidden from everyone else: the API answers a guest as for an unknown provider.
    query = {"start_date": "2030-01-01", "end_date": "2030-01-02", "provider_id": coach["id"]}
    guest = api.get(f"{API}/services/{salon['haircut']['id']}/slots", params=query)
    assert guest.status_code == 404
    customer.goto(haircut_times)
    times = customer.locator("a.time")
    assert times.count() > 0
    customer.goto(f"/o/{salon['org']['id']}")
    assert customer.get_by_role("region", name=coach["name"]).count() == 1
    customer.goto("/me")
    assert "connected" in customer.get_by_role("region", name="Connections").inner_text()

    other.goto(haircut_times)
    assert other.locator("a.time").count() == 0
    other.goto("/me")
    assert "declined" in other.get_by_role("region", name="Connections").inner_text()


def test_the_waitlist_is_shown_in_line_order(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    stylist = provider_account(api, salon)
    today = dt.datetime.now(NEW_YORK).date()
    waiters = []
    for name, service in (("First Waiter", "colour"), ("Second Waiter", "haircut")):
        user = register(api)
        waiters.append((name, user))
        body = {
            "provider_id": salon["stylist"]["id"],
            "service_id": salon[service]["id"],
            "date_from": str(today + dt.timedelta(days=1)),
            "date_to": str(today + dt.timedelta(days=8)),
        }
        ok(api.post(f"{API}/waitlist", json=body, headers=user["headers"]), 201)
    # One who left is not in line any more.
    gone = register(api)
    body["date_from"] = str(today + dt.timedelta(days=20))
    body["date_to"] = str(today + dt.timedelta(days=21))
    entry = ok(api.post(f"{API}/waitlist", json=body, headers=gone["headers"]), 201)
    ok(api.delete(f"{API}/waitlist/{entry['id']}", headers=gone["headers"]))

    page = new_page("America/New_York")
    sign_in(page, stylist["email"])
    page.goto(f"/dashboard/{salon['stylist']['id']}")
    line = page.get_by_role("region", name="Waitlist").locator(".waiter")
    assert line.count() == 2
    texts = line.all_inner_texts()
    assert "Colour" in texts[0] and waiters[0][1]["email"] in texts[0]
    assert "Haircut" in texts[1] and waiters[1][1]["email"] in texts[1]
    assert texts[0].startswith("1") and texts[1].startswith("2")
    assert gone["email"] not in page.get_by_role("region", name="Waitlist").inner_text()
    page.get_by_role("region", name="Waitlist").scroll_into_view_if_needed()
    shoot(page, "37-dashboard-waitlist")
    api_line = ok(
        api.get(
            f"{API}/providers/{salon['stylist']['id']}/waitlist",
            headers=salon["owner"]["headers"],
        )
    )
    assert [e["waiter"]["email"] for e in api_line if e["status"] == "waiting"] == [
        waiters[0][1]["email"],
        waiters[1][1]["email"],
    ]


def test_removing_time_off_and_special_hours_brings_the_times_back(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    stylist = provider_account(api, salon)
    provider_id = salon["stylist"]["id"]
    days = sorted({s["start"][:10] for s in free_slots(api, salon["class"], salon["stylist"], 6)})
    closed, off = days[0], days[1]
    headers = salon["owner"]["headers"]
    ok(
        api.post(
            f"{API}/providers/{provider_id}/date-overrides",
            json={"date": closed, "windows": []},
            headers=headers,
        ),
        201,
    )
    start = dt.datetime.combine(dt.date.fromisoformat(off), dt.time(0), NEW_YORK)
    ok(
        api.post(
            f"{API}/providers/{provider_id}/time-off",
            json={
                "start": start.isoformat(),
                "end": (start + dt.timedelta(days=1)).isoformat(),
                "reason": "Conference",
            },
            headers=headers,
        ),
        201,
    )
    visitor = new_page("America/New_York")
    visitor.goto(times_path(salon, "class", tz="America/New_York"))
    for day in (closed, off):
        assert visitor.locator(f"a.day[href$='day={day}']").count() == 0

    page = new_page("America/New_York")
    sign_in(page, stylist["email"])
    page.goto(f"/dashboard/{provider_id}/days")
    time_off = page.get_by_role("region", name="Time off")
    assert "Conference" in time_off.inner_text()
    time_off.get_by_role("button", name="Remove").click()
    page.get_by_text("Time off removed: those times can be booked again.").wait_for()
    assert "Conference" not in page.get_by_role("region", name="Time off").inner_text()
    page.get_by_role("region", name="Special hours for one date").get_by_role(
        "button", name="Remove"
    ).click()
    page.get_by_text("Special hours removed").wait_for()
    assert (
        page.get_by_role("region", name="Special hours for one date")
        .get_by_role("button", name="Remove")
        .count()
        == 0
    )

    left = {s["start"][:10] for s in free_slots(api, salon["class"], salon["stylist"], 6)}
    assert {closed, off} <= left
    visitor.reload()
    for day in (closed, off):
        assert visitor.locator(f"a.day[href$='day={day}']").count() == 1
    assert ok(api.get(f"{API}/providers/{provider_id}/time-off", headers=headers)) == []


def test_the_remove_buttons_refuse_strangers_and_a_missing_csrf_token(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    provider_id = salon["stylist"]["id"]
    headers = salon["owner"]["headers"]
    off = ok(
        api.post(
            f"{API}/providers/{provider_id}/time-off",
            json={"start": "2031-01-07T15:00:00Z", "end": "2031-01-07T17:00:00Z"},
            headers=headers,
        ),
        201,
    )
    stranger = new_page()
    register_in_browser(stranger, "Sly Stranger", f"{unique('sly')}@example.com", PASSWORD)
    token = stranger.locator("input[name=csrf_token]").first.get_attribute("value")
    path = f"/dashboard/{provider_id}/time-off/{off['id']}/delete"
    forged = stranger.request.post(path, form={"csrf_token": "forged"})
    assert forged.status == 403
    refused = stranger.request.post(path, form={"csrf_token": token or ""})
    assert refused.status == 403
    for bad in (
        f"/dashboard/{provider_id}/time-off/not-a-uuid/delete",
        f"/dashboard/{provider_id}/overrides/2031-02-30/delete",
    ):
        response = stranger.request.post(bad, form={"csrf_token": token or ""})
        assert response.status in (403, 404, 422), (bad, response.status)
    listed = ok(api.get(f"{API}/providers/{provider_id}/time-off", headers=headers))
    assert [t["id"] for t in listed] == [off["id"]]


LONDON = ZoneInfo("Europe/London")
BUSY_WEEK = [  # (weekday, local start, service, customer, booked how)
    (0, "09:00", "physio", "Priya Shah", "confirmed"),
    (0, "10:00", "massage", "Tom Becker", "confirmed"),
    (0, "14:30", "assessment", "Lena Novak", "requested"),
    (1, "09:30", "physio", "Omar Haddad", "confirmed"),
    (1, "11:00", "massage", "Grace Kim", "held"),
    (1, "15:00", "physio", "Sam Ortiz", "confirmed"),
    (2, "10:00", "assessment", "Ines Duarte", "requested"),
    (2, "13:00", "massage", "Ravi Patel", "confirmed"),
    (3, "09:00", "physio", "Hana Sato", "confirmed"),
    (3, "11:15", "physio", "Luca Romano", "confirmed"),
    (4, "12:00", "massage", "Zoe Clarke", "confirmed"),
    (4, "15:30", "physio", "Ben Adler", "held"),
]


def test_a_busy_week_on_the_dashboard(new_page: Any, api: httpx.Client) -> None:
    """A physiotherapist's next week: confirmed visits, requests, holds and an afternoon
    off, each drawn in its status on the calendar (the README shows this screenshot)."""
    owner = register(api)
    org = make_org(api, owner, name="Harbour Physio", timezone="Europe/London", currency="GBP")
    location = make_location(api, owner, org, name="Harbour Physio", city=unique("Bristol"))
    physio = make_provider(
        api, owner, org, name="Maya Chen", timezone="Europe/London", location_ids=[location["id"]]
    )
    set_hours(api, owner, physio, "09:00", "17:00", days=WEEKDAYS[:5])
    services = {
        "physio": make_service(
            api, owner, org, [physio], name="Physiotherapy", duration_minutes=45, price="60.00"
        ),
        "massage": make_service(
            api, owner, org, [physio], name="Sports massage", duration_minutes=60, price="70.00"
        ),
        "assessment": make_service(
            api,
            owner,
            org,
            [physio],
            name="First assessment",
            duration_minutes=30,
            price="40.00",
            requires_approval=True,
        ),
    }
    today = dt.datetime.now(LONDON).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    for weekday, clock, service, name, how in BUSY_WEEK:
        local = dt.datetime.combine(
            monday + dt.timedelta(days=weekday), dt.time.fromisoformat(clock), LONDON
        )
        body = {
            "service_id": services[service]["id"],
            "provider_id": physio["id"],
            "start": local.isoformat(),
            "customer": {"name": name, "email": f"{name.split()[0].lower()}@example.com"},
            "hold": how == "held",
        }
        assert ok(api.post(f"{API}/bookings", json=body), 201)["status"] == how
    off_start = dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(15), LONDON)
    ok(
        api.post(
            f"{API}/providers/{physio['id']}/time-off",
            json={
                "start": off_start.isoformat(),
                "end": (off_start + dt.timedelta(hours=2)).isoformat(),
                "reason": "Team training",
            },
            headers=owner["headers"],
        ),
        201,
    )
    account = provider_account(api, {"owner": owner, "physio": physio}, "physio")

    page = new_page("Europe/London")
    sign_in(page, account["email"])
    page.goto(f"/dashboard/{physio['id']}?week={monday}")
    grid = page.locator(".week-grid")
    counts = Counter(how for *_, how in BUSY_WEEK)
    for how, count in counts.items():
        assert grid.locator(f"a.block.kind-{how}").count() == count, how
    assert grid.locator(".block.kind-off").count() == 1
    assert "Team training" in grid.locator(".block.kind-off").inner_text()
    assert page.locator(".request").count() == 2  # both requests wait in the inbox
    shoot(page, "38-dashboard-busy-week")
    # The top of the page down to the calendar's end, for the README.
    box = page.locator(".week-section").bounding_box()
    assert box is not None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / "38-dashboard-busy-week-top-desktop.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": box["y"] + box["height"] + 24},
    )
