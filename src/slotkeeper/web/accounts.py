"""Register, sign in and sign out; who is signed in on a page.

The session cookie keeps the account's id (and the name the header shows); every page
that acts for the account loads it again, so a deleted account is signed out at once.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import RedirectResponse, Response

from slotkeeper.accounts import repository as accounts
from slotkeeper.accounts import service as accounts_service
from slotkeeper.accounts.models import User
from slotkeeper.accounts.schemas import RegisterIn
from slotkeeper.kit.deps import DB, ClockDep, SettingsDep
from slotkeeper.kit.problems import Conflict, Forbidden, Unauthorized
from slotkeeper.web import session
from slotkeeper.web.forms import has_nul, one, read_form
from slotkeeper.web.pages import PageRoute, render
from slotkeeper.web.session import CSRF_FIELD, SignInRequired, require_csrf

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MESSAGES = {
    "name": "Enter your name (at most 200 characters).",
    "email": "Enter a valid email address, like name@example.com.",
    "password": "Choose a password of 8 to 200 characters.",
}


async def viewer(request: Request, db: DB) -> User | None:
    """The signed-in account, or ``None`` (a cookie naming a deleted account signs out)."""
    user_id = session.user_id(request)
    if user_id is None:
        return None
    async with db.read() as s:
        user = await accounts.user_by_id(s, user_id)
    if user is None:
        session.rotate(request)
    return user


async def require_user(request: Request, db: DB) -> User:
    """The signed-in account; anyone else is sent to the sign-in page."""
    user = await viewer(request, db)
    if user is None:
        raise SignInRequired("Sign in to see this page.")
    return user


async def is_staff(s: AsyncSession, user: User) -> bool:
    """Whether the account acts as a provider or manages an organization."""
    if user.is_superadmin or await accounts.provider_ids_of(s, user.id):
        return True
    roles = await accounts.memberships(s, user.id)
    return any(m.role in accounts_service.MANAGER_ROLES for m, _ in roles)


def safe_next(text: str) -> str:
    """Where to go after signing in: a path on this site only."""
    if text.startswith("/") and not text.startswith(("//", "/\\")) and not has_nul(text):
        return text[:2000]
    return "/me"


async def _sign_in(request: Request, s: AsyncSession, user: User) -> None:
    session.rotate(request, uid=str(user.id), name=user.name, staff=await is_staff(s, user))


@router.get("/login")
async def login_form(request: Request, db: DB) -> Response:
    if await viewer(request, db) is not None:
        return RedirectResponse(safe_next(one(request.query_params, "next")), status_code=303)
    context = {"errors": {}, "email": "", "next": safe_next(one(request.query_params, "next"))}
    return render(request, "login.html", context)


@router.post("/login")
async def login(request: Request, db: DB, clock: ClockDep, settings: SettingsDep) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    email, password = one(form, "email")[:320], str(form.get("password") or "")[:200]
    after = safe_next(one(form, "next"))
    errors = {}
    if not email or has_nul(email):
        errors["email"] = "Enter your email address."
    if not password:
        errors["password"] = "Enter your password."
    message = None
    if not errors:
        async with db.read() as s:
            try:
                # The API's check (argon2, same timing for unknown emails).
                await accounts_service.login(
                    s, email, password, settings.signing_key, clock.now(), timedelta(minutes=1)
                )
            except Unauthorized as exc:
                message = exc.detail
            else:
                user = await accounts.user_by_email(s, email)
                assert user is not None  # the password matched its hash
                await _sign_in(request, s, user)
                return RedirectResponse(after, status_code=303)
    context = {"errors": errors, "email": email, "next": after, "message": message}
    return render(request, "login.html", context, 401 if message else 422)


@router.get("/register")
async def register_form(request: Request, settings: SettingsDep) -> Response:
    context = {
        "errors": {},
        "typed": {},
        "next": safe_next(one(request.query_params, "next")),
        "closed": not settings.allow_registration,
    }
    return render(request, "register.html", context)


@router.post("/register")
async def register(request: Request, db: DB, clock: ClockDep, settings: SettingsDep) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    if not settings.allow_registration:
        raise Forbidden("Open registration is turned off on this server.")
    typed = {"name": one(form, "name"), "email": one(form, "email")}
    password = str(form.get("password") or "")[:1000]
    after = safe_next(one(form, "next"))
    errors: dict[str, str] = {}
    data = None
    try:
        data = RegisterIn.model_validate({**typed, "password": password})
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "form"
            errors.setdefault(field, MESSAGES.get(field, "Please check what you entered."))
    if data is not None:
        try:
            async with db.write() as s:
                user = await accounts_service.register(
                    s, str(data.email), data.password, data.name, clock.now()
                )
                await _sign_in(request, s, user)
        except Conflict:
            errors["email"] = "An account with this email already exists. Sign in instead."
        else:
            return RedirectResponse(after, status_code=303)
    context = {"errors": errors, "typed": typed, "next": after, "closed": False}
    return render(
        request, "register.html", context, 409 if "exists" in errors.get("email", "") else 422
    )


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await read_form(request)
    require_csrf(request, form.get(CSRF_FIELD))
    session.rotate(request)
    return RedirectResponse("/?signed_out=1", status_code=303)
