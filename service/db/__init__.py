"""service.db: the data layer. All SQL of BorderMap lives here; no FastAPI imports."""
