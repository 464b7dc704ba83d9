"""service.web.routes.docs: the browsable API documentation, with its assets served offline.

FastAPI's default Swagger page loads its JS and CSS from a CDN, which is a blank page on
links with no internet; BorderMap serves a pinned swagger-ui-dist (Apache-2.0) itself.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_UI = "swagger-ui-dist@5.35.0"
VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"
STATIC_PREFIX = "/api-static"

router = APIRouter(include_in_schema=False)


def static_app() -> StaticFiles:
    """The vendored documentation assets (mounted at ``STATIC_PREFIX``)."""
    return StaticFiles(directory=VENDOR)


@router.get("/api.html")
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over ``/api``, every asset from this server."""
    root = request.scope.get("root_path", "")
    assets = f"{root}{STATIC_PREFIX}/{SWAGGER_UI}"
    return get_swagger_ui_html(
        openapi_url=f"{root}/api",
        title="BorderMap API",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon-32x32.png",
    )
