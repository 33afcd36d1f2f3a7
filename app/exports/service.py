"""From a request (view, format, query) to the bytes of a file, cached per data version.

The routes in ``app/routes/export.py`` only translate HTTP; everything else is
here so that benchmarks and tests call the same code. Bad input raises
:class:`ExportRequestError` with an HTTP status and a short Spanish message.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from app.exports.cache import cache_key, get_export_cache
from app.exports.dispatch import RenderPlan, produce
from app.exports.jobs import RenderJob
from app.exports.render import MEDIA_TYPES, render_figure
from app.exports.tables import (
    TABLE_ALIASES,
    TABLE_NAMES,
    metadata_rows,
    to_csv_bytes,
    to_xlsx_bytes,
    view_tables,
)
from data import Catalog
from data.repository import get_catalog
from data.schema import LOCALITY_CODES
from layers import REPORT_SIZE, ExportSize, build_export_figure, build_report_figure, export_size
from layers.titles import VIEWS
from view import (
    Snapshot,
    View,
    build_query,
    cached_view,
    default_state,
    get_geo_context,
    parse_view,
)
from view.report import locality_report as build_locality_report

__all__ = [
    "EXPORT_PARAMS",
    "ExportRequestError",
    "ExportResult",
    "bundle_export",
    "chart_export",
    "frequent_plans",
    "locality_code",
    "locality_report",
    "render_plan",
    "table_export",
]

#: Query parameters of exports beyond the dashboard's (ignored by the view parser).
EXPORT_PARAMS = ("ancho", "alto", "formato", "separador", "datos", "metadatos", "desde",
                 "hasta")
#: Those that change a chart (carried by its render job).
CHART_PARAMS = ("formato", "ancho", "alto")
TABLE_FORMATS = ("csv", "xlsx")
SEPARATORS = {"coma": False, "punto-y-coma": True, "puntoycoma": True, ";": True, ",": False}
MEDIA = {
    **MEDIA_TYPES,
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


class ExportRequestError(ValueError):
    """A request that cannot be served: ``status`` (400/404) and a Spanish ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ExportResult:
    """A file ready to send."""

    data: bytes
    media_type: str
    filename: str
    etag: str
    cached: bool


def _extras(query: str) -> dict[str, str]:
    extras: dict[str, str] = {}
    for key, value in parse_qsl((query or "").lstrip("?"), keep_blank_values=True):
        name = key.strip().lower()
        if name in EXPORT_PARAMS:
            if name in extras and extras[name] != value.strip():
                raise ExportRequestError(400, f"El parámetro «{name}» aparece dos veces.")
            extras[name] = value.strip()
    return extras


def _int_param(extras: dict[str, str], name: str) -> int | None:
    raw = extras.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise ExportRequestError(
            400, f"«{name}={raw}» no es un número de píxeles; use un entero, p. ej. {name}=1600."
        )
    return int(raw)


def _resolve(query: str, catalog: Catalog) -> View:
    state, notices = parse_view(query, catalog, ignore=EXPORT_PARAMS)
    if notices:
        raise ExportRequestError(400, "Consulta no válida: " + " ".join(notices))
    view = cached_view(state, catalog)
    if view.empty:
        raise ExportRequestError(404, view.message)
    return view


def _canonical(view: View, catalog: Catalog) -> str:
    return build_query(view.state, default=default_state(catalog))


def _slug(view: View) -> str:
    parts = ["tablero-bti"]
    if view.indicator:
        parts.append(view.indicator["code"])
    if view.state.localities:
        parts.append("loc-" + "-".join(view.state.localities))
    parts.append(view.cut.label)
    return "_".join(parts)


def _chart_bytes(view_name: str, fmt: str, view: View, catalog: Catalog,
                 size: ExportSize) -> bytes:
    figure = build_export_figure(view_name, view, get_geo_context(), catalog, size,
                                 last_year=view.data_cut.year)
    return render_figure(figure, fmt, width=size.width, height=size.height, scale=size.scale)


