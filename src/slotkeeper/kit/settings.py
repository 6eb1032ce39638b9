"""Typed settings from ``SLOTKEEPER_*`` environment variables."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SLOTKEEPER_", extra="ignore")

    database_url: str = "sqlite:///./var/slotkeeper.db"
    secret_key: str | None = None
    secret_file: Path = Path("./var/secret")
    hold_ttl_seconds: int = Field(600, ge=1)
    # An unanswered request expires this long after it was made (or at its start).
    request_ttl_hours: float = Field(48, gt=0)
    allow_registration: bool = True
    token_ttl_seconds: int = Field(3600, ge=60)
    # Background jobs (hold sweeper) inside the server process; `slotkeeper worker` runs
    # them on their own.
    run_jobs_in_process: bool = True
    sweep_interval_seconds: float = Field(5.0, gt=0)
    # Test hook for the race tests' control case: "off" removes the booking guard (the
    # serialized check-and-insert) so the tests can show the race is real. Never set it
    # in production.
    booking_guard: str = "on"
    log_level: str = "INFO"
    db_pool_size: int = Field(10, ge=1)

    @cached_property
    def signing_key(self) -> str:
        """The configured secret, else one generated once into ``secret_file``."""
        if self.secret_key:
            return self.secret_key
        path = self.secret_file
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key
