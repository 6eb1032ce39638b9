"""Registration, login and who may act on an organization."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts import repository
from slotkeeper.accounts.models import Membership, Role, User
from slotkeeper.kit.problems import Conflict, Forbidden, Unauthorized
from slotkeeper.kit.security import hash_password, issue_access_token, verify_password

MANAGER_ROLES = frozenset({Role.OWNER, Role.ADMIN})


async def register(
    session: AsyncSession,
    email: str,
    password: str,
    name: str,
    now: datetime,
    superadmin: bool = False,
) -> User:
    if await repository.user_by_email(session, email) is not None:
        raise Conflict("An account with this email already exists.")
    user = User(
        email=email.lower(),
        name=name.strip(),
        password_hash=hash_password(password),
        is_superadmin=superadmin,
        created_at=now,
    )
    session.add(user)
    await session.flush()
    return user


async def login(
    session: AsyncSession, email: str, password: str, key: str, now: datetime, ttl: timedelta
) -> str:
    user = await repository.user_by_email(session, email)
    if not verify_password(password, user.password_hash if user else None) or user is None:
        raise Unauthorized("Wrong email or password.")
    return issue_access_token(user.id, key, now, ttl)


async def add_member(
    session: AsyncSession, org_id: uuid.UUID, user_id: uuid.UUID, role: Role
) -> None:
    session.add(Membership(organization_id=org_id, user_id=user_id, role=role.value))
    await session.flush()


async def is_manager(session: AsyncSession, user: User | None, org_id: uuid.UUID) -> bool:
    if user is None:
        return False
    if user.is_superadmin:
        return True
    return await repository.role_in(session, user.id, org_id) in MANAGER_ROLES


async def require_manager(session: AsyncSession, user: User | None, org_id: uuid.UUID) -> None:
    """Owners and admins of the organization (and superadmins) manage it."""
    if user is None:
        raise Unauthorized("Sign in to manage an organization.")
    if not await is_manager(session, user, org_id):
        raise Forbidden("You are not an owner or admin of this organization.")
