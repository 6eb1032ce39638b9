"""Forms validate on the server with messages next to their fields, and no input a form
(or a hand-edited link) can send gets a 500: every answer is a readable HTML page."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.support import API, ok, register
from tests.web.conftest import shoot, sign_in
from tests.web.seed import book_guest, free_slots, make_salon, provider_account, times_path


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


# The nastiest few, for forms whose fields all go through the same readers.
FEW = ["", "a\x00b", HUGE, "🙂" * 300, "2026-02-30", "-1"]


def _sweep_posts(
    page: Any, path: str, base: dict[str, str], names: list[str], values: list[str] = NASTY
) -> None:
    """POST ``base`` with each of ``names`` set to each nasty value in turn."""
    for name in names:
        for value in values:
            form = {**base, name: value}
            answer = page.request.post(path, form=form, max_redirects=0)
            _readable(answer, f"{path} {name}={value[:20]!r}")


def test_no_input_to_the_account_pages_gets_a_500(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    provider_user = provider_account(api, salon)
    customer_user = register(api)
    pid = salon["stylist"]["id"]
    consult = salon["consultation"]
    free = free_slots(api, consult, salon["stylist"])
    body = {"service_id": consult["id"], "provider_id": pid, "start": free[0]["start"]}
    mine = ok(api.post(f"{API}/bookings", json=body, headers=customer_user["headers"]), 201)
    suggest = {"starts": [free[3]["start"]]}
    ok(
        api.post(
            f"{API}/bookings/{mine['id']}/suggest-times",
            json=suggest,
            headers=provider_user["headers"],
        )
    )
    request = book_guest(api, consult, salon["stylist"], free[6]["start"])

    customer = new_page("UTC")
    sign_in(customer, customer_user["email"])
    csrf = customer.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    for value in NASTY:
        value = value[:2000]
        for path in (
            "/me?" + str(httpx.QueryParams({"tz": value, "done": value})),
            "/login?" + str(httpx.QueryParams({"next": value})),
            f"/manage/{mine['id']}?" + str(httpx.QueryParams({"tz": value, "done": value})),
        ):
            _readable(customer.request.get(path, max_redirects=0), path)
    _readable(customer.request.get("/connect/not-a-uuid"), "connect")
    _readable(customer.request.get(f"/connect/{uuid.uuid4()}"), "connect unknown")
    join = {
        "csrf_token": csrf,
        "provider_id": pid,
        "service_id": salon["haircut"]["id"],
        "date_from": "2000-01-01",
        "date_to": "2000-01-02",
        "back": "/o/x",
    }
    _sweep_posts(
        customer,
        "/me/waitlist",
        join,
        ["provider_id", "service_id", "date_from", "date_to", "back"],
    )
    _sweep_posts(customer, f"/connect/{salon['other']['id']}", {"csrf_token": csrf}, ["message"])
    _sweep_posts(customer, f"/manage/{mine['id']}/accept", {"csrf_token": csrf}, ["start", "tz"])
    for path in (
        f"/me/waitlist/{uuid.uuid4()}/leave",
        f"/me/notifications/{uuid.uuid4()}/read",
        "/me/waitlist/nope/leave",
    ):
        _readable(customer.request.post(path, form={"csrf_token": csrf}, max_redirects=0), path)

    provider = new_page("UTC")
    sign_in(provider, provider_user["email"])
    csrf = provider.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    dash = f"/dashboard/{pid}"
    for value in NASTY:
        value = value[:2000]
        for path in (
            f"{dash}?" + str(httpx.QueryParams({"week": value, "done": value})),
            f"{dash}/hours?" + str(httpx.QueryParams({"done": value})),
        ):
            _readable(provider.request.get(path, max_redirects=0), path)
    for path in (
        "/dashboard/nope",
        f"{dash}/bookings/{uuid.uuid4()}/suggest",
        f"{dash}/bookings/{mine['id']}/suggest",
    ):
        _readable(provider.request.get(path, max_redirects=0), path)
    hours = {"csrf_token": csrf, "tuesday-1-start": "10:00", "tuesday-1-end": "18:00"}
    _sweep_posts(
        provider, f"{dash}/hours", hours, ["tuesday-1-start", "tuesday-1-end", "sunday-8-end"]
    )
    override = {
        "csrf_token": csrf,
        "override_date": "2031-01-01",
        "override_start": "09:00",
        "override_end": "10:00",
    }
    _sweep_posts(
        provider,
        f"{dash}/overrides",
        override,
        ["override_date", "override_start", "override_end", "override_closed"],
    )
    off = {"csrf_token": csrf, "off_from_date": "2031-01-01", "off_to_date": "2031-01-02"}
    _sweep_posts(
        provider,
        f"{dash}/time-off",
        off,
        ["off_from_date", "off_from_time", "off_to_date", "off_to_time", "off_reason"],
    )
    suggest_path = f"{dash}/bookings/{request['id']}/suggest"
    _sweep_posts(provider, suggest_path, {"csrf_token": csrf, "start": "x"}, ["start", "reason"])
    for action in ("decline", "complete", "no-show", "accept", "nope"):
        _sweep_posts(
            provider,
            f"{dash}/bookings/{request['id']}/{action}",
            {"csrf_token": csrf},
            ["reason", "back"],
            FEW,
        )

    visitor = new_page("UTC")
    visitor.goto("/login")
    csrf = visitor.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    login = {"csrf_token": csrf, "email": customer_user["email"], "password": "wrong-password"}
    # Each login attempt runs argon2 (about 0.2 s): the three worst values only.
    _sweep_posts(visitor, "/login", login, ["email", "password", "next"], FEW[:3])
    taken = {
        "csrf_token": csrf,
        "name": "Ada",
        "email": customer_user["email"],
        "password": "long-enough-1",
    }
    _sweep_posts(visitor, "/register", taken, ["name", "email", "password", "next"], FEW)


def test_the_account_forms_refuse_a_missing_or_wrong_csrf_token(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    provider_user = provider_account(api, salon)
    page = new_page()
    sign_in(page, provider_user["email"])
    dash = f"/dashboard/{salon['stylist']['id']}"
    for path in (
        "/logout",
        "/login",
        "/register",
        "/me/waitlist",
        f"{dash}/hours",
        f"{dash}/overrides",
        f"{dash}/time-off",
        f"/connect/{salon['other']['id']}",
    ):
        for token in (None, "forged"):
            form = {"csrf_token": token} if token else {}
            answer = page.request.post(path, form=form, max_redirects=0)
            assert answer.status == 403, (path, token, answer.status)
    assert page.goto("/me").url.split("?")[0].endswith("/me")  # still signed in
