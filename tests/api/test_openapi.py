"""The OpenAPI document tells the truth about errors: every 4xx it lists is an RFC 9457
problem (one ``Problem`` schema, ``application/problem+json``), FastAPI's own 422 shape is
gone, and what the API really answers matches what the document says it answers."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from slotkeeper.app import create_app
from slotkeeper.kit.settings import Settings
from tests.support import API, PROBLEM_JSON, book, booking_body, make_world, missing, problem

PROBLEM_REF = "#/components/schemas/Problem"


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The document as served (no database is touched to build it)."""
    path: Path = tmp_path_factory.mktemp("openapi") / "unused.db"
    settings = Settings(database_url=f"sqlite:///{path}", secret_key="k" * 40,
                        run_jobs_in_process=False)
    return create_app(settings).openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, operation)
            for path, item in document["paths"].items() for method, operation in item.items()]


def test_every_error_response_is_a_problem(document: dict[str, Any]) -> None:
    assert len(operations(document)) >= 60
    for method, path, operation in operations(document):
        errors = {s: r for s, r in operation["responses"].items() if s.startswith("4")}
        assert errors, (method, path)
        for status, response in errors.items():
            where = (method, path, status)
            assert response["description"], where
            assert list(response["content"]) == [PROBLEM_JSON], where
            schema = response["content"][PROBLEM_JSON]["schema"]
            if status == "422":
                assert schema == {"allOf": [{"$ref": PROBLEM_REF}, {"required": ["errors"]}]}
            else:
                assert schema == {"$ref": PROBLEM_REF}, where


def test_fastapis_validation_error_shape_is_gone(document: dict[str, Any]) -> None:
    text = json.dumps(document)
    assert "HTTPValidationError" not in text
    assert "ValidationError" not in document["components"]["schemas"]
    problem_schema = document["components"]["schemas"]["Problem"]
    assert problem_schema["required"] == ["type", "title", "status", "detail"]
    item = problem_schema["properties"]["errors"]["items"]
    assert item["required"] == ["loc", "msg", "type"]


def test_each_operation_lists_what_its_signature_shows(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        listed = {int(s) for s in operation["responses"] if s.startswith("4")}
        where = (method, path, sorted(listed))
        if operation.get("parameters") or "requestBody" in operation:
            assert 422 in listed, where
        if "requestBody" in operation:
            assert 400 in listed, where  # a body that is not UTF-8 JSON
        if operation.get("security"):
            assert 401 in listed, where
        if "{" in path:
            assert 404 in listed, where
        if method != "GET" and operation["operationId"] != "issueToken":
            assert 409 in listed, where


@pytest.mark.parametrize(("method", "path", "statuses"), [
    ("POST", "/auth/register", {400, 403, 409, 422}),
    ("POST", "/auth/token", {400, 401, 422}),
    ("GET", "/me", {401}),
    ("GET", "/organizations", {422}),
    ("POST", "/bookings", {400, 401, 404, 409, 422}),
    ("GET", "/bookings/{booking_id}", {401, 403, 404, 422}),
    ("GET", "/providers/{provider_id}", {401, 404, 422}),  # hidden, never refused
    ("PATCH", "/organizations/{org_id}/pricing", {400, 401, 403, 404, 409, 422}),
])
def test_documented_problems_of_some_operations(
    document: dict[str, Any], method: str, path: str, statuses: set[int]
) -> None:
    responses = document["paths"][API + path][method.lower()]["responses"]
    assert {int(s) for s in responses if s.startswith("4")} == statuses


def test_optional_bearer_token_is_documented_as_optional(document: dict[str, Any]) -> None:
    item = document["paths"]
    assert item[f"{API}/bookings"]["post"]["security"] == [{"HTTPBearer": []}, {}]
    assert item[f"{API}/me"]["get"]["security"] == [{"HTTPBearer": []}]


def _validator(document: dict[str, Any], method: str, path: str, status: int) -> Any:
    try:
        import jsonschema_rs
    except ImportError:
        missing("jsonschema_rs (installed with schemathesis)")
    response = document["paths"][API + path][method]["responses"][str(status)]
    schema = {**response["content"][PROBLEM_JSON]["schema"],
              "components": document["components"]}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def test_real_problems_match_their_documented_schema(client: Any) -> None:
    document = client.get("/openapi.json").json()
    world = make_world(client, slot_step_minutes=60)
    start = "2027-03-03T10:00:00Z"
    book(client, world, start)

    answers = [
        ("post", "/bookings", 409, client.post(f"{API}/bookings",
                                               json=booking_body(world, start))),
        ("post", "/bookings", 422, client.post(f"{API}/bookings",
                                               json={**booking_body(world, start), "start": 7})),
        ("get", "/bookings/{booking_id}", 404, client.get(f"{API}/bookings/{uuid.uuid4()}")),
        ("get", "/me", 401, client.get(f"{API}/me")),
        ("post", "/auth/token", 401, client.post(
            f"{API}/auth/token", json={"email": world["owner"]["email"], "password": "nope-nope"})),
        ("post", "/quotes", 400, client.post(f"{API}/quotes", content=b'{"x": "\xff"}',
                                             headers={"Content-Type": "application/json"})),
    ]
    for method, path, status, response in answers:
        body = problem(response, status)
        validator = _validator(document, method, path, status)
        errors = [e.message for e in validator.iter_errors(body)]
        assert not errors, (method, path, status, body, errors)
        # And the document's schema is strict enough to refuse what is not a problem.
        assert not validator.is_valid({**body, "status": "409"})
        if status == 422:
            assert not validator.is_valid({k: v for k, v in body.items() if k != "errors"})
