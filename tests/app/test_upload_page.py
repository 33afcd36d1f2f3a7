"""The upload page in a real headless Chromium: token, file, preview, confirm."""

from __future__ import annotations

import shutil
import threading
from functools import cache

import pytest

from data import repository
from data.illustrative import build_illustrative_catalog
from data.store import list_versions

TOKEN = "tok-sdm-123"
_illustrative = cache(build_illustrative_catalog)

pytestmark = pytest.mark.browser


@pytest.fixture
def page_url(monkeypatch, tmp_path):
    """URL of a Dash app serving only the upload page on a random loopback port."""
    import dash
    from werkzeug.serving import make_server

    import data.illustrative
    from callbacks.upload import upload_layout

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tablero.sqlite'}")
    monkeypatch.setenv("BOGOTA_TI_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("BOGOTA_TI_MATRIX", raising=False)
    monkeypatch.setenv("BOGOTA_TI_TOKENS", f"sdm:{TOKEN}")
    monkeypatch.setattr(data.illustrative, "build_illustrative_catalog", _illustrative)
    repository.clear_cache()
    repository.get_engine()
    app = dash.Dash(__name__)  # no external stylesheet: the test runs offline
    app.layout = upload_layout
    _register_upload_callbacks(app)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(10)
    repository.clear_cache()


def _register_upload_callbacks(app) -> None:
    """Attach only the upload page's declared callbacks (not the dashboard's)."""
    from callbacks import register_upload

    register_upload(app)


@pytest.fixture
def browser():
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("falta chromium o chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1000"):
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    yield chrome
    chrome.quit()


def _wait_text(browser, css: str, text: str, timeout: float = 60) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def found(driver):
        element = driver.find_elements(By.CSS_SELECTOR, css)
        return element[0].text if element and text in element[0].text else False

    return WebDriverWait(browser, timeout).until(found)


def _wait_element(browser, css: str, timeout: float = 60):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))


def test_upload_preview_confirm(page_url, browser, tmp_path):
    from selenium.webdriver.common.by import By

    i = _illustrative().indicators
    code = i.loc[(i["entity_id"] == "sdm") & i["by_locality"] & i["in_force"], "code"].iloc[0]
    header = "codigo,anio,trimestre,localidad,valor,texto"
    bad = tmp_path / "malo.csv"
    bad.write_text(f"{header}\n{code},2040,1,01,5,Avance\n", encoding="utf-8")
    good = tmp_path / "avance.csv"
    good.write_text(f"{header}\n{code},2025,4,01,5,Avance\n", encoding="utf-8")

    browser.get(page_url)
    token = _wait_element(browser, "#upload-token")
    token.send_keys(TOKEN + "\n")
    file_input = browser.find_element(By.CSS_SELECTOR, "#upload-file input[type=file]")
    file_input.send_keys(str(bad))
    assert "1 problema" in _wait_text(browser, "#upload-result", "problema")
    assert "entre 2023 y 2032" in _wait_text(browser, "#upload-result", "2032")
    assert not browser.find_element(By.ID, "upload-confirm").is_enabled()

    file_input = browser.find_element(By.CSS_SELECTOR, "#upload-file input[type=file]")
    file_input.send_keys(str(good))
    _wait_text(browser, "#upload-result", "es válido")
    assert "Vista previa" in browser.find_element(By.ID, "upload-result").text
    assert "v1" in browser.find_element(By.ID, "upload-version").text
    browser.find_element(By.ID, "upload-confirm").click()
    assert "v2" in _wait_text(browser, "#upload-outcome", "Publicado como versión")
    assert "v2" in _wait_text(browser, "#upload-version", "v2")
    assert [v.version_id for v in list_versions(repository.get_engine())] == [2, 1]
