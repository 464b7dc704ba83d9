"""service.web.exports: exports served over HTTP, bounded and cancelled with their client.

CSV streams as it is read (a client that goes away stops the stream). GeoPackage and
FlatGeobuf need a file (GDAL seeks back into it), so :class:`FileExport`:

- takes one of ``Settings.max_concurrent_exports`` slots, or answers 503 with Retry-After;
- writes into its own temporary folder (``bordermap-export-*``, GDAL's side files
  included) in a worker thread, while it listens for the client's disconnect;
- between batches of rows checks that the client is still there (else the write stops)
  and that the folder stays under ``Settings.max_export_bytes`` (else 413 naming it);
- sends the file with its Content-Length, and removes the folder whatever happened.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import anyio
import anyio.to_thread
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from service.ogc.links import EXPORT_TYPES
from service.ogc.params import ItemsQuery
from service.outputs.export import iter_csv, write_ogr
from service.web.errors import database_unavailable, send_error

log = logging.getLogger(__name__)

TEMP_PREFIX = "bordermap-export-"
CHUNK = 1 << 20


class ExportSlots:
    """At most ``size`` file exports at once in this process (used on the event loop only)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.busy = 0

    def try_take(self) -> bool:
        """Take a slot if one is free."""
        if self.busy >= self.size:
            return False
        self.busy += 1
        return True

    def give_back(self) -> None:
        """Free a slot taken by :meth:`try_take`."""
        self.busy -= 1


class _Stop(Exception):
    """Raised between batches to end a write (client gone, or the file too large)."""


def folder_bytes(folder: Path) -> int:
    """Bytes of the files directly in ``folder``."""
    with os.scandir(folder) as entries:
        return sum(e.stat().st_size for e in entries if e.is_file())


def http_response(
    engine: Engine, q: ItemsQuery, today: dt.date, slots: ExportSlots, max_bytes: int
) -> Response:
    """The export of ``q`` (``q.fmt`` is csv, gpkg or fgb) as an HTTP response."""
    headers = {
        "Content-Crs": f"<{q.crs.uri}>",
        "Content-Disposition": f'attachment; filename="{q.collection.id}.{q.fmt}"',
    }
    if q.fmt == "csv":
        media = EXPORT_TYPES["csv"]
        return StreamingResponse(iter_csv(engine, q, today), media_type=media, headers=headers)
    return FileExport(engine, q, today, slots, max_bytes, headers)


class FileExport(Response):
    """A GeoPackage or FlatGeobuf export (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        q: ItemsQuery,
        today: dt.date,
        slots: ExportSlots,
        max_bytes: int,
        headers: dict[str, str],
    ) -> None:
        super().__init__(media_type=EXPORT_TYPES[q.fmt], headers=headers)
        self.engine, self.q, self.today = engine, q, today
        self.slots, self.max_bytes = slots, max_bytes
        self.gone = threading.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.slots.try_take():
            await send_error(send, 503, "too many exports are being written; retry shortly", 5)
            return
        folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(self._watch, receive, tasks.cancel_scope)
                await self._serve(folder, send)
                tasks.cancel_scope.cancel()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            self.slots.give_back()

    async def _watch(self, receive: Receive, scope: anyio.CancelScope) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        self.gone.set()  # stops the writer thread at its next batch
        scope.cancel()  # stops sending

    async def _serve(self, folder: Path, send: Send) -> None:
        path = folder / f"{self.q.collection.id}.{self.q.fmt}"
        too_large = False

        def progress() -> None:
            nonlocal too_large
            if self.gone.is_set():
                raise _Stop("client gone")
            if folder_bytes(folder) > self.max_bytes:
                too_large = True
                raise _Stop("too large")

        def write() -> None:
            write_ogr(self.engine, self.q, self.today, self.q.fmt, path, progress)

        try:
            # Not cancellable: the thread is stopped through ``progress``, and the folder
            # is removed only once GDAL has let go of it.
            await anyio.to_thread.run_sync(write, abandon_on_cancel=False)
        except Exception as exc:  # noqa: BLE001 - each outcome answered below
            if self.gone.is_set():
                log.info("export of %s stopped: client went away", self.q.collection.id)
                return
            if too_large:
                message = (
                    f"the {self.q.fmt} file would exceed {self.max_bytes} bytes"
                    " (BORDERMAP_MAX_EXPORT_BYTES); narrow the request (bbox, filter, properties)"
                )
                await send_error(send, 413, message)
                return
            unavailable = database_unavailable(exc)
            if unavailable is not None:
                await send_error(send, 503, str(unavailable), unavailable.retry_after)
                return
            log.error("export of %s failed", self.q.collection.id, exc_info=exc)
            await send_error(send, 500, "internal server error")
            return
        self.headers["content-length"] = str(path.stat().st_size)
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        with path.open("rb") as f:
            while block := f.read(CHUNK):
                await send({"type": "http.response.body", "body": block, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
