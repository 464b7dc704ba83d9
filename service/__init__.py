"""BorderMap service: FastAPI app, settings, data layer and command line."""
