"""The data behind a view as CSV/XLSX, with metadata apart, safe against formula injection.

Four tables describe a view (:func:`view_tables`): ``indicadores`` (the
indicators that count for the selection with their figures at the cut, the
dashboard's table), ``localidades`` (the selected indicator by locality, what
the map colours), ``serie`` (the selected indicator per year, what the series
draws) and ``ciudad`` (with localities selected, the citywide indicators shown
apart). A CSV starts with its header row (``pandas.read_csv`` reads it as it
is); the metadata (filters, sources, license, version) go in their own file
or sheet, or before the table with ``metadatos=1``.

Text cells that a spreadsheet would read as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) are neutralised: prefixed with an
apostrophe in CSV, stored as plain strings (never formulas) in XLSX. Numbers
stay numbers.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from numbers import Real

import pandas as pd

from app.exports.render import DOCUMENT_AUTHOR, DOCUMENT_CREATOR
from data import Catalog
from data.schema import CITYWIDE, STATUS_LABELS
from data.sources import load_sources
from layers.formatting import format_date, join_names
from layers.titles import DASHBOARD_NAME, PUBLISHER, status_rule_text
from view import View, build_query, default_state

__all__ = [
    "AUTHOR",
    "FORMULA_PREFIXES",
    "TABLE_ALIASES",
    "TABLE_NAMES",
    "metadata_rows",
    "neutralise",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "view_tables",
]

TABLE_NAMES = ("indicadores", "localidades", "serie", "ciudad")
#: Older names of the tables, still accepted in ``datos=``.
TABLE_ALIASES = {"productos": "indicadores"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CITY_NAME = "Bogotá D.C."
#: Author written in the PDF and XLSX document properties.
AUTHOR = DOCUMENT_AUTHOR


def neutralise(value: object) -> object:
    """Make a text cell inert for spreadsheets; numbers and missing values pass through.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _pct(series: pd.Series) -> pd.Series:
    return (pd.to_numeric(series, errors="coerce") * 100).round(1)


def _status(series: pd.Series) -> pd.Series:
    return series.map(STATUS_LABELS).fillna(STATUS_LABELS["sin_dato"])


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _indicator_table(figures: pd.DataFrame, facts: dict[str, dict], names: dict[str, str],
                     version_cut: str) -> pd.DataFrame:
    columns = ["name", "product_id", "product", "axis", "entity", "entity_name",
               "co_entity_name", "annualisation", "periodicity", "unit"]
    described = pd.DataFrame([{k: facts[c][k] for k in columns} for c in figures["code"]],
                             columns=columns, index=figures.index)
    rows = pd.concat([figures, described], axis=1)
    codes = rows["locality_code"].astype(str) if len(rows) else pd.Series([], dtype=str)
    return pd.DataFrame({
        "codigo": rows["code"],
        "indicador": rows["name"],
        "producto": rows["product_id"] + " · " + rows["product"],
        "objetivo": rows["objective_id"],
        "eje": rows["axis"],
        "entidad": rows["entity_name"] + " (" + rows["entity"] + ")",
        "corresponsable": rows["co_entity_name"],
        "tipo_anualizacion": rows["annualisation"],
        "periodicidad": rows["periodicity"],
        "unidad": rows["unit"],
        "codigo_localidad": codes,
        "lugar": [_place(c, names) for c in codes],
        "corte": version_cut,
        "meta_periodo": _numbers(rows["mp"]),
        "meta_a_la_fecha": _numbers(rows["ma"]),
        "avance_a_la_fecha": _numbers(rows["av"]),
        "avance_periodo_pct": _pct(rows["phv"]),
        "avance_meta_final_pct": _pct(rows["paf"]),
        "trayectoria_ideal_pct": _pct(rows["tid"]),
        "brecha_pts": _pct(rows["brecha"]),
        "semaforo": _status(rows["status"]),
        "ultimo_reporte": rows["text"],
        "trimestre_del_reporte": rows["text_period"],
    })


def _place(code: str, names: dict[str, str]) -> str:
    return CITY_NAME if code == CITYWIDE else names.get(code, code)


