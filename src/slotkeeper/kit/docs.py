"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from assets this app serves itself.

FastAPI's own pages load both from a CDN, so without internet they stay blank. The
``fastapi-offline`` package ships the same bundles; we mount its folder and render FastAPI's
pages pointing at it, each under a Content-Security-Policy that allows what that page needs
and nothing from elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_ASSETS = "/docs-assets"
_ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# ReDoc's sidebar always shows Redocly's logo from their CDN; an empty image instead.
_REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
_NO_IMAGE = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"

# Shared by both pages: only this origin, no framing, no forms, no plugins.
_BASE_POLICY = (
    "default-src 'none'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_OTHER_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def install_docs(app: FastAPI) -> None:
    """Serve the docs pages and their assets; the app must be made with ``docs_url=None``
    and ``redoc_url=None`` (FastAPI's CDN versions)."""
    favicon = f"{DOCS_ASSETS}/favicon.png"

    # Before the mount, which would otherwise serve the file as shipped.
    @app.get(f"{DOCS_ASSETS}/redoc.standalone.js", include_in_schema=False)
    async def redoc_script() -> Response:
        return Response(_redoc_script(), media_type="text/javascript")

    app.mount(DOCS_ASSETS, StaticFiles(directory=_ASSETS_DIR), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{favicon}",
            swagger_ui_parameters=app.swagger_ui_parameters,
        )
        # The one inline script boots Swagger UI; its hash allows exactly that script.
        return _with_policy(page, f"script-src 'self' {_script_hashes(page)}; style-src 'self'")

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        page = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{favicon}",
            with_google_fonts=False,
        )
        # ReDoc styles itself with generated <style> elements and runs its search index in
        # a worker it builds from a blob: URL; its scripts all come from this origin.
        return _with_policy(
            page, "script-src 'self'; style-src 'self' 'unsafe-inline'; worker-src blob:"
        )


@cache
def _redoc_script() -> bytes:
    script = (_ASSETS_DIR / "redoc.standalone.js").read_bytes()
    return script.replace(_REDOC_LOGO, _NO_IMAGE)


def _script_hashes(page: HTMLResponse) -> str:
    """CSP sources allowing each inline ``<script>`` of ``page`` and only those."""
    scripts = _INLINE_SCRIPT.findall(bytes(page.body).decode())
    digests = (hashlib.sha256(script.encode()).digest() for script in scripts)
    return " ".join(f"'sha256-{base64.b64encode(d).decode()}'" for d in digests)


def _with_policy(page: HTMLResponse, sources: str) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = f"{_BASE_POLICY}; {sources}"
    page.headers.update(_OTHER_HEADERS)
    return page
