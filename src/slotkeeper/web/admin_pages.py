"""Every organization admin page, as one router: the admin (organizations, locations,
providers, discount codes, pricing), changing and removing them, its services and its
reports."""

from __future__ import annotations

from fastapi import APIRouter

from slotkeeper.web import admin, admin_edit, admin_services, reports

router = APIRouter(include_in_schema=False)
for pages in (admin.router, admin_edit.router, admin_services.router, reports.router):
    router.include_router(pages)
