"""Accounts in the browser: register, log in and out (a POST with CSRF), the wrong
password's message; the header says who is signed in; a customer is refused the
provider dashboard."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import unique
from tests.web.conftest import register_in_browser, shoot, sign_in
from tests.web.seed import PASSWORD, make_salon


def test_register_log_out_and_log_in_again(new_page: Any, api: httpx.Client) -> None:
    email = f"{unique('ada')}@example.com"
    page = new_page("Europe/Paris")
    page.goto("/register")
    shoot(page, "20-register")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Create account").click()
    assert answer.value.status == 422
    assert page.locator("#f-name-error").inner_text().lstrip("! ") == (
        "Enter your name (at most 200 characters)."
    )
    assert "valid email" in page.locator("#f-email-error").inner_text()

    register_in_browser(page, "Ada Lovelace", email, PASSWORD)
    assert page.locator("#signed-in-name").inner_text() == "Ada Lovelace"
    assert page.url.split("?")[0].endswith("/me")
    session_before = page.context.cookies()[0]["value"]

    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You are logged out.").wait_for()
    assert page.locator("#signed-in-name").count() == 0
    assert page.goto("/me").url.split("?")[0].endswith("/login")

    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not-the-password")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Log in").click()
    assert answer.value.status == 401
    assert page.get_by_role("alert").inner_text() == "Wrong email or password."
    assert page.get_by_label("Email").input_value() == email
    shoot(page, "21-login-wrong-password")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator("#signed-in-name").wait_for()
    assert page.url.split("?")[0].endswith("/me")  # where the refused /me was going
    assert page.context.cookies()[0]["value"] != session_before


def test_logging_in_starts_a_new_session_and_csrf_token(new_page: Any, api: httpx.Client) -> None:
    email = f"{unique('bo')}@example.com"
    page = new_page()
    register_in_browser(page, "Bo", email, PASSWORD)
    page.get_by_role("button", name="Log out").click()
    page.goto("/login")
    old_token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    sign_in(page, email)
    new_token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert new_token != old_token
    # A form made before signing in is refused afterwards.
    refused = page.request.post("/logout", form={"csrf_token": old_token}, max_redirects=0)
    assert refused.status == 403
    assert page.locator("#signed-in-name").inner_text() == "Bo"


def test_a_customer_cannot_open_the_dashboard(new_page: Any, api: httpx.Client) -> None:
    page = new_page()
    register_in_browser(page, "Cy", f"{unique('cy')}@example.com", PASSWORD)
    assert page.get_by_role("link", name="Dashboard").count() == 0
    answer = page.goto("/dashboard")
    assert answer.status == 403
    assert "The dashboard is for providers" in page.get_by_role("alert").inner_text()
    salon = make_salon(api)
    for path in ("", "/hours", "/days"):
        answer = page.goto(f"/dashboard/{salon['stylist']['id']}{path}")
        assert answer.status == 403, path
        assert "Only the provider or an admin" in page.get_by_role("alert").inner_text()
    shoot(page, "22-dashboard-refused")
