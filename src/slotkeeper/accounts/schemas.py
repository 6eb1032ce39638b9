from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from slotkeeper.kit.types import NoNul


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: str = Field(min_length=8, max_length=200)
    name: Annotated[str, Field(min_length=1, max_length=200), NoNul]


class TokenIn(BaseModel):
    email: Annotated[str, Field(max_length=320), NoNul]
    password: str = Field(max_length=200)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str


class OrganizationRole(BaseModel):
    organization_id: uuid.UUID
    name: str
    role: str


class MeOut(UserOut):
    organizations: list[OrganizationRole]
    provider_ids: list[uuid.UUID]
