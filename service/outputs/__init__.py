"""service.outputs: pages built from the data layer for people (overview, comparisons)."""
