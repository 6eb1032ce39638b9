from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from slotkeeper.accounts import repository, service
from slotkeeper.accounts.deps import CurrentUser
from slotkeeper.accounts.schemas import (
    MeOut,
    OrganizationRole,
    RegisterIn,
    TokenIn,
    TokenOut,
    UserOut,
)
from slotkeeper.kit.deps import DB, ClockDep, SettingsDep
from slotkeeper.kit.problems import Forbidden

router = APIRouter(tags=["auth"])


@router.post("/auth/register", status_code=201, response_model=UserOut, operation_id="register")
async def register(body: RegisterIn, db: DB, clock: ClockDep, settings: SettingsDep) -> UserOut:
    if not settings.allow_registration:
        raise Forbidden("Open registration is turned off on this server.")
    async with db.write() as session:
        user = await service.register(session, body.email, body.password, body.name, clock.now())
    return UserOut(id=user.id, email=user.email, name=user.name)


@router.post("/auth/token", response_model=TokenOut, operation_id="issueToken")
async def token(body: TokenIn, db: DB, clock: ClockDep, settings: SettingsDep) -> TokenOut:
    async with db.read() as session:
        access = await service.login(
            session,
            body.email,
            body.password,
            settings.signing_key,
            clock.now(),
            timedelta(seconds=settings.token_ttl_seconds),
        )
    return TokenOut(access_token=access, expires_in=settings.token_ttl_seconds)


@router.get("/me", response_model=MeOut, tags=["auth"], operation_id="me")
async def me(user: CurrentUser, db: DB) -> MeOut:
    async with db.read() as session:
        roles = await repository.memberships(session, user.id)
        provider_ids = await repository.provider_ids_of(session, user.id)
    return MeOut(
        id=user.id,
        email=user.email,
        name=user.name,
        organizations=[
            OrganizationRole(organization_id=m.organization_id, name=name, role=m.role)
            for m, name in roles
        ],
        provider_ids=provider_ids,
    )
