"""Password hashing (argon2), signed access tokens (JWT) and manage tokens."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from base64 import urlsafe_b64encode
from datetime import datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the email is unknown, so login takes as long either way.
_DUMMY_HASH = _hasher.hash("slotkeeper-dummy-password")
ALGORITHM = "HS256"
_CLOCKLESS = {"verify_exp": False, "verify_iat": False, "verify_nbf": False}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    try:
        return _hasher.verify(hashed or _DUMMY_HASH, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def issue_access_token(user_id: uuid.UUID, key: str, now: datetime, ttl: timedelta) -> str:
    claims = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "typ": "access",
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read_access_token(token: str, key: str, now: datetime) -> uuid.UUID | None:
    """The user id in a valid, unexpired token, else ``None``."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
        if claims.get("typ") != "access" or int(claims["exp"]) <= now.timestamp():
            return None
        return uuid.UUID(str(claims["sub"]))
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError):
        return None


def manage_token(booking_id: uuid.UUID, key: str) -> str:
    """The guest's private token for one booking.

    Derived from the secret key so an idempotent retry can hand it out again; only its
    hash is stored, so the database alone never reveals it.
    """
    digest = hmac.new(key.encode(), f"manage:{booking_id}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
