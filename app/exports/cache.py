"""Export results cached on disk per (request, data version), served with ETags.

Keys are the SHA-256 of the export kind, the canonical query (built by
:func:`view.build_query`, so equal states share an entry), the
output options, the data version and :data:`RENDER_REVISION` (a hash of the
code that draws exports, so a change of look invalidates old files). Files are
written atomically under ``<cache>/exports/`` (``BOGOTA_TI_CACHE`` moves the
root); a bounded in-memory layer answers repeated requests without touching the
disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from data.config import load_settings

__all__ = ["RENDER_REVISION", "ExportCache", "cache_key", "get_export_cache"]

def _code_revision() -> str:
    """Hash of the code that draws exports, so a change of look invalidates old files."""
    root = Path(__file__).resolve().parent.parent.parent
    digest = hashlib.sha256()
    for folder in ("app/exports", "layers"):
        for path in sorted((root / folder).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


#: Changes whenever the export or figure code changes, invalidating old entries.
RENDER_REVISION = _code_revision()
_MEMORY_ITEMS = 64
_MEMORY_BYTES = 64 * 1024 * 1024


def cache_key(kind: str, query: str, options: dict, version_id: int | str) -> str:
    """Hex SHA-256 identifying one export (also its ETag)."""
    text = json.dumps(
        {"k": kind, "q": query, "o": options, "v": str(version_id), "r": RENDER_REVISION},
        sort_keys=True, ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ExportCache:
    """Bytes by key, on disk (atomic writes) with a small in-memory front.

    Parameters
    ----------
    folder : Path
        Where entries live (created on first write).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.bin"

    def get(self, key: str) -> bytes | None:
        """The cached bytes of ``key``, or None."""
        with self._lock:
            data = self._memory.get(key)
            if data is not None:
                self._memory.move_to_end(key)
                return data
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        self._remember(key, data)
        return data

    def has(self, key: str) -> bool:
        """True when ``key`` is cached (in memory or on disk), without reading it."""
        with self._lock:
            if key in self._memory:
                return True
        return self._path(key).is_file()

    def _remember(self, key: str, data: bytes) -> None:
        with self._lock:
            self._memory[key] = data
            self._memory.move_to_end(key)
            total = sum(len(v) for v in self._memory.values())
            while self._memory and (len(self._memory) > _MEMORY_ITEMS or total > _MEMORY_BYTES):
                _, dropped = self._memory.popitem(last=False)
                total -= len(dropped)

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` (atomic rename; a failed disk write keeps only the memory copy)."""
        self._remember(key, data)
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError:
            pass

    def get_or_create(self, key: str, build: Callable[[], bytes]) -> tuple[bytes, bool]:
        """``(data, hit)``: the cached bytes, or ``build()`` stored (one build per key at once)."""
        data = self.get(key)
        if data is not None:
            return data, True
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            data = self.get(key)
            if data is not None:
                return data, True
            data = build()
            self.put(key, data)
        with self._lock:
            self._key_locks.pop(key, None)
        return data, False

    def clear_memory(self) -> None:
        """Forget the in-memory layer (benchmarks measure the disk path with it)."""
        with self._lock:
            self._memory.clear()


_caches: dict[Path, ExportCache] = {}
_caches_lock = threading.Lock()


def get_export_cache(folder: Path | None = None) -> ExportCache:
    """The process-wide cache for ``folder`` (default ``<cache root>/exports``)."""
    folder = Path(folder) if folder is not None else load_settings().cache_dir / "exports"
    with _caches_lock:
        cache = _caches.get(folder)
        if cache is None:
            cache = _caches[folder] = ExportCache(folder)
        return cache
