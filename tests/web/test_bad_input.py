"""Forms validate on the server with messages next to their fields, and no input a form
(or a hand-edited link) can send gets a 500: every answer is a readable HTML page."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.web.conftest import shoot
from tests.web.seed import book_guest, free_slots, make_salon, times_path


def _error(page: Any, field: str) -> str:
    return page.locator(f"#f-{field}-error").inner_text().lstrip("! ")


def test_the_details_form_explains_what_is_wrong_next_to_each_field(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    page = new_page("UTC")
    page.goto(f"/o/{salon['org']['id']}")
    page.get_by_role("region", name=salon["stylist"]["name"]).get_by_role(
        "button", name="See free times"
    ).click()
    assert "Tick at least one service." in page.locator(".field-error").inner_text()

    page.goto(times_path(salon, "haircut", tz="UTC"))
    page.locator("a.time").first.click()
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Book now").click()
    assert answer.value.status == 422
    assert _error(page, "name") == "Enter your name."
    assert _error(page, "email") == "Enter your email address."
    assert page.get_by_label("Full name").get_attribute("aria-invalid") == "true"

    page.get_by_label("Full name").fill("Ada")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Discount code").fill("NO SUCH CODE!")
    page.get_by_role("button", name="Book now").click()
    assert _error(page, "email") == "Enter a valid email address, like name@example.com."
    assert _error(page, "discount_code").startswith("A discount code is 2 to 64 letters")
    assert page.locator("#f-name-error").count() == 0
    shoot(page, "10-details-errors")

    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Discount code").fill("NOPE123")
    page.get_by_role("button", name="Book now").click()
    assert _error(page, "discount_code") == "Unknown discount code 'NOPE123'."
    assert page.get_by_label("Full name").input_value() == "Ada"


HUGE = "x" * 100_000
NASTY = [
    "",
    "\x00",
    "a\x00b",
    HUGE,
    "null",
    "'; DROP TABLE bookings; --",
    "🙂" * 300,
    "2026-02-30",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "-1",
    "1e309",
]


def _readable(response: Any, what: str) -> None:
    what = what[:120]
    assert response.status < 500, (what, response.status, response.text()[:500])
    if 300 <= response.status < 400:
        assert response.headers["location"].startswith("/"), what
        return
    assert response.headers["content-type"].startswith(("text/html", "text/calendar")), what


def test_no_input_gets_a_500(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    org, stylist, haircut = salon["org"]["id"], salon["stylist"]["id"], salon["haircut"]["id"]
    start = free_slots(api, salon["haircut"], salon["stylist"])[2]["start"]
    booking = book_guest(api, salon["haircut"], salon["stylist"], start)
    manage = f"/manage/{booking['id']}"
    page = new_page("UTC")
    page.goto(f"{manage}/cancel?token={booking['manage_token']}")
    csrf = page.locator("input[name=csrf_token]").get_attribute("value")
    choice = {"provider_id": stylist, "service_id": haircut, "tz": "UTC"}
    gets = [
        f"/o/{uuid.uuid4()}",
        "/o/not-a-uuid",
        f"/booked/{uuid.uuid4()}?token=x",
        f"{manage}?token=wrong",
        manage,
        f"{manage}/calendar.ics",
        "/nowhere",
    ]
    for value in NASTY:
        value = value[:2000]  # longer addresses are refused by the HTTP server itself (400)
        gets += [
            "/?" + str(httpx.QueryParams({"q": value, "city": value})),
            f"/o/{org}/times?"
            + str(
                httpx.QueryParams(
                    {**choice, "day": value, "from": value, "tz": value, "duration": value}
                )
            ),
            f"/o/{org}/times?"
            + str(httpx.QueryParams({"provider_id": value, "service_id": value})),
            f"/o/{org}/details?" + str(httpx.QueryParams({**choice, "start": value})),
            f"{manage}/reschedule?"
            + str(httpx.QueryParams({"token": booking["manage_token"], "day": value, "tz": value})),
        ]
    for path in gets:
        _readable(page.request.get(path, max_redirects=0), path)

    fields = {
        "name": "Ada",
        "email": "ada@example.com",
        "phone": "",
        "notes": "",
        "discount_code": "",
        "start": start,
        "form_key": "k" * 20,
    }
    for name in [*fields, "provider_id", "service_id", "duration", "tz"]:
        for value in NASTY:
            form = {"csrf_token": csrf, **choice, **fields, name: value}
            _readable(
                page.request.post(f"/o/{org}/details", form=form, max_redirects=0),
                f"details {name}={value[:20]!r}",
            )
    for value in NASTY:
        for action, name in (("cancel", "reason"), ("reschedule", "start")):
            form = {"csrf_token": csrf, "token": booking["manage_token"], name: value}
            if action == "cancel" and value == "":
                continue  # that one really cancels; done last
            _readable(
                page.request.post(f"{manage}/{action}", form=form, max_redirects=0),
                f"{action} {name}={value[:20]!r}",
            )
    too_many = {f"f{i}": "x" for i in range(100)} | {"csrf_token": csrf}
    _readable(page.request.post(f"/o/{org}/details", form=too_many), "100 fields")
    upload = {
        "csrf_token": csrf,
        "file": {"name": "a.txt", "mimeType": "text/plain", "buffer": b"hello"},
    }
    _readable(page.request.post(f"/o/{org}/details", multipart=upload), "a file")
    raw = page.request.post(
        f"/o/{org}/details",
        data=b"name=%FF%FE&csrf_token=" + csrf.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    _readable(raw, "bytes that are not UTF-8")
    assert re.search(r"<h1[^>]*>", raw.text())
