"""service.demo: the reproducible, offline, fully synthetic demo dataset.

``build_demo(engine, seed=2011)`` generates everything from packaged sources
(vietnamadminunits, Natural Earth) and replaces the database content in one transaction.
Provenance, licences and method: data/boundaries/README.md.
"""

from service.demo.build import DEFAULT_SEED, DemoDataset, build_demo, generate_demo, write_demo
from service.demo.summary import DemoSummary

__all__ = [
    "DEFAULT_SEED",
    "DemoDataset",
    "DemoSummary",
    "build_demo",
    "generate_demo",
    "write_demo",
]
