"""Migrations 0002 (the old model keeps every version, converted) and 0003 (idempotency keys).

Runs on SQLite and on the real PostgreSQL (``store_url`` fixture).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from pandas.testing import assert_frame_equal

from data.schema import COLUMNS
from data.store import (
    dump_store,
    list_versions,
    load_catalog,
    make_engine,
    publish_reports,
    upgrade_to_head,
)
from data.store.engine import writer
from data.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    upgrade_to_revision,
)
from data.store.models import DataVersionRow
from data.store.read import typed_frame

NAN = np.nan
YEARS = range(2023, 2033)

# ---------------------------------------------------------------- the old store (0001)

_VERSION = dict(published_by="sistema", entity_id=None, source_sha256="", note="",
                illustrative=True, restored_from=None, rows_received=0, rows_added=0,
                rows_changed=0, rows_unchanged=0, rows_total=0)
OLD_VERSIONS = [
    dict(_VERSION, version_id=1, catalog_version=1, kind="semilla", source_name="matriz.csv",
         published_at=datetime(2026, 1, 2, 15, 0, tzinfo=UTC), cutoff_date=date(2025, 12, 31)),
    dict(_VERSION, version_id=2, catalog_version=1, kind="reporte", source_name="avance.csv",
         published_by="sdm", entity_id="sdm", illustrative=True,
         published_at=datetime(2026, 2, 3, 16, 30, tzinfo=UTC), cutoff_date=date(2026, 1, 31)),
    dict(_VERSION, version_id=3, catalog_version=3, kind="semilla", source_name="plan.csv",
         illustrative=False, published_at=datetime(2026, 3, 4, 17, 45, tzinfo=UTC),
         cutoff_date=date(2026, 3, 31)),
]
OLD_AXES = [("ciudadania-digital", "Ciudadanía digital"), ("nueva-movilidad", "Nueva movilidad")]
OLD_ENTITIES = [("sdh", "SDH", "Secretaría de Hacienda"), ("sdm", "SDM", "Movilidad"),
                ("sg-actic", "ACDTIC", "Alta Consejería TIC")]
# catalog_version 1: objective 1 has two products led by sdh and sg-actic (a tie).
OLD_OBJECTIVES_1 = [(1, "Conectar", "Hogares conectados"), (2, "Mover", "Viajes más cortos")]
_PRODUCT = ("product_id", "name", "objective_id", "axis_id", "entity_id", "indicator", "unit",
            "direction", "baseline", "scope", "aggregation", "layer")
OLD_PRODUCTS_1 = [
    ("P03", "Trámites", 1, "ciudadania-digital", "sdh", "Trámites en línea", "%", "up",
     40.0, "ciudad", "mean", None),
    ("P01", "Zonas WiFi", 1, "ciudadania-digital", "sg-actic", "Zonas WiFi instaladas",
     "zonas", "up", 0.0, "localidad", "sum", ""),
    ("P02", "Semáforos", 2, "nueva-movilidad", "sdm", "Tiempo de espera", "minutos", "down",
     None, "ciudad", "mean", "tm-estaciones"),
]
OLD_TARGETS_1 = (
    [("P01", y, "00", 10.0 * (y - 2022)) for y in YEARS]
    + [("P01", y, loc, share * (y - 2022)) for y in YEARS for loc, share in (("01", 4.0),
                                                                               ("02", 6.0))]
    + [("P03", y, "00", 40.0 + 5 * (y - 2022)) for y in YEARS if y < 2032]  # no 2032 target
    + [("P02", y, "00", 50.0 - 5 * (y - 2023)) for y in YEARS]
)
OLD_OBSERVATIONS_1 = [
    ("P01", 2023, "00", 10.0, date(2024, 1, 15)),
    ("P01", 2023, "01", 4.0, date(2024, 1, 15)),
    ("P02", 2023, "00", 47.0, None),
    ("P03", 2024, "00", 55.5, date(2025, 1, 31)),
]
OLD_OBSERVATIONS_2 = [
    ("P01", 2023, "00", 10.0, date(2024, 1, 15)),
    ("P01", 2023, "01", 6.0, date(2026, 1, 20)),
    ("P02", 2023, "00", 47.0, None),
    ("P02", 2024, "00", 45.0, date(2026, 1, 20)),
    ("P03", 2024, "00", 55.5, date(2025, 1, 31)),
]
# catalog_version 3: three objectives, the third without products.
OLD_OBJECTIVES_3 = [(1, "Conectar", "Hogares conectados"), (2, "Mover", "Viajes más cortos"),
                    (3, "Gobernar", "Datos abiertos")]
OLD_PRODUCTS_3 = [
    ("P02", "Semáforos", 1, "nueva-movilidad", "sdm", "Intersecciones", "cruces", "up",
     1.0, "ciudad", "sum", None),
    ("P01", "Zonas WiFi", 1, "ciudadania-digital", "sdm", "Zonas WiFi", "zonas", "up",
     2.0, "ciudad", "sum", None),
    ("P04", "Sensores", 2, "nueva-movilidad", "sdh", "Sensores", "sensores", "down",
     9.0, "localidad", "sum", "tm-estaciones"),
]
OLD_TARGETS_3 = [("P04", 2032, "00", 7.0), ("P04", 2032, "05", 1.0)]
OLD_OBSERVATIONS_3 = [("P04", 2025, "00", 3.0, None)]


def _tables() -> dict[str, sa.TableClause]:
    c = sa.column
    return {
        "data_versions": DataVersionRow.__table__,  # the same in 0001 and 0002
        "axes": sa.table("axes", c("catalog_version"), c("axis_id"), c("name")),
        "entities": sa.table("entities", c("catalog_version"), c("entity_id"), c("acronym"),
                             c("name")),
        "objectives": sa.table("objectives", c("catalog_version"), c("objective_id"),
                               c("text"), c("result_text")),
        "products": sa.table("products", c("catalog_version"), *(c(k) for k in _PRODUCT)),
        "targets": sa.table("targets", c("catalog_version"), c("product_id"), c("year"),
                            c("locality_code"), c("target")),
        "observations": sa.table("observations", c("version_id"), c("product_id"), c("year"),
                                 c("locality_code"), c("value"), c("reported_at", sa.Date)),
    }


def _old_rows() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {"data_versions": OLD_VERSIONS}
    for cv, objectives, products, targets in ((1, OLD_OBJECTIVES_1, OLD_PRODUCTS_1,
                                               OLD_TARGETS_1),
                                              (3, OLD_OBJECTIVES_3, OLD_PRODUCTS_3,
                                               OLD_TARGETS_3)):
        rows.setdefault("axes", []).extend(
            dict(catalog_version=cv, axis_id=a, name=n) for a, n in OLD_AXES)
        rows.setdefault("entities", []).extend(
            dict(catalog_version=cv, entity_id=e, acronym=a, name=n) for e, a, n in OLD_ENTITIES)
        rows.setdefault("objectives", []).extend(
            dict(catalog_version=cv, objective_id=o, text=t, result_text=r)
            for o, t, r in objectives)
        rows.setdefault("products", []).extend(
            dict(zip(_PRODUCT, p, strict=True), catalog_version=cv) for p in products)
        rows.setdefault("targets", []).extend(
            dict(catalog_version=cv, product_id=p, year=y, locality_code=loc, target=t)
            for p, y, loc, t in targets)
    rows["observations"] = [
        dict(version_id=v, product_id=p, year=y, locality_code=loc, value=val, reported_at=d)
        for v, observations in ((1, OLD_OBSERVATIONS_1), (2, OLD_OBSERVATIONS_2),
                                (3, OLD_OBSERVATIONS_3))
        for p, y, loc, val, d in observations
    ]
    return rows


@pytest.fixture
def old_store(store_url):
    """A store at revision 0001 holding three versions published with the old model."""
    engine = upgrade_to_revision(make_engine(store_url), "0001")
    tables = _tables()
    with engine.begin() as connection:
        for name, rows in _old_rows().items():
            connection.execute(sa.insert(tables[name]), rows)
        connection.execute(sa.text("UPDATE store_lock SET last_version = 3"))
    yield engine
    engine.dispose()


def _versions(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.text("SELECT * FROM data_versions ORDER BY version_id"))]


# ---------------------------------------------------------------- expectations


def _result(cv_entity: str, n: int, text: str) -> tuple:
    return (f"{n}.1", n, text, text, "", "", "CRECIENTE", "anual", NAN, "", "", NAN, "",
            100.0, cv_entity, True)


def _indicator(code, product, name, unit, annualisation, baseline, final, weight, entity,
               axis, by_locality, layer) -> tuple:
    return (code, product, name, "", unit, annualisation, "anual", baseline, "", "", final,
            "", weight, entity, "", True, axis, by_locality, layer)


def _frame(name: str, rows) -> pd.DataFrame:
    return typed_frame(rows, COLUMNS[name])


def _reports(rows) -> pd.DataFrame:
    return _frame("reports", [(code, y, 4, loc, v, "", pd.Timestamp(d) if d else pd.NaT)
                              for code, y, loc, v, d in rows])


# ---------------------------------------------------------------- tests


def test_old_store_is_at_0001(old_store):
    assert current_revision(old_store) == "0001"
    assert head_revision() == "0003"


def test_upgrade_keeps_every_version(old_store):
    before = _versions(old_store)
    labels = [v.data_version.label for v in list_versions(old_store)]
    upgrade_to_head(old_store)
    assert current_revision(old_store) == head_revision()
    assert _versions(old_store) == before
    assert [v.version_id for v in list_versions(old_store)] == [3, 2, 1]
    assert [v.data_version.label for v in list_versions(old_store)] == labels
    assert [v.catalog_version for v in list_versions(old_store)] == [3, 1, 1]
    with old_store.connect() as connection:
        assert connection.execute(sa.text("SELECT last_version FROM store_lock")).scalar() == 3


def test_first_catalog_version_is_converted(old_store):
    upgrade_to_head(old_store)
    catalog = load_catalog(old_store, 1)
    assert catalog.version.version_id == 1 and catalog.version.source_name == "matriz.csv"
    assert_frame_equal(catalog.objectives, _frame("objectives", [
        (1, "Conectar", 50.0), (2, "Mover", 50.0)]))
    assert_frame_equal(catalog.axes, _frame("axes", OLD_AXES))
    assert_frame_equal(catalog.entities, _frame("entities", OLD_ENTITIES))
    # objective 1: sdh and sg-actic lead one product each; the tie goes to "sdh".
    assert_frame_equal(catalog.results, _frame("results", [
        _result("sdh", 1, "Hogares conectados"), _result("sdm", 2, "Viajes más cortos")]))
    assert_frame_equal(catalog.products, _frame("products", [
        ("P01", "Zonas WiFi", "1.1"), ("P02", "Semáforos", "2.1"), ("P03", "Trámites", "1.1")]))
    assert_frame_equal(catalog.indicators, _frame("indicators", [
        _indicator("1.1.1", "P01", "Zonas WiFi instaladas", "zonas", "CRECIENTE", 0.0, 100.0,
                   50.0, "sg-actic", "ciudadania-digital", True, ""),
        _indicator("1.1.2", "P03", "Trámites en línea", "%", "CRECIENTE", 40.0, NAN, 50.0,
                   "sdh", "ciudadania-digital", False, ""),
        _indicator("2.1.1", "P02", "Tiempo de espera", "minutos", "DECRECIENTE", NAN, 5.0,
                   100.0, "sdm", "nueva-movilidad", False, "tm-estaciones"),
    ]))
    code = {"P01": "1.1.1", "P03": "1.1.2", "P02": "2.1.1"}
    expected_targets = sorted((code[p], loc, y, t, "") for p, y, loc, t in OLD_TARGETS_1)
    assert_frame_equal(catalog.targets, _frame("targets", expected_targets))
    assert set(catalog.targets.loc[catalog.targets["locality_code"] != "00", "code"]) == {
        "1.1.1"}
    assert_frame_equal(catalog.locality_baselines, _frame("locality_baselines", []))
    assert_frame_equal(catalog.reports, _reports([
        ("1.1.1", 2023, "00", 10.0, date(2024, 1, 15)),
        ("1.1.1", 2023, "01", 4.0, date(2024, 1, 15)),
        ("1.1.2", 2024, "00", 55.5, date(2025, 1, 31)),
        ("2.1.1", 2023, "00", 47.0, None),
    ]))


def test_every_version_keeps_its_own_reports(old_store):
    upgrade_to_head(old_store)
    v2 = load_catalog(old_store, 2)
    assert_frame_equal(v2.reports, _reports([
        ("1.1.1", 2023, "00", 10.0, date(2024, 1, 15)),
        ("1.1.1", 2023, "01", 6.0, date(2026, 1, 20)),
        ("1.1.2", 2024, "00", 55.5, date(2025, 1, 31)),
        ("2.1.1", 2023, "00", 47.0, None),
        ("2.1.1", 2024, "00", 45.0, date(2026, 1, 20)),
    ]))
    v1 = load_catalog(old_store, 1)
    for table in ("objectives", "results", "products", "indicators", "targets"):
        assert_frame_equal(getattr(v2, table), getattr(v1, table), obj=table)
    assert v2.reports["quarter"].eq(4).all() and v2.reports["text"].eq("").all()


def test_each_catalog_version_is_mapped_on_its_own(old_store):
    upgrade_to_head(old_store)
    catalog = load_catalog(old_store)
    assert catalog.version.version_id == 3 and catalog.version.illustrative is False
    assert catalog.objectives["weight"].tolist() == pytest.approx([100 / 3] * 3)
    assert catalog.results["entity_id"].tolist() == ["sdm", "sdh", ""]  # 3.1: no products
    assert catalog.results["text"].tolist() == ["Hogares conectados", "Viajes más cortos",
                                                "Datos abiertos"]
    indicators = catalog.indicators.set_index("code")
    assert indicators["product_id"].to_dict() == {"1.1.1": "P01", "1.1.2": "P02",
                                                  "2.1.1": "P04"}
    assert indicators["weight"].to_dict() == {"1.1.1": 50.0, "1.1.2": 50.0, "2.1.1": 100.0}
    assert indicators.loc["2.1.1", "final_target"] == 7.0
    assert indicators.loc["2.1.1", "annualisation"] == "DECRECIENTE"
    assert bool(indicators.loc["2.1.1", "by_locality"]) is True
    assert indicators.loc["1.1.1", "layer"] == ""
    assert catalog.products["result_code"].tolist() == ["1.1", "1.1", "2.1"]
    assert_frame_equal(catalog.targets, _frame("targets", [
        ("2.1.1", "00", 2032, 7.0, ""), ("2.1.1", "05", 2032, 1.0, "")]))
    assert_frame_equal(catalog.reports, _reports([("2.1.1", 2025, "00", 3.0, None)]))


def test_migrated_store_matches_the_models_and_takes_reports(old_store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from data.store.models import Base

    upgrade_to_head(old_store)
    with old_store.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    record = publish_reports(old_store, pd.DataFrame({
        "code": ["2.1.1"], "year": [2025], "quarter": [4], "locality_code": ["00"],
        "value": [2.5], "text": ["Menos sensores dañados."]}), by="sdh",
        cutoff_date=date(2026, 4, 30))
    assert (record.version_id, record.catalog_version) == (4, 3)
    assert (record.rows_added, record.rows_changed, record.rows_total) == (0, 1, 1)
    report = load_catalog(old_store).reports.iloc[0]
    assert (report["value"], report["text"]) == (2.5, "Menos sensores dañados.")


def test_empty_old_store_upgrades(store_url):
    engine = upgrade_to_revision(make_engine(store_url), "0001")
    try:
        upgrade_to_head(engine)
        assert current_revision(engine) == head_revision()
        assert list_versions(engine) == []
    finally:
        engine.dispose()


def test_downgrade_is_refused_and_changes_nothing(old_store):
    from alembic import command

    upgrade_to_head(old_store)
    before = dump_store(old_store)
    config = alembic_config()
    with pytest.raises(NotImplementedError, match="cannot be downgraded"):
        with writer(old_store).begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
    assert current_revision(old_store) == head_revision()
    assert dump_store(old_store) == before


# ---------------------------------------------------------------- 0003: idempotency keys


@pytest.fixture
def store_0002(store_url):
    """A store deployed at revision 0002 with two published versions (before 0003)."""
    from data.store import seed_catalog
    from tests.conftest import tiny_catalog

    engine = upgrade_to_revision(make_engine(store_url), "0002")
    seed_catalog(engine, tiny_catalog())
    publish_reports(engine, pd.DataFrame({
        "code": ["1.1.1"], "year": [2026], "quarter": [1], "locality_code": ["03"],
        "value": [4.0], "text": ["Avance."]}), by="sg-actic", cutoff_date=date(2026, 5, 1))
    yield engine
    engine.dispose()


def _dump_existing(engine) -> dict[str, list[tuple]]:
    """:func:`dump_store` of the tables the store has (an old revision lacks some)."""
    from data.store.models import Base

    present = set(sa.inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(
                    sa.select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables if table.name in present}


def test_0002_store_upgrades_to_0003_keeping_every_version(store_0002):
    assert current_revision(store_0002) == "0002"
    before = _dump_existing(store_0002)
    assert "idempotency_keys" not in before
    upgrade_to_head(store_0002)
    assert current_revision(store_0002) == "0003"
    after = dump_store(store_0002)
    assert after.pop("idempotency_keys") == []
    assert after == before


def test_upgraded_store_publishes_once_per_idempotency_key(store_0002):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from data.store.models import Base

    upgrade_to_head(store_0002)
    with store_0002.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    frame = pd.DataFrame({"code": ["1.1.1"], "year": [2026], "quarter": [2],
                          "locality_code": ["04"], "value": [7.0], "text": ["Avance."]})
    first = publish_reports(store_0002, frame, by="sg-actic", source_sha256="a" * 64,
                            idempotency_key="clave-1")
    again = publish_reports(store_0002, frame, by="sg-actic", source_sha256="a" * 64,
                            idempotency_key="clave-1")
    assert (first.version_id, first.replayed) == (3, False)
    assert (again.version_id, again.replayed) == (3, True)
    assert [v.version_id for v in list_versions(store_0002)] == [3, 2, 1]


def test_0003_downgrades_to_0002_keeping_every_version(store_0002):
    from alembic import command

    upgrade_to_head(store_0002)
    before = dump_store(store_0002)
    config = alembic_config()
    with writer(store_0002).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert current_revision(store_0002) == "0002"
    after = _dump_existing(store_0002)
    assert "idempotency_keys" not in after
    before.pop("idempotency_keys")
    assert after == before
