"""Every POST form needs the CSRF token of the visitor's session cookie: a forged or
missing one is refused with a readable 403 page, and nothing changes."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import API, ok
from tests.web.conftest import shoot
from tests.web.seed import book_guest, free_slots, make_salon, times_path

REFUSED = "Form expired or not sent from this site"


def _submit_details(page: Any, path: str, tamper: str) -> Any:
    page.goto(path)
    page.locator("a.time").first.click()
    page.get_by_label("Full name").fill("Eve")
    page.get_by_label("Email").fill("eve@example.com")
    page.locator("input[name=csrf_token]").evaluate(tamper)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Book now").click()
    return answer.value


def test_forged_or_missing_csrf_tokens_are_refused(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    path = times_path(salon, "haircut", tz="UTC")
    page = new_page("UTC")
    first_free = free_slots(api, salon["haircut"], salon["stylist"])[0]

    forged = _submit_details(page, path, "input => input.value = 'forged-token'")
    assert forged.status == 403
    page.get_by_role("heading", name=REFUSED).wait_for()
    shoot(page, "11-csrf-refused")
    missing = _submit_details(page, path, "input => input.remove()")
    assert missing.status == 403
    page.get_by_role("heading", name=REFUSED).wait_for()
    assert free_slots(api, salon["haircut"], salon["stylist"])[0] == first_free  # not booked

    # A cross-site POST comes without the session cookie: refused even with a real token.
    token = page.locator("input[name=csrf_token]").count()  # the error page has no form
    assert token == 0
    booking = book_guest(api, salon["haircut"], salon["stylist"], first_free["start"])
    page.goto(f"/manage/{booking['id']}/cancel?token={booking['manage_token']}")
    real = page.locator("input[name=csrf_token]").get_attribute("value")
    stranger = new_page("UTC")
    answer = stranger.request.post(
        f"/manage/{booking['id']}/cancel",
        form={"csrf_token": real, "token": booking["manage_token"]},
        max_redirects=0,
    )
    assert answer.status == 403 and REFUSED in answer.text()
    assert answer.headers["content-type"].startswith("text/html")
    stored = ok(
        api.get(f"{API}/bookings/{booking['id']}", params={"token": booking["manage_token"]})
    )
    assert stored["status"] == "confirmed"
