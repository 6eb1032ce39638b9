from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from slotkeeper.connections.models import ConnectionStatus
from slotkeeper.kit.types import NoNul


class ConnectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # A note for the provider ("we met at the clinic on Tuesday").
    message: Annotated[str | None, Field(max_length=500), NoNul] = None


class ConnectionOut(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    provider_id: uuid.UUID
    customer_user_id: uuid.UUID
    # Who is asking, for the provider deciding (the customer gives them by asking).
    customer_name: str
    customer_email: str
    status: ConnectionStatus
    message: str | None
    created_at: datetime
    decided_at: datetime | None
