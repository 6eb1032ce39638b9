"""The visitor's choices in the booking flow: the order of a visit's services (as ticked,
or moved on the times page without the page's script) and the length of a service that
comes in several, with its price; tampered values get a message, never a 500."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.server.servers import Server
from tests.support import API, make_service, ok
from tests.web.conftest import DESKTOP, shoot
from tests.web.seed import free_slots, make_salon

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def scriptless_page(browser: Any, server: Server) -> Iterator[Any]:
    """A page in a browser context with JavaScript switched off."""
    context = browser.new_context(
        base_url=server.base_url,
        viewport=DESKTOP,
        timezone_id="Europe/Paris",
        locale="en-GB",
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _book_shown_first_time(page: Any) -> None:
    page.locator("a.time").first.click()
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")


def _booking(api: httpx.Client, page: Any) -> dict:
    """The booking the confirmation page shows, read through the API with its link."""
    manage = page.locator("#manage-link").get_attribute("href") or ""
    found = re.fullmatch(r"/manage/([0-9a-f-]+)\?token=([^&]+)&.*", manage)
    assert found, manage
    booking_id, token = found.groups()
    return ok(api.get(f"{API}/bookings/{booking_id}", params={"token": token}))


def _first_start(page: Any) -> datetime:
    return _shown(page)[0]


def _shown(page: Any) -> list[datetime]:
    """The starts the times page links to, in the order shown."""
    hrefs = page.locator("a.time").evaluate_all("links => links.map(a => a.href)")
    return [datetime.fromisoformat(str(httpx.URL(h).params["start"])) for h in hrefs]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_visit_follows_the_order_the_services_were_ticked_in(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    page = new_page()
    page.goto(f"/o/{salon['org']['id']}")
    card = page.get_by_role("region", name=salon["stylist"]["name"])
    # Listed Colour before Haircut; ticked the other way round.
    card.get_by_role("checkbox", name="Haircut").check()
    card.get_by_role("checkbox", name="Colour").check()
    assert card.locator(".visit-order").inner_text() == "First: Haircut, then: Colour"
    shoot(page, "70-organization-order")
    card.get_by_role("button", name="See free times").click()

    summary = page.locator(".summary")
    assert summary.locator(".visit-order-text").inner_text() == "First: Haircut, then: Colour"
    expected = free_slots(
        api,
        salon["haircut"],
        salon["stylist"],
        tz="Europe/Paris",
        extra_service_id=salon["colour"]["id"],
    )
    assert _first_start(page) == _at(expected[0]["start"])
    _book_shown_first_time(page)
    assert page.locator(".summary .visit-order-text").inner_text() == (
        "First: Haircut, then: Colour"
    )
    shoot(page, "72-details-order")
    page.get_by_role("button", name="Book now").click()
    page.get_by_role("heading", name="You're booked").wait_for()
    assert page.locator(".alert .visit-order-text").inner_text() == "First: Haircut, then: Colour"
    shoot(page, "73-booked-order")
    items = _booking(api, page)["items"]
    assert [i["service_id"] for i in items] == [salon["haircut"]["id"], salon["colour"]["id"]]
    assert items[0]["end"] <= items[1]["start"]


def test_without_script_the_order_is_changed_on_the_times_page(
    scriptless_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    page = scriptless_page
    page.goto(f"/o/{salon['org']['id']}")
    card = page.get_by_role("region", name=salon["stylist"]["name"])
    card.get_by_role("checkbox", name="Haircut").check()
    card.get_by_role("checkbox", name="Colour").check()
    card.get_by_role("button", name="See free times").click()

    # Without the script the listed order applies, and can be changed here.
    summary = page.locator(".summary")
    assert summary.locator(".visit-order-text").inner_text() == "First: Colour, then: Haircut"
    page.get_by_role("button", name="Move Haircut up").click()
    assert summary.locator(".visit-order-text").inner_text() == "First: Haircut, then: Colour"
    shoot(page, "71-times-reorder")
    expected = free_slots(
        api,
        salon["haircut"],
        salon["stylist"],
        tz="Europe/Paris",
        extra_service_id=salon["colour"]["id"],
    )
    assert _first_start(page) == _at(expected[0]["start"])
    page.get_by_role("button", name="Move Colour up").click()
    assert summary.locator(".visit-order-text").inner_text() == "First: Colour, then: Haircut"

    _book_shown_first_time(page)
    page.get_by_role("button", name="Book now").click()
    page.get_by_role("heading", name="You're booked").wait_for()
    items = _booking(api, page)["items"]
    assert [i["service_id"] for i in items] == [salon["colour"]["id"], salon["haircut"]["id"]]


def _treatment(api: httpx.Client, salon: dict) -> dict:
    """60 minutes for 50.00 or 90 minutes for 80.00, by the salon's stylist."""
    return make_service(
        api,
        salon["owner"],
        salon["org"],
        [salon["stylist"]],
        name="Treatment",
        duration_minutes=60,
        duration_options=[60, 90],
        price="50.00",
        duration_prices={"90": "80.00"},
    )


