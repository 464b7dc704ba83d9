"""geo: pure spatial logic of BorderMap (CRS, geometry checks, measures, marker labels).

No FastAPI, no database sessions, no file I/O.
"""
