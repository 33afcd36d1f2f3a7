"""Two real server processes on one store: a report published through one is served by the other.

Workers keep no state of their own: the store (SQLite file or PostgreSQL) holds
the data and each process re-checks the current version at most once per
second. Each case starts two gunicorn servers (one worker each) on loopback
with the same ``DATABASE_URL``, uploads a report to the first with an entity
token, and polls ``GET /api/version`` (and ``/healthz``) on the second.

When Redis answers on 127.0.0.1:6379 both servers also share it
(``REDIS_URL``): a callback response computed by one is a cache hit on the
other, and a new publication makes it a miss (keys carry the data version).
"""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from pathlib import Path

from bench.dash_client import DashClient
from bench.servers import start_gunicorn

TOKEN = f"t-{uuid.uuid4().hex}"
ENTITY = "sdm"


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.loads(response.read())


def _upload(url: str, csv_text: str) -> tuple[int, dict]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"archivo\"; "
            f"filename=\"avance.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv_text}\r\n"
            f"--{boundary}--\r\n").encode()
    request = urllib.request.Request(
        url + "/api/reportes", data=body, method="POST",
        headers={"Authorization": f"Bearer {TOKEN}",
                 "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _redis_url() -> str:
    try:
        import redis

        url = "redis://127.0.0.1:6379/14"
        return url if redis.Redis.from_url(url, socket_connect_timeout=1).ping() else ""
    except Exception:
        return ""


def _cache_status(url: str, payload: dict) -> str:
    """``X-Cache`` of one callback request ("hit" or "miss")."""
    request = urllib.request.Request(url + "/_dash-update-component", method="POST",
                                     data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        return response.headers.get("X-Cache", "")


def _cacheable_payload(port: int) -> dict:
    """The payload of the notices callback as the page sends it on load."""
    client = DashClient("127.0.0.1", port)
    try:
        client.load()
        calls = client.initial_callbacks()
    finally:
        client.close()
    return next(c.payload for c in calls if c.output == "notices-area.children")


def _report_for(catalog: dict) -> str:
    indicators = [i for i in catalog["indicadores"]
                  if i.get("entidad") == ENTITY and i.get("vigente")]
    assert indicators, "el catálogo no tiene indicadores de la entidad de prueba"
    local = [i for i in indicators if i.get("por_localidad")] or indicators
    code = local[0]["codigo"]
    place = "01" if local[0].get("por_localidad") else ""
    return (f"codigo,anio,trimestre,localidad,valor,texto\n"
            f"{code},2025,4,{place},{uuid.uuid4().int % 997 + 3},Reporte de prueba\n")


def test_report_published_through_one_server_is_served_by_the_other(
        store_url: str, geodata_cache: Path, tmp_path: Path):
    redis_url = _redis_url()
    env = {"DATABASE_URL": store_url, "BOGOTA_TI_CACHE": str(geodata_cache.parent),
           "BOGOTA_TI_TOKENS": f"{ENTITY}:{TOKEN}", "REDIS_URL": redis_url}
    first = start_gunicorn("app.server:server", workers=1, env=env, log_dir=tmp_path,
                           ready_path="/healthz", timeout=180)
    try:
        # the first server seeds an empty store; start the second after it
        second = start_gunicorn("app.server:server", workers=1, env=env, log_dir=tmp_path,
                                ready_path="/healthz", timeout=180)
        try:
            if redis_url:
                payload = _cacheable_payload(first.port)
                _cache_status(first.url, payload)
                assert _cache_status(second.url, payload) == "hit"
            before = _get(second.url + "/api/version")
            assert _get(first.url + "/api/version")["version_id"] == before["version_id"]
            catalog = _get(first.url + "/api/catalogo")
            status, body = _upload(first.url, _report_for(catalog))
            assert status == 201, body
            published = body["version_id"]
            assert published > before["version_id"]
            # /api/version reads the store; /healthz the worker's catalog, which
            # re-checks the current version at most once per second
            for path in ("/api/version", "/healthz"):
                deadline = time.monotonic() + 15
                seen = before["version_id"]
                while time.monotonic() < deadline and seen != published:
                    time.sleep(0.3)
                    seen = _get(second.url + path)["version_id"]
                assert seen == published, path
            if redis_url:  # the new version's key is new: computed again, then shared
                assert _cache_status(second.url, payload) == "miss"
                assert _cache_status(first.url, payload) == "hit"
        finally:
            second.stop()
    finally:
        first.stop()
