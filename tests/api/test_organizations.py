"""Organizations, their locations, providers and services; the public search."""

from __future__ import annotations

import uuid

from tests.support import (
    API,
    make_location,
    make_org,
    make_provider,
    make_service,
    ok,
    problem,
    register,
    unique,
)


def _tag() -> str:
    return uuid.uuid4().hex[:8]


def test_create_organization(client) -> None:
    owner = register(client)
    tag = _tag()
    org = make_org(client, owner, name=f"Harley Street Clinic {tag}", timezone="Europe/London",
                   currency="GBP")
    assert org == {"id": org["id"], "name": f"Harley Street Clinic {tag}",
                   "slug": f"harley-street-clinic-{tag}", "timezone": "Europe/London",
                   "currency": "GBP", "vat_percent": "0.00", "vat_inclusive": True,
                   "platform_fee_percent": "0.00", "locations": []}
    assert ok(client.get(f"{API}/organizations/{org['id']}")) == org

    # The same name again gets a slug of its own; a chosen slug must be free.
    twin = make_org(client, owner, name=f"Harley Street Clinic {tag}")
    assert twin["slug"].startswith(f"harley-street-clinic-{tag}-") and twin["slug"] != org["slug"]
    chosen = make_org(client, owner, slug=f"chosen-{tag}")
    assert chosen["slug"] == f"chosen-{tag}"
    body = problem(client.post(f"{API}/organizations",
                               json={"name": "Other", "timezone": "UTC", "currency": "EUR",
                                     "slug": f"chosen-{tag}"},
                               headers=owner["headers"]), 409)
    assert f"chosen-{tag}" in body["detail"]


def test_locations_providers_and_services_read_back(client) -> None:
    owner = register(client)
    org = make_org(client, owner, timezone="Europe/Paris", currency="EUR")
    lyon = make_location(client, owner, org, name="Lyon", city="Lyon", address="1 Rue X")
    nice = make_location(client, owner, org, name="Nice", city="Nice",
                         timezone="Europe/Monaco")
    assert (lyon["timezone"], nice["timezone"]) == ("Europe/Paris", "Europe/Monaco")
    assert (lyon["organization_id"], lyon["address"], nice["address"]) == (
        org["id"], "1 Rue X", None)

    provider = make_provider(client, owner, org, name="Dr Who", timezone="Europe/Paris",
                             location_ids=[lyon["id"], nice["id"], lyon["id"]])
    assert provider["location_ids"] == [lyon["id"], nice["id"]]
    assert provider["visibility"] == "public"
    assert ok(client.get(f"{API}/providers/{provider['id']}"))["location_ids"] in (
        [lyon["id"], nice["id"]], [nice["id"], lyon["id"]])

    service = make_service(client, owner, org, [provider], name="Check-up", price="45",
                           duration_minutes=30, duration_options=[60, 30, 90], capacity=2,
                           buffer_before_minutes=5, buffer_after_minutes=10,
                           min_notice_minutes=60, max_advance_days=30, slot_step_minutes=30,
                           requires_approval=True, free_cancellation_hours=48,
                           late_refund_percent=50, reschedule_cutoff_hours=12)
    assert service == {
        "id": service["id"], "organization_id": org["id"], "name": "Check-up",
        "duration_minutes": 30, "duration_options": [30, 60, 90], "price": "45.00",
        "currency": "EUR", "duration_prices": None, "provider_ids": [provider["id"]], "capacity": 2,
        "buffer_before_minutes": 5, "buffer_after_minutes": 10, "min_notice_minutes": 60,
        "max_advance_days": 30, "slot_step_minutes": 30, "requires_approval": True,
        "free_cancellation_hours": 48, "late_refund_percent": 50, "reschedule_cutoff_hours": 12}
    assert ok(client.get(f"{API}/services/{service['id']}")) == service

    assert [p["id"] for p in ok(client.get(f"{API}/organizations/{org['id']}/providers"))] == [
        provider["id"]]
    assert ok(client.get(f"{API}/organizations/{org['id']}/services")) == [service]
    fetched = ok(client.get(f"{API}/organizations/{org['id']}"))
    assert [loc["name"] for loc in fetched["locations"]] == ["Lyon", "Nice"]


