"""service.web: the FastAPI app (factory, lifespan, middleware, dependencies) and its routes.

Routes parse parameters with :mod:`service.params`, read through :mod:`service.db`, and
answer with :mod:`service.ogc` documents or :mod:`service.outputs` pages and files.
"""