def test_the_visitor_picks_a_longer_option_and_pays_its_price(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    treatment = _treatment(api, salon)
    page = new_page()
    page.goto(f"/o/{salon['org']['id']}")
    card = page.get_by_role("region", name=salon["stylist"]["name"])
    length = card.get_by_label("Length of Treatment")
    assert length.locator("option").all_inner_texts() == [
        "1 h · 50.00 USD",
        "1 h 30 min · 80.00 USD",
    ]
    # Second in a visit, its length cannot change; first, it can.
    card.get_by_role("checkbox", name="Colour").check()
    card.get_by_role("checkbox", name="Treatment").check()
    assert length.is_disabled()
    card.get_by_role("checkbox", name="Colour").uncheck()
    assert length.is_enabled()
    length.select_option("90")
    assert card.locator("output").inner_text() == "1 h 30 min · 80.00 USD"
    shoot(page, "74-organization-length")
    card.get_by_role("button", name="See free times").click()

    expected = free_slots(api, treatment, salon["stylist"], tz="Europe/Paris", duration_minutes=90)
    # The first day's times are the API's free starts of that day for 90 minutes.
    starts = [_at(s["start"]) for s in expected]
    day = starts[0].astimezone(PARIS).date()
    assert _shown(page) == [s for s in starts if s.astimezone(PARIS).date() == day]
    summary = page.locator(".summary")
    assert "Treatment (1 h 30 min)" in summary.inner_text()
    assert "80.00 USD" in summary.locator(".breakdown .total").inner_text()
    assert page.get_by_label("Length of Treatment").input_value() == "90"
    shoot(page, "75-times-length")

    _book_shown_first_time(page)
    page.get_by_role("button", name="Book now").click()
    page.get_by_role("heading", name="You're booked").wait_for()
    booking = _booking(api, page)
    assert booking["duration_minutes"] == 90 and booking["price"] == "80.00"
    assert _at(booking["start"]) == starts[0]


def test_tampered_order_and_length_get_a_message(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    treatment = _treatment(api, salon)
    org, stylist = salon["org"]["id"], salon["stylist"]["id"]
    haircut, colour = salon["haircut"]["id"], salon["colour"]["id"]
    base = {"provider_id": stylist, "tz": "UTC"}
    cases = {
        "The order of the services did not match": [
            ("service_id", haircut),
            ("service_id", colour),
            ("order", haircut),
        ],
        "did not match the ticked ones": [
            ("service_id", haircut),
            ("order", f"{haircut},not-an-id"),
        ],
        "Treatment can be booked for 1 h or 1 h 30 min": [
            ("service_id", treatment["id"]),
            ("duration", "45"),
        ],
        "pick one of those lengths": [("service_id", treatment["id"]), ("duration", "x9")],
        "Only the first service of a visit can take another length": [
            ("service_id", colour),
            ("service_id", treatment["id"]),
            ("order", f"{colour},{treatment['id']}"),
            (f"length-{treatment['id']}", "90"),
        ],
    }
    page = new_page()
    for message, pairs in cases.items():
        query = str(httpx.QueryParams([*base.items(), *pairs]))
        for path in (f"/o/{org}/times?{query}", f"/o/{org}/details?{query}&start=x"):
            response = page.request.get(path, max_redirects=0)
            assert response.status == 422, (path, response.status)
            assert message in response.text(), (path, response.text()[:300])

    # Without the script, a changed length puts its service first.
    query = str(
        httpx.QueryParams(
            [
                *base.items(),
                ("service_id", colour),
                ("service_id", treatment["id"]),
                (f"length-{treatment['id']}", "90"),
            ]
        )
    )
    page.goto(f"/o/{org}/times?{query}")
    assert page.locator(".visit-order-text").inner_text() == "First: Treatment, then: Colour"
    assert "Treatment (1 h 30 min)" in page.locator(".summary").inner_text()

    # A sent form with an unknown length is refused with the same message.
    page.goto(f"/o/{org}/times?{httpx.QueryParams([*base.items(), ('service_id', haircut)])!s}")
    page.locator("a.time").first.click()
    csrf = page.locator("input[name=csrf_token]").get_attribute("value")
    form = {
        "csrf_token": csrf,
        **base,
        "service_id": haircut,
        "duration": "999",
        "start": page.locator("input[name=start]").get_attribute("value"),
        "name": "Ada",
        "email": "ada@example.com",
        "form_key": "k" * 20,
    }
    response = page.request.post(f"/o/{org}/details", form=form, max_redirects=0)
    assert response.status == 422 and "Haircut can be booked for 45 min" in response.text()

    tampered = str(httpx.QueryParams([*base.items(), *cases["did not match the ticked ones"]]))
    page.goto(f"/o/{org}/times?{tampered}")
    assert "did not match the ticked ones" in page.locator(".field-error").inner_text()
    shoot(page, "76-tampered-order")
