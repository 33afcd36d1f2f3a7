"""The district's method: results, product indicators, quarterly reports with text.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Upgrades a store published with the old model (one indicator per product,
yearly observations) to the district's model, KEEPING every published version:
``data_versions`` and ``store_lock`` are not touched, and every version's
structure and values are converted in place (same ids, same labels).

Conversion, per ``catalog_version``:

* objectives: ``weight`` = 100 / number of objectives; ``result_text`` moves
  to the result.
* results: one per objective N, code ``"N.1"``, text and name = the old
  result text, CRECIENTE, anual, no baseline or final target, weight 100,
  entity = the one leading most of the objective's products (ties: first in
  alphabetical order), in force.
* products: (product_id, name, result_code ``"N.1"``).
* indicators: one per old product, code ``"N.1.k"`` (k = 1, 2 ... in
  product_id order within the objective), name = the old ``indicator``,
  CRECIENTE (direction "up") or DECRECIENTE ("down"), anual, baseline kept,
  final target = the citywide 2032 target, weight = 100 / indicators of the
  result, by_locality = (scope == "localidad"), layer kept ('' when none).
* targets: every old target under its indicator's code, target_text ''.
* reports (per version): every old observation as quarter 4 of its year,
  text '', same value and report date.

Rows that point at a product missing from their catalog version (never
produced by the app) cannot be mapped; they are skipped and logged.

Downgrade is not supported (see :func:`downgrade`).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_VERSION_FK = "data_versions.version_id"
_CODE = 40
_CITYWIDE = "00"
_FINAL_YEAR = 2032

_log = logging.getLogger("alembic.runtime.migration")


def _catalog_version() -> sa.Column:
    return sa.Column("catalog_version", sa.Integer, sa.ForeignKey(_VERSION_FK),
                     primary_key=True, autoincrement=False)


def _old_tables() -> dict[str, sa.TableClause]:
    """Lightweight views of the 0001 tables (typed, so dates come back as dates)."""
    c = sa.column
    return {
        "data_versions": sa.table("data_versions", c("version_id", sa.Integer),
                                  c("catalog_version", sa.Integer)),
        "objectives": sa.table("objectives", c("catalog_version", sa.Integer),
                               c("objective_id", sa.Integer), c("text", sa.Text),
                               c("result_text", sa.Text)),
        "products": sa.table(
            "products", c("catalog_version", sa.Integer), c("product_id", sa.String),
            c("name", sa.Text), c("objective_id", sa.Integer), c("axis_id", sa.String),
            c("entity_id", sa.String), c("indicator", sa.Text), c("unit", sa.Text),
            c("direction", sa.String), c("baseline", sa.Double), c("scope", sa.String),
            c("layer", sa.String)),
        "targets": sa.table("targets", c("catalog_version", sa.Integer),
                            c("product_id", sa.String), c("year", sa.Integer),
                            c("locality_code", sa.String), c("target", sa.Double)),
        "observations": sa.table("observations", c("version_id", sa.Integer),
                                 c("product_id", sa.String), c("year", sa.Integer),
                                 c("locality_code", sa.String), c("value", sa.Double),
                                 c("reported_at", sa.Date)),
    }


def _read_old(bind) -> dict[str, list[dict]]:
    """Every row of the old tables, as dicts, in primary-key order."""
    old = {}
    for name, table in _old_tables().items():
        keys = [column for column in table.c if column.name in (
            "version_id", "catalog_version", "objective_id", "product_id", "year",
            "locality_code")]
        statement = sa.select(*table.c).order_by(*keys)
        old[name] = [dict(row._mapping) for row in bind.execute(statement)]
    return old


def _create_new_tables() -> dict[str, sa.Table]:
    text = sa.Text
    return {
        "results": op.create_table(
            "results",
            _catalog_version(),
            sa.Column("code", sa.String(_CODE), primary_key=True),
            sa.Column("objective_id", sa.Integer, nullable=False),
            sa.Column("text", text, nullable=False),
            sa.Column("name", text, nullable=False),
            sa.Column("formula", text, nullable=False),
            sa.Column("unit", text, nullable=False),
            sa.Column("annualisation", sa.String(16), nullable=False),
            sa.Column("periodicity", sa.String(16), nullable=False),
            sa.Column("baseline", sa.Double, nullable=True),
            sa.Column("baseline_year", sa.String(20), nullable=False),
            sa.Column("baseline_source", text, nullable=False),
            sa.Column("final_target", sa.Double, nullable=True),
            sa.Column("final_target_text", text, nullable=False),
            sa.Column("weight", sa.Double, nullable=True),
            sa.Column("entity_id", sa.String(40), nullable=False),
            sa.Column("in_force", sa.Boolean, nullable=False),
        ),
        "products": op.create_table(
            "products",
            _catalog_version(),
            sa.Column("product_id", sa.String(_CODE), primary_key=True),
            sa.Column("name", text, nullable=False),
            sa.Column("result_code", sa.String(_CODE), nullable=False),
        ),
        "indicators": op.create_table(
            "indicators",
            _catalog_version(),
            sa.Column("code", sa.String(_CODE), primary_key=True),
            sa.Column("product_id", sa.String(_CODE), nullable=False),
            sa.Column("name", text, nullable=False),
            sa.Column("formula", text, nullable=False),
            sa.Column("unit", text, nullable=False),
            sa.Column("annualisation", sa.String(16), nullable=False),
            sa.Column("periodicity", sa.String(16), nullable=False),
            sa.Column("baseline", sa.Double, nullable=True),
            sa.Column("baseline_year", sa.String(20), nullable=False),
            sa.Column("baseline_source", text, nullable=False),
            sa.Column("final_target", sa.Double, nullable=True),
            sa.Column("final_target_text", text, nullable=False),
            sa.Column("weight", sa.Double, nullable=True),
            sa.Column("entity_id", sa.String(40), nullable=False),
            sa.Column("co_entity_id", sa.String(40), nullable=False),
            sa.Column("in_force", sa.Boolean, nullable=False),
            sa.Column("axis_id", sa.String(60), nullable=False),
            sa.Column("by_locality", sa.Boolean, nullable=False),
            sa.Column("layer", sa.String(60), nullable=False),
        ),
        "targets": op.create_table(
            "targets",
            _catalog_version(),
            sa.Column("code", sa.String(_CODE), primary_key=True),
            sa.Column("locality_code", sa.String(2), primary_key=True),
            sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("target", sa.Double, nullable=True),
            sa.Column("target_text", text, nullable=False),
        ),
        "locality_baselines": op.create_table(
            "locality_baselines",
            _catalog_version(),
            sa.Column("code", sa.String(_CODE), primary_key=True),
            sa.Column("locality_code", sa.String(2), primary_key=True),
            sa.Column("baseline", sa.Double, nullable=True),
            sa.Column("final_target", sa.Double, nullable=True),
            sa.Column("final_target_text", text, nullable=False),
        ),
        "reports": op.create_table(
            "reports",
            sa.Column("version_id", sa.Integer, sa.ForeignKey(_VERSION_FK), primary_key=True,
                      autoincrement=False),
            sa.Column("code", sa.String(_CODE), primary_key=True),
            sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("quarter", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("locality_code", sa.String(2), primary_key=True),
            sa.Column("value", sa.Double, nullable=False),
            sa.Column("text", text, nullable=False, server_default=""),
            sa.Column("reported_at", sa.Date, nullable=True),
        ),
    }


def _lead_entity(products: list[dict]) -> str:
    """The entity leading most products (ties: first in alphabetical order)."""
    counts = Counter(p["entity_id"] for p in products if p["entity_id"])
    if not counts:
        return ""
    most = max(counts.values())
    return min(entity for entity, n in counts.items() if n == most)


def _convert(old: dict[str, list[dict]]) -> tuple[dict[str, list[dict]], list[dict]]:
    """New rows of every table, and the objective weights, from the old rows."""
    objectives_by_cv: dict[int, list[dict]] = defaultdict(list)
    for row in old["objectives"]:
        objectives_by_cv[row["catalog_version"]].append(row)
    products_by_cv_objective: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in old["products"]:
        products_by_cv_objective[(row["catalog_version"], row["objective_id"])].append(row)
    final = {(t["catalog_version"], t["product_id"]): t["target"] for t in old["targets"]
             if t["year"] == _FINAL_YEAR and t["locality_code"] == _CITYWIDE}

    weights = []
    new: dict[str, list[dict]] = defaultdict(list)
    for cv, objectives in objectives_by_cv.items():
        for objective in objectives:
            weights.append({"k_cv": cv, "k_objective": objective["objective_id"],
                            "weight": 100.0 / len(objectives)})
            n = objective["objective_id"]
            new["results"].append(dict(
                catalog_version=cv, code=f"{n}.1", objective_id=n,
                text=objective["result_text"], name=objective["result_text"], formula="",
                unit="", annualisation="CRECIENTE", periodicity="anual", baseline=None,
                baseline_year="", baseline_source="", final_target=None,
                final_target_text="", weight=100.0,
                entity_id=_lead_entity(products_by_cv_objective.get((cv, n), [])),
                in_force=True,
            ))

    codes: dict[tuple[int, str], str] = {}
    for (cv, n), products in sorted(products_by_cv_objective.items()):
        products = sorted(products, key=lambda p: p["product_id"])
        for k, product in enumerate(products, start=1):
            code = f"{n}.1.{k}"
            codes[(cv, product["product_id"])] = code
            new["products"].append(dict(catalog_version=cv, product_id=product["product_id"],
                                        name=product["name"], result_code=f"{n}.1"))
            new["indicators"].append(dict(
                catalog_version=cv, code=code, product_id=product["product_id"],
                name=product["indicator"], formula="", unit=product["unit"],
                annualisation="DECRECIENTE" if product["direction"] == "down" else "CRECIENTE",
                periodicity="anual", baseline=product["baseline"], baseline_year="",
                baseline_source="", final_target=final.get((cv, product["product_id"])),
                final_target_text="", weight=100.0 / len(products),
                entity_id=product["entity_id"], co_entity_id="", in_force=True,
                axis_id=product["axis_id"], by_locality=product["scope"] == "localidad",
                layer=product["layer"] or "",
            ))

    skipped = 0
    for target in old["targets"]:
        code = codes.get((target["catalog_version"], target["product_id"]))
        if code is None:
            skipped += 1
            continue
        new["targets"].append(dict(
            catalog_version=target["catalog_version"], code=code,
            locality_code=target["locality_code"], year=target["year"],
            target=target["target"], target_text=""))

    catalog_version_of = {v["version_id"]: v["catalog_version"] for v in old["data_versions"]}
    for observation in old["observations"]:
        cv = catalog_version_of.get(observation["version_id"])
        code = codes.get((cv, observation["product_id"]))
        if code is None:
            skipped += 1
            continue
        new["reports"].append(dict(
            version_id=observation["version_id"], code=code, year=observation["year"],
            quarter=4, locality_code=observation["locality_code"],
            value=observation["value"], text="", reported_at=observation["reported_at"]))
    if skipped:
        _log.warning("0002: skipped %d target/observation rows whose product is not in "
                     "their catalog version", skipped)
    return new, weights


def upgrade() -> None:
    """Convert the old model to the district's, keeping every published version."""
    bind = op.get_bind()
    old = _read_old(bind)
    new, weights = _convert(old)

    op.drop_table("observations")
    op.drop_table("targets")
    op.drop_table("products")
    with op.batch_alter_table("objectives") as batch:
        batch.add_column(sa.Column("weight", sa.Double, nullable=True))
        batch.drop_column("result_text")  # already read: it becomes the result's text
    objectives = sa.table("objectives", sa.column("catalog_version", sa.Integer),
                          sa.column("objective_id", sa.Integer),
                          sa.column("weight", sa.Double))
    if weights:
        bind.execute(
            sa.update(objectives)
            .where(objectives.c.catalog_version == sa.bindparam("k_cv"))
            .where(objectives.c.objective_id == sa.bindparam("k_objective"))
            .values(weight=sa.bindparam("weight")),
            weights,
        )

    tables = _create_new_tables()
    for name, table in tables.items():
        if new.get(name):
            op.bulk_insert(table, new[name])
    _log.info("0002: converted %d versions (%d indicators, %d targets, %d reports)",
              len(old["data_versions"]), len(new["indicators"]), len(new["targets"]),
              len(new["reports"]))


def downgrade() -> None:
    """Not supported: the old model cannot hold what the new one holds.

    Results with their own indicators, several indicators per product, quarters,
    report texts, text targets and locality baselines have no place in 0001.
    Restore a backup of the database taken before upgrading instead.
    """
    raise NotImplementedError(
        "Revision 0002 cannot be downgraded: the 0001 model has no place for results, "
        "several indicators per product, quarterly reports with text, text targets or "
        "locality baselines. Restore a database backup taken before the upgrade instead."
    )
