"""The "Add to calendar" file of a booking (iCalendar, RFC 5545)."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.web.views import BookingView

# Held and requested bookings are not settled yet: calendars show them as tentative.
_STATUS = {
    BookingStatus.CONFIRMED: "CONFIRMED",
    BookingStatus.HELD: "TENTATIVE",
    BookingStatus.REQUESTED: "TENTATIVE",
    BookingStatus.TIME_SUGGESTED: "TENTATIVE",
}


def booking_calendar(view: BookingView, manage_url: str, now: datetime) -> bytes:
    booking = view.booking
    event = Event()
    event.add("uid", f"booking-{booking.id}@slotkeeper")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", booking.start_at.astimezone(UTC))
    event.add("dtend", booking.end_at.astimezone(UTC))
    event.add("summary", f"{view.title} ({view.org.name})")
    where = [f"{loc.name}, {loc.address or loc.city}" for loc in view.locations]
    if where:
        event.add("location", "; ".join(where))
    event.add("description", f"Manage or cancel this booking: {manage_url}")
    event.add("url", manage_url)
    event.add("status", _STATUS.get(view.status, "CANCELLED"))
    event.add("sequence", 0)
    calendar = Calendar()
    calendar.add("prodid", "-//Slotkeeper//Booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
