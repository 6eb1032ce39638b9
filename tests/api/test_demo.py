"""The demo data shows one of each lifecycle feature, through the same services as the API."""

from __future__ import annotations

from slotkeeper.demo import CUSTOMER_EMAIL, DEMO_EMAIL, DEMO_PASSWORD, load_demo
from tests.support import API, ok


def _login(client, email: str) -> dict:  # type: ignore[no-untyped-def]
    token = ok(client.post(f"{API}/auth/token", json={"email": email, "password": DEMO_PASSWORD}))
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_demo_data_has_each_lifecycle_feature(client, settings, clock) -> None:
    summary = client.portal.call(load_demo, settings, clock)
    assert "loaded demo data" in summary
    owner, customer = _login(client, DEMO_EMAIL), _login(client, CUSTOMER_EMAIL)
    bookings = ok(client.get(f"{API}/bookings", headers=owner, params={"limit": 500}))
    assert any(b["status"] == "requested" for b in bookings)
    assert any(len(b["items"]) == 3 for b in bookings)  # haircut + colour + blow-dry
    group = [b for b in bookings if b["customer"]["name"].startswith("Demo Guest")
             and b["duration_minutes"] == 60 and b["price"] == "20.00"]
    assert len(group) == 3 and len({b["start"] for b in group}) == 1
    series = [b for b in ok(client.get(f"{API}/bookings", headers=customer)) if b["series_id"]]
    assert len(series) >= 6 and len({b["series_id"] for b in series}) == 1
    assert len(ok(client.get(f"{API}/me/waitlist", headers=customer))) == 1
    assert [c["status"] for c in ok(client.get(f"{API}/me/connections", headers=customer))] == [
        "requested"]
    # Loading again changes nothing.
    assert "nothing to do" in client.portal.call(load_demo, settings, clock)
