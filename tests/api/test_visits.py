"""Multi-service visits: several services back to back with one provider, one booking.

A salon in London (UTC in early March) open 09:00-17:00: a 30-minute haircut (10 minutes
turnover after) and a 60-minute colour (5 minutes before, 15 after), both by one stylist.
"""

from __future__ import annotations

from tests.support import (
    API,
    book,
    booking_body,
    login,
    make_provider,
    make_service,
    make_world,
    ok,
    problem,
    register,
    set_hours,
    slots,
    starts,
)

DAY = "2027-03-03"


def _salon(client) -> dict:  # type: ignore[no-untyped-def]
    world = make_world(client, duration_minutes=30, price="30.00", buffer_after_minutes=10,
                       slot_step_minutes=15)
    colour = make_service(client, world["owner"], world["org"], [world["provider"]],
                          duration_minutes=60, price="60.00", buffer_before_minutes=5,
                          buffer_after_minutes=15, slot_step_minutes=15)
    return {**world, "haircut": world["service"], "colour": colour}


def _visit_slots(client, world: dict, *extras: dict, **params) -> list[dict]:  # type: ignore[no-untyped-def]
    return slots(client, world, DAY, extra_service_id=[e["id"] for e in extras], **params)


def test_visit_slots_are_those_of_one_service_as_long_as_the_visit(client) -> None:
    salon = _salon(client)
    book(client, salon, f"{DAY}T12:00:00Z")  # a haircut at noon keeps 12:00-12:40 busy
    offered = _visit_slots(client, salon, salon["colour"])
    # The same provider, one service of 90 minutes with the visit's outer buffers
    # (the haircut's 0 before, the colour's 15 after): exactly the same starts.
    combo = make_service(client, salon["owner"], salon["org"], [salon["provider"]],
                         duration_minutes=90, buffer_after_minutes=15, slot_step_minutes=15)
    assert starts(offered) == starts(slots(client, {**salon, "service": combo}, DAY))
    assert offered and all(s["end"][11:16] > s["start"][11:16] for s in offered)
    assert "2027-03-03T09:00:00+00:00" in starts(offered)
    assert "2027-03-03T11:00:00+00:00" not in starts(offered)  # would run into noon
    body = ok(client.get(f"{API}/services/{salon['haircut']['id']}/slots", params={
        "start_date": DAY, "end_date": DAY, "extra_service_id": salon["colour"]["id"]}))
    assert body["duration_minutes"] == 90


def test_book_a_visit_stores_items_back_to_back_and_sums_the_price(client) -> None:
    salon = _salon(client)
    visit = book(client, salon, f"{DAY}T10:00:00Z", extra_service_ids=[salon["colour"]["id"]])
    assert visit["status"] == "confirmed"
    assert (visit["start"], visit["end"]) == ("2027-03-03T10:00:00Z", "2027-03-03T11:30:00Z")
    assert visit["duration_minutes"] == 90
    assert visit["price"] == "90.00" and visit["breakdown"]["base"] == "90.00"
    assert visit["items"] == [
        {"service_id": salon["haircut"]["id"], "start": "2027-03-03T10:00:00Z",
         "end": "2027-03-03T10:30:00Z", "duration_minutes": 30, "price": "30.00"},
        {"service_id": salon["colour"]["id"], "start": "2027-03-03T10:30:00Z",
         "end": "2027-03-03T11:30:00Z", "duration_minutes": 60, "price": "60.00"},
    ]
    shown = ok(client.get(f"{API}/bookings/{visit['id']}", params={"token": visit["manage_token"]}))
    assert shown["items"] == visit["items"]
    # The whole visit (and the colour's 15 minutes after) is taken; 11:45 is free again.
    haircuts = starts(slots(client, salon, DAY))
    assert not {f"{DAY}T{t}:00+00:00" for t in ("10:00", "10:45", "11:30")} & set(haircuts)
    assert f"{DAY}T11:45:00+00:00" in haircuts
    problem(client.post(f"{API}/bookings", json=booking_body(salon, f"{DAY}T11:00:00Z")), 409)
    # A second visit overlapping this one is refused as well.
    problem(client.post(f"{API}/bookings", json=booking_body(
        salon, f"{DAY}T09:30:00Z", extra_service_ids=[salon["colour"]["id"]])), 409)


