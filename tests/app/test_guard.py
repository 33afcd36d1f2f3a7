"""Tests of app/guard.py: body limits, strict JSON, 404 for unknown bundle paths."""

from __future__ import annotations

import io
import json

import pytest
from flask import Flask, jsonify

from app.guard import (
    CALLBACK_LIMIT,
    MAX_CONTENT_LENGTH,
    UPLOAD_CALLBACK_LIMIT,
    install_guards,
    strict,
)


@pytest.fixture(scope="module")
def http(dash_app):
    return dash_app.server.test_client()


def _callback(http, path: str, size: int, *, chunked: bool = False):
    body = b'{"output":"x","inputs":[' + b"1," * (size // 2) + b"1]}"
    if chunked:  # no Content-Length: the limit must hold while the body is read
        return http.post(path, input_stream=io.BytesIO(body), content_type="application/json",
                         environ_overrides={"wsgi.input_terminated": True})
    return http.post(path, data=body, content_type="application/json")


def test_a_big_dashboard_callback_is_refused_before_it_is_read(http):
    response = _callback(http, "/_dash-update-component", CALLBACK_LIMIT + 10)
    assert response.status_code == 413 and response.is_json
    assert "demasiado grande (máximo 64 KB)" in response.get_json()["error"]


def test_a_chunked_body_is_bounded_too(http):
    response = _callback(http, "/_dash-update-component", 4 * CALLBACK_LIMIT, chunked=True)
    assert response.status_code == 413


def test_the_upload_page_may_send_a_whole_file(http):
    size = 2 * 1024 * 1024  # a file the page accepts: read, then refused as malformed
    assert _callback(http, "/subir/_dash-update-component", size).status_code == 400
    over = _callback(http, "/subir/_dash-update-component", UPLOAD_CALLBACK_LIMIT + 10)
    assert over.status_code == 413 and "10 MB" in over.get_json()["error"]


def test_other_requests_are_bounded_by_max_content_length():
    app = Flask(__name__)
    install_guards(app)
    app.post("/eco")(lambda: str(len(__import__("flask").request.get_data())))
    client = app.test_client()
    assert client.post("/eco", data=b"x" * 1000).get_data() == b"1000"
    assert client.post("/eco", data=b"x" * (MAX_CONTENT_LENGTH + 1)).status_code == 413


@pytest.mark.parametrize("path", [
    "/_dash-component-suites/..%2f..%2f..%2fetc%2fpasswd",
    "/_dash-component-suites/dash/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/_dash-component-suites/dash/nada.js",
])
def test_unknown_bundle_paths_are_404(http, path):
    response = http.get(path)
    assert response.status_code == 404
    assert b"root:" not in response.data and b"Traceback" not in response.data


def test_json_answers_are_strict():
    app = Flask(__name__)
    install_guards(app)

    @app.get("/x")
    def x():
        return jsonify(a=float("nan"), b=[1.5, float("inf")], c={"d": -float("inf")})

    text = app.test_client().get("/x").get_data(as_text=True)
    assert json.loads(text, parse_constant=lambda c: pytest.fail(c)) == {
        "a": None, "b": [1.5, None], "c": {"d": None}}


def test_strict_keeps_everything_else():
    value = {"a": [1, "x", None, True, 2.5], "b": (3,)}
    assert strict(value) == {"a": [1, "x", None, True, 2.5], "b": [3]}