def _chart_request(view_name: str, fmt: str, query: str,
                   catalog: Catalog) -> tuple[View, str, RenderPlan]:
    """Check a chart request; its view, size preset and render plan."""
    if view_name not in VIEWS:
        raise ExportRequestError(
            404, f"La vista «{view_name}» no existe; use mapa, serie, entidades, tabla o todo."
        )
    if fmt not in MEDIA_TYPES:
        raise ExportRequestError(
            404, f"El formato «{fmt}» no existe para gráficos; use png, svg o pdf.")
    extras = _extras(query)
    preset = extras.get("formato", "").lower()
    if preset not in ("", "social"):
        raise ExportRequestError(
            400, f"«formato={preset}» no existe; use formato=social (1200x630).")
    view = _resolve(query, catalog)
    size = export_size(view_name, _int_param(extras, "ancho"), _int_param(extras, "alto"),
                       social=preset == "social")
    options = {"fmt": fmt, "size": [size.width, size.height, round(size.scale, 4)]}
    canonical = _canonical(view, catalog)
    version_id = view.version.version_id
    key = cache_key(f"chart:{view_name}", canonical, options, version_id)
    own = urlencode([(name, extras[name]) for name in CHART_PARAMS if extras.get(name)])
    job = RenderJob("chart", view_name, fmt, "&".join(p for p in (canonical, own) if p),
                    str(version_id), key)
    return view, preset, RenderPlan(
        job, lambda: _chart_bytes(view_name, fmt, view, catalog, size))


def chart_export(view_name: str, fmt: str, query: str = "",
                 catalog: Catalog | None = None) -> ExportResult:
    """One chart (``mapa``, ``serie``, ``entidades``) as PNG, SVG or PDF.

    A cache miss is rendered by :func:`app.exports.dispatch.produce` (an export
    worker or this process's bounded render pool).

    Parameters
    ----------
    view_name, fmt : str
        From the URL ``/export/{view_name}.{fmt}``.
    query : str
        The dashboard query plus ``ancho``/``alto`` (output px) or ``formato=social``.
    catalog : Catalog, optional
        Default: :func:`data.repository.get_catalog`.

    Raises
    ------
    ExportRequestError
        404 for an unknown view or format or a view without products, 400 for a
        malformed query.
    app.exports.gate.ExportBusy
        When exports are saturated.
    """
    catalog = catalog or get_catalog()
    view, preset, plan = _chart_request(view_name, fmt, query, catalog)
    data, hit = produce(plan)
    suffix = "_social" if preset == "social" else ""
    return ExportResult(data, MEDIA[fmt], f"{_slug(view)}_{view_name}{suffix}.{fmt}", plan.key,
                        hit)


def _table_choice(extras: dict[str, str]) -> str:
    choice = extras.get("datos", "indicadores").lower() or "indicadores"
    choice = TABLE_ALIASES.get(choice, choice)
    if choice not in TABLE_NAMES:
        raise ExportRequestError(
            400, f"«datos={choice}» no existe; use datos=" + ", ".join(TABLE_NAMES) + ".")
    return choice


def _flag(extras: dict[str, str], name: str) -> bool:
    value = extras.get(name, "").lower()
    if value not in ("", "0", "1", "si", "sí", "no", "true", "false"):
        raise ExportRequestError(400, f"«{name}={value}» no es válido; use {name}=1 o {name}=0.")
    return value in ("1", "si", "sí", "true")


def table_export(fmt: str, query: str = "", catalog: Catalog | None = None) -> ExportResult:
    """The data behind the view: CSV (one table, ``datos=``) or XLSX (all, plus metadata)."""
    if fmt not in TABLE_FORMATS:
        raise ExportRequestError(404, f"El formato «{fmt}» no existe para tablas; use csv o xlsx.")
    catalog = catalog or get_catalog()
    extras = _extras(query)
    separator = extras.get("separador", "coma").lower() or "coma"
    if separator not in SEPARATORS:
        raise ExportRequestError(
            400, f"«separador={separator}» no existe; use separador=coma o separador=punto-y-coma."
        )
    choice = _table_choice(extras)
    with_metadata = _flag(extras, "metadatos")
    view = _resolve(query, catalog)
    semicolon = SEPARATORS[separator]
    options = {"fmt": fmt, "semicolon": semicolon, "datos": choice if fmt == "csv" else "*",
               "metadatos": with_metadata}
    key = cache_key("table", _canonical(view, catalog), options, view.version.version_id)

    def build() -> bytes:
        names = get_geo_context().names
        tables = view_tables(view, names)
        meta = metadata_rows(view, catalog, names)
        if fmt == "csv":
            block = meta + [("Tabla", choice)] if with_metadata else ()
            return to_csv_bytes(tables[choice], block, semicolon=semicolon)
        title = _document_title(view)
        return to_xlsx_bytes(tables, meta, title=title, subject=_subject(view),
                             version=view.version.label)

    data, hit = get_export_cache().get_or_create(key, build)
    name = f"{_slug(view)}_{choice}.csv" if fmt == "csv" else f"{_slug(view)}_datos.xlsx"
    return ExportResult(data, MEDIA[fmt], name, key, hit)


