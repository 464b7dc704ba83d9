"""service.db.commune_lists: writes to the official lists of communes (``commune_list``).

An official border-commune list imported with ``bordermap import border-communes`` replaces
the synthetic stand-in of its era (the demo's ``bien-gioi-2011``): the list keeps its code,
so the targets that name it stay, and becomes the imported communes with their official
flags, no longer synthetic.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

_SYNTHETIC_BORDER_LISTS = (
    "SELECT id FROM commune_list WHERE commune_class = 'border' AND era = :era AND synthetic"
)


def replace_synthetic_border_lists(conn: Connection, era: str, source: str) -> int:
    """Make every synthetic border list of ``era`` the communes now officially flagged.

    Runs inside the import's transaction, after the flags are written. Returns the number
    of lists replaced.
    """
    ids = [r[0] for r in conn.execute(text(_SYNTHETIC_BORDER_LISTS), {"era": era})]
    for list_id in ids:
        conn.execute(text("DELETE FROM commune_list_member WHERE list_id = :l"), {"l": list_id})
        conn.execute(
            text(
                "INSERT INTO commune_list_member (list_id, commune_id, is_land_border, is_coastal)"
                " SELECT :l, c.id, c.is_land_border, c.is_coastal FROM commune c"
                " WHERE c.era = :era AND c.border_flag_source = 'official'"
                " AND (c.is_land_border OR c.is_coastal)"
            ),
            {"l": list_id, "era": era},
        )
        conn.execute(
            text(
                "UPDATE commune_list SET synthetic = false, source_document = :s,"
                " name = 'Official border-commune list (imported)' WHERE id = :l"
            ),
            {"l": list_id, "s": source},
        )
    return len(ids)
