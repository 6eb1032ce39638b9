"""The API docs work offline: ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) load everything
from this server, within their Content-Security-Policy, and list the API's operations.

The browser may reach only the test server: any other request is aborted and recorded,
and so is every CSP violation the console or the page reports.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.server.servers import Server

RECORD_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.cspViolations = window.cspViolations || []).push(
    `${e.effectiveDirective} ${e.blockedURI}`);
});"""


class OfflinePage:
    """A browser page cut off from everything but ``server``."""

    def __init__(self, new_page: Any, server: Server) -> None:
        self.page = new_page()
        self.elsewhere: list[str] = []
        self.console: list[str] = []
        self._local = urlsplit(server.base_url).netloc
        self.page.context.route("**/*", self._only_local)
        self.page.on("console", self._record)
        self.page.add_init_script(RECORD_VIOLATIONS)

    def _only_local(self, route: Any, request: Any) -> None:
        if urlsplit(request.url).netloc == self._local:
            route.continue_()
        else:
            self.elsewhere.append(request.url)
            route.abort()

    def _record(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def open(self, path: str) -> dict[str, str]:
        """Go to ``path``; the directives of its Content-Security-Policy."""
        response = self.page.goto(path)
        assert response is not None and response.status == 200, path
        policy = response.headers["content-security-policy"]
        directives = (part.split(maxsplit=1) for part in policy.split(";") if part.strip())
        return {name: sources for name, sources in directives}

    def assert_clean(self) -> None:
        self.page.wait_for_load_state("networkidle")
        assert not self.elsewhere, f"requests that left the server: {self.elsewhere}"
        assert not self.console, f"CSP violations in the console: {self.console}"
        reported = self.page.evaluate("window.cspViolations || []")
        assert not reported, f"CSP violations: {reported}"


def operation_ids(api: httpx.Client) -> set[str]:
    paths = api.get("/openapi.json").json()["paths"]
    return {op["operationId"] for operations in paths.values() for op in operations.values()}


def shown(page: Any, selector: str, attribute: str, pattern: str) -> set[str]:
    """The operation ids the page shows (an operation with two tags is shown twice)."""
    values = page.locator(selector).evaluate_all(f"(es) => es.map((e) => e.{attribute})")
    return {m.group(1) for v in values if (m := re.fullmatch(pattern, v or ""))}


def test_swagger_ui_lists_every_operation_offline(
    new_page: Any, server: Server, api: httpx.Client
) -> None:
    offline = OfflinePage(new_page, server)
    policy = offline.open("/docs")
    # The page's one inline script (the one that boots Swagger UI) is allowed by its hash.
    assert policy["default-src"] == "'none'"
    assert re.fullmatch(r"'self' 'sha256-[A-Za-z0-9+/]+=*'", policy["script-src"]), policy
    assert "unsafe" not in policy["style-src"]

    page = offline.page
    create = page.get_by_role("button", name=re.compile(r"^POST \/api\/v1\/bookings "))
    create.wait_for()
    assert shown(page, ".opblock", "id", r"operations-[^-]+-(.+)") == operation_ids(api)
    create.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").wait_for()
    offline.assert_clean()


def test_redoc_lists_every_operation_and_searches_offline(
    new_page: Any, server: Server, api: httpx.Client
) -> None:
    offline = OfflinePage(new_page, server)
    policy = offline.open("/redoc")
    # ReDoc needs inline styles and a blob: worker (its search), never inline scripts.
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["worker-src"] == "blob:"

    page = offline.page
    create = page.locator('[data-section-id="tag/bookings/operation/createBooking"]')
    create.get_by_role("heading", name="Create Booking").wait_for()
    assert "/api/v1/bookings" in create.inner_text()
    ids = shown(page, "[data-section-id]", "dataset.sectionId", r"tag/[^/]+/operation/([^/]+)")
    assert ids == operation_ids(api)

    page.get_by_placeholder("Search...").fill("reschedule")
    page.get_by_role("menuitem").filter(has_text="Reschedule Booking").first.wait_for()
    offline.assert_clean()
