"""service.web.app: the application factory (``uvicorn --factory service.web.app:create_app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service.db.engine import make_engine, make_sessionmaker
from service.db.replicas import make_read_router
from service.settings import Settings
from service.web.errors import add_exception_handlers
from service.web.exports import ExportSlots
from service.web.middleware import add_middleware
from service.web.page_cache import MapCache
from service.web.read_routing import ReadRoutingMiddleware
from service.web.routes import (
    account,
    audit,
    coordination,
    coverage,
    docs,
    forms,
    health,
    imports,
    inspections,
    marker_writes,
    metrics,
    officers,
    ogc,
    pages,
    progress,
    reports,
    search,
    signin,
    spatial,
    targets,
    tiles,
)
from service.web.routes import maps as maps_routes
from service.web.telemetry import Metrics, configure_logging


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the engine opens in ``lifespan`` and closes on shutdown."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_json)
        engine = make_engine(settings, timeout_ms=settings.public_statement_timeout_ms)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.export_slots = ExportSlots(settings.max_concurrent_exports)
        app.state.map_cache = MapCache()
        app.state.read_router = make_read_router(settings, engine)
        try:
            yield
        finally:
            app.state.read_router.dispose()

    app = FastAPI(
        title="BorderMap",
        description="Vietnam's land borders, markers and border communes.",
        version="0.1.0",
        lifespan=lifespan,
        openapi_url="/api",
        docs_url=None,  # served offline by service.web.routes.docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.metrics = Metrics(app.state)
    add_middleware(app, settings, app.state.metrics)
    # Outermost: the server a request reads from is chosen before the ETag is.
    app.add_middleware(ReadRoutingMiddleware, stick_s=settings.primary_stick_s)
    add_exception_handlers(app)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(docs.router)
    app.mount(docs.STATIC_PREFIX, docs.static_app(), name="api-static")
    app.include_router(ogc.make_router(settings))
    app.include_router(tiles.make_router())
    for module in (progress, coverage, targets, spatial, coordination, reports):
        app.include_router(module.router)
    app.include_router(maps_routes.router)
    app.include_router(pages.router)
    app.include_router(account.router)
    app.include_router(audit.router)
    app.include_router(signin.router)
    app.include_router(search.router)
    app.include_router(forms.router)
    for writes in (marker_writes, inspections, officers, imports):
        app.include_router(writes.router)
    return app
