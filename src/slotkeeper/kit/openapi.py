"""The OpenAPI document tells the truth about errors.

Every error the API answers is an RFC 9457 problem (``kit/problems.py``), but FastAPI's
generated document only knows its own 422 shape and none of 401, 403, 404 or 409. Once the
routes are included, ``install_problem_docs`` replaces each operation's error responses by
the ones its description and dependencies show it can give (``RULES``), all with one
``Problem`` schema and the ``application/problem+json`` media type.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from slotkeeper.kit.problems import PROBLEM_JSON

PROBLEM_REF = "#/components/schemas/Problem"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem: the body of every error answer. Problems of some "
    "kinds carry more members (a series conflict lists its `clashes`).",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "description": "The kind of problem, e.g. https://slotkeeper.dev/problems/slot-taken",
        },
        "title": {"type": "string", "description": "The kind of problem, for people"},
        "status": {
            "type": "integer",
            "minimum": 400,
            "maximum": 599,
            "description": "The HTTP status code",
        },
        "detail": {"type": "string", "description": "What went wrong this time, for people"},
        "errors": {
            "type": "array",
            "description": "Every problem found in the input (422 only)",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": 'Where: e.g. ["body", "customer", "email"]',
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string", "description": "e.g. missing, uuid_parsing"},
                },
            },
        },
    },
}
# FastAPI's own 422 shapes, which the API never answers.
_FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")


@dataclass(frozen=True)
class Facts:
    """What an operation's description and dependencies show about its refusals."""

    method: str
    takes_input: bool  # parameters or a body, which validation may refuse
    takes_body: bool  # a JSON body, which the framework may fail to read
    reads_bearer_token: bool  # an invalid or expired token is refused
    requires_sign_in: bool  # an anonymous caller is refused
    takes_guest_token: bool  # ?token=, a guest's manage link, refused when wrong
    path_names_a_resource: bool  # an {id} in the path
    body_names_a_resource: bool  # a *_id member in the body (service_id, provider_id ...)


# Which problems an operation can answer, derived from its facts: status, description, rule.
# Rate limits (429, with Retry-After) and request bodies over 1 MiB (413) go here as they are
# built.
RULES: tuple[tuple[int, str, Callable[[Facts], bool]], ...] = (
    (
        400,
        "Bad request: the body could not be read (e.g. JSON that is not UTF-8)",
        lambda f: f.takes_body,
    ),
    (
        401,
        "Authentication required: the bearer token is missing, invalid or expired",
        lambda f: f.reads_bearer_token,
    ),
    (
        403,
        "Not allowed: the caller's role, or the manage token, does not permit this",
        lambda f: f.path_names_a_resource and (f.requires_sign_in or f.takes_guest_token),
    ),
    (
        404,
        "Not found: an id in the request names nothing the caller may see",
        lambda f: f.path_names_a_resource or f.body_names_a_resource,
    ),
    (
        409,
        "Conflict with the current state, or with data saved meanwhile",
        # Any write can clash with a constraint (unique, exclusion) and answer 409.
        lambda f: f.method != "get",
    ),
    (
        422,
        "Invalid input: `errors` lists every problem found",
        lambda f: f.takes_input,
    ),
)

# What the rules cannot see, by operation id: a status with its description, or None for a
# status the rules would list but the operation never answers. (A route may also declare a
# status itself, with ``responses=``: its description is kept and its body documented.)
ADJUSTMENTS: dict[str, dict[int, str | None]] = {
    "register": {403: "Open registration is turned off on this server"},
    "issueToken": {401: "Wrong email or password", 409: None},  # reads only
}


def install_problem_docs(app: FastAPI, *, sign_in: Callable[..., Any]) -> None:
    """Make ``app.openapi()`` document every operation's problems; ``sign_in`` is the
    dependency that refuses anonymous callers. Call it once every router is included."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            document_problems(document, _signed_in_operations(app, sign_in))
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def document_problems(document: dict[str, Any], signed_in: set[tuple[str, str]]) -> None:
    """Rewrite ``document``'s error responses in place; ``signed_in`` holds the
    ``(path, method)`` of the operations that need a signed-in caller."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_SCHEMAS:
        schemas.pop(name, None)
    schemas["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            facts = _facts(document, method, operation, (path, method) in signed_in)
            others = {s: r for s, r in operation["responses"].items() if not s.startswith("4")}
            problems = {str(s): _problem_response(s, text)
                        for s, text in problem_statuses(facts, operation).items()}
            operation["responses"] = dict(sorted({**others, **problems}.items()))
            if facts.reads_bearer_token and not facts.requires_sign_in:
                operation["security"] = [*operation["security"], {}]  # the token is optional


def problem_statuses(facts: Facts, operation: dict[str, Any]) -> dict[int, str]:
    """The problems ``operation`` can answer, each with its description: by the rules, then
    as the route declares them itself (its words are more precise), then the adjustments."""
    statuses = {status: text for status, text, applies in RULES if applies(facts)}
    for status, response in operation["responses"].items():
        if status.startswith("4") and not _is_fastapis_422(response):
            statuses[int(status)] = response.get("description") or statuses.get(int(status), "")
    for status, adjusted in ADJUSTMENTS.get(operation.get("operationId", ""), {}).items():
        if adjusted is None:
            statuses.pop(status, None)
        else:
            statuses[status] = adjusted
    return statuses


def _is_fastapis_422(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))


def _problem_response(status: int, description: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"$ref": PROBLEM_REF}
    if status == 422:
        schema = {"allOf": [schema, {"required": ["errors"]}]}
    return {"description": description, "content": {PROBLEM_JSON: {"schema": schema}}}


def _facts(
    document: dict[str, Any], method: str, operation: dict[str, Any], signed_in: bool
) -> Facts:
    parameters = operation.get("parameters", [])
    return Facts(
        method=method,
        takes_input=bool(parameters) or "requestBody" in operation,
        takes_body="requestBody" in operation,
        reads_bearer_token=bool(operation.get("security")),
        requires_sign_in=signed_in,
        takes_guest_token=any(p["in"] == "query" and p["name"] == "token" for p in parameters),
        path_names_a_resource=any(p["in"] == "path" for p in parameters),
        body_names_a_resource=any(n.endswith("_id") for n in _body_members(document, operation)),
    )


def _body_members(document: dict[str, Any], operation: dict[str, Any]) -> Iterator[str]:
    """The top-level member names of the operation's JSON body, if it is an object."""
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    yield from schema.get("properties", {})


def _signed_in_operations(app: FastAPI, sign_in: Callable[..., Any]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        if any(call is sign_in for call in _calls(route.dependant)):
            found.update((str(route.path_format), m.lower()) for m in route.methods or ())
    return found


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)
