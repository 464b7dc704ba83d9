"""service.web.routes: HTTP routers; no SQL here, only calls into service.db."""
