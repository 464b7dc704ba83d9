"""OGC API: VN-2000 SRIDs pinned to EPSG:6960.

PostGIS 3.3 has no ST_TransformPipeline, and its ST_Transform to an EPSG VN-2000 code
picks EPSG:5194 in the Mekong delta (0.8 m off the official EPSG:6960). Each VN-2000 CRS
gets a custom SRID ``900000 + EPSG code`` whose PROJ4 text embeds EPSG:6960 as
``+towgs84`` (rotations flipped to PROJ's Position Vector convention), exactly as
``geo.crs.vn2000_proj4`` writes it; a test holds the two together. Inserting into
``spatial_ref_sys`` needs the rights of the PostGIS extension's owner.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SRID_OFFSET = 900000
TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
# EPSG code: (central meridian, scale factor); 4756 is geographic.
PROJECTED = {
    3405: (105.0, 0.9996),
    3406: (111.0, 0.9996),
    5896: (102.0, 0.9999),
    5897: (105.0, 0.9999),
    5898: (108.0, 0.9999),
    5899: (107.75, 0.9999),
    9205: (103.0, 0.9999),
    9206: (104.0, 0.9999),
    9207: (104.5, 0.9999),
    9208: (104.75, 0.9999),
    9209: (105.5, 0.9999),
    9210: (105.75, 0.9999),
    9211: (106.0, 0.9999),
    9212: (106.25, 0.9999),
    9213: (106.5, 0.9999),
    9214: (107.0, 0.9999),
    9215: (107.25, 0.9999),
    9216: (107.5, 0.9999),
    9217: (108.25, 0.9999),
    9218: (108.5, 0.9999),
}


def proj4_texts() -> dict[int, str]:
    """EPSG code → PROJ4 text, for every VN-2000 CRS."""
    out = {4756: f"+proj=longlat +ellps=WGS84 +towgs84={TOWGS84} +no_defs"}
    for code, (lon_0, k) in PROJECTED.items():
        out[code] = (
            f"+proj=tmerc +lat_0=0.0 +lon_0={lon_0!r} +k={k!r} +x_0=500000.0 +y_0=0.0"
            f" +ellps=WGS84 +towgs84={TOWGS84} +units=m +no_defs"
        )
    return out


def upgrade() -> None:
    """Apply."""
    insert = sa.text(
        "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)"
        " VALUES (:srid, NULL, NULL, NULL, :proj4)"
        " ON CONFLICT (srid) DO UPDATE SET proj4text = EXCLUDED.proj4text"
    )
    for code, proj4 in proj4_texts().items():
        op.get_bind().execute(insert, {"srid": SRID_OFFSET + code, "proj4": proj4})


def downgrade() -> None:
    """Revert."""
    op.get_bind().execute(
        sa.text("DELETE FROM spatial_ref_sys WHERE srid = ANY(:srids)"),
        {"srids": [SRID_OFFSET + code for code in proj4_texts()]},
    )
