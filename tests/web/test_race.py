"""Two browsers race for one time: the loser is told plainly, sees fresh free times and
keeps what it typed."""

from __future__ import annotations

from typing import Any

import httpx

from tests.web.conftest import shoot
from tests.web.seed import make_salon, times_path


def _open_first_time(page: Any, path: str) -> str:
    page.goto(path)
    page.locator("a.time").first.click()
    return page.locator("input[name=start]").get_attribute("value") or ""


def _fill(page: Any, name: str, email: str, notes: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Notes for", exact=False).fill(notes)


def test_the_loser_of_a_race_sees_fresh_times_and_keeps_its_fields(
    new_page: Any, api: httpx.Client
) -> None:
    salon = make_salon(api)
    path = times_path(salon, "haircut", tz="America/New_York")
    first, second = new_page("America/New_York"), new_page("America/New_York")
    start = _open_first_time(first, path)
    assert _open_first_time(second, path) == start
    _fill(first, "Ada Lovelace", "ada@example.com", "First!")
    _fill(second, "Alan Turing", "alan@example.com", "Window seat, please")

    first.get_by_role("button", name="Book now").click()
    first.get_by_role("heading", name="You're booked").wait_for()
    second.get_by_role("button", name="Book now").click()

    alert = second.get_by_role("alert")
    assert "that time was just taken by someone else" in alert.inner_text()
    assert second.get_by_label("Full name").input_value() == "Alan Turing"
    assert second.get_by_label("Email").input_value() == "alan@example.com"
    assert second.get_by_label("Notes for", exact=False).input_value() == "Window seat, please"
    offered = second.locator("input[name=start]").evaluate_all("els => els.map(e => e.value)")
    assert offered and start not in offered  # fresh: the taken time is gone
    shoot(second, "6-time-taken")

    second.locator("label.time-option").first.click()
    second.get_by_role("button", name="Book now").click()
    second.get_by_role("heading", name="You're booked").wait_for()
    assert "Alan Turing" in second.locator(".summary-list").inner_text()


def test_a_form_sent_twice_books_once(new_page: Any, api: httpx.Client) -> None:
    salon = make_salon(api)
    page = new_page("America/New_York")
    _open_first_time(page, times_path(salon, "haircut", tz="America/New_York"))
    _fill(page, "Ada Lovelace", "ada@example.com", "")
    form = page.locator("form[method=post]").evaluate(
        "f => Object.fromEntries(new FormData(f).entries())"
    )
    action = page.locator("form[method=post]").get_attribute("action") or ""
    first, again = (page.request.post(action, form=form, max_redirects=0) for _ in range(2))

    assert first.status == again.status == 303
    assert first.headers["location"] == again.headers["location"]  # the same booking
