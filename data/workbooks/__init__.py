"""The district's own workbooks: the SDP's action plan, its follow-up, and the template.

* :mod:`data.workbooks.plan`: the action plan (``.xlsx``, sheet *Plan de
  acción*) as the catalog of the model; ``BOGOTA_TI_MATRIX`` accepts it
  (:func:`data.matrix.load_matrix` recognises it by content).
* :mod:`data.workbooks.followup`: the follow-up of products (``.xlsb`` or
  ``.xlsx``, sheets *Avance Cuantitativo* and *Avance Cualitativo*) as
  quarterly reports, with the differences between the district's percentages
  and this project's.
* :mod:`data.workbooks.template`: the quarterly template each entity downloads
  (``GET /plantillas/seguimiento.xlsx``) and uploads back.
* :mod:`data.workbooks.upload`: a follow-up or a filled template uploaded to
  ``POST /api/reportes`` or ``/subir/`` (called by :func:`data.reports.parse_report`).
* :mod:`data.workbooks.sheets`: grids of cells from XLSX (openpyxl) and XLSB
  (pyxlsb), behind the upload guards; :func:`~data.workbooks.sheets.sniff`.
* :mod:`data.workbooks.example`: ``python -m data.workbooks.example OUT`` writes
  an example plan and follow-up; :mod:`data.workbooks.xlsb_writer` writes
  ``.xlsb`` (nothing else the project can install does).

The layouts are documented in ``data/README.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

from data.issues import CatalogError, Issue

__all__ = ["matrix_workbook_kind"]


def matrix_workbook_kind(path: str | os.PathLike[str]) -> str | None:
    """``"plan"`` when the file at ``path`` is an SDP action plan (by content), else None.

    None also for a matrix workbook, a CSV or anything the matrix reader
    judges itself.

    Raises
    ------
    CatalogError
        When the file is a follow-up, a template or a report: those are uploaded,
        not loaded as the catalog.
    """
    from data.workbooks.sheets import FOLLOWUP, PLAN, REPORT, TEMPLATE, sniff, workbook_format

    path = Path(path)
    content = path.read_bytes()
    fmt = workbook_format(content)
    if fmt is None:
        return None
    kind = sniff(content, fmt)
    if kind == PLAN:
        return PLAN
    if kind in (FOLLOWUP, TEMPLATE, REPORT):
        what = {FOLLOWUP: "un libro de seguimiento a productos",
                TEMPLATE: "una plantilla de seguimiento trimestral",
                REPORT: "un reporte de avance"}[kind]
        raise CatalogError([Issue(path.name, None, None, None,
                                  f"{path.name} es {what}, no un catálogo: cárguelo en /subir/ "
                                  "o con POST /api/reportes. BOGOTA_TI_MATRIX acepta la matriz "
                                  "(.xlsx o carpeta de CSV) o el plan de acción de la SDP "
                                  "(.xlsx con la hoja «Plan de acción»).")], path.name)
    if fmt == "xlsb":
        raise CatalogError([Issue(path.name, None, None, None,
                                  f"{path.name} es un libro .xlsb que no es un plan de acción; "
                                  "BOGOTA_TI_MATRIX acepta la matriz (.xlsx o carpeta de CSV) "
                                  "o el plan de acción de la SDP (.xlsx).")], path.name)
    return None