def view_tables(view: View, names: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The tables behind ``view`` (plain column names), in :data:`TABLE_NAMES` order.

    Parameters
    ----------
    view : View
        From :func:`view.resolve_view`.
    names : dict
        Locality code -> Spanish name.

    Returns
    -------
    dict of DataFrame
        Numeric columns are floats (percentages in %, gaps in points, missing
        values empty); statuses in words.
    """
    cut = view.cut.label
    info = view.indicator or {}
    values = view.values if len(view.values) else pd.DataFrame(
        columns=["locality_code", "value", "target", "pct", "brecha", "status"])
    codes = values["locality_code"].astype(str)
    localidades = pd.DataFrame({
        "codigo_localidad": codes,
        "localidad": [names.get(c, c) for c in codes],
        "codigo": info.get("code", ""),
        "indicador": info.get("name", ""),
        "unidad": info.get("unit", ""),
        "corte": cut,
        "avance_a_la_fecha": _numbers(values["value"]),
        "meta_a_la_fecha": _numbers(values["target"]),
        "avance_periodo_pct": _pct(values["pct"]),
        "brecha_pts": _pct(values["brecha"]),
        "semaforo": _status(values["status"]),
        "destacada": ["Sí" if c in view.state.localities else "No" for c in codes],
    })
    series = view.series if len(view.series) else pd.DataFrame(
        columns=["year", "locality_code", "period", "value", "target", "pct", "status"])
    scodes = series["locality_code"].astype(str)
    serie = pd.DataFrame({
        "anio": series["year"],
        "corte": series["period"],
        "codigo_localidad": scodes,
        "lugar": [_place(c, names) for c in scodes],
        "codigo": info.get("code", ""),
        "indicador": info.get("name", ""),
        "unidad": info.get("unit", ""),
        "avance_a_la_fecha": _numbers(series["value"]),
        "meta_a_la_fecha": _numbers(series["target"]),
        "avance_periodo_pct": _pct(series["pct"]),
        "semaforo": _status(series["status"]),
    })
    return {
        "indicadores": _indicator_table(view.rows, view.facts, names, cut).reset_index(
            drop=True),
        "localidades": localidades.reset_index(drop=True),
        "serie": serie.reset_index(drop=True),
        "ciudad": _indicator_table(view.city_rows, view.facts, names, cut).reset_index(
            drop=True),
    }


def metadata_rows(view: View, catalog: Catalog, names: dict[str, str]) -> list[tuple[str, str]]:
    """``(campo, valor)`` pairs describing the filters, sources, license and data version."""
    state, version = view.state, view.version
    axes = catalog.axes.set_index("axis_id")["name"]
    entities = catalog.entities.set_index("entity_id")["name"]
    every = "Todos"
    query = build_query(state, default=default_state(catalog))
    rows = [
        ("Tablero", f"{DASHBOARD_NAME} ({PUBLISHER})"),
        ("Consulta", "?" + query if query else "(vista inicial)"),
        ("Eje", join_names([str(axes.get(a, a)) for a in state.axes], limit=10) or every),
        ("Entidad", join_names([str(entities.get(e, e)) for e in state.entities], limit=20)
         or "Todas"),
        ("Objetivo", str(state.objective) if state.objective is not None else every),
        ("Indicador del mapa y la serie",
         f"{view.indicator['code']} · {view.indicator['name']}" if view.indicator else "—"),
        ("Localidades", join_names([names.get(c, c) for c in state.localities], limit=20)
         or "Toda la ciudad"),
        ("Corte mostrado", view.cut.label + (" (periodo futuro: solo metas)"
                                             if view.future else "")),
        ("Medida del mapa", state.measure),
        ("Versión de datos", f"v{version.version_id}"),
        ("Corte de los datos", f"{version.cut.label} (fecha de corte "
                               f"{format_date(version.cutoff_date)})"),
        ("Datos ilustrativos", "Sí: catálogo ilustrativo con la estructura de la política, "
         "no cifras oficiales" if version.illustrative else "No"),
        ("Fuente de los datos de avance",
         version.source_name or f"Reportes de las entidades a la {PUBLISHER}"),
        ("Licencia de los datos de avance",
         "Datos generados por el proyecto, de libre uso (licencia MIT)"
         if version.illustrative else f"Según la entidad publicadora ({PUBLISHER})"),
        ("Método", "Secretaría Distrital de Planeación: meta del periodo (MP), meta a la "
         "fecha (MA), avance a la fecha (AV), avance en el periodo (PHV = AV/MA, o "
         "(AV−LB)/(MA−LB) en indicadores crecientes y decrecientes), avance frente a la "
         "meta final (PAF), trayectoria ideal (TID) y brecha (PAF − TID). Sin denominador "
         "o sin reporte: sin dato, nunca 100 %."),
        ("Semáforo", status_rule_text()),
        ("Conteo por localidad", "Con localidades elegidas cuentan los indicadores "
         "reportados por localidad; los de toda la ciudad van aparte (tabla «ciudad»)."),
    ]
    for source in load_sources():
        rows.append((f"Fuente: {source.title}",
                     f"{source.publisher} · {source.page_url} · {source.license}"))
    return rows


def _csv_cell(value: object, decimal: str) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "Sí" if value else "No"
    if isinstance(value, Real):
        number = float(value)
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        text = repr(number)
        return text.replace(".", decimal) if decimal != "." else text
    return neutralise(str(value))


def to_csv_bytes(
    table: pd.DataFrame,
    metadata: Sequence[tuple[str, str]] = (),
    *,
    semicolon: bool = False,
) -> bytes:
    """UTF-8 CSV with BOM: metadata lines, one blank line, then the table.

    Parameters
    ----------
    table : DataFrame
        From :func:`view_tables`.
    metadata : sequence of (str, str)
        From :func:`metadata_rows`; written as two-column rows before the table.
    semicolon : bool
        Spanish-locale Excel: ``;`` between fields and ``,`` as decimal mark.

    Returns
    -------
    bytes
    """
    delimiter, decimal = (";", ",") if semicolon else (",", ".")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for key, value in metadata:
        writer.writerow([neutralise(key), neutralise(value)])
    if metadata:
        writer.writerow([])
    writer.writerow([neutralise(c) for c in table.columns])
    for row in table.itertuples(index=False):
        writer.writerow([_csv_cell(v, decimal) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "Sí" if value else "No"
    if isinstance(value, Real):
        return float(value) if not float(value).is_integer() else int(value)
    return str(value)


def _write_sheet(sheet, header: Sequence[str], rows) -> None:
    from openpyxl.styles import Font

    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([None] * len(header))
        line = sheet.max_row
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=line, column=column)
            value = _xlsx_value(value)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
    for column_cells in sheet.columns:
        width = max(len(str(c.value or "")) for c in column_cells[:200])
        sheet.column_dimensions[column_cells[0].column_letter].width = min(60, max(8, width + 2))
    sheet.freeze_panes = "A2"


def _version_words(version: str) -> list[str]:
    """``"v3 · corte 2026-T3 · ilustrativos"`` -> ``["versión de datos 3", "corte 2026-T3",
    "ilustrativos"]``."""
    words = [w.strip() for w in str(version or "").split("·") if w.strip()]
    if words and words[0][:1] in "vV" and words[0][1:].isdigit():
        words[0] = f"versión de datos {words[0][1:]}"
    return words


def to_xlsx_bytes(tables: dict[str, pd.DataFrame], metadata: Sequence[tuple[str, str]], *,
                  title: str = "", subject: str = "", version: str = "") -> bytes:
    """An XLSX workbook: one sheet per table, then a ``Metadatos`` sheet.

    Text cells are stored as strings (a leading ``=`` is never a formula);
    numbers stay numeric cells. The document properties carry ``title``,
    ``subject``, the author (:data:`AUTHOR`) and the data ``version``
    (``DataVersion.label``, e.g. "v3 · corte 2026-T3"), written in the keywords
    and the description as "versión de datos 3", as in the PDF exports.
    """
    from openpyxl import Workbook

    book = Workbook()
    words = _version_words(version)
    book.properties.title = title[:255]
    book.properties.subject = subject[:255]
    book.properties.creator = AUTHOR
    book.properties.lastModifiedBy = DOCUMENT_CREATOR
    book.properties.keywords = "; ".join(["Bogotá Territorio Inteligente", *words])[:255]
    book.properties.description = (f"Datos del {DOCUMENT_CREATOR}"
                                   + (f", {', '.join(words)}" if words else ""))[:255]
    first = True
    for name, table in tables.items():
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = name.capitalize()
        _write_sheet(sheet, list(table.columns), table.itertuples(index=False))
    _write_sheet(book.create_sheet("Metadatos"), ["Campo", "Valor"], metadata)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
