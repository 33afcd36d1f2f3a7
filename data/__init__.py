"""Bottom floor: the policy's data model, sources, validation, progress and the store.

The names most callers need are here; the store (:mod:`data.store`), the
geodata (:mod:`data.geodata`, :mod:`data.ingest`) and the readers of files
(:mod:`data.matrix`, :mod:`data.reports`) are imported where they are used,
so that ``import data`` stays light.
"""

from data.catalog import Catalog, DataVersion
from data.config import Settings, load_settings
from data.issues import CatalogError, Issue

__all__ = ["Catalog", "CatalogError", "DataVersion", "Issue", "Settings", "load_settings"]
