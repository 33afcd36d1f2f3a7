"""Data floor: sources, ingest, catalog, validation and store (no Dash, no figures)."""
