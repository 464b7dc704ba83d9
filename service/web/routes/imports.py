"""service.routes.imports: ``POST /imports``, the ``bordermap import`` command over HTTP.

A multipart upload with one ``file`` part; the query says what it is (``kind``, ``era``,
``crs``, ``axis_order``, ``dry_run``, ...). The same checks, report and all-or-nothing rule
as the command. Over 200 MB is a 413: from ``Content-Length`` before anything is read, and
counted while the body streams to a temporary file (never held in memory). Imports write
across provinces, so they need an unlimited writer (``editor`` or ``admin``).
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncGenerator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from service.auth import policy
from service.auth.principal import Principal
from service.errors import BadRequest, PayloadTooLarge
from service.ingest.options import DEFAULT_MAX_BORDER_DISTANCE_M, ImportOptions
from service.web.auth_deps import WriterDep
from service.web.deps import SessionDep
from service.web.routes.write_support import check_declared_length

router = APIRouter(tags=["imports"])
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
SUFFIXES = {".csv", ".txt", ".geojson", ".json", ".gpkg", ".fgb", ".zip", ".shp"}

Kind = Literal["communes", "markers", "segments", "assignments", "border-communes", "provinces"]


async def _counted(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the upload is over {limit:,} bytes (200 MB), the most accepted")
        yield chunk


@router.post(
    "/imports",
    summary="import a file (same checks as bordermap import)",
    responses={
        200: {"description": "the import report (committed, or a clean dry run)"},
        400: {"description": "no file, or a bad parameter"},
        401: {"description": "no or a bad credential"},
        403: {"description": "only editors and admins import"},
        413: {"description": "over 200 MB"},
        422: {"description": "the file was refused: the report lists every problem"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                }
            },
        }
    },
)
async def import_file(
    request: Request,
    principal: WriterDep,
    session: SessionDep,
    kind: Kind,
    era: Literal["pre2025", "post2025"] = "post2025",
    crs: str | None = None,
    axis_order: Literal["xy", "northing_easting"] = "xy",
    vn2000_variant: Literal["official", "internal"] = "official",
    dry_run: bool = False,
    repair: bool = True,
    max_border_distance: Annotated[float, Query(ge=0, le=1_000_000)] = (
        DEFAULT_MAX_BORDER_DISTANCE_M
    ),
    layer: str | None = None,
    new_codes: bool = False,
) -> JSONResponse:
    """Check an uploaded file row by row and import it in one transaction (all or nothing)."""
    policy.require_role(principal, {"editor", "admin"})
    # The principal is known: free the request's connection while the file uploads and
    # imports (the import has a transaction of its own).
    session.close()
    check_declared_length(request, MAX_UPLOAD_BYTES, "the upload (200 MB at most)")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise BadRequest("send the file as multipart/form-data, in a part named 'file'")
    parser = MultiPartParser(
        request.headers, _counted(request, MAX_UPLOAD_BYTES), max_files=1, max_fields=10
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise BadRequest(f"the multipart body cannot be read: {exc.message}") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise BadRequest("no file: send it in a multipart part named 'file'")
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in SUFFIXES:
            raise BadRequest(
                f"{upload.filename}: unknown format {suffix or '(no suffix)'}; use .csv,"
                " .geojson, .json, .gpkg, .fgb or .zip (zipped Shapefile)"
            )
        with tempfile.TemporaryDirectory(prefix="bordermap-import-") as folder:
            path = Path(folder) / f"upload{suffix}"
            with path.open("wb") as out:
                while chunk := await upload.read(1 << 20):
                    out.write(chunk)
            options = ImportOptions(
                kind=kind,
                path=path,
                crs=crs,
                axis_order=axis_order,
                era=era,
                dry_run=dry_run,
                repair=repair,
                vn2000_variant=vn2000_variant,
                max_border_distance_m=max_border_distance,
                layer=layer,
                allow_new_codes=new_codes,
            )
            report = await run_in_threadpool(
                _run, request, principal, options, Path(upload.filename).name
            )
    finally:
        await form.close()
    return JSONResponse(report, status_code=200 if report["ok"] else 422)


def _run(
    request: Request, principal: Principal, options: ImportOptions, name: str
) -> dict[str, Any]:
    from service.ingest.audited import audit_hook
    from service.ingest.runner import run_import

    report = run_import(request.app.state.engine, options, on_commit=audit_hook(principal, name))
    out = {
        "ok": report.ok,
        "committed": report.committed,
        "dry_run": report.dry_run,
        "kind": report.kind,
        "file": name,
        "rows_read": report.rows_read,
        "rows_valid": report.rows_valid,
        "counts": report.counts,
        "error_count": report.error_count,
        "warning_count": report.warning_count,
        "errors": [asdict(p) | {"text": str(p)} for p in report.errors],
        "warnings": [asdict(p) | {"text": str(p)} for p in report.warnings],
        "summary": report.summary().replace(str(options.path), name),
    }
    return out
