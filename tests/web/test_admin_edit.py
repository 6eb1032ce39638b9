"""Organization admin in the browser, changing and removing: a provider renamed and made
private leaves the public booking page; a location is edited; a code's limit cannot go
below the uses taken; a provider without bookings is removed, one with bookings is not
and the page says why."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.support import API, make_provider, make_service, ok
from tests.web.conftest import shoot, sign_in
from tests.web.seed import free_slots
from tests.web.test_admin import make_barbershop


def test_an_admin_renames_a_provider_makes_them_private_and_edits_a_location(
    new_page: Any, api: httpx.Client
) -> None:
    shop = make_barbershop(api)
    org_id, barber = shop["org"]["id"], shop["barber"]
    make_service(api, shop["owner"], shop["org"], [barber], name="Cut", price="40.00")
    visitor = new_page("America/New_York")
    visitor.goto(f"/o/{org_id}")
    assert visitor.get_by_role("region", name=barber["name"]).is_visible()

    page = new_page("America/New_York")
    sign_in(page, shop["owner"]["email"])
    page.goto(f"/admin/{org_id}/providers")
    page.get_by_role("link", name=barber["name"], exact=True).click()
    assert page.get_by_label("Name").input_value() == barber["name"]
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Save changes").click()
    assert "Enter the provider's name" in page.locator("#f-name-error").inner_text()
    page.get_by_label("Who may see and book them").select_option("private")
    shoot(page, "60-admin-provider-edit-error")
    page.get_by_label("Name").fill("Samuel Cole-Ward")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Provider saved.").wait_for()
    row = page.get_by_role("row", name=re.compile("Samuel Cole-Ward"))
    assert "Private" in row.inner_text()
    visitor.goto(f"/o/{org_id}")
    main = visitor.locator("main").inner_text()
    assert "Samuel Cole-Ward" not in main and barber["name"] not in main
    listed = ok(api.get(f"{API}/organizations/{org_id}/providers"))
    assert listed == []

    page.goto(f"/admin/{org_id}/locations")
    page.get_by_role("link", name="Corner Barbers Main", exact=True).click()
    page.get_by_label("City").fill("Brooklyn")
    page.get_by_label("Address").fill("12 Atlantic Avenue")
    shoot(page, "61-admin-location-edit")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Location saved.").wait_for()
    row = page.get_by_role("row", name=re.compile("Corner Barbers Main"))
    assert "Brooklyn" in row.inner_text() and "12 Atlantic Avenue" in row.inner_text()


def test_limits_and_removals_say_what_they_refuse(new_page: Any, api: httpx.Client) -> None:
    shop = make_barbershop(api)
    org_id, barber, owner = shop["org"]["id"], shop["barber"], shop["owner"]
    service = make_service(api, owner, shop["org"], [barber], name="Cut", price="40.00")
    code = ok(
        api.post(
            f"{API}/organizations/{org_id}/discount-codes",
            json={"code": "FRIENDS", "kind": "percent", "value": "10", "max_uses": 5},
            headers=owner["headers"],
        ),
        201,
    )
    # Two bookings on two different days, so they never overlap.
    by_day = {s["start"][:10]: s["start"] for s in free_slots(api, service, barber)}
    starts = list(by_day.values())[:2]
    for start in starts:
        body = {
            "service_id": service["id"],
            "provider_id": barber["id"],
            "start": start,
            "customer": {"name": "Ada", "email": "ada@example.com"},
            "discount_code": "FRIENDS",
        }
        ok(api.post(f"{API}/bookings", json=body), 201)
    spare = make_provider(api, owner, shop["org"], name="Temp Helper")

    page = new_page("America/New_York")
    sign_in(page, owner["email"])
    page.goto(f"/admin/{org_id}/discount-codes")
    page.get_by_role("link", name="FRIENDS", exact=True).click()
    page.get_by_label("Uses allowed").fill("1")
    page.get_by_role("button", name="Save changes").click()
    error = page.locator("#f-max_uses-error").inner_text()
    assert error.endswith(
        "The code has been used 2 times already; allow at least 2, or leave it without a limit."
    ), error
    shoot(page, "62-admin-code-edit-error")
    page.get_by_label("Uses allowed").fill("2")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Code saved.").wait_for()
    assert "2 of 2 uses" in page.get_by_role("row", name=re.compile("FRIENDS")).inner_text()
    codes = ok(api.get(f"{API}/organizations/{org_id}/discount-codes", headers=owner["headers"]))
    assert [(c["id"], c["max_uses"], c["uses"]) for c in codes] == [(code["id"], 2, 2)]

    # A provider never booked: asked once, then removed.
    page.goto(f"/admin/{org_id}/providers")
    page.get_by_role("link", name="Temp Helper", exact=True).click()
    page.get_by_role("link", name="Remove this provider").click()
    assert page.get_by_text("This cannot be undone.").is_visible()
    shoot(page, "63-admin-provider-remove")
    page.get_by_role("button", name="Remove Temp Helper").click()
    page.get_by_text("Provider removed.").wait_for()
    assert page.get_by_role("row", name=re.compile("Temp Helper")).count() == 0
    missing = api.get(f"{API}/providers/{spare['id']}", headers=owner["headers"])
    assert missing.status_code == 404

    # A provider with bookings: the page says why not, and offers no remove button.
    page.goto(f"/admin/{org_id}/providers/{barber['id']}/remove")
    alert = page.get_by_role("alert").inner_text()
    assert "has bookings" in alert and "make them private" in alert
    assert page.get_by_role("button", name=re.compile("Remove")).count() == 0
    shoot(page, "64-admin-provider-remove-refused")
    # Sent anyway (an old tab): refused with the same reason, nothing lost.
    page.goto(f"/admin/{org_id}/providers")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    answer = page.request.post(
        f"/admin/{org_id}/providers/{barber['id']}/remove",
        form={"csrf_token": csrf},
        max_redirects=0,
    )
    assert answer.status == 409 and "has bookings" in answer.text()
    assert ok(api.get(f"{API}/providers/{barber['id']}"))["id"] == barber["id"]
