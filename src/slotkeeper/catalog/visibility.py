"""Who may see a provider's calendar: public, connected customers only, or private.

Public providers are seen by everyone, anonymous callers included. Connected-only ones by
their own account, the organization's managers and customers whose connection the
provider accepted; private ones by their own account and the managers only. To anyone
else a hidden provider looks exactly like an unknown one (404).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.accounts.service import MANAGER_ROLES
from slotkeeper.catalog import repository
from slotkeeper.catalog.models import Provider
from slotkeeper.kit.problems import NotFound


class Visibility(StrEnum):
    PUBLIC = "public"
    CONNECTED = "connected"
    PRIVATE = "private"


def _plainly_visible(provider: Provider, user: User | None) -> bool:
    """Visible without asking the database: public, or the caller is the provider itself
    or a superadmin."""
    if provider.visibility == Visibility.PUBLIC:
        return True
    return user is not None and (user.is_superadmin or provider.user_id == user.id)


async def require_visible(session: AsyncSession, provider: Provider, user: User | None) -> None:
    """Raise NotFound unless ``user`` may see ``provider`` (its slots, its booking)."""
    if not await visible(session, [provider], user):
        raise NotFound(f"No provider {provider.id}.")


async def visible(
    session: AsyncSession, providers: list[Provider], user: User | None
) -> list[Provider]:
    """The providers among ``providers`` that ``user`` may see, in the same order.

    No query when all are plainly visible (the usual case); else one for all of them."""
    hidden = [p for p in providers if not _plainly_visible(p, user)]
    if not hidden:
        return providers
    if user is None:
        return [p for p in providers if p.visibility == Visibility.PUBLIC]
    standing = await repository.standing_with_providers(
        session, [p.id for p in hidden], user.id, MANAGER_ROLES
    )
    seen = {p.id for p in hidden if _seen(p, *standing.get(p.id, (False, False)))}
    return [p for p in providers if _plainly_visible(p, user) or p.id in seen]


def _seen(provider: Provider, manages: bool, connected: bool) -> bool:
    return manages or (connected and provider.visibility == Visibility.CONNECTED)
