"""Tests of callbacks.headline: the weighted roll-ups as one table."""

from __future__ import annotations

from callbacks.headline import NAME_CHARS, headline_note, headline_table
from layers.formatting import format_percent
from tests.support import NAMES, table_rows, view_of


def test_policy_first_then_every_objective_and_axis(catalog):
    view = view_of("", catalog)
    rows = table_rows(headline_table(view.headline))
    assert rows[0][:5] == ["", "Periodo", "Meta final", "Ideal", "Brecha"]
    policy = rows[1]
    total = view.headline.iloc[0]
    assert policy[0] == "Política" and policy[1] == format_percent(total.phv)
    assert rows[2] == ["Por objetivo"]
    objectives = rows[3:10]
    assert [r[0].split(".")[0] for r in objectives] == [str(k) for k in range(1, 8)]
    assert all(len(r[0]) <= NAME_CHARS + 3 for r in objectives)  # "7. " + the short text
    assert rows[10] == ["Por eje"] and len(rows) == 11 + 6


def test_objective_names_keep_the_whole_text_as_tooltip(catalog):
    table = headline_table(view_of("", catalog).headline)
    first = table.children[1].children[2].children[0]  # objective 1's header cell
    text = catalog.objectives.set_index("objective_id").loc[1, "text"]
    assert first.title == text and first.children.endswith("…")


def test_each_row_is_the_weighted_rollup_of_its_indicators(catalog):
    view = view_of("localidad=08", catalog)
    headline = view.headline.set_index(["level", "key"], drop=False)
    rows = view.rows
    mine = rows[rows["objective_id"] == 6]
    weights, phv = mine["global_weight"], mine["phv"]
    keep = phv.notna()
    want = float((phv[keep] * weights[keep]).sum() / weights[keep].sum())
    assert abs(headline.loc[("objetivo", 6), "phv"] - want) < 1e-12
    assert abs(headline.loc[("objetivo", 6), "coverage"] - weights[keep].sum() / weights.sum()) \
        < 1e-12


def test_note_names_the_place_and_the_cut(catalog):
    note = headline_note(view_of("localidad=08&corte=2025-T4", catalog), NAMES)
    assert "Localidad 08 · corte 2025-T4" in note and "de la política" in note
    assert "de la selección" in headline_note(view_of("eje=nueva-movilidad", catalog), NAMES)
