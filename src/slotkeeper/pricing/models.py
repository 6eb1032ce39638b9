from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from slotkeeper.kit.database import Base, IdMixin


class DiscountCode(IdMixin, Base):
    __tablename__ = "discount_codes"
    __table_args__ = (UniqueConstraint("organization_id", "code", name="uq_discount_codes_code"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(64))  # stored upper-case
    kind: Mapped[str] = mapped_column(String(10))  # percent | fixed
    # Percent codes: basis points (1000 = 10 %); fixed codes: minor units.
    value: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    max_uses: Mapped[int | None]
    uses: Mapped[int] = mapped_column(default=0)
    service_ids: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