def _document_title(view: View) -> str:
    indicator = view.indicator
    what = f"{indicator['code']} {indicator['name']}" if indicator else "Tablero"
    return f"{what} · corte {view.cut.label}"


def _subject(view: View) -> str:
    return ("Seguimiento de la política Bogotá Territorio Inteligente 2023-2032 (CONPES D.C. "
            "29): indicadores, metas y avance")


def _readme(view: View, catalog: Catalog, files: list[str]) -> str:
    names = get_geo_context().names
    lines = [
        "TABLERO BOGOTÁ TERRITORIO INTELIGENTE — DESCARGA DE LA VISTA",
        "=" * 60,
        "",
        "Contenido:",
        *(f"  - {f}" for f in files),
        "",
        "Vista y fuentes:",
        *(f"  {k}: {v}" for k, v in metadata_rows(view, catalog, names)),
        "",
        "Definiciones (método de la Secretaría Distrital de Planeación):",
        "  meta_periodo (MP): meta programada al corte dentro del año.",
        "  meta_a_la_fecha (MA): meta acumulada hasta el corte.",
        "  avance_a_la_fecha (AV): suma de los reportes (indicadores de tipo SUMA) o último",
        "    valor reportado (CRECIENTE, DECRECIENTE, CONSTANTE).",
        "  avance_periodo_pct (PHV): AV frente a MA, en %; desde la línea base en los",
        "    indicadores crecientes y decrecientes.",
        "  avance_meta_final_pct (PAF), trayectoria_ideal_pct (TID), brecha_pts = PAF - TID.",
        "  semaforo: Rezagado (<= 50 %), En riesgo (<= 75 %), En meta (<= 125 %),",
        "    Sobre-ejecución (> 125 %), Sin dato (sin reporte o sin meta; nunca 100 %),",
        "    Futuro (periodo posterior al corte de los datos).",
        "  codigo_localidad: 01 a 20 (IDECA); 00 es toda la ciudad.",
        "",
        "Los CSV están en UTF-8 con BOM, separados por comas y con punto decimal, y",
        "empiezan con la fila de encabezados. Los metadatos de la vista están en",
        "metadatos.csv (y, si se pide con metadatos=1, antes de la tabla).",
    ]
    if view.version.illustrative:
        lines += ["", "ATENCIÓN: DATOS ILUSTRATIVOS. No son cifras oficiales de la política."]
    return "\r\n".join(lines) + "\r\n"


def bundle_export(query: str = "", catalog: Catalog | None = None) -> ExportResult:
    """``todo.zip``: the charts (PNG and SVG), the tables (CSV), metadatos.csv and a README."""
    catalog = catalog or get_catalog()
    view = _resolve(query, catalog)
    key = cache_key("bundle", _canonical(view, catalog), {}, view.version.version_id)
    canonical = _canonical(view, catalog)

    def build() -> bytes:
        buffer = io.BytesIO()
        files: list[tuple[str, bytes]] = []
        for view_name in VIEWS:
            for fmt in ("png", "svg"):
                result = chart_export(view_name, fmt, canonical, catalog)
                files.append((f"graficos/{view_name}.{fmt}", result.data))
        for choice in TABLE_NAMES:
            result = table_export("csv", f"{canonical}&datos={choice}".lstrip("&"), catalog)
            files.append((f"datos/{choice}.csv", result.data))
        meta = metadata_rows(view, catalog, get_geo_context().names)
        files.append(("datos/metadatos.csv",
                      to_csv_bytes(pd.DataFrame(meta, columns=["campo", "valor"]))))
        readme = _readme(view, catalog, [name for name, _ in files])
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("LEAME.txt", readme.encode("utf-8"))
            for name, data in files:
                archive.writestr(name, data)
        return buffer.getvalue()

    data, hit = get_export_cache().get_or_create(key, build)
    return ExportResult(data, MEDIA["zip"], f"{_slug(view)}_todo.zip", key, hit)


