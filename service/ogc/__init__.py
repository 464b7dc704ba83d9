"""service.ogc: OGC API - Features as a protocol: collections, parameters, CQL2, CRS, documents.

Knows no database: the data layer (:mod:`service.db`) compiles these queries to SQL.
"""
