"""Every table, imported in one place for Alembic and the app."""

# Each context registers its tables by being imported.
import slotkeeper.connections.models
import slotkeeper.events.models
import slotkeeper.waitlist.models  # noqa: F401
from slotkeeper.accounts.models import Membership, User
from slotkeeper.availability.models import DateOverride, TimeOff, WeeklyHours
from slotkeeper.bookings.models import (
    Booking,
    BookingEvent,
    BookingItem,
    IdempotencyRecord,
    Series,
)
from slotkeeper.catalog.models import (
    Location,
    Organization,
    Provider,
    ProviderLocation,
    Service,
    ServiceProvider,
)
from slotkeeper.kit.database import Base
from slotkeeper.pricing.models import DiscountCode

__all__ = [
    "Base",
    "Booking",
    "BookingEvent",
    "BookingItem",
    "DateOverride",
    "DiscountCode",
    "IdempotencyRecord",
    "Location",
    "Membership",
    "Organization",
    "Provider",
    "ProviderLocation",
    "Series",
    "Service",
    "ServiceProvider",
    "TimeOff",
    "User",
    "WeeklyHours",
]  # fmt: skip
