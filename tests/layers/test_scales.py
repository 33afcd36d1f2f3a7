from __future__ import annotations

import math

import pandas as pd
import pytest

from data.schema import STATUS_LABELS
from layers.scales import PROGRESS_MAX, STATUS_ORDER, value_scale
from layers.theme import STATUS_COLORS

from .conftest import make_series, make_values


def test_value_scale_spans_all_years_and_localities(series):
    scale = value_scale(series, "valor", unit="zonas")
    local = series[series["locality_code"] != "00"]
    assert scale.zmax >= local["value"].max()
    assert scale.zmax < series["value"].max()  # the citywide total does not set the scale
    assert scale.tickvals[2] > 0 and scale.title == "zonas"
    assert scale.ticktext[0].endswith("Sin dato") and scale.ticktext[1].endswith("Futuro")
    assert scale.zmin < scale.missing_z < scale.future_z < 0 < scale.zmax


def test_scale_is_the_same_whatever_year_is_shown(series):
    # The caller computes one scale per indicator; no year-specific input enters it.
    scale = value_scale(series, "valor")
    shuffled = series.sample(frac=1, random_state=3)
    assert value_scale(shuffled, "valor") == scale
    year_2023 = value_scale(series[series["year"] == 2023], "valor")
    assert year_2023 != scale  # a per-year scale would differ: that is what we avoid


def test_scale_changes_across_indicators():
    small = value_scale(make_series(scale=1.0), "valor")
    large = value_scale(make_series(scale=40.0), "valor")
    assert large.zmax > small.zmax
    assert large.ticktext != small.ticktext
    assert "." in large.ticktext[-1]  # thousands grouped the es-CO way


def test_progress_scale_is_fixed():
    assert value_scale(make_series(scale=1.0), "avance") == value_scale(
        make_series(scale=9.0), "avance"
    )
    scale = value_scale(make_series(), "avance")
    assert scale.zmax == PROGRESS_MAX
    assert scale.ticktext[-1] == "≥150\u00a0%"


def test_status_scale_has_six_labelled_bands():
    scale = value_scale(make_series(), "semaforo")
    assert len(scale.tickvals) == 6 == len(STATUS_ORDER)
    for label in STATUS_LABELS.values():
        assert any(label in text for text in scale.ticktext)
    for z, status in enumerate(STATUS_ORDER):
        assert scale.color_at(z) == STATUS_COLORS[status]


def test_z_values_mark_missing_and_future_apart():
    values = make_values(2026, missing=("03", "07"))
    values.loc[values["locality_code"] == "09", "status"] = "futuro"
    for measure in ("valor", "avance", "semaforo", "brecha"):
        scale = value_scale(make_series(), measure)
        z = scale.z_values(values)
        missing = values["locality_code"].isin(["03", "07"]).tolist()
        assert [v == scale.missing_z for v in z] == missing
        assert z[values.index[values["locality_code"] == "09"][0]] == scale.future_z
        assert scale.color_at(scale.missing_z) == STATUS_COLORS["sin_dato"]
        assert scale.color_at(scale.future_z) == STATUS_COLORS["futuro"]
    avance = value_scale(make_series(), "avance").z_values(values)
    assert avance[0] == pytest.approx(values["pct"].iloc[0] * 100)
    brecha = value_scale(make_series(), "brecha").z_values(values)
    assert brecha[0] == pytest.approx(values["brecha"].iloc[0] * 100)


def test_colour_at_interpolates_and_clips():
    scale = value_scale(make_series(), "avance")
    assert scale.color_at(10_000) == scale.colorscale[-1][1]
    assert scale.color_at(math.nan) == STATUS_COLORS["sin_dato"]
    assert scale.color_at(0) != scale.color_at(PROGRESS_MAX)


def test_series_without_values_still_gives_a_scale():
    empty = pd.DataFrame({"year": [2023], "locality_code": ["01"], "value": [float("nan")]})
    scale = value_scale(empty, "valor")
    assert scale.zmax > 0


def test_unknown_measure_is_named():
    with pytest.raises(ValueError, match="medida desconocida"):
        value_scale(make_series(), "color")


@pytest.mark.parametrize("measure", ["valor", "avance", "brecha"])
def test_no_value_label_crowds_the_futuro_label(series, measure):
    """The first value tick is at least a band above "Futuro" (no overlap on a phone)."""
    scale = value_scale(series, measure, unit="zonas")
    band = scale.future_z - scale.missing_z
    assert scale.tickvals[2] - scale.future_z >= band
