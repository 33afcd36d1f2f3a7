"""Tests for data.repository: source choice, cache, refusal of invalid data."""

from __future__ import annotations

import pandas as pd
import pytest

from data import repository
from data.illustrative import build_illustrative_catalog
from data.matrix import write_matrix
from data.validation import CatalogError


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.delenv("BOGOTA_TI_MATRIX", raising=False)
    repository.clear_cache()
    yield
    repository.clear_cache()


def test_illustrative_by_default():
    catalog = repository.get_catalog()
    assert catalog.version.illustrative is True
    assert repository.get_catalog() is catalog  # cached
    assert repository.current_version() == catalog.version


def test_matrix_from_environment(monkeypatch, tmp_path):
    path = write_matrix(build_illustrative_catalog(), tmp_path / "m", "csv")
    (path / "version.csv").unlink()
    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(path))
    catalog = repository.get_catalog()
    assert catalog.version.illustrative is False
    assert catalog.version.source_name == "m"
    assert catalog.counts()["products"] == 36


def test_invalid_matrix_refuses(monkeypatch, tmp_path):
    path = write_matrix(build_illustrative_catalog(), tmp_path / "m", "csv")
    metas = pd.read_csv(path / "metas.csv", dtype=str, keep_default_na=False)
    metas.loc[0, "anio"] = "2040"
    metas.to_csv(path / "metas.csv", index=False)
    monkeypatch.setenv("BOGOTA_TI_MATRIX", str(path))
    with pytest.raises(CatalogError, match="metas.csv, fila 2"):
        repository.get_catalog()
    with pytest.raises(CatalogError):  # nothing cached after a failure
        repository.current_version()