def test_the_single_service_booking_is_its_own_one_item(client) -> None:
    salon = _salon(client)
    haircut = book(client, salon, f"{DAY}T10:00:00Z")
    assert haircut["items"] == [
        {"service_id": salon["haircut"]["id"], "start": "2027-03-03T10:00:00Z",
         "end": "2027-03-03T10:30:00Z", "duration_minutes": 30, "price": "30.00"}]


def test_visit_with_an_approval_service_is_a_request(client) -> None:
    salon = _salon(client)
    consult = make_service(client, salon["owner"], salon["org"], [salon["provider"]],
                           duration_minutes=15, price="0.00", requires_approval=True)
    visit = book(client, salon, f"{DAY}T10:00:00Z", extra_service_ids=[consult["id"]])
    assert visit["status"] == "requested" and visit["duration_minutes"] == 45


def test_only_providers_offering_every_service_are_offered(client) -> None:
    salon = _salon(client)
    junior = make_provider(client, salon["owner"], salon["org"])
    set_hours(client, salon["owner"], junior)
    ok(client.post(f"{API}/organizations/{salon['org']['id']}/services", headers=salon[
        "owner"]["headers"], json={"name": "Trim", "duration_minutes": 30, "price": "20.00",
                                   "provider_ids": [junior["id"]]}), 201)
    # The haircut is offered by both once the junior offers it too; the colour only by one.
    both = make_service(client, salon["owner"], salon["org"], [salon["provider"], junior],
                        duration_minutes=30, price="25.00")
    world = {**salon, "service": both}
    providers = {s["provider_id"] for s in _visit_slots(client, world, salon["colour"])}
    assert providers == {salon["provider"]["id"]}
    assert {s["provider_id"] for s in slots(client, world, DAY)} == {
        salon["provider"]["id"], junior["id"]}
    refused = problem(client.post(f"{API}/bookings", json={
        **booking_body(world, f"{DAY}T10:00:00Z", extra_service_ids=[salon["colour"]["id"]]),
        "provider_id": junior["id"]}), 422)
    assert "every service" in refused["detail"]
    problem(client.get(f"{API}/services/{both['id']}/slots", params={
        "start_date": DAY, "end_date": DAY, "provider_id": junior["id"],
        "extra_service_id": salon["colour"]["id"]}), 404)


def test_visit_refusals(client) -> None:
    salon = _salon(client)
    colour = salon["colour"]["id"]
    group = make_service(client, salon["owner"], salon["org"], [salon["provider"]], capacity=5)
    other_org = make_world(client)
    cases = [
        ([group["id"]], 422, "group session"),
        ([other_org["service"]["id"]], 404, "No service"),
        (["00000000-0000-0000-0000-000000000000"], 404, "No service"),
        ([colour] * 10, 422, None),
        (["not-a-uuid"], 422, None),
    ]
    for extras, status, detail in cases:
        body = problem(client.post(f"{API}/bookings", json=booking_body(
            salon, f"{DAY}T10:00:00Z", extra_service_ids=extras)), status)
        if detail:
            assert detail in body["detail"], body
        problem(client.get(f"{API}/services/{salon['haircut']['id']}/slots", params={
            "start_date": DAY, "end_date": DAY, "extra_service_id": extras}), status)
    assert slots(client, salon, DAY)  # nothing was booked


