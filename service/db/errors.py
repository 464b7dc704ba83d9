"""service.db.errors: why a database cannot serve BorderMap yet, said in one line.

Kept free of imports so the command line can catch these without loading SQLAlchemy.
"""

from __future__ import annotations


class DatabaseNotReady(Exception):
    """The database is unreachable, lacks an extension, or lacks the schema.

    The message is one line that names the cause and what to run about it.
    """
