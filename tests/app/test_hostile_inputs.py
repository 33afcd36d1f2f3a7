"""Random and hostile inputs never produce a 500 nor leak a traceback (hypothesis).

Query strings go to the page, the exports, the locality report and the API;
random values, types and shapes go to Dash's callback endpoint with the real
dependencies of the dashboard. Bounded example counts keep the run short.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from view.state import PARAMS

HOSTILE = [
    "' OR 1=1 --", "<script>alert(1)</script>", "../../../../etc/passwd", "%00", "%zz",
    "\x00", "\u202e", "😀" * 50, "A" * 5000, "-1", "1e309", "NaN", "9" * 40, "2026.5",
    "{{7*7}}", "${jndi:ldap://x}", "anio=2026&anio=2027", ",,,,", "null", "[]", "{}",
    "%E2%80%AE", "\r\nSet-Cookie: x=1",
]
_settings = settings(max_examples=40, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])

values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                   st.integers(-10**6, 10**6).map(str))
params = st.one_of(st.sampled_from(PARAMS), st.text(min_size=1, max_size=12))
queries = st.one_of(
    st.lists(st.tuples(params, values), max_size=6).map(
        lambda pairs: "&".join(f"{quote(k, safe='')}={quote(v, safe=',')}" for k, v in pairs)),
    st.sampled_from(HOSTILE).map(lambda v: quote(v, safe="=&%")),
)


def _assert_clean(response, what: str) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}"
    body = response.get_data()
    assert b"Traceback (most recent call last)" not in body, what
    assert b'File "/' not in body, what


@pytest.fixture(scope="module")
def http(dash_app):
    return dash_app.server.test_client()


@pytest.fixture(scope="module", autouse=True)
def store_untouched(http):
    """The whole hostile run leaves the published data byte-identical (every table)."""
    from data import repository
    from data.store import dump_store

    engine = repository.get_engine()
    before = dump_store(engine)
    yield
    assert dump_store(engine) == before, "un intento hostil cambió el almacén"


@pytest.fixture(scope="module")
def dependencies(http):
    return http.get("/_dash-dependencies").get_json()


@_settings
@given(query=queries)
def test_page_and_api_survive_any_query(http, query):
    for path in ("/", "/api/catalogo", "/api/version", "/healthz", "/export/tabla.csv"):
        _assert_clean(http.get(f"{path}?{query}"), f"GET {path}?{query}")


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.one_of(st.sampled_from(["mapa.png", "serie.svg", "tabla.xlsx", "tabla.csv",
                                       "x.exe", "mapa.", ".png", "tabla.csv.png"]),
                      st.text(min_size=1, max_size=30).map(lambda s: quote(s, safe=""))),
       code=st.one_of(st.sampled_from(["99", "00", "1", "abc", "11.png", "..%2f..%2fx"]),
                      st.text(min_size=1, max_size=10).map(lambda s: quote(s, safe=""))),
       query=st.sampled_from(["", "anio=abc", "localidad=99&medida=x", "ancho=-5&alto=99999999",
                              "ancho=abc", "producto=%3Cscript%3E"]))
def test_exports_and_reports_survive_hostile_names(http, name, code, query):
    _assert_clean(http.get(f"/export/{name}?{query}"), f"export {name}?{query}")
    _assert_clean(http.get(f"/reporte/localidad/{code}.pdf?{query}"), f"reporte {code}")


@_settings
@given(body=st.one_of(st.binary(max_size=200), st.sampled_from([b"", b"{}", b"[]", b"null"]),
                      st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=4)
                      .map(lambda d: json.dumps(d).encode())),
       token=st.one_of(st.none(), st.text(max_size=20), st.sampled_from(HOSTILE)))
def test_upload_api_rejects_garbage_without_errors(http, body, token):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}".replace("\r", "").replace("\n", "")
    _assert_clean(http.post("/api/reportes", data=body, headers=headers), "POST /api/reportes")


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9), st.floats(allow_nan=False),
              st.text(max_size=20), st.sampled_from(HOSTILE)),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)


def _payload(dep: dict, data) -> dict:
    out = dep["output"]
    if out.startswith(".."):
        outputs = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True))
                   for p in out[2:-2].split("...")]
    else:
        outputs = dict(zip(("id", "property"), out.rsplit(".", 1), strict=True))
    inputs = [{**r, "value": data.draw(json_values)} for r in dep["inputs"]]
    state = [{**r, "value": data.draw(json_values)} for r in dep["state"]]
    changed = [f"{r['id']}.{r['property']}" for r in dep["inputs"][:1]]
    return {"output": out, "outputs": outputs, "inputs": inputs, "state": state,
            "changedPropIds": changed}


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_callbacks_survive_random_inputs(http, dependencies, data):
    server_side = [d for d in dependencies if not d.get("clientside_function")]
    dep = data.draw(st.sampled_from(server_side))
    payload = _payload(dep, data)
    response = http.post("/_dash-update-component", json=payload)
    _assert_clean(response, f"callback {dep['output']} con {json.dumps(payload)[:300]}")


@_settings
@given(body=st.one_of(st.binary(max_size=300), json_values.map(lambda v: json.dumps(v).encode())))
def test_malformed_callback_requests_are_client_errors(http, body):
    response = http.post("/_dash-update-component", data=body,
                         headers={"Content-Type": "application/json"})
    _assert_clean(response, f"callback malformado {body[:100]!r}")