def locality_code(raw: str) -> str:
    """``"2"``/``"02"`` -> ``"02"``; 404 for anything that is not a locality code."""
    code = raw.strip()
    code = code.zfill(2) if code.isdigit() and len(code) <= 2 else code
    if code not in LOCALITY_CODES:
        raise ExportRequestError(
            404, f"La localidad «{raw}» no existe; use un código de 01 a 20 (p. ej. 02 Chapinero)."
        )
    return code


def _report_request(raw_code: str, query: str,
                    catalog: Catalog) -> tuple[str, str, RenderPlan]:
    """Check a report request; the locality code, the cut's label and the render plan."""
    code = locality_code(raw_code)
    state, notices = parse_view(query, catalog, ignore=EXPORT_PARAMS)
    if notices:
        raise ExportRequestError(400, "Consulta no válida: " + " ".join(notices))
    cut = state.cut(Snapshot.of(catalog).data_cut)
    version_id = catalog.version.version_id
    key = cache_key("report", f"{code}:{cut.label}", {}, version_id)

    def build() -> bytes:
        report = build_locality_report(code, state, catalog)
        figure = build_report_figure(report, get_geo_context())
        return render_figure(figure, "pdf", width=REPORT_SIZE[0], height=REPORT_SIZE[1])

    job = RenderJob("report", code, "pdf", build_query(state, default=default_state(catalog)),
                    str(version_id), key)
    return code, cut.label, RenderPlan(job, build)


def locality_report(raw_code: str, query: str = "", catalog: Catalog | None = None) -> ExportResult:
    """The one-page A4 PDF report of a locality (``anio``/``corte`` optional in ``query``).

    Raises
    ------
    ExportRequestError
        404 for an unknown locality, 400 for a malformed query.
    app.exports.gate.ExportBusy
        When exports are saturated.
    """
    catalog = catalog or get_catalog()
    code, cut, plan = _report_request(raw_code, query, catalog)
    data, hit = produce(plan)
    return ExportResult(data, MEDIA["pdf"], f"reporte_localidad_{code}_{cut}.pdf", plan.key, hit)


def render_plan(job: RenderJob, catalog: Catalog) -> RenderPlan:
    """The plan of a render job (what an export worker runs), checked like a request.

    Raises
    ------
    ExportRequestError
        For a job whose arguments are not a valid export.
    """
    if job.kind == "chart":
        return _chart_request(job.name, job.fmt, job.query, catalog)[2]
    if job.kind == "report" and job.fmt == "pdf":
        return _report_request(job.name, job.query, catalog)[2]
    if job.kind == "timelapse":  # app.exports.timelapse builds on this module
        from app.exports.timelapse import timelapse_request

        return timelapse_request(job.name, job.fmt, job.query, catalog)[1]
    raise ExportRequestError(404, f"Exportación desconocida: {job.kind} {job.name}.{job.fmt}")


#: The exports worth drawing as soon as a version is published: the default
#: view's charts and every locality's report.
FREQUENT_CHARTS = (("mapa", "png"), ("serie", "png"), ("entidades", "png"))


def frequent_plans(catalog: Catalog | None = None) -> list[RenderPlan]:
    """Render plans of :data:`FREQUENT_CHARTS` (default view) and the 20 locality reports."""
    catalog = catalog or get_catalog()
    plans = [_chart_request(view_name, fmt, "", catalog)[2] for view_name, fmt in FREQUENT_CHARTS]
    plans += [_report_request(code, "", catalog)[2] for code in LOCALITY_CODES]
    return plans
