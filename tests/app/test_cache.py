"""Tests of app.cache: versioned keys, shared cache (SimpleCache / Redis), callback cache."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import dash
import pytest
from dash import Input, Output, dcc, html
from flask import Flask

from app.cache import (
    cache,
    cache_config,
    get_or_create,
    init_cache,
    install_callback_cache,
    version_token,
    versioned_key,
)

REDIS_URL = "redis://127.0.0.1:6379/15"


@dataclass
class _Version:
    version_id: int
    source_sha256: str = "abc"
    published_at: str | None = None



@pytest.fixture(autouse=True)
def _keep_dash_globals(keep_dash_globals):
    """Tiny apps here must leave Dash's global callback lists as they were."""

def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def test_versioned_key_changes_with_version_and_parts():
    key = versioned_key("tabla", 3, "anio=2026")
    assert key.startswith("v3:tabla:")
    assert key == versioned_key("tabla", 3, "anio=2026")
    assert key != versioned_key("tabla", 4, "anio=2026")
    assert key != versioned_key("tabla", 3, "anio=2025")


def test_version_token_includes_the_source_hash():
    assert version_token(_Version(1, "a")) != version_token(_Version(1, "b"))
    assert version_token(_Version(1)) != version_token(_Version(2))


def test_config_uses_redis_only_when_configured():
    assert cache_config({})["CACHE_TYPE"] == "SimpleCache"
    config = cache_config({"REDIS_URL": REDIS_URL})
    assert config["CACHE_TYPE"] == "RedisCache"
    assert config["CACHE_REDIS_URL"] == REDIS_URL


def test_get_or_create_outside_an_app_just_builds():
    assert get_or_create("k", lambda: 41 + 1) == (42, False)


def test_get_or_create_caches_in_process():
    server = Flask(__name__)
    init_cache(server, {})
    calls = []
    with server.app_context():
        key = versioned_key("prueba", 1, uuid.uuid4().hex)
        first = get_or_create(key, lambda: calls.append(1) or b"datos")
        second = get_or_create(key, lambda: calls.append(1) or b"otros")
    assert first == (b"datos", False)
    assert second == (b"datos", True)
    assert len(calls) == 1


def test_two_apps_share_entries_through_redis():
    if not _redis_available():
        pytest.skip("Redis no responde en 127.0.0.1:6379")
    env = {"REDIS_URL": REDIS_URL}
    one, two = Flask("uno"), Flask("dos")
    init_cache(one, env)
    init_cache(two, env)
    key = versioned_key("compartido", 1, uuid.uuid4().hex)
    with one.app_context():
        assert get_or_create(key, lambda: b"de uno") == (b"de uno", False)
    with two.app_context():
        assert get_or_create(key, lambda: b"de dos") == (b"de uno", True)
        cache.delete(key)


def test_unreachable_redis_never_fails_a_request():
    server = Flask(__name__)
    init_cache(server, {"REDIS_URL": "redis://127.0.0.1:1/0"})
    with server.app_context():
        assert get_or_create("k", lambda: "calculado") == ("calculado", False)


def _counting_app(env, version):
    app = dash.Dash(__name__)
    app.layout = html.Div([dcc.Input(id="in", value="a"), html.Div(id="notices-area")])
    calls = []

    @app.callback(Output("notices-area", "children"), Input("in", "value"))
    def notices(value):
        calls.append(value)
        return f"aviso {value}"

    init_cache(app.server, {})
    installed = install_callback_cache(app.server, lambda: version[0], env)
    return app.server.test_client(), calls, installed


def _payload(value):
    return {"output": "notices-area.children",
            "outputs": {"id": "notices-area", "property": "children"},
            "inputs": [{"id": "in", "property": "value", "value": value}],
            "changedPropIds": ["in.value"], "state": []}


def test_repeated_callbacks_are_served_from_cache_per_version():
    version = [_Version(1, uuid.uuid4().hex)]
    client, calls, installed = _counting_app({}, version)
    assert installed
    first = client.post("/_dash-update-component", json=_payload("x"))
    second = client.post("/_dash-update-component", json=_payload("x"))
    assert first.headers["X-Cache"] == "miss" and second.headers["X-Cache"] == "hit"
    assert first.get_json() == second.get_json()
    assert calls == ["x"]
    client.post("/_dash-update-component", json=_payload("y"))
    assert calls == ["x", "y"]
    version[0] = _Version(2, version[0].source_sha256)  # a new publication
    third = client.post("/_dash-update-component", json=_payload("x"))
    assert third.headers["X-Cache"] == "miss"
    assert calls == ["x", "y", "x"]


def test_callback_cache_can_be_turned_off():
    client, calls, installed = _counting_app({"BOGOTA_TI_CALLBACK_CACHE": "0"},
                                             [_Version(1, uuid.uuid4().hex)])
    assert not installed
    for _ in range(2):
        assert client.post("/_dash-update-component", json=_payload("x")).status_code == 200
    assert calls == ["x", "x"]


def test_unknown_callbacks_are_never_cached():
    app = dash.Dash(__name__)
    app.layout = html.Div([dcc.Input(id="in", value="a"), html.Div(id="upload-result")])
    calls = []

    @app.callback(Output("upload-result", "children"), Input("in", "value"))
    def publish(value):  # side effects: must run every time
        calls.append(value)
        return "ok"

    init_cache(app.server, {})
    install_callback_cache(app.server, lambda: _Version(1), {})
    client = app.server.test_client()
    payload = {**_payload("x"), "output": "upload-result.children",
               "outputs": {"id": "upload-result", "property": "children"}}
    for _ in range(2):
        response = client.post("/_dash-update-component", json=payload)
        assert "X-Cache" not in response.headers
    assert calls == ["x", "x"]


def test_code_token_is_stable_and_short():
    from app.cache import code_token

    assert code_token() == code_token()
    assert len(code_token()) == 16


def test_cached_responses_are_sent_precompressed():
    import gzip

    client, calls, _ = _counting_app({}, [_Version(1, uuid.uuid4().hex)])
    payload = _payload("z" * 600)  # big enough to be compressed
    first = client.post("/_dash-update-component", json=payload)
    hit = client.post("/_dash-update-component", json=payload,
                      headers={"Accept-Encoding": "gzip, br"})
    assert hit.headers["X-Cache"] == "hit"
    assert hit.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(hit.get_data()) == first.get_data()
    assert len(calls) == 1


def test_first_output_is_read_from_the_request():
    from app.cache import _first_output

    assert _first_output(b'{"output":"..a.x...b.y..","outputs":[]}') == "a.x"
    assert _first_output(b'{"outputs":{"id":"a"},"output": "notices-area.children"}') == \
        "notices-area.children"
    assert _first_output(b"not json") is None
    assert _first_output(b'{"output": 3}') is None
