"""A booking as the API answers it (``BookingOut``), for the booking and series routes."""

from __future__ import annotations

from datetime import datetime

from slotkeeper.bookings.models import Booking, BookingItem
from slotkeeper.bookings.schemas import BookingItemOut, BookingOut, CustomerOut
from slotkeeper.domain.lifecycle import BookingStatus
from slotkeeper.domain.money import format_minor
from slotkeeper.domain.pricing import Breakdown
from slotkeeper.pricing.service import breakdown_out


def items_out(booking: Booking, items: list[BookingItem] | None) -> list[BookingItemOut]:
    if not items:
        return [
            BookingItemOut(
                service_id=booking.service_id,
                start=booking.start_at,
                end=booking.end_at,
                duration_minutes=booking.duration_minutes,
                price=format_minor(booking.base_minor, booking.currency),
            )
        ]
    return [
        BookingItemOut(
            service_id=item.service_id,
            start=item.start_at,
            end=item.end_at,
            duration_minutes=item.duration_minutes,
            price=format_minor(item.price_minor, booking.currency),
        )
        for item in items
    ]


def booking_out(
    booking: Booking, token: str | None = None, items: list[BookingItem] | None = None
) -> BookingOut:
    return BookingOut(
        id=booking.id,
        organization_id=booking.organization_id,
        service_id=booking.service_id,
        provider_id=booking.provider_id,
        status=BookingStatus(booking.status),
        start=booking.start_at,
        end=booking.end_at,
        duration_minutes=booking.duration_minutes,
        items=items_out(booking, items),
        hold_expires_at=booking.hold_expires_at if booking.status == "held" else None,
        respond_by=booking.hold_expires_at if booking.status == "requested" else None,
        suggested_starts=[datetime.fromisoformat(s) for s in booking.suggested_starts or []]
        if booking.status == "time_suggested"
        else [],
        customer=CustomerOut(
            name=booking.customer_name, email=booking.customer_email, phone=booking.customer_phone
        ),
        notes=booking.notes,
        price=format_minor(booking.price_minor, booking.currency),
        breakdown=breakdown_out(
            Breakdown(
                currency=booking.currency,
                base=booking.base_minor,
                discount=booking.discount_minor,
                subtotal=booking.base_minor - booking.discount_minor,
                platform_fee=booking.platform_fee_minor,
                vat=booking.vat_minor,
                total=booking.price_minor,
                vat_inclusive=booking.vat_inclusive,
            )
        ),
        currency=booking.currency,
        seats=booking.seats,
        cancelled_by=booking.cancelled_by,
        refund_due=format_minor(booking.refund_due_minor, booking.currency)
        if booking.refund_due_minor is not None
        else None,
        cancel_reason=booking.cancel_reason,
        series_id=booking.series_id,
        series_index=booking.series_index,
        created_at=booking.created_at,
        manage_token=token,
    )
