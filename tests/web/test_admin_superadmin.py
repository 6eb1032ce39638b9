"""Organization admin for a superadmin made by ``slotkeeper create-admin``: ``/admin`` lists
every organization, whoever owns it, and every admin page of any of them opens and saves,
through the same use cases (and the same permission rule) as the API. Every admin page
names the organization it shows, for owners too; other owners and customers still get
the readable 403."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.server.servers import SECRET, Server
from tests.support import (
    API,
    login,
    make_location,
    make_org,
    make_provider,
    make_service,
    ok,
    register,
    unique,
)
from tests.web.conftest import shoot, sign_in

PASSWORD = "correct-horse-1"
CLI = "from slotkeeper.cli import main; main()"  # when the console script is not installed


def create_admin(server: Server, email: str) -> str:
    """Run the real ``slotkeeper create-admin`` against the test server's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLOTKEEPER_")}
    env.update(SLOTKEEPER_DATABASE_URL=server.database_url, SLOTKEEPER_SECRET_KEY=SECRET)
    script = Path(sys.executable).parent / "slotkeeper"
    command = [str(script)] if script.exists() else [sys.executable, "-c", CLI]
    arguments = ["--email", email, "--password", PASSWORD, "--name", "Site Admin"]
    done = subprocess.run(
        [*command, "create-admin", *arguments],
        env=env,
        cwd=server.workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def make_business(api: httpx.Client, name: str) -> dict[str, Any]:
    """An organization of a new owner, with a location, a provider and a service."""
    owner = register(api)
    org = make_org(api, owner, name=name, timezone="Europe/Paris", currency="EUR")
    location = make_location(api, owner, org, name=f"{name} Centre", city="Lyon")
    provider = make_provider(
        api, owner, org, name=unique("Alex Martin"), location_ids=[location["id"]]
    )
    service = make_service(api, owner, org, [provider], name="Consultation", price="40.00")
    code = ok(
        api.post(
            f"{API}/organizations/{org['id']}/discount-codes",
            json={"code": unique("WELCOME").replace("-", ""), "kind": "percent", "value": "10"},
            headers=owner["headers"],
        ),
        201,
    )
    return {
        "owner": owner,
        "org": org,
        "location": location,
        "provider": provider,
        "service": service,
        "code": code,
    }


def admin_paths(shop: dict[str, Any]) -> list[str]:
    """Every admin page of the organization: lists, forms to add, change and remove."""
    base = f"/admin/{shop['org']['id']}"
    location, provider = shop["location"]["id"], shop["provider"]["id"]
    service, code = shop["service"]["id"], shop["code"]["id"]
    return [
        f"{base}/services",
        f"{base}/services/new",
        f"{base}/services/{service}",
        f"{base}/providers",
        f"{base}/providers/{provider}",
        f"{base}/providers/{provider}/remove",
        f"{base}/locations",
        f"{base}/locations/{location}",
        f"{base}/locations/{location}/remove",
        f"{base}/discount-codes",
        f"{base}/discount-codes/{code}",
        f"{base}/discount-codes/{code}/remove",
        f"{base}/pricing",
        f"{base}/reports",
    ]


def assert_names_the_organization(page: Any, path: str, org: dict[str, Any]) -> None:
    answer = page.goto(path)
    assert answer is not None and answer.status == 200, path
    assert page.get_by_role("heading", level=1).inner_text() == org["name"], path
    assert org["name"] in page.title(), path


def test_a_superadmin_opens_and_changes_every_organization(
    new_page: Any, api: httpx.Client, server: Server
) -> None:
    tag = unique("Tenant")
    dental = make_business(api, f"{tag} Dental")
    salon = make_business(api, f"{tag} Salon")
    email = f"{unique('root')}@example.com"
    assert email in create_admin(server, email)

    page = new_page()
    sign_in(page, email, PASSWORD)
    page.get_by_role("link", name="Admin", exact=True).click()
    page.wait_for_url(re.compile(r"/admin$"))  # several organizations: a list to choose from
    assert "You are a superadmin" in page.locator(".lead").inner_text()
    page.get_by_label("Organization or location name").fill(tag)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/admin\?q="))
    listed = page.get_by_role("list", name="Organizations").get_by_role("heading")
    assert listed.all_inner_texts() == sorted(o["name"] for o in (dental["org"], salon["org"]))
    shoot(page, "60-admin-superadmin-index")

    # The dental practice's services page says whose it is, and a change saves.
    dental_id = dental["org"]["id"]
    page.get_by_role("link", name=dental["org"]["name"]).click()
    page.wait_for_url(re.compile(rf"/admin/{dental_id}/services$"))
    assert page.get_by_role("heading", level=1).inner_text() == dental["org"]["name"]
    notice = page.locator("#superadmin-visit").inner_text()
    assert "superadmin" in notice and dental["org"]["name"] in notice
    page.get_by_role("link", name="Consultation").click()
    page.get_by_label("Price", exact=True).fill("55.00")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Service saved.").wait_for()
    assert "55.00 EUR" in page.get_by_role("row", name=re.compile("Consultation")).inner_text()
    shoot(page, "61-admin-superadmin-services")
    services = ok(api.get(f"{API}/organizations/{dental_id}/services"))
    assert [(s["name"], s["price"]) for s in services] == [("Consultation", "55.00")]
    other = ok(api.get(f"{API}/organizations/{salon['org']['id']}/services"))
    assert [s["price"] for s in other] == ["40.00"]  # the other organization is untouched

    # The salon: every admin page opens and names it; a form there saves too.
    for path in admin_paths(salon):
        assert_names_the_organization(page, path, salon["org"])
        assert page.locator("#superadmin-visit").is_visible(), path
    page.goto(f"/admin/{salon['org']['id']}/locations")
    page.get_by_label("Name").fill("Salon Presqu'île")
    page.get_by_label("City").fill("Lyon")
    page.get_by_role("button", name="Add location").click()
    page.get_by_text("Location added.").wait_for()
    found = ok(api.get(f"{API}/organizations/{salon['org']['id']}"))
    assert "Salon Presqu'île" in [loc["name"] for loc in found["locations"]]

    # The API lets the same account do the same, under the same rule.
    headers = login(api, {"email": email}, PASSWORD)
    changed = api.patch(
        f"{API}/services/{salon['service']['id']}", json={"price": "45.00"}, headers=headers
    )
    assert ok(changed)["price"] == "45.00"


def test_a_superadmin_who_owns_an_organization_sees_it_marked(
    new_page: Any, api: httpx.Client, server: Server
) -> None:
    email = f"{unique('root')}@example.com"
    create_admin(server, email)
    mine = make_org(api, {"headers": login(api, {"email": email}, PASSWORD)}, name=unique("Own"))
    page = new_page()
    sign_in(page, email, PASSWORD)
    page.goto(f"/admin?q={mine['name']}")
    card = page.get_by_role("list", name="Organizations").get_by_role("listitem")
    assert card.count() == 1 and "you own or run it" in card.inner_text()
    assert_names_the_organization(page, f"/admin/{mine['id']}/services", mine)
    assert page.locator("#superadmin-visit").count() == 0  # its own: nothing to warn about

    # A search that finds nothing says so; a bad one is explained next to its field.
    page.goto(f"/admin?q={unique('Nowhere')}")
    assert "No organization or location is named like" in page.locator("main").inner_text()
    answer = page.goto("/admin?q=" + "x" * 201)
    assert answer is not None and answer.status == 422
    assert "at most 200 characters" in page.locator("#f-q-error").inner_text()
    answer = page.goto(f"/admin?q={mine['name']}&page=2")
    assert answer is not None and answer.status == 200
    assert "No more organizations" in page.locator("main").inner_text()


def test_an_owner_sees_the_organization_named_on_every_admin_page(
    new_page: Any, api: httpx.Client
) -> None:
    shop = make_business(api, unique("Riverside Clinic"))
    page = new_page()
    sign_in(page, shop["owner"]["email"])
    page.get_by_role("link", name="Admin", exact=True).click()
    page.wait_for_url(re.compile(rf"/admin/{shop['org']['id']}/services$"))
    for path in admin_paths(shop):
        assert_names_the_organization(page, path, shop["org"])
        assert page.locator("#superadmin-visit").count() == 0, path


def test_other_owners_and_customers_still_get_the_readable_403(
    new_page: Any, api: httpx.Client
) -> None:
    shop = make_business(api, unique("Hillside Barbers"))
    other = make_business(api, unique("Valley Barbers"))
    customer = register(api)
    for account, paths in (
        (other["owner"], admin_paths(shop)[::3]),
        (customer, ["/admin", f"/admin/{shop['org']['id']}/services"]),
    ):
        page = new_page()
        sign_in(page, account["email"])
        for path in paths:
            answer = page.goto(path)
            assert answer is not None and answer.status == 403, path
            assert page.get_by_role("heading", name="Not allowed").is_visible(), path
            assert "owner" in page.locator(".alert").inner_text(), path
            assert shop["org"]["name"] not in page.locator("main").inner_text(), path
