"""service.db.schema_search: the search indexes of migration ``search``, for autogenerate.

The SQL functions behind them (``bm_search_key``, ``bm_fold``, ...) are created by the
migration; see ``geo.vietnamese`` for what each key means.
"""

from __future__ import annotations

from sqlalchemy import Index, func

from service.db.models import AdminLineage, Commune, Marker, Officer, Province

SEARCH_INDEXES = (
    Index(
        "province_search_key_trgm",
        func.bm_search_key(Province.name),
        postgresql_using="gin",
        postgresql_ops={"bm_search_key_1": "gin_trgm_ops"},
    ),
    Index(
        "commune_search_key_trgm",
        func.bm_search_key(Commune.name),
        postgresql_using="gin",
        postgresql_ops={"bm_search_key_1": "gin_trgm_ops"},
    ),
    Index(
        "marker_label_trgm",
        Marker.label,
        postgresql_using="gin",
        postgresql_ops={"label": "gin_trgm_ops"},
    ),
    Index(
        "officer_search_key_trgm",
        func.bm_fold(Officer.full_name),
        postgresql_using="gin",
        postgresql_ops={"bm_fold_1": "gin_trgm_ops"},
    ),
    Index("admin_lineage_new_code", AdminLineage.level, AdminLineage.new_code),
)
