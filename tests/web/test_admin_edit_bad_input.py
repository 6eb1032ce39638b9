"""No input to the admin's change and remove pages gets a 500, and their forms refuse a
missing or forged CSRF token, removing and changing nothing (the pattern of
test_admin_bad_input.py)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support import API, make_provider, make_service, ok
from tests.web.conftest import sign_in
from tests.web.test_admin import make_barbershop
from tests.web.test_bad_input import FEW, _readable, _sweep_posts


def _shop_with_code(api: httpx.Client) -> dict[str, Any]:
    shop = make_barbershop(api)
    service = make_service(api, shop["owner"], shop["org"], [shop["barber"]], name="Cut")
    code = ok(
        api.post(
            f"{API}/organizations/{shop['org']['id']}/discount-codes",
            json={"code": "X" + uuid.uuid4().hex[:8], "kind": "fixed", "value": "5.00"},
            headers=shop["owner"]["headers"],
        ),
        201,
    )
    return {**shop, "service": service, "code": code}


def test_no_input_to_the_change_and_remove_pages_gets_a_500(
    new_page: Any, api: httpx.Client
) -> None:
    shop = _shop_with_code(api)
    base = f"/admin/{shop['org']['id']}"
    location, barber, code = shop["location"]["id"], shop["barber"]["id"], shop["code"]["id"]
    page = new_page("UTC")
    sign_in(page, shop["owner"]["email"])
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""

    gets = []
    for kind in ("locations", "providers", "discount-codes"):
        gets += [
            f"{base}/{kind}/{uuid.uuid4()}",
            f"{base}/{kind}/{uuid.uuid4()}/remove",
            f"{base}/{kind}/nope",
            f"{base}/{kind}/nope/remove",
        ]
    for value in FEW:
        q = str(httpx.QueryParams({"done": value[:2000]}))
        gets += [f"{base}/locations/{location}?{q}", f"{base}/providers/{barber}/remove?{q}"]
    # Another organization's thing through this organization's pages: 404, not a leak.
    other = _shop_with_code(api)
    gets += [
        f"{base}/locations/{other['location']['id']}",
        f"{base}/providers/{other['barber']['id']}/remove",
        f"{base}/discount-codes/{other['code']['id']}",
    ]
    for path in gets:
        answer = page.request.get(path, max_redirects=0)
        _readable(answer, path)
    for path in gets[-3:]:
        assert page.request.get(path).status == 404, path

    token = {"csrf_token": csrf}
    location_form = {**token, "name": "Main", "city": "Town", "timezone": "UTC"}
    _sweep_posts(
        page,
        f"{base}/locations/{location}",
        location_form,
        ["name", "city", "address", "timezone"],
        FEW,
    )
    provider_form = {
        **token,
        "name": "Pat",
        "timezone": "UTC",
        "visibility": "public",
        "location_ids": location,
    }
    _sweep_posts(
        page,
        f"{base}/providers/{barber}",
        provider_form,
        ["name", "timezone", "email", "visibility", "location_ids"],
        FEW,
    )
    code_form = {**token, "valid_from": "2030-01-01", "valid_until": "2030-02-01"}
    _sweep_posts(
        page,
        f"{base}/discount-codes/{code}",
        code_form,
        ["valid_from", "valid_until", "max_uses", "service_ids"],
        ["", "a\x00b", "-1", "0", "2029-12-31", str(other["service"]["id"])],
    )
    for path in (
        f"{base}/locations/{uuid.uuid4()}",
        f"{base}/providers/{uuid.uuid4()}/remove",
        f"{base}/discount-codes/{uuid.uuid4()}/remove",
        f"{base}/discount-codes/{other['code']['id']}/remove",
        f"/admin/{uuid.uuid4()}/providers/{barber}",
    ):
        _readable(page.request.post(path, form=token, max_redirects=0), path)
    # The other organization's code is still there.
    codes = ok(
        api.get(
            f"{API}/organizations/{other['org']['id']}/discount-codes",
            headers=other["owner"]["headers"],
        )
    )
    assert [c["id"] for c in codes] == [other["code"]["id"]]


def test_the_change_and_remove_forms_refuse_a_missing_or_wrong_csrf_token(
    new_page: Any, api: httpx.Client
) -> None:
    shop = _shop_with_code(api)
    base = f"/admin/{shop['org']['id']}"
    spare = make_provider(api, shop["owner"], shop["org"], name="Spare")
    location, code = shop["location"]["id"], shop["code"]["id"]
    page = new_page()
    sign_in(page, shop["owner"]["email"])
    for path in (
        f"{base}/locations/{location}",
        f"{base}/locations/{location}/remove",
        f"{base}/providers/{spare['id']}",
        f"{base}/providers/{spare['id']}/remove",
        f"{base}/discount-codes/{code}",
        f"{base}/discount-codes/{code}/remove",
    ):
        for token in (None, "forged"):
            form = {"name": "Sneaky", "city": "Sneaky", "max_uses": "1"}
            if token:
                form["csrf_token"] = token
            answer = page.request.post(path, form=form, max_redirects=0)
            assert answer.status == 403, (path, token, answer.status)
    org = ok(api.get(f"{API}/organizations/{shop['org']['id']}"))
    assert org["locations"] == [shop["location"]]
    assert ok(api.get(f"{API}/providers/{spare['id']}"))["name"] == "Spare"
    codes = ok(
        api.get(
            f"{API}/organizations/{shop['org']['id']}/discount-codes",
            headers=shop["owner"]["headers"],
        )
    )
    assert codes == [shop["code"]]
