"""No input to the admin and report pages gets a 500, and their forms refuse a missing or
forged CSRF token (the pattern of test_bad_input.py)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support import make_service
from tests.web.conftest import sign_in
from tests.web.test_admin import make_barbershop
from tests.web.test_bad_input import FEW, NASTY, _readable, _sweep_posts

SERVICE_FIELDS = {
    "name": "Trim",
    "price": "20.00",
    "duration_minutes": "30",
    "capacity": "1",
    "buffer_before_minutes": "0",
    "buffer_after_minutes": "0",
    "slot_step_minutes": "15",
    "min_notice_minutes": "0",
    "max_advance_days": "90",
    "free_cancellation_hours": "24",
    "late_refund_percent": "0",
    "reschedule_cutoff_hours": "2",
    "extra-1-minutes": "45",
    "extra-1-price": "30.00",
}


def test_no_input_to_the_admin_pages_gets_a_500(new_page: Any, api: httpx.Client) -> None:
    shop = make_barbershop(api)
    org = shop["org"]["id"]
    service = make_service(api, shop["owner"], shop["org"], [shop["barber"]], name="Cut")
    page = new_page("UTC")
    sign_in(page, shop["owner"]["email"])
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    base = f"/admin/{org}"
    gets = [
        "/admin",
        f"/admin/{uuid.uuid4()}",
        "/admin/not-a-uuid/services",
        f"{base}/services/{uuid.uuid4()}",
        f"{base}/services/nope",
        f"{base}/nowhere",
    ]
    for value in NASTY:
        value = value[:2000]
        q = str(httpx.QueryParams({"start_date": value, "end_date": value, "done": value}))
        gets += [f"{base}/reports?{q}", f"{base}/services?{q}", f"{base}/pricing?{q}"]
        gets.append(f"{base}/reports?" + str(httpx.QueryParams({"start_date": value})))
    for path in gets:
        _readable(page.request.get(path, max_redirects=0), path)

    with_token = {"csrf_token": csrf}
    service_form = {**with_token, **SERVICE_FIELDS, "provider_ids": shop["barber"]["id"]}
    names = [*SERVICE_FIELDS, "provider_ids", "requires_approval", "extra-19-price"]
    _sweep_posts(page, f"{base}/services/new", service_form, names)
    _sweep_posts(page, f"{base}/services/{service['id']}", service_form, names, FEW)
    location = {**with_token, "name": "Branch", "city": "Town", "timezone": "UTC"}
    _sweep_posts(page, f"{base}/locations", location, ["name", "city", "address", "timezone"])
    provider = {**with_token, "name": "Pat", "timezone": "UTC", "visibility": "public"}
    _sweep_posts(
        page,
        f"{base}/providers",
        provider,
        ["name", "timezone", "email", "visibility", "location_ids"],
    )
    code = {**with_token, "code": "X" + uuid.uuid4().hex[:8], "kind": "percent", "value": "10"}
    _sweep_posts(
        page,
        f"{base}/discount-codes",
        code,
        ["code", "kind", "value", "valid_from", "valid_until", "max_uses", "service_ids"],
    )
    pricing = {
        **with_token,
        "vat_percent": "20",
        "vat_inclusive": "yes",
        "platform_fee_percent": "0",
    }
    _sweep_posts(
        page, f"{base}/pricing", pricing, ["vat_percent", "vat_inclusive", "platform_fee_percent"]
    )
    too_many = {f"f{i}": "x" for i in range(100)} | with_token
    _readable(page.request.post(f"{base}/services/new", form=too_many), "100 fields")
    for path in (f"/admin/{uuid.uuid4()}/pricing", f"{base}/services/{uuid.uuid4()}"):
        _readable(page.request.post(path, form=pricing, max_redirects=0), path)


def test_the_admin_forms_refuse_a_missing_or_wrong_csrf_token(
    new_page: Any, api: httpx.Client
) -> None:
    shop = make_barbershop(api)
    base = f"/admin/{shop['org']['id']}"
    service = make_service(api, shop["owner"], shop["org"], [shop["barber"]], name="Cut")
    page = new_page()
    sign_in(page, shop["owner"]["email"])
    for path in (
        f"{base}/services/new",
        f"{base}/services/{service['id']}",
        f"{base}/locations",
        f"{base}/providers",
        f"{base}/discount-codes",
        f"{base}/pricing",
    ):
        for token in (None, "forged"):
            form = {"csrf_token": token, "name": "Sneaky"} if token else {"name": "Sneaky"}
            answer = page.request.post(path, form=form, max_redirects=0)
            assert answer.status == 403, (path, token, answer.status)
    page.goto(f"{base}/services")
    assert "Sneaky" not in page.locator("main").inner_text()
