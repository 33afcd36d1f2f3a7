"""Press-ready files: charts (PNG/SVG/PDF), data (CSV/XLSX), bundles and locality reports.

Submodules are imported where used, so importing ``app.exports`` stays light.
"""
