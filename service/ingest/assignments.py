"""service.ingest.assignments: Border Guard officers seconded to communes (personal data)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from service.ingest import fields
from service.ingest.base import Collector, Context, Geo, Kind, RowErrors, slug
from service.ingest.fields import Row
from service.vocabulary import OFFICER_ROLES

# Resolution 24-NQ/ĐU of 20 Dec 1998 started the programme (DOMAIN.md section 5).
PROGRAMME_START = dt.date(1998, 1, 1)
TERM = re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")
COMMUNE = ("commune_code", "ma_xa", "commune", "code")
SERVICE_NUMBER = ("service_number", "so_hieu", "so_hieu_si_quan", "officer_id")


def parse_assignment(row: Row, geo: Geo | None, ctx: Context) -> dict[str, Any]:
    """Officer (service number, name, rank, unit) + commune known for the era, role, term, dates."""
    c = Collector(row)
    out: dict[str, Any] = {"era": ctx.era}
    out["service_number"] = c.take(fields.text, SERVICE_NUMBER, required=True)
    out["full_name"] = c.take(
        fields.text, ("full_name", "name", "ho_ten", "ho_va_ten"), required=True
    )
    out["rank"] = c.take(fields.text, ("rank", "cap_bac"))
    out["home_unit"] = c.take(fields.text, ("home_unit", "unit", "don_vi", "don_bien_phong"))
    commune = c.take(fields.code, COMMUNE, 5)
    if commune is not None:
        out["commune_code"] = commune[0]
        if commune[0] not in ctx.communes:
            c.fail(
                row.get(*COMMUNE)[0],
                f"commune {commune[0]} is not in the database for era {ctx.era}",
            )
    role_col, role = row.get("role", "chuc_danh", "vai_tro")
    if fields.is_empty(role):
        c.fail(role_col, "is required")
    else:
        out["role"] = slug(str(role))
        if out["role"] not in OFFICER_ROLES:
            c.fail(role_col, f"{role!r} is not one of {', '.join(OFFICER_ROLES)}")
    start = c.take(fields.date, ("start_date", "tu_ngay"), required=True)
    end = c.take(fields.date, ("end_date", "den_ngay"))
    out.update(start_date=start, end_date=end)
    latest = ctx.today + dt.timedelta(days=366)
    if start is not None and not PROGRAMME_START <= start <= latest:
        c.fail("start_date", f"{start.isoformat()} is not between 1998 and next year")
    if start is not None and end is not None and end <= start:
        c.fail("end_date", f"{end.isoformat()} is not after start_date {start.isoformat()}")
    term_col, term = row.get("term", "nhiem_ky")
    if fields.is_empty(term):
        c.fail(term_col, "is required (e.g. 2020-2025)")
    else:
        m = TERM.match(str(term).strip())
        if not m or int(m.group(2)) <= int(m.group(1)):
            c.fail(term_col, f"{term!r} is not a term like 2020-2025")
        else:
            out["term"] = f"{m.group(1)}-{m.group(2)}"
            if start is not None and not int(m.group(1)) - 1 <= start.year <= int(m.group(2)):
                c.fail("start_date", f"{start.isoformat()} is outside the term {out['term']}")
    if c.errors:
        raise RowErrors(c.errors)
    return out


ASSIGNMENTS = Kind(
    name="assignments",
    geometry=None,
    parse=parse_assignment,
    key=lambda r: (r["service_number"], r["commune_code"], r["role"], r["start_date"]),
    key_label="service_number/commune/role/start_date",
    stage="officer_assignment",
    geometry_required=False,
    optional={
        "rank": ("rank", "cap_bac"),
        "home_unit": ("home_unit", "unit", "don_vi", "don_bien_phong"),
        "end_date": ("end_date", "den_ngay"),
    },
)
