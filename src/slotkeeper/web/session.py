"""Cookie sessions and CSRF tokens for the pages.

The session is a small JSON payload in one cookie, signed with HMAC-SHA256 under the
app's secret key (nothing is stored server-side). Every POST form carries a CSRF token
derived from the session's random id; a POST whose token does not match the cookie's
session is refused with 403. See docs/decisions/web-sessions-and-csrf.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.responses import Response

from slotkeeper.kit.problems import Forbidden, Unauthorized
from slotkeeper.kit.settings import Settings

COOKIE = "slotkeeper_session"
MAX_AGE = 60 * 60 * 24 * 14
CSRF_FIELD = "csrf_token"


class CsrfRefused(Forbidden):
    slug, title = "csrf", "Form expired or not sent from this site"


class SignInRequired(Unauthorized):
    """A page for signed-in users only: the pages answer it with the sign-in page."""

    slug, title = "sign-in", "Sign in first"


@dataclass
class PageSession:
    data: dict[str, Any] = field(default_factory=dict)
    # From a valid cookie (False: made for this request, so no form was shown before it).
    from_cookie: bool = False
    changed: bool = False

    @property
    def sid(self) -> str:
        return str(self.data["sid"])


def _sign(payload: bytes, key: str) -> str:
    digest = hmac.new(key.encode(), b"session:" + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode(data: dict[str, Any], key: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
    return f"{payload.decode()}.{_sign(payload, key)}"


def decode(cookie: str, key: str) -> dict[str, Any] | None:
    """The payload of a cookie this app signed, else ``None``."""
    payload, _, signature = cookie.rpartition(".")
    if not payload or not hmac.compare_digest(_sign(payload.encode(), key), signature):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        return None
    return data


def _key(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return settings.signing_key


def page_session(request: Request) -> PageSession:
    """This request's session: the cookie's, or a new one (sent back with the response)."""
    found = getattr(request.state, "page_session", None)
    if isinstance(found, PageSession):
        return found
    data = decode(request.cookies.get(COOKIE, ""), _key(request))
    if data is None:
        session = PageSession({"sid": secrets.token_urlsafe(24)}, changed=True)
    else:
        session = PageSession(data, from_cookie=True)
    request.state.page_session = session
    return session


def csrf_token(request: Request) -> str:
    sid = page_session(request).sid
    digest = hmac.new(_key(request).encode(), f"csrf:{sid}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def require_csrf(request: Request, sent: object) -> None:
    """Refuse a POST unless its form's token belongs to the cookie's session."""
    session = page_session(request)
    if (
        not session.from_cookie
        or not isinstance(sent, str)
        or not hmac.compare_digest(sent.encode(), csrf_token(request).encode())
    ):
        raise CsrfRefused(
            "This form could not be accepted: it has expired or did not come from this site. "
            "Go back, reload the page and send it again."
        )


def user_id(request: Request) -> uuid.UUID | None:
    """The signed-in account's id, if any (its existence is checked by ``web.auth``)."""
    text = page_session(request).data.get("uid")
    try:
        return uuid.UUID(text) if isinstance(text, str) else None
    except ValueError:
        return None


def signed_in_as(request: Request) -> dict[str, Any] | None:
    """What the header shows of the signed-in account: ``{"name", "staff"}``."""
    data = page_session(request).data
    if not isinstance(data.get("uid"), str):
        return None
    return {"name": str(data.get("name", "")), "staff": bool(data.get("staff"))}


def rotate(request: Request, **data: Any) -> None:
    """Start a new session (new id, so new CSRF tokens) holding ``data``: on signing in
    and out, so a session id or token seen before cannot ride along."""
    session = page_session(request)
    session.data = {"sid": secrets.token_urlsafe(24), **data}
    session.changed = True


def update(request: Request, **data: Any) -> None:
    session = page_session(request)
    if any(session.data.get(k) != v for k, v in data.items()):
        session.data.update(data)
        session.changed = True


def save(request: Request, response: Response) -> None:
    """Send the session cookie when it is new or changed."""
    session = getattr(request.state, "page_session", None)
    if not isinstance(session, PageSession) or not session.changed:
        return
    response.set_cookie(
        COOKIE,
        encode(session.data, _key(request)),
        max_age=MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
