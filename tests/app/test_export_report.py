"""Tests of the locality report (view.report numbers, layers.locality_report page, the route)."""

from __future__ import annotations

import io
import math

import pytest
from pypdf import PdfReader

from data.schema import LOCALITY_CODES


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


def test_summary_has_one_row_per_locality_product_with_median(app_cache):
    from data.repository import get_catalog
    from view.report import key_products, locality_summary

    catalog = get_catalog()
    summary = locality_summary("20", 2026, catalog)
    by_locality = catalog.products[catalog.products["scope"] == "localidad"]
    assert list(summary["product_id"]) == list(by_locality["product_id"])
    assert summary["median_pct"].notna().any()
    chosen = key_products(summary)
    assert len(chosen) == 3 and len(set(chosen)) == 3
    assert set(chosen) <= set(summary["product_id"])


def test_unknown_locality_is_refused(app_cache):
    from app.exports.service import ExportRequestError, locality_code

    assert locality_code("2") == "02"
    with pytest.raises(ExportRequestError) as error:
        locality_code("21")
    assert error.value.status == 404
