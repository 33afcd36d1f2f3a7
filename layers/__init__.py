"""Layers floor: GeoDataFrames and tables to Plotly figures (no Dash, no I/O)."""
