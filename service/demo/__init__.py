"""service.demo: the reproducible, offline, fully synthetic demo dataset.

``build_demo(engine, seed=2011)`` generates everything from packaged sources
(vietnamadminunits, Natural Earth) and replaces the database content in one transaction.
Provenance, licences and method: data/boundaries/README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.demo.build import (
        DEFAULT_SEED,
        DemoDataset,
        build_demo,
        generate_demo,
        write_demo,
    )
    from service.demo.summary import DemoSummary

__all__ = [
    "DEFAULT_SEED",
    "DemoDataset",
    "DemoSummary",
    "build_demo",
    "generate_demo",
    "write_demo",
]


def __getattr__(name: str) -> Any:
    # Lazy: the `bordermap` CLI imports service.commands.demo on every call, and the builder
    # pulls in geopandas and numpy, which `bordermap db status` should not wait for.
    if name == "DemoSummary":
        from service.demo import summary

        return summary.DemoSummary
    if name in __all__:
        from service.demo import build

        return getattr(build, name)
    raise AttributeError(f"module 'service.demo' has no attribute {name!r}")