def test_reschedule_moves_every_item_and_frees_the_old_time(client) -> None:
    salon = _salon(client)
    visit = book(client, salon, f"{DAY}T10:00:00Z", extra_service_ids=[salon["colour"]["id"]])
    moved = ok(client.post(f"{API}/bookings/{visit['id']}/reschedule",
                           params={"token": visit["manage_token"]},
                           json={"start": f"{DAY}T14:00:00Z"}))
    assert (moved["start"], moved["end"]) == ("2027-03-03T14:00:00Z", "2027-03-03T15:30:00Z")
    assert [(i["start"], i["end"]) for i in moved["items"]] == [
        ("2027-03-03T14:00:00Z", "2027-03-03T14:30:00Z"),
        ("2027-03-03T14:30:00Z", "2027-03-03T15:30:00Z")]
    assert f"{DAY}T10:00:00+00:00" in starts(slots(client, salon, DAY))
    # Moving to where the 90 minutes do not fit (16:00 + 90 > 17:00) is refused.
    problem(client.post(f"{API}/bookings/{visit['id']}/reschedule",
                        params={"token": visit["manage_token"]},
                        json={"start": f"{DAY}T16:00:00Z"}), 422)


def test_discount_code_for_one_service_does_not_cover_a_visit(client) -> None:
    salon = _salon(client)
    owner = salon["owner"]["headers"]
    org = salon["org"]["id"]
    ok(client.post(f"{API}/organizations/{org}/discount-codes", headers=owner, json={
        "code": "CUTONLY", "kind": "percent", "value": "10",
        "service_ids": [salon["haircut"]["id"]]}), 201)
    ok(client.post(f"{API}/organizations/{org}/discount-codes", headers=owner, json={
        "code": "ALL10", "kind": "percent", "value": "10"}), 201)
    problem(client.post(f"{API}/bookings", json=booking_body(
        salon, f"{DAY}T10:00:00Z", extra_service_ids=[salon["colour"]["id"]],
        discount_code="CUTONLY")), 422)
    visit = book(client, salon, f"{DAY}T10:00:00Z", extra_service_ids=[salon["colour"]["id"]],
                 discount_code="ALL10")
    assert visit["breakdown"]["discount"] == "9.00" and visit["price"] == "81.00"


def test_visits_are_listed_with_their_items(client) -> None:
    salon = _salon(client)
    customer = register(client)
    headers = login(client, customer)
    book(client, salon, f"{DAY}T10:00:00Z", headers=headers, customer=None,
         extra_service_ids=[salon["colour"]["id"]])
    book(client, salon, f"{DAY}T14:00:00Z", headers=headers, customer=None)
    listed = ok(client.get(f"{API}/bookings", headers=headers))
    assert sorted(len(b["items"]) for b in listed) == [1, 2]



def test_quote_for_a_visit_is_what_the_booking_stores(client) -> None:
    salon = _salon(client)
    ok(client.patch(f"{API}/organizations/{salon['org']['id']}/pricing",
                    headers=salon["owner"]["headers"],
                    json={"vat_percent": "20", "vat_inclusive": False}))
    quote = ok(client.post(f"{API}/quotes", json={
        "service_id": salon["haircut"]["id"], "extra_service_ids": [salon["colour"]["id"]]}))
    assert (quote["base"], quote["vat"], quote["total"]) == ("90.00", "18.00", "108.00")
    visit = book(client, salon, f"{DAY}T10:00:00Z", extra_service_ids=[salon["colour"]["id"]])
    assert visit["breakdown"] == quote
    problem(client.post(f"{API}/quotes", json={
        "service_id": salon["haircut"]["id"], "extra_service_ids": [salon["haircut"]["id"]] * 10}),
        422)


def test_cancelling_a_visit_tells_the_waiters_of_each_of_its_services(client) -> None:
    salon = _salon(client)
    waiter = register(client)
    headers = login(client, waiter)
    ok(client.post(f"{API}/waitlist", headers=headers, json={
        "provider_id": salon["provider"]["id"], "service_id": salon["colour"]["id"],
        "date_from": DAY, "date_to": DAY}), 201)
    visit = book(client, salon, f"{DAY}T10:00:00Z", extra_service_ids=[salon["colour"]["id"]])
    ok(client.post(f"{API}/bookings/{visit['id']}/cancel", params={"token": visit["manage_token"]}))
    (note,) = ok(client.get(f"{API}/me/notifications", headers=headers))
    assert (note["kind"], note["payload"]["start"]) == ("waitlist.time_freed", f"{DAY}T10:30:00Z")
