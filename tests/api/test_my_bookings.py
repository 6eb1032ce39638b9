"""``GET /me/bookings``: a signed-in customer's own bookings (not those seen as provider or
manager), upcoming or past, paginated."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support import API, book, login, make_service, make_world, ok, problem, register

DAY = "2027-03-03"  # a Wednesday, GMT: local times equal UTC


def _mine(client, user: dict, **params: object) -> list[dict]:
    return ok(client.get(f"{API}/me/bookings", params=params, headers=user["headers"]))


def _ids(rows: list[dict]) -> list[str]:
    return [b["id"] for b in rows]


def test_only_the_customers_own_bookings_by_start(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    customer, other = register(client), register(client)
    # Booked out of order; another customer's and a guest's bookings in between.
    late = book(client, world, f"{DAY}T15:00:00Z", headers=customer["headers"])
    book(client, world, f"{DAY}T12:00:00Z", headers=other["headers"])
    book(client, world, f"{DAY}T13:00:00Z")
    early = book(client, world, f"{DAY}T10:00:00Z", headers=customer["headers"])

    mine = _mine(client, customer)
    assert _ids(mine) == [early["id"], late["id"]]
    assert mine[0]["status"] == "confirmed" and mine[0]["manage_token"] is None
    assert mine[0]["items"] == [
        {
            "service_id": world["service"]["id"],
            "start": early["start"],
            "end": early["end"],
            "duration_minutes": 60,
            "price": "50.00",
        }
    ]
    assert len(_mine(client, other)) == 1
    # The owner sees every booking of the organization through /bookings, yet booked none.
    assert len(ok(client.get(f"{API}/bookings", headers=world["owner"]["headers"]))) == 4
    assert _mine(client, world["owner"]) == []


def test_a_providers_account_lists_only_what_it_booked_as_a_customer(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    person = register(client)
    ok(
        client.put(
            f"{API}/providers/{world['provider']['id']}/account",
            json={"user_id": person["id"]},
            headers=world["owner"]["headers"],
        )
    )
    book(client, world, f"{DAY}T09:00:00Z")  # on their own calendar, as the provider
    elsewhere = make_world(client, slot_step_minutes=60)
    own = book(client, elsewhere, f"{DAY}T09:00:00Z", headers=person["headers"])
    assert len(ok(client.get(f"{API}/bookings", headers=person["headers"]))) == 2
    assert _ids(_mine(client, person)) == [own["id"]]


def test_upcoming_and_past(client, clock) -> None:
    world = make_world(client, slot_step_minutes=60)
    customer = register(client)
    first, running, later, cancelled = (
        book(client, world, f"{DAY}T{hour}:00:00Z", headers=customer["headers"])
        for hour in ("09", "10", "14", "16")
    )
    ok(
        client.post(
            f"{API}/bookings/{cancelled['id']}/cancel", headers=customer["headers"], json={}
        )
    )
    previous = book(client, world, "2027-03-02T11:00:00Z", headers=customer["headers"])

    clock.set(datetime(2027, 3, 3, 10, 15, tzinfo=UTC))  # the 10:00 visit has started
    customer = {**customer, "headers": login(client, customer)}  # tokens expire meanwhile
    upcoming = _mine(client, customer, when="upcoming")
    assert _ids(upcoming) == [running["id"], later["id"], cancelled["id"]]
    assert upcoming[-1]["status"] == "cancelled"  # the status says what it is
    past = _mine(client, customer, when="past")
    assert _ids(past) == [first["id"], previous["id"]]  # latest first
    assert _ids(_mine(client, customer)) == [
        previous["id"],
        first["id"],
        running["id"],
        later["id"],
        cancelled["id"],
    ]


def test_limit_and_offset_page_through(client) -> None:
    world = make_world(client, slot_step_minutes=30)
    customer = register(client)
    made = [
        book(client, world, f"{DAY}T{hour:02d}:00:00Z", headers=customer["headers"])
        for hour in range(9, 14)
    ]
    pages = [_mine(client, customer, limit=2, offset=n) for n in (0, 2, 4, 6)]
    assert [len(p) for p in pages] == [2, 2, 1, 0]
    assert [b["id"] for p in pages for b in p] == _ids(made)
    assert _ids(_mine(client, customer, when="upcoming", limit=1, offset=1)) == [made[1]["id"]]


def test_a_multi_service_visit_lists_its_items(client) -> None:
    world = make_world(client, slot_step_minutes=30, duration_minutes=30)
    extra = make_service(
        client, world["owner"], world["org"], [world["provider"]], duration_minutes=45
    )
    customer = register(client)
    visit = book(
        client,
        world,
        f"{DAY}T09:00:00Z",
        headers=customer["headers"],
        extra_service_ids=[extra["id"]],
    )
    (listed,) = _mine(client, customer)
    assert listed["id"] == visit["id"] and listed["duration_minutes"] == 75
    assert [i["service_id"] for i in listed["items"]] == [world["service"]["id"], extra["id"]]


def test_sign_in_required_and_bad_parameters_refused(client) -> None:
    problem(client.get(f"{API}/me/bookings"), 401)
    customer = register(client)
    headers = customer["headers"]
    for params in ({"when": "tomorrow"}, {"limit": 0}, {"limit": 501}, {"offset": -1}):
        problem(client.get(f"{API}/me/bookings", params=params, headers=headers), 422)
