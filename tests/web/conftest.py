"""Browser tests: Debian's Chromium driven by Playwright against a real ``slotkeeper serve``.

One server (a fresh SQLite database) and one browser serve the whole session; every test
seeds its own organization through the API, so tests never share free times. A missing
Chromium or Playwright skips these tests (fails under ``SLOTKEEPER_REQUIRE_ALL=1``).
Screenshots go to ``build/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.servers import Server, start_server
from tests.support import missing

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("web")
    running = start_server(f"sqlite:///{root / 'web.db'}", root / "server")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        missing(f"Chromium ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def api(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def new_page(browser: Any, server: Server) -> Iterator[Any]:
    """``new_page(timezone_id="Europe/Paris") -> Page`` in a fresh browser context (its
    own cookies), at desktop width; closed after the test."""
    contexts = []
    errors: list[str] = []

    def make(timezone_id: str = "Europe/Paris") -> Any:
        context = browser.new_context(
            base_url=server.base_url,
            viewport=DESKTOP,
            timezone_id=timezone_id,
            locale="en-GB",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def shoot(page: Any, name: str) -> None:
    """Full-page screenshots of the current page at desktop and at phone width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def sign_in(page: Any, email: str, password: str = "correct-horse-1") -> None:
    """Log in through the login page (from any page)."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.locator("#signed-in-name").wait_for()


def register_in_browser(page: Any, name: str, email: str, password: str) -> None:
    """Create an account through the register page; it signs the new account in."""
    page.goto("/register")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    page.locator("#signed-in-name").wait_for()
