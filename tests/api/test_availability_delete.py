"""Deleting a date override or a time-off entry gives the times back; only the provider's
account and the organization's managers may, as for creating them."""

from __future__ import annotations

from tests.support import (
    API,
    clock_times,
    grid,
    make_provider,
    make_world,
    ok,
    problem,
    register,
    slots,
)

DAY = "2027-03-03"  # a Wednesday, GMT: local times equal UTC
MISSING = "00000000-0000-4000-8000-000000000000"
FULL_DAY = grid("09:00", "16:00", 60)


def _override(client, world: dict, headers: dict | None = None, day: str = DAY) -> dict:
    url = f"{API}/providers/{world['provider']['id']}/date-overrides"
    body = {"date": day, "windows": [{"start": "10:00", "end": "12:00"}]}
    return ok(client.post(url, json=body, headers=headers or world["owner"]["headers"]), 201)


def _time_off(client, world: dict, headers: dict | None = None) -> dict:
    url = f"{API}/providers/{world['provider']['id']}/time-off"
    body = {"start": f"{DAY}T11:00:00Z", "end": f"{DAY}T14:00:00Z", "reason": "Dentist"}
    return ok(client.post(url, json=body, headers=headers or world["owner"]["headers"]), 201)


def _linked_account(client, world: dict) -> dict:
    person = register(client)
    ok(
        client.put(
            f"{API}/providers/{world['provider']['id']}/account",
            json={"user_id": person["id"]},
            headers=world["owner"]["headers"],
        )
    )
    return person


def test_deleting_a_date_override_brings_back_the_weekly_hours(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    owner, provider = world["owner"], world["provider"]
    _override(client, world)
    _override(client, world, day="2027-03-04")
    assert clock_times(slots(client, world, DAY)) == ["10:00", "11:00"]

    url = f"{API}/providers/{provider['id']}/date-overrides/{DAY}"
    response = client.delete(url, headers=owner["headers"])
    assert response.status_code == 204 and response.content == b""

    assert clock_times(slots(client, world, DAY)) == FULL_DAY
    listed = ok(client.get(f"{API}/providers/{provider['id']}/date-overrides"))
    assert [o["date"] for o in listed] == ["2027-03-04"]  # the other date is untouched
    assert clock_times(slots(client, world, "2027-03-04")) == ["10:00", "11:00"]
    # Gone: a second delete, and a date that never had special hours, are 404.
    problem(client.delete(url, headers=owner["headers"]), 404)
    problem(
        client.delete(
            f"{API}/providers/{provider['id']}/date-overrides/2027-03-05", headers=owner["headers"]
        ),
        404,
    )


def test_deleting_time_off_offers_its_times_again(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    owner, provider = world["owner"], world["provider"]
    off = _time_off(client, world)
    assert clock_times(slots(client, world, DAY)) == ["09:00", "10:00", "14:00", "15:00", "16:00"]

    url = f"{API}/providers/{provider['id']}/time-off/{off['id']}"
    assert client.delete(url, headers=owner["headers"]).status_code == 204
    assert clock_times(slots(client, world, DAY)) == FULL_DAY
    assert (
        ok(client.get(f"{API}/providers/{provider['id']}/time-off", headers=owner["headers"])) == []
    )
    problem(client.delete(url, headers=owner["headers"]), 404)
    problem(
        client.delete(
            f"{API}/providers/{provider['id']}/time-off/{MISSING}", headers=owner["headers"]
        ),
        404,
    )


def test_the_providers_own_account_may_delete_its_entries(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    person = _linked_account(client, world)
    provider_id = world["provider"]["id"]
    off = _time_off(client, world, person["headers"])
    _override(client, world, person["headers"])
    assert (
        client.delete(
            f"{API}/providers/{provider_id}/time-off/{off['id']}", headers=person["headers"]
        ).status_code
        == 204
    )
    assert (
        client.delete(
            f"{API}/providers/{provider_id}/date-overrides/{DAY}", headers=person["headers"]
        ).status_code
        == 204
    )
    assert clock_times(slots(client, world, DAY)) == FULL_DAY


def test_another_providers_time_off_id_is_not_found_and_stays(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    owner = world["owner"]
    colleague = make_provider(client, owner, world["org"])
    off = _time_off(client, world)
    # Through the colleague's address, even for the owner who manages both: 404.
    problem(
        client.delete(
            f"{API}/providers/{colleague['id']}/time-off/{off['id']}", headers=owner["headers"]
        ),
        404,
    )
    # The colleague's own account cannot reach it either way.
    person = register(client)
    ok(
        client.put(
            f"{API}/providers/{colleague['id']}/account",
            json={"user_id": person["id"]},
            headers=owner["headers"],
        )
    )
    problem(
        client.delete(
            f"{API}/providers/{colleague['id']}/time-off/{off['id']}", headers=person["headers"]
        ),
        404,
    )
    problem(
        client.delete(
            f"{API}/providers/{world['provider']['id']}/time-off/{off['id']}",
            headers=person["headers"],
        ),
        403,
    )
    listed = ok(
        client.get(f"{API}/providers/{world['provider']['id']}/time-off", headers=owner["headers"])
    )
    assert [t["id"] for t in listed] == [off["id"]]


def test_strangers_and_anonymous_callers_cannot_delete(client) -> None:
    world = make_world(client, slot_step_minutes=60)
    provider_id = world["provider"]["id"]
    off = _time_off(client, world)
    _override(client, world)
    stranger = register(client)
    paths = [
        f"{API}/providers/{provider_id}/time-off/{off['id']}",
        f"{API}/providers/{provider_id}/date-overrides/{DAY}",
    ]
    for path in paths:
        assert problem(client.delete(path, headers=stranger["headers"]), 403)["type"].endswith(
            "/forbidden"
        )
        problem(client.delete(path), 401)
    # Nothing changed: the override (10-12) still stands with the time off (11-14) in it.
    assert clock_times(slots(client, world, DAY)) == ["10:00"]
    problem(
        client.delete(
            f"{API}/providers/{MISSING}/time-off/{off['id']}", headers=world["owner"]["headers"]
        ),
        404,
    )


def test_bad_path_values_are_422(client) -> None:
    world = make_world(client)
    provider_id = world["provider"]["id"]
    headers = world["owner"]["headers"]
    problem(
        client.delete(f"{API}/providers/{provider_id}/date-overrides/2027-02-30", headers=headers),
        422,
    )
    problem(
        client.delete(f"{API}/providers/{provider_id}/time-off/not-a-uuid", headers=headers), 422
    )
