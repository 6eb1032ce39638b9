"""Typed errors and their RFC 9457 problem+json rendering."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://slotkeeper.dev/problems/"


class Problem(Exception):
    """Base of every error the API reports on purpose."""

    status = 500
    slug = "internal"
    title = "Internal error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {
            "type": _TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            **self.extra,
        }


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class SlotTaken(Conflict):
    slug, title = "slot-taken", "Time no longer available"


class HoldExpired(Conflict):
    slug, title = "hold-expired", "Hold expired"


class InvalidTransition(Conflict):
    slug, title = "invalid-transition", "Status change not allowed"


class Invalid(Problem):
    status, slug, title = 422, "validation", "Invalid input"

    def body(self) -> dict[str, Any]:
        # Every 422 lists its errors, whether pydantic or a use case found them.
        body = super().body()
        body.setdefault("errors", [{"loc": [], "msg": self.detail, "type": "invalid"}])
        return body


def problem_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _jsonable_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        out.append(
            {
                "loc": [str(part) for part in err.get("loc", ())],
                "msg": str(err.get("msg", "")),
                "type": str(err.get("type", "")),
            }
        )
    return out


_STATUS_TITLES = {
    400: "Bad request", 401: "Authentication required", 403: "Not allowed",
    404: "Not found", 405: "Method not allowed", 406: "Not acceptable",
    409: "Conflict", 413: "Payload too large", 415: "Unsupported media type",
    422: "Invalid input", 429: "Too many requests",
}  # fmt: skip


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.body())

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _jsonable_errors(exc.errors())
        first: dict[str, Any] = errors[0] if errors else {"loc": [], "msg": "invalid"}
        where = ".".join(p for p in first["loc"] if p not in ("body", "query", "path"))
        detail = f"{where}: {first['msg']}" if where else first["msg"]
        body = Invalid(detail).body()
        body["errors"] = errors
        return problem_response(422, body)

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        # Two requests raced past a uniqueness check (same email, slug, code ...): the
        # database refused the second; it conflicts with what the first just stored.
        return problem_response(
            409, Conflict("This conflicts with data that was just saved; reload and retry.").body()
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = _STATUS_TITLES.get(exc.status_code, "Error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        body = {
            "type": _TYPE_BASE + title.lower().replace(" ", "-"),
            "title": title,
            "status": exc.status_code,
            "detail": detail,
        }
        return problem_response(exc.status_code, body, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Logged by the middleware with the request id; the client learns nothing internal.
        return problem_response(500, Problem("An unexpected error occurred.").body())
