"""Structured logs with a request id, Prometheus metrics, health checks."""

from __future__ import annotations

import logging
import sys
import time
import uuid

import structlog
from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from slotkeeper.kit.deps import DB
from slotkeeper.kit.problems import problem_response

REQUESTS = Counter("slotkeeper_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "slotkeeper_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
log = structlog.get_logger("slotkeeper.http")


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level.upper())
    logging.getLogger("alembic").setLevel(logging.WARNING)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )


class RequestLogging:
    """Pure ASGI middleware: a request id on every log line and response, metrics per
    route, and one error log (paths and ids only, never bodies) for any 5xx."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("request_failed", method=scope["method"], path=scope["path"])
            raise
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            LATENCY.labels(scope["method"], route).observe(elapsed)
            if status >= 500:
                log.error(
                    "request",
                    method=scope["method"],
                    route=route,
                    status=status,
                    ms=round(elapsed * 1000, 2),
                )
            structlog.contextvars.unbind_contextvars("request_id")


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if 0 < len(text) <= 64 and text.isprintable():
                return text
    return uuid.uuid4().hex


ops = APIRouter(tags=["operations"], include_in_schema=False)


@ops.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@ops.get("/readyz")
async def readyz(db: DB) -> Response:
    try:
        async with db.read() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:  # not ready: report, don't crash
        return problem_response(
            503,
            {
                "type": "about:blank",
                "title": "Not ready",
                "status": 503,
                "detail": type(exc).__name__,
            },
        )
    return Response('{"status":"ready"}', media_type="application/json")


@ops.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
