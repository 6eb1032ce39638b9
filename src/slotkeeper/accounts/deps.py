"""Who is calling: the bearer token's user, if any."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from slotkeeper.accounts.models import User
from slotkeeper.accounts.repository import user_by_id
from slotkeeper.kit.deps import DB, ClockDep, SettingsDep
from slotkeeper.kit.problems import Unauthorized
from slotkeeper.kit.security import read_access_token

_bearer = HTTPBearer(auto_error=False)


async def optional_user(
    db: DB,
    clock: ClockDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User | None:
    if credentials is None:
        return None
    user_id = read_access_token(credentials.credentials, settings.signing_key, clock.now())
    if user_id is None:
        raise Unauthorized("The access token is invalid or has expired.")
    async with db.read() as session:
        user = await user_by_id(session, user_id)
    if user is None:
        raise Unauthorized("The access token's user no longer exists.")
    return user


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise Unauthorized("Sign in: send an Authorization: Bearer <token> header.")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
