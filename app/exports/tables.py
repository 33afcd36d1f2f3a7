"""The data behind a view as CSV/XLSX, with metadata, safe against formula injection.

Three tables describe a view (:func:`view_tables`): ``productos`` (the status of
every product matching the filters, the dashboard's table), ``localidades`` (the
selected indicator by locality, what the map colours) and ``serie`` (the
selected indicator per year for the selected places, what the series draws).

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

from data import Catalog
from data.schema import CITYWIDE, STATUS_LABELS
from data.sources import load_sources
from layers.formatting import format_date, join_names
from layers.titles import DASHBOARD_NAME, PUBLISHER, status_rule_text
from view import View, build_query, default_state

__all__ = [
    "FORMULA_PREFIXES",
    "TABLE_NAMES",
    "metadata_rows",
    "neutralise",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "view_tables",
]

TABLE_NAMES = ("productos", "localidades", "serie")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SCOPES = {"ciudad": "Toda la ciudad", "localidad": "Por localidad"}
_DIRECTIONS = {"up": "Más es mejor", "down": "Menos es mejor"}
CITY_NAME = "Bogotá D.C."


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
    return series.map(STATUS_LABELS).fillna(STATUS_LABELS["no_report"])


def _place(code: str, names: dict[str, str]) -> str:
    return CITY_NAME if code == CITYWIDE else names.get(code, code)


def view_tables(view: View, names: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The tables behind ``view`` with Spanish headers, in :data:`TABLE_NAMES` order.

    Parameters
    ----------
    view : View
        From :func:`view.resolve_view`.
    names : dict
        Locality code -> Spanish name.

    Returns
    -------
    dict of DataFrame
        ``productos``, ``localidades`` and ``serie``; numeric columns are floats
        (missing values empty), statuses in words.
    """
    products = view.products
    productos = pd.DataFrame({
        "Producto (id)": products["product_id"],
        "Producto": products["name"],
        "Indicador": products["indicator"],
        "Unidad": products["unit"],
        "Entidad": products.get("entity", products["entity_id"]),
        "Entidad (nombre)": products.get("entity_name", products["entity_id"]),
        "Eje": products.get("axis", products["axis_id"]),
        "Objetivo": products["objective_id"],
        "Alcance": products["scope"].map(_SCOPES).fillna(products["scope"]),
        "Sentido": products["direction"].map(_DIRECTIONS).fillna(products["direction"]),
        "Año": products["year"],
        "Valor": pd.to_numeric(products["value"], errors="coerce"),
        "Meta": pd.to_numeric(products["target"], errors="coerce"),
        "Avance (% de la meta)": _pct(products["pct"]),
        "Estado": _status(products["status"]),
    })
    info = view.product or {}
    values = view.values if len(view.values) else pd.DataFrame(
        columns=["locality_code", "value", "target", "pct", "status"])
    codes = values["locality_code"].astype(str)
    localidades = pd.DataFrame({
        "Código": codes,
        "Localidad": [names.get(c, c) for c in codes],
        "Producto (id)": info.get("product_id", ""),
        "Indicador": info.get("indicator", ""),
        "Unidad": info.get("unit", ""),
        "Año": view.state.year,
        "Valor": pd.to_numeric(values["value"], errors="coerce"),
        "Meta": pd.to_numeric(values["target"], errors="coerce"),
        "Avance (% de la meta)": _pct(values["pct"]),
        "Estado": _status(values["status"]),
        "Destacada": ["Sí" if c in view.state.localities else "No" for c in codes],
    })
    series = view.series if len(view.series) else pd.DataFrame(
        columns=["year", "locality_code", "value", "target", "pct", "status"])
    wanted = list(view.state.localities) or [CITYWIDE]
    series = series[series["locality_code"].astype(str).isin(wanted)]
    scodes = series["locality_code"].astype(str)
    serie = pd.DataFrame({
        "Año": series["year"],
        "Código": scodes,
        "Lugar": [_place(c, names) for c in scodes],
        "Producto (id)": info.get("product_id", ""),
        "Indicador": info.get("indicator", ""),
        "Unidad": info.get("unit", ""),
        "Valor": pd.to_numeric(series["value"], errors="coerce"),
        "Meta": pd.to_numeric(series["target"], errors="coerce"),
        "Avance (% de la meta)": _pct(series["pct"]),
        "Estado": _status(series["status"]),
    })
    return {
        "productos": productos.reset_index(drop=True),
        "localidades": localidades.reset_index(drop=True),
        "serie": serie.reset_index(drop=True),
    }


def metadata_rows(view: View, catalog: Catalog, names: dict[str, str]) -> list[tuple[str, str]]:
    """``(campo, valor)`` pairs describing the filters, sources, license and data version."""
    state, version = view.state, view.version
    axes = catalog.axes.set_index("axis_id")["name"]
    entities = catalog.entities.set_index("entity_id")["acronym"]
    every = "Todos"
    query = build_query(state, default=default_state(catalog))
    rows = [
        ("Tablero", f"{DASHBOARD_NAME} ({PUBLISHER})"),
        ("Consulta", "?" + query if query else "(vista inicial)"),
        ("Eje", join_names([str(axes.get(a, a)) for a in state.axes], limit=10) or every),
        ("Entidad", join_names([str(entities.get(e, e)) for e in state.entities], limit=20)
         or "Todas"),
        ("Objetivo", str(state.objective) if state.objective is not None else every),
        ("Producto del mapa y la serie",
         f"{view.product['product_id']} · {view.product['name']}" if view.product else "—"),
        ("Localidades", join_names([names.get(c, c) for c in state.localities], limit=20)
         or "Toda la ciudad"),
        ("Año", str(state.year)),
        ("Medida del mapa", state.measure),
        ("Versión de datos", f"v{version.version_id}"),
        ("Fecha de corte", format_date(version.cutoff_date)),
        ("Datos ilustrativos", "Sí: catálogo ilustrativo con la estructura de la política, "
         "no cifras oficiales" if version.illustrative else "No"),
        ("Fuente de los datos de avance",
         version.source_name or f"Reportes de las entidades a la {PUBLISHER}"),
        ("Licencia de los datos de avance",
         "Datos generados por el proyecto, de libre uso (licencia MIT)"
         if version.illustrative else f"Según la entidad publicadora ({PUBLISHER})"),
        ("Semáforo", "Avance = proporción de la meta anual alcanzada. " + status_rule_text()),
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


def to_xlsx_bytes(tables: dict[str, pd.DataFrame], metadata: Sequence[tuple[str, str]]) -> bytes:
    """An XLSX workbook: one sheet per table, then a ``Metadatos`` sheet.

    Text cells are stored as strings (a leading ``=`` is never a formula);
    numbers stay numeric cells.
    """
    from openpyxl import Workbook

    book = Workbook()
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
