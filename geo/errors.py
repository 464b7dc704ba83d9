"""geo.errors: errors of the spatial logic; no HTTP knowledge."""


class GeoError(ValueError):
    """Base of every error raised by ``geo``."""


class InvalidBBox(GeoError):
    """A bounding box that cannot be parsed or makes no sense."""


class InvalidGeometry(GeoError):
    """A geometry that is empty, of the wrong type, or invalid beyond repair."""


class UnsupportedCRS(GeoError):
    """A coordinate reference system BorderMap does not accept."""


class OutOfArea(GeoError):
    """Coordinates outside Vietnam and its neighbours' border area."""
