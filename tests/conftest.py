"""Shared fixtures. Each section is owned by the engineer named in its header."""

from __future__ import annotations

from pathlib import Path

import pytest

# --- geodata (H1) -------------------------------------------------------------------


def _shared_sources() -> Path | None:
    from data.config import load_settings

    sources = load_settings().sources_dir
    return sources if sources is not None and sources.is_dir() else None


@pytest.fixture(scope="session")
def shared_sources() -> Path:
    """The mirror of the real geodata (../shared/data or BOGOTA_TI_SOURCES), read-only."""
    sources = _shared_sources()
    if sources is None:
        pytest.skip("no está la carpeta de geodatos reales (../shared/data o BOGOTA_TI_SOURCES)")
    return sources


@pytest.fixture(scope="session")
def geodata_cache(shared_sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingest the real geodata ONCE per session into a temporary cache; return its Path."""
    from data.ingest import ingest

    root = tmp_path_factory.mktemp("geodata-root")
    return ingest(shared_sources, root / "geodata", download=False)


# --- catalogs -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def catalog():
    """The illustrative catalog, built once (tests must not mutate it)."""
    from data.illustrative import build_illustrative_catalog

    return build_illustrative_catalog()


# --- store (H3) ---------------------------------------------------------------------

#: PostgreSQL used by the store tests (trust auth on the CI machines).
TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def tiny_catalog():
    """A small, valid catalog: 3 entities, 4 products, a few targets and reports."""
    from datetime import date

    import pandas as pd

    from data.catalog import Catalog, DataVersion

    products = pd.DataFrame(
        [
            ("P01", "Zonas WiFi", 1, "ciudadania-digital", "sdm", "Zonas", "zonas", "up",
             0.0, "localidad", "sum", ""),
            ("P02", "Semáforos", 2, "nueva-movilidad", "sdm", "Semáforos", "%", "up",
             10.0, "ciudad", "mean", ""),
            ("P03", "Trámites", 2, "ciudadania-digital", "sdh", "Trámites", "trámites", "up",
             5.0, "localidad", "sum", ""),
            ("P04", "Sensores", 1, "nueva-movilidad", "sg-actic", "Sensores", "sensores",
             "down", 3.0, "localidad", "sum", ""),
        ],
        columns=["product_id", "name", "objective_id", "axis_id", "entity_id", "indicator",
                 "unit", "direction", "baseline", "scope", "aggregation", "layer"],
    )
    targets = pd.DataFrame(
        [(p, y, "00", float(10 * (y - 2022))) for p in products["product_id"]
         for y in range(2023, 2033)],
        columns=["product_id", "year", "locality_code", "target"],
    )
    observations = pd.DataFrame(
        [("P01", 2023, "01", 4.0), ("P01", 2023, "02", 6.0), ("P01", 2024, "01", 8.0),
         ("P02", 2023, "00", 55.5), ("P03", 2023, "05", 2.0), ("P04", 2023, "11", 1.0)],
        columns=["product_id", "year", "locality_code", "value"],
    )
    observations["reported_at"] = pd.to_datetime("2024-01-31").as_unit("ns")
    return Catalog(
        axes=pd.DataFrame({"axis_id": ["ciudadania-digital", "nueva-movilidad"],
                           "name": ["Ciudadanía digital", "Nueva movilidad"]}),
        objectives=pd.DataFrame({"objective_id": [1, 2], "text": ["Conectar", "Mover"],
                                 "result_text": ["Conectados", "Movidos"]}),
        entities=pd.DataFrame({"entity_id": ["sg-actic", "sdm", "sdh"],
                               "acronym": ["ACDTIC", "SDM", "SDH"],
                               "name": ["Alta Consejería TIC", "Movilidad", "Hacienda"]}),
        products=products,
        targets=targets,
        observations=observations,
        version=DataVersion(1, date(2026, 10, 31), True, source_name="prueba",
                            note="catálogo de prueba"),
    )


def _postgres_available() -> bool:
    import sqlalchemy as sa

    engine = sa.create_engine(TEST_POSTGRES_URL, connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            return True
    except Exception:
        return False
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path):
    """URL of an empty store: a SQLite file, or a fresh PostgreSQL schema dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tablero.sqlite'}"
        return
    import uuid

    import sqlalchemy as sa

    if not _postgres_available():
        pytest.skip("PostgreSQL no responde en 127.0.0.1:5432")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(TEST_POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{TEST_POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(store_url: str):
    """A migrated store seeded with :func:`tiny_catalog` (version 1)."""
    from data.store import open_store

    engine = open_store(store_url, tiny_catalog)
    yield engine
    engine.dispose()


# --- app (lead) -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_cache(geodata_cache: Path) -> Path:
    """Point the whole process at a temporary cache root holding the real geodata.

    Sets ``BOGOTA_TI_CACHE`` for the rest of the session (so nothing writes to the
    project's own ``.cache``) and forgets any catalog or geometry cached in-process.
    """
    import os

    root = geodata_cache.parent
    os.environ["BOGOTA_TI_CACHE"] = str(root)
    os.environ.pop("DATABASE_URL", None)
    _forget_process_caches()
    return root


def _forget_process_caches() -> None:
    from data import repository
    from view.geo import get_geo_context

    get_geo_context.cache_clear()
    repository.clear_cache()


@pytest.fixture(scope="session")
def dash_app(app_cache: Path):
    """The real dashboard app built by ``app.factory.create_app()`` on the temp cache."""
    from app.factory import create_app

    return create_app()


@pytest.fixture
def client(dash_app):
    """A Flask test client of the real app."""
    return dash_app.server.test_client()
