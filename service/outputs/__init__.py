"""service.outputs: what BorderMap builds for people from the data layer.

Map pages (:mod:`service.outputs.maps`) and export files (:mod:`service.outputs.export`),
shared by the web routes and the commands; the drawing itself is in the pure :mod:`maps`.
"""
