"""Registration, tokens and /me."""

from __future__ import annotations

from datetime import timedelta

import jwt

from tests.support import API, ok, problem, register, unique


def test_register_then_sign_in(client) -> None:
    email = f"{unique('Mixed')}@Example.COM"
    user = ok(client.post(f"{API}/auth/register",
                          json={"email": email, "password": "long-enough-1", "name": "  Ada  "}),
              201)
    assert set(user) == {"id", "email", "name"}  # never the password or its hash
    assert user["email"] == email.lower()
    assert user["name"] == "Ada"

    # Sign-in ignores the email's case.
    token = ok(client.post(f"{API}/auth/token", json={"email": email.upper(),
                                                      "password": "long-enough-1"}))
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 3600
    me = ok(client.get(f"{API}/me", headers={"Authorization": f"Bearer {token['access_token']}"}))
    assert (me["id"], me["email"], me["name"]) == (user["id"], email.lower(), "Ada")


def test_email_is_taken_whatever_its_case(client) -> None:
    user = register(client)
    body = problem(client.post(f"{API}/auth/register",
                               json={"email": user["email"].upper(), "password": "another-pass",
                                     "name": "Copy"}), 409)
    assert "already exists" in body["detail"]


def test_wrong_credentials_are_401(client) -> None:
    user = register(client)
    wrong = problem(client.post(f"{API}/auth/token",
                                json={"email": user["email"], "password": "not-the-password"}),
                    401)
    unknown = problem(client.post(f"{API}/auth/token",
                                  json={"email": f"{unique('nobody')}@example.com",
                                        "password": "correct-horse-1"}), 401)
    # The same answer either way: the API does not tell which accounts exist.
    assert wrong == unknown


def test_token_expires(client, clock) -> None:
    user = register(client)
    ok(client.get(f"{API}/me", headers=user["headers"]))
    clock.advance(timedelta(seconds=3599))
    ok(client.get(f"{API}/me", headers=user["headers"]))
    clock.advance(timedelta(seconds=1))
    body = problem(client.get(f"{API}/me", headers=user["headers"]), 401)
    assert "expired" in body["detail"]


def test_tokens_signed_with_another_key_are_refused(client) -> None:
    forged = jwt.encode({"sub": "00000000-0000-4000-8000-000000000000", "typ": "access",
                         "exp": 4_000_000_000}, "some-other-key-" + "y" * 32, algorithm="HS256")
    problem(client.get(f"{API}/me", headers={"Authorization": f"Bearer {forged}"}), 401)
    problem(client.get(f"{API}/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401)


def test_registration_can_be_closed(client, settings) -> None:
    settings.allow_registration = False
    body = problem(client.post(f"{API}/auth/register",
                               json={"email": f"{unique('late')}@example.com",
                                     "password": "long-enough-1", "name": "Late"}), 403)
    assert "registration" in body["detail"]


def test_registration_validation(client) -> None:
    good = {"email": f"{unique('v')}@example.com", "password": "long-enough-1", "name": "V"}
    for bad in ({**good, "email": "not-an-email"},
                {**good, "password": "short"},
                {**good, "password": "x" * 201},
                {**good, "name": ""},
                {**good, "name": "x" * 201},
                {**good, "role": "admin"},          # unknown fields are refused
                {"email": good["email"], "password": good["password"]}):
        body = problem(client.post(f"{API}/auth/register", json=bad), 422)
        assert body["errors"][0]["loc"][0] == "body", body
    ok(client.post(f"{API}/auth/register", json=good), 201)
