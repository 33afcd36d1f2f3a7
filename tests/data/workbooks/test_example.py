"""The example workbooks (``python -m data.workbooks.example``) read back as what they came from."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data.reports import parse_report, preview_changes
from data.workbooks.example import main, write_axes_file, write_followup, write_plan
from data.workbooks.plan import read_plan


@pytest.fixture(scope="module")
def written(catalog, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ejemplo")
    write_axes_file(catalog, folder / "ejes_indicadores.csv")
    return {"plan": write_plan(catalog, folder / "plan_de_accion.xlsx", extra_sheet=True),
            "xlsx": write_followup(catalog, folder / "seguimiento.xlsx"),
            "xlsb": write_followup(catalog, folder / "seguimiento.xlsb")}


def _structure(frame: pd.DataFrame, drop=()) -> pd.DataFrame:
    return frame.drop(columns=list(drop)).reset_index(drop=True)


def test_the_example_plan_is_the_illustrative_structure(catalog, written):
    plan = read_plan(written["plan"])
    read = plan.catalog
    assert read.counts() == catalog.counts()
    assert read.version.illustrative is False
    for table in ("objectives", "results", "entities"):
        expected = getattr(catalog, table)
        got = getattr(read, table).set_index(expected.columns[0]).loc[expected.iloc[:, 0]]
        pd.testing.assert_frame_equal(got.reset_index(), expected, check_like=True,
                                      obj=table)
    indicators = read.indicators.set_index("code").loc[catalog.indicators["code"]]
    columns = [c for c in catalog.indicators.columns if c not in ("code", "product_id")]
    pd.testing.assert_frame_equal(indicators.reset_index()[columns],
                                  catalog.indicators[columns], check_like=True)
    names = dict(zip(catalog.products["product_id"], catalog.products["name"], strict=True))
    read_names = dict(zip(read.products["product_id"], read.products["name"], strict=True))
    assert [read_names[p] for p in indicators["product_id"]] == \
        [names[p] for p in catalog.indicators["product_id"]]
    city = catalog.targets[catalog.targets["locality_code"] == "00"]
    pd.testing.assert_frame_equal(
        read.targets.sort_values(["code", "year"]).reset_index(drop=True),
        city.sort_values(["code", "year"]).reset_index(drop=True))
    assert len(plan.technical_sheets) == 53


@pytest.mark.parametrize("fmt", ["xlsx", "xlsb"])
def test_the_example_follow_up_agrees_with_our_method(catalog, written, fmt):
    parsed = parse_report(written[fmt].read_bytes(), f"seguimiento.{fmt}", catalog, "admin",
                          today=date(2026, 11, 5))
    assert not [w for w in parsed.warnings if "el Distrito registra" in w.message]
    preview = preview_changes(catalog, parsed)
    assert len(preview) == len(catalog.reports[(catalog.reports["locality_code"] == "00")
                                               & (catalog.reports["year"] * 10
                                                  + catalog.reports["quarter"] <= 20262)
                                               & catalog.reports["code"].isin(
                                                   catalog.indicators["code"])])
    assert (preview["old_value"] == preview["new_value"]).all()


def test_the_command_writes_every_file(tmp_path, capsys):
    assert main([str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["ejes_indicadores.csv", "plan_de_accion.xlsx", "seguimiento_2026_S1.xlsb",
                     "seguimiento_2026_S1.xlsx"]
    assert "BOGOTA_TI_MATRIX=" in capsys.readouterr().out
