"""Schemathesis fuzzes every operation of the OpenAPI schema, with valid and invalid input,
and holds each answer to the schema: never a 5xx, only documented status codes and media
types, and bodies that match their documented schemas (every error a ``Problem``).

``SLOTKEEPER_FUZZ_EXAMPLES`` (default 5) sets the examples per operation
and mode; 100 makes a deep run.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

from tests.support import PROBLEM_JSON, book, make_world, missing, register

try:
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import FailureGroup
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    CHECKS = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
except ImportError:  # pragma: no cover - a dev dependency
    schemathesis = None

EXAMPLES = int(os.environ.get("SLOTKEEPER_FUZZ_EXAMPLES", "5"))
# Valid input goes to real objects (as their owner) to get past 404 and 401. Cases are
# drawn once, with these stand-ins in their paths, and replayed on each backend with the
# ids of that backend's objects.
STAND_INS = {
    "org_id": "0f0f0f0f-0000-4000-8000-00000000000a",
    "provider_id": "0f0f0f0f-0000-4000-8000-00000000000b",
    "service_id": "0f0f0f0f-0000-4000-8000-00000000000c",
    "booking_id": "0f0f0f0f-0000-4000-8000-00000000000d",
}
_DRAWN: list[dict] = []


def _check(response: Any) -> str | None:
    """What schemathesis does not see: undocumented errors (405 ...) are problems too,
    and a problem's ``status`` is the answer's."""
    if response.status_code < 400:
        return None
    if response.headers.get("content-type", "").split(";")[0] != PROBLEM_JSON:
        return f"{response.status_code} is not problem+json: {response.headers}"
    body = response.json()
    if body.get("status") != response.status_code or not all(
            isinstance(body.get(field), str) for field in ("type", "title", "detail")):
        return f"incomplete problem: {body}"
    if response.status_code == 422 and not isinstance(body.get("errors"), list):
        return f"422 without errors: {body}"
    return None


def _draw(strategy: Any, positive: bool) -> list[dict]:
    """``EXAMPLES`` requests drawn from ``strategy`` (reproducibly: derandomized)."""
    drawn: list[dict] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def collect(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        drawn.append({"case": case, "method": kwargs["method"], "url": kwargs["url"],
                      "headers": dict(kwargs.get("headers") or {}),
                      "params": kwargs.get("params"),
                      "body": {"json": kwargs["json"]} if "json" in kwargs else (
                          {"content": kwargs["data"]} if "data" in kwargs else {}),
                      "positive": positive, "curl": case.as_curl_command()})

    collect()
    return drawn


def _all_requests(openapi: dict) -> list[dict]:
    if not _DRAWN:
        schema = schemathesis.openapi.from_dict(openapi)
        for result in schema.get_all_operations():
            operation = result.ok()
            path = {k: v for k, v in STAND_INS.items() if f"{{{k}}}" in operation.path}
            _DRAWN.extend(_draw(operation.as_strategy(GenerationMode.POSITIVE,
                                                      path_parameters=path or None), True))
            _DRAWN.extend(_draw(operation.as_strategy(GenerationMode.NEGATIVE), False))
    return _DRAWN


def _schema_failures(case: Any, response: Any, headers: dict[str, str]) -> str | None:
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except FailureGroup as group:
        return "; ".join(f"{f.title}: {f.message}" for f in group.exceptions)
    return None


def test_fuzzed_requests_get_documented_answers(client) -> None:
    if schemathesis is None:
        missing("schemathesis (pip install -e '.[dev]')")
    world = make_world(client, slot_step_minutes=60)
    booking = book(client, world, "2027-03-03T10:00:00Z")
    real = {"org_id": world["org"]["id"], "provider_id": world["provider"]["id"],
            "service_id": world["service"]["id"], "booking_id": booking["id"]}
    owner = world["owner"]["headers"]["Authorization"]
    stranger = register(client)["headers"]["Authorization"]  # signed in, no role anywhere

    requests = _all_requests(client.get("/openapi.json").json())
    assert len(requests) >= 2 * 25  # operations, each valid and invalid

    failures: list[str] = []
    statuses: set[int] = set()
    for request in requests:
        url = request["url"]
        callers = [request["headers"]]
        if request["positive"]:
            for name, stand_in in STAND_INS.items():
                url = url.replace(stand_in, real[name])
            # The owner gets past 401, 403 and 404; a stranger meets the refusals.
            callers = [{**request["headers"], "Authorization": who} for who in (owner, stranger)]
        for headers in callers:
            response = client.request(request["method"], url, headers=headers,
                                      params=request["params"], **request["body"])
            statuses.add(response.status_code)
            problem = _check(response) or _schema_failures(request["case"], response, headers)
            if problem:
                failures.append(f"{response.status_code} {problem}\n    {request['curl']}"[:1500])
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:20])
    # The checks above saw successes and refusals alike.
    assert {200, 201, 401, 403, 404, 409, 422} <= statuses, statuses
