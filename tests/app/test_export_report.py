"""Tests of the locality report (view.report numbers, layers.locality_report page, the route)."""

from __future__ import annotations

import io
import math
import re

import pytest
from pypdf import PdfReader

from data.schema import LOCALITY_CODES, STATUS_LABELS


@pytest.fixture(scope="module")
def reports(app_cache):
    """The 20 reports, rendered once (through the service, as the route does)."""
    from app.exports.service import locality_report

    return {code: locality_report(code).data for code in LOCALITY_CODES}


@pytest.mark.browser
def test_all_20_reports_are_one_page_a4_pdfs(reports):
    assert len(reports) == 20
    for code, data in reports.items():
        assert data.startswith(b"%PDF-"), code
        pages = PdfReader(io.BytesIO(data)).pages
        assert len(pages) == 1, code
        box = pages[0].mediabox
        assert math.isclose(float(box.width), 595.3, abs_tol=3), code
        assert math.isclose(float(box.height), 841.9, abs_tol=3), code


@pytest.mark.browser
@pytest.mark.parametrize(("code", "name"), [("02", "Chapinero"), ("20", "Sumapaz"),
                                            ("17", "La Candelaria")])
def test_report_text_names_locality_year_sources_and_median(reports, code, name):
    text = PdfReader(io.BytesIO(reports[code])).pages[0].extract_text()
    for words in (name, f"Localidad {code}", "Mediana", "IDECA", "corte", "ILUSTRATIVOS",
                  "En meta"):
        assert words in text, (code, words)


@pytest.mark.browser
def test_report_pdf_properties_name_the_locality_author_and_data_version(reports):
    from data.repository import get_catalog

    info = PdfReader(io.BytesIO(reports["11"])).metadata
    assert info.title.startswith("Reporte de la localidad 11 Suba") and "corte" in info.title
    assert "Suba" in info.subject and "<" not in info.subject
    assert info.author == "Alcaldía Mayor de Bogotá – Tablero Bogotá Territorio Inteligente"
    assert info.creator == "Tablero Bogotá Territorio Inteligente"
    assert f"versión de datos {get_catalog().version.version_id}" in info["/Keywords"]


def _pdf_counts(data: bytes) -> dict[str, int]:
    """Semáforo counts as printed on a report page: label -> number."""
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    found = dict(re.findall(r"^\S+\s+([\w\- ]+?): (\d+)$", text, flags=re.M))
    return {label: int(found[label]) for label in STATUS_LABELS.values() if label in found}


def _dashboard_counts(code: str) -> dict[str, int]:
    """Semáforo counts on the dashboard's tiles for ``?localidad=code``: label -> number."""
    from callbacks.summary import _summary
    from data.repository import get_catalog
    from view.model import resolve_view
    from view.snapshot import Snapshot
    from view.state import parse_query

    catalog = get_catalog()
    snapshot = Snapshot.of(catalog)
    state, notices = parse_query(f"?localidad={code}", known=snapshot.known_ids,
                                 default=snapshot.default_state)
    assert not notices
    (row,), _figure = _summary(resolve_view(state, catalog), "entidad")
    counts = {}
    for tile in row.children:
        spans = {span.className: span.children for span in tile.children.children}
        counts[spans["kpi-label"]] = int(spans["kpi-count"].replace(".", ""))
    return counts


@pytest.mark.browser
def test_dashboard_and_pdf_give_the_same_counts_for_every_locality(reports):
    for code, data in reports.items():
        on_screen, printed = _dashboard_counts(code), _pdf_counts(data)
        assert on_screen == printed, code
        assert sum(printed.values()) == 19, code  # the indicators reported by locality


def test_summary_has_one_row_per_indicator_reported_by_locality(app_cache):
    from data.repository import get_catalog
    from view.report import key_indicators, locality_report
    from view.snapshot import Snapshot

    catalog = get_catalog()
    report = locality_report("20", Snapshot.of(catalog).default_state, catalog)
    ind = catalog.indicators
    by_locality = ind[ind["by_locality"] & ind["in_force"]]
    assert list(report.summary["code"]) == list(by_locality["code"])
    assert report.city_count == int((~ind["by_locality"] & ind["in_force"]).sum())
    assert report.summary["median_pct"].notna().any()
    assert {"name", "unit", "entity"} <= set(report.summary.columns)
    chosen = key_indicators(report.summary)
    assert len(chosen) == 3 and len(set(chosen)) == 3
    assert set(chosen) <= set(report.summary["code"])
    axes = report.summary.set_index("code").loc[chosen, "axis_id"]
    assert axes.nunique() == 3  # from different axes first


def test_zero_over_zero_is_never_counted_in_meta(app_cache):
    from data.repository import get_catalog
    from view.report import locality_report
    from view.snapshot import Snapshot

    catalog = get_catalog()
    report = locality_report("20", Snapshot.of(catalog).default_state, catalog)
    rows = report.summary
    zero = rows[(rows["ma"] == 0) & (rows["av"] == 0)]
    assert len(zero) and set(zero["status"]) == {"sin_dato"}
    assert zero["phv"].isna().all()


def test_unknown_locality_is_refused(app_cache):
    from app.exports.service import ExportRequestError, locality_code

    assert locality_code("2") == "02"
    with pytest.raises(ExportRequestError) as error:
        locality_code("21")
    assert error.value.status == 404
