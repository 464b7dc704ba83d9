"""service.web.telemetry: request ids, one JSON log line per request, Prometheus metrics.

:class:`Telemetry` (pure ASGI, outermost) gives every request an id (the client's
``X-Request-Id`` when it is a short token, else a new one), echoes it in the response,
times the request and, when the response is done, observes the metrics and writes one
``bordermap.access`` log line. Routes are labelled by their template
(``/collections/markers/items/{featureId}``), never the raw path, so label values stay few.

Logs never carry headers (Authorization, cookies) and query values of secret-looking
names (token, key, password, ...) are masked.

:class:`Metrics` is one registry per app (tests build many apps); pool use, map-cache and
export-slot figures are read from the app state when scraped.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, urlencode

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.datastructures import MutableHeaders
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
access_log = logging.getLogger("bordermap.access")

_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_SECRET = re.compile(r"token|key|secret|pass|auth|signature|session|cookie", re.IGNORECASE)
# Seconds: map pages and exports take seconds, single features a millisecond.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


def masked_query(query_string: bytes) -> str:
    """The query string with the values of secret-looking parameters replaced by ``***``."""
    if not query_string:
        return ""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return urlencode([(k, "***" if _SECRET.search(k) else v) for k, v in pairs])


def route_template(scope: Scope) -> str:
    """The path template of the route that answered or would have (a 304 is answered
    before routing, a HEAD on a copy of the scope); ``<unmatched>`` when none matches."""
    route = scope.get("route")
    if route is None:
        probe = {**scope, "method": "GET"}
        for candidate in flat_routes(scope.get("app")):
            if candidate.matches(probe)[0] == Match.FULL:
                route = candidate
                break
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "<unmatched>"


def flat_routes(app: Any) -> list[Any]:
    """Every route of ``app`` as a Starlette route, included routers expanded (cached)."""
    cached = getattr(app, "_flat_routes", None)
    if cached is not None:
        return cached
    out: list[Any] = []
    for route in getattr(getattr(app, "router", None), "routes", ()):
        # FastAPI >= 0.16x keeps included routers whole; their contexts hold the routes.
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is None:
            out.append(route)
            continue
        out += [c.starlette_route or c.original_route for c in contexts()]
    if app is not None:
        app._flat_routes = out
    return out


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        out: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = REQUEST_ID.get()
        if rid:
            out["request_id"] = rid
        out.update(getattr(record, "http", {}))
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime


def configure_logging(json_lines: bool) -> None:
    """JSON lines on stderr for the service's logs (idempotent).

    Plain stream handlers already on the root logger (``bordermap serve``'s) get the JSON
    format; with none, one is added. Capturing handlers (pytest's) are left alone.
    Uvicorn's own access log is switched off: the ``bordermap.access`` line replaces it.
    """
    if not json_lines:
        return
    root = logging.getLogger()
    plain = [h for h in root.handlers if type(h) is logging.StreamHandler]
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        root.addHandler(handler)
        plain = [handler]
        root.setLevel(logging.INFO)
    for handler in plain:
        handler.setFormatter(JsonFormatter())
    access_log.setLevel(logging.INFO)
    logging.getLogger("uvicorn.access").disabled = True


class _StateCollector(Collector):
    """Figures read from the app state at scrape time."""

    def __init__(self, state: Any) -> None:
        self.state = state

    def collect(self) -> Iterator[Metric]:
        """Pool use, export slots and map-cache counters."""
        engine = getattr(self.state, "engine", None)
        if engine is not None:
            pool = engine.pool
            yield GaugeMetricFamily(
                "bordermap_db_pool_checked_out",
                "Database connections in use",
                value=pool.checkedout(),
            )
            yield GaugeMetricFamily(
                "bordermap_db_pool_size", "Configured pool size", value=pool.size()
            )
        slots = getattr(self.state, "export_slots", None)
        if slots is not None:
            yield GaugeMetricFamily(
                "bordermap_exports_in_progress", "File exports being written", value=slots.busy
            )
        cache = getattr(self.state, "map_cache", None)
        family = CounterMetricFamily(
            "bordermap_map_cache_lookups", "Map page cache lookups", labels=["result"]
        )
        family.add_metric(["hit"], getattr(cache, "hits", 0))
        family.add_metric(["miss"], getattr(cache, "misses", 0))
        yield family


class Metrics:
    """The Prometheus registry of one app."""

    def __init__(self, state: Any) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "bordermap_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "bordermap_request_duration_seconds",
            "Time to answer, until the last byte was handed to the server",
            ["method", "route"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.not_modified = Counter(
            "bordermap_etag_not_modified",
            "Requests answered 304 from the ETag (cache hits of clients)",
            registry=self.registry,
        )
        self.registry.register(_StateCollector(state))


class Telemetry:
    """Pure ASGI middleware: request id, metrics and the access log line."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode(
            "latin-1"
        )
        rid = given if _ID.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(rid)
        status = 500
        sent = 0

        async def send_tagged(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-Id", rid)
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_tagged)
        finally:
            self._record(scope, status, sent, time.perf_counter() - start)
            REQUEST_ID.reset(token)

    def _record(self, scope: Scope, status: int, sent: int, seconds: float) -> None:
        method, route = scope["method"], route_template(scope)
        m = self.metrics
        m.requests.labels(method, route, str(status)).inc()
        m.latency.labels(method, route).observe(seconds)
        if status == 304:
            m.not_modified.inc()
        if access_log.isEnabledFor(logging.INFO):
            http = {
                "request_id": REQUEST_ID.get(),
                "method": method,
                "path": scope["path"],
                "query": masked_query(scope.get("query_string", b"")),
                "route": route,
                "status": status,
                "bytes": sent,
                "duration_ms": round(seconds * 1000, 2),
            }
            access_log.info("%s %s %d", method, scope["path"], status, extra={"http": http})
