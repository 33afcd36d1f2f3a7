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
    """A small, valid catalog of the district's model.

    2 axes, 2 objectives (weights 60/40) with their results 1.1 and 2.1, 3
    entities, 3 products and 4 product indicators: 1.1.1 (SUMA, quarterly, by
    locality), 1.1.2 (CRECIENTE, semi-annual, citywide), 2.1.1 (DECRECIENTE,
    annual, no baseline), 2.1.2 (CONSTANTE, quarterly, not in force); a text
    target; reports up to 2026-T3 (cut-off 2026-10-31).
    """
    from datetime import date

    import numpy as np
    import pandas as pd

    from data.catalog import Catalog, DataVersion

    nan = np.nan
    objectives = pd.DataFrame({"objective_id": [1, 2], "text": ["Conectar", "Mover"],
                               "weight": [60.0, 40.0]})
    result_columns = ["code", "objective_id", "text", "name", "formula", "unit",
                      "annualisation", "periodicity", "baseline", "baseline_year",
                      "baseline_source", "final_target", "final_target_text", "weight",
                      "entity_id", "in_force"]
    results = pd.DataFrame([
        ("1.1", 1, "Hogares conectados", "Hogares con internet", "H / T * 100", "%",
         "CRECIENTE", "anual", 50.0, "2021", "DANE", 80.0, "", 100.0, "sg-actic", True),
        ("2.1", 2, "Viajes más cortos", "Minutos de viaje", "promedio", "minutos",
         "DECRECIENTE", "anual", 60.0, "2021", "SDM", 45.0, "", 100.0, "sdm", True),
    ], columns=result_columns)
    products = pd.DataFrame({"product_id": ["P01", "P02", "P03"],
                             "name": ["Zonas WiFi", "Trámites", "Semáforos"],
                             "result_code": ["1.1", "1.1", "2.1"]})
    indicator_columns = ["code", "product_id", "name", "formula", "unit", "annualisation",
                         "periodicity", "baseline", "baseline_year", "baseline_source",
                         "final_target", "final_target_text", "weight", "entity_id",
                         "co_entity_id", "in_force", "axis_id", "by_locality", "layer"]
    indicators = pd.DataFrame([
        ("1.1.1", "P01", "Zonas WiFi instaladas", "suma", "zonas", "SUMA", "trimestral",
         0.0, "2022", "ACDTIC", 400.0, "", 60.0, "sg-actic", "sdm", True,
         "ciudadania-digital", True, ""),
        ("1.1.2", "P02", "Trámites en línea", "T / N * 100", "%", "CRECIENTE", "semestral",
         40.0, "2022", "SDH", 90.0, "", 40.0, "sdh", "", True, "ciudadania-digital", False,
         ""),
        ("2.1.1", "P03", "Tiempo de espera", "promedio", "minutos", "DECRECIENTE", "anual",
         nan, "", "", 5.0, "", 100.0, "sdm", "", True, "nueva-movilidad", False,
         "tm-estaciones"),
        ("2.1.2", "P03", "Disponibilidad", "horas / total", "%", "CONSTANTE", "trimestral",
         99.0, "2022", "SDM", 99.0, "", 0.0, "sdm", "", False, "nueva-movilidad", False, ""),
    ], columns=indicator_columns)
    years = range(2023, 2033)
    targets = (
        [("1.1.1", "00", y, 40.0, "") for y in years]
        + [("1.1.1", code, y, share, "") for y in years
           for code, share in (("01", 10.0), ("02", 30.0))]
        + [("1.1.2", "00", 2023, nan, "Levantamiento línea base")]
        + [("1.1.2", "00", y, 40.0 + 5 * (y - 2023), "") for y in years if y > 2023]
        + [("2.1.1", "00", y, 50.0 - 5 * (y - 2023), "") for y in years]
        + [("2.1.2", "00", y, 99.0, "") for y in years]
        + [("1.1", "00", y, 50.0 + 3 * (y - 2022), "") for y in years]
        + [("2.1", "00", y, 60.0 - 1.5 * (y - 2022), "") for y in years]
    )
    reports = [
        ("1.1.1", 2023, 4, "00", 35.0, "Instalación conforme al plan."),
        ("1.1.1", 2023, 4, "01", 8.0, ""),
        ("1.1.1", 2023, 4, "02", 27.0, ""),
        ("1.1.1", 2024, 2, "00", 20.0, "Retraso por contratación."),
        ("1.1.1", 2024, 2, "01", 5.0, "Retraso por contratación."),
        ("1.1.2", 2025, 4, "00", 52.0, "Avance en trámites."),
        ("1.1.2", 2026, 2, "00", 55.0, ""),
        ("2.1.1", 2024, 4, "00", 47.0, "Menor espera."),
        ("2.1.1", 2025, 4, "00", 42.0, ""),
        ("1.1", 2025, 4, "00", 57.0, "Encuesta anual."),
    ]
    reports = pd.DataFrame(reports, columns=["code", "year", "quarter", "locality_code",
                                             "value", "text"])
    reports["reported_at"] = pd.to_datetime("2026-01-31").as_unit("ns")
    return Catalog(
        axes=pd.DataFrame({"axis_id": ["ciudadania-digital", "nueva-movilidad"],
                           "name": ["Ciudadanía digital", "Nueva movilidad"]}),
        objectives=objectives,
        entities=pd.DataFrame({"entity_id": ["sg-actic", "sdm", "sdh"],
                               "acronym": ["ACDTIC", "SDM", "SDH"],
                               "name": ["Alta Consejería Distrital de TIC",
                                        "Secretaría Distrital de Movilidad",
                                        "Secretaría Distrital de Hacienda"]}),
        results=results,
        products=products,
        indicators=indicators,
        targets=pd.DataFrame(targets, columns=["code", "locality_code", "year", "target",
                                               "target_text"]),
        locality_baselines=pd.DataFrame(
            [("1.1.1", "01", 0.0, 100.0, ""), ("1.1.1", "02", 0.0, 300.0, "")],
            columns=["code", "locality_code", "baseline", "final_target",
                     "final_target_text"]),
        reports=reports,
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


# --- store outages (hardening) --------------------------------------------------------


class StoreOutage:
    """The store at ``url`` goes down and comes back, as a running app would see it.

    SQLite: :meth:`down` moves the file aside and writes random bytes in its
    place ("file is not a database"); :meth:`up` puts it back. PostgreSQL: the
    app's URL goes through a :class:`tests.tcp_proxy.TcpProxy` that refuses
    connections while down (or never answers: :meth:`blackhole`). In both,
    :meth:`direct_engine` reaches the real store during the outage (another
    worker publishing), and is closed before the store comes back.
    """

    def __init__(self, store_url: str) -> None:
        self.store_url = store_url
        self.sqlite = store_url.startswith("sqlite")
        self._engines: list = []
        self.proxy = None
        if self.sqlite:
            self.path = Path(store_url.removeprefix("sqlite:///"))
            self.aside = self.path.with_name(self.path.name + ".aparte")
            self.url = store_url
        else:
            from tests.tcp_proxy import TcpProxy, proxied_url

            self.proxy = TcpProxy(5432)
            self.url = proxied_url(store_url, self.proxy)

    def _sidecars(self, path: Path) -> list[Path]:
        return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]

    def down(self, *engines) -> None:
        """Take the store down; ``engines`` (the app's) lose their pooled connections."""
        for engine in engines:
            engine.dispose()
        if not self.sqlite:
            self.proxy.down()
            return
        import os

        for source, target in zip([self.path, *self._sidecars(self.path)],
                                  [self.aside, *self._sidecars(self.aside)], strict=True):
            if source.exists():
                os.replace(source, target)
        self.path.write_bytes(os.urandom(8192))

    def blackhole(self, *engines) -> None:
        """PostgreSQL only: new connections are accepted and never answered."""
        assert not self.sqlite
        for engine in engines:
            engine.dispose()
        self.proxy.blackhole()

    def direct_engine(self):
        """An engine on the real store while it is down for the app."""
        from data.store import make_engine

        engine = make_engine(f"sqlite:///{self.aside}" if self.sqlite else self.store_url)
        self._engines.append(engine)
        return engine

    def up(self) -> None:
        """Bring the store back (the direct engines are closed first)."""
        for engine in self._engines:
            engine.dispose()
        self._engines.clear()
        if not self.sqlite:
            self.proxy.up()
            return
        import os

        for path in self._sidecars(self.path):
            path.unlink(missing_ok=True)
        os.replace(self.aside, self.path)
        for source, target in zip(self._sidecars(self.aside), self._sidecars(self.path),
                                  strict=True):
            if source.exists():
                os.replace(source, target)

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        if self.proxy is not None:
            self.proxy.close()


@pytest.fixture
def outage(store_url: str):
    """A :class:`StoreOutage` of the empty store at ``store_url`` (SQLite and PostgreSQL)."""
    controller = StoreOutage(store_url)
    yield controller
    controller.close()


def wait_until(condition, timeout: float, interval: float = 0.02):
    """Poll ``condition()`` until it returns a truthy value (returned) or ``timeout`` passes."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


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