def test_prices_are_exact_in_the_currency_minor_unit(client) -> None:
    owner = register(client)
    for currency, price, shown in (("EUR", "45", "45.00"), ("EUR", "0.5", "0.50"),
                                   ("JPY", "1500", "1500"), ("BHD", "1.234", "1.234"),
                                   ("EUR", "10000000", "10000000.00")):
        org = make_org(client, owner, currency=currency)
        provider = make_provider(client, owner, org)
        service = make_service(client, owner, org, [provider], price=price)
        assert (service["price"], service["currency"]) == (shown, currency)
    for currency, price in (("EUR", "45.001"), ("JPY", "1500.5"), ("EUR", "10000000.01"),
                            ("EUR", "999999999.99")):
        org = make_org(client, owner, currency=currency)
        provider = make_provider(client, owner, org)
        body = problem(client.post(f"{API}/organizations/{org['id']}/services",
                                   json={"name": "S", "duration_minutes": 30, "price": price,
                                         "provider_ids": [provider["id"]]},
                                   headers=owner["headers"]), 422)
        assert "price" in body["detail"], body


def test_search_by_name_and_city(client) -> None:
    owner = register(client)
    tag = _tag()
    city = f"Springfield{tag}"
    salon = make_org(client, owner, name=f"Salon Aurora {tag}")
    clinic = make_org(client, owner, name=f"Clinic Borealis {tag}")
    coach = make_org(client, owner, name=f"Coach Cosmos {tag}")
    make_location(client, owner, salon, name="Main Street", city=city)
    make_location(client, owner, clinic, name=f"Aurora {tag} Annex", city=city)
    make_location(client, owner, coach, name="Online", city=f"Shelbyville{tag}")

    def names(**params) -> list[str]:
        return [o["name"] for o in ok(client.get(f"{API}/organizations", params=params))]

    # By name, any case, any part; a location's name counts too.
    assert names(q=f"AURORA {tag}") == [f"Clinic Borealis {tag}", f"Salon Aurora {tag}"]
    assert names(q=f"salon aurora {tag}") == [f"Salon Aurora {tag}"]
    assert names(q=f"cosmos {tag.upper()}") == [f"Coach Cosmos {tag}"]
    # By city, any case.
    assert names(city=city.upper()) == [f"Clinic Borealis {tag}", f"Salon Aurora {tag}"]
    assert names(city=city.lower()) == [f"Clinic Borealis {tag}", f"Salon Aurora {tag}"]
    assert names(city=f"shelbyville{tag}") == [f"Coach Cosmos {tag}"]
    # Both at once.
    assert names(q=f"salon aurora {tag}", city=city) == [f"Salon Aurora {tag}"]
    assert names(q=f"Cosmos {tag}", city=city) == []
    assert names(q=unique("nothing-like-this")) == []

    found = ok(client.get(f"{API}/organizations", params={"q": f"Salon Aurora {tag}"}))
    assert [loc["city"] for loc in found[0]["locations"]] == [city]
    # Paging.
    assert names(city=city, limit=1) == [f"Clinic Borealis {tag}"]
    assert names(city=city, limit=1, offset=1) == [f"Salon Aurora {tag}"]


def test_provider_emails_are_not_public(client) -> None:
    owner = register(client)
    org = make_org(client, owner)
    provider = make_provider(client, owner, org, email="dr.lee@example.com")
    assert provider["email"] == "dr.lee@example.com"  # the manager who created it
    assert ok(client.get(f"{API}/providers/{provider['id']}"))["email"] is None
    listed = ok(client.get(f"{API}/organizations/{org['id']}/providers"))
    assert [p["email"] for p in listed] == [None]
