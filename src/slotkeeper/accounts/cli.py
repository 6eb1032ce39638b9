from __future__ import annotations

from slotkeeper.accounts import repository
from slotkeeper.accounts.service import register
from slotkeeper.kit.clock import Clock
from slotkeeper.kit.database import Database
from slotkeeper.kit.security import hash_password
from slotkeeper.kit.settings import Settings


async def create_admin(settings: Settings, email: str, password: str, name: str) -> str:
    db = Database(settings.database_url)
    try:
        async with db.write() as session:
            user = await repository.user_by_email(session, email)
            if user is None:
                user = await register(
                    session, email, password, name, Clock().now(), superadmin=True
                )
                return f"created admin {user.email}"
            user.is_superadmin = True
            user.password_hash = hash_password(password)
            return f"promoted {user.email} to admin (password reset)"
    finally:
        await db.dispose()
