"""Memory and time of parsing the largest and the most hostile uploads, beside a naive reader.

Each case runs in a fresh Python process: the catalog is loaded and a tiny
report parsed first (the worker's idle, warm state), then the peak RSS
(``VmHWM``, reset through ``/proc/self/clear_refs``) is measured while one file
goes through :func:`data.reports.parse_report` and :func:`data.reports.preview_changes`,
what the API and the upload page do before publishing. The naive baseline reads
the same bytes with ``pandas.read_csv`` / ``pandas.read_excel`` (openpyxl, not
read-only); it runs under an address-space cap and a time limit so that a bomb
cannot take the machine down, and a run that hits either is reported as such.

``python -m bench.uploads`` prints the table; :func:`run` returns the figures.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

__all__ = ["CASES", "TARGET_MB", "run"]

#: Peak memory an upload may add to a worker (issue: under 150 MB above idle).
TARGET_MB = 150.0
_NAIVE_LIMIT_BYTES = 3 * 1024**3
_NAIVE_TIMEOUT_S = 60
_ROOT = Path(__file__).resolve().parent.parent

_CHILD = textwrap.dedent(r"""
    import io, json, sys, time
    sys.path.insert(0, {root!r})
    mode, path = sys.argv[1], sys.argv[2]
    name = path.rsplit("/", 1)[-1]

    def vm(field):
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1]) / 1024
        return float("nan")

    if mode == "ours":
        from data.illustrative import build_illustrative_catalog
        from data.reports import ReportError, parse_report, preview_changes
        catalog = build_illustrative_catalog()
        tiny = b"codigo,anio,trimestre,localidad,valor,texto\n1.1.1,2025,1,01,5,ok\n"
        preview_changes(catalog, parse_report(tiny, "a.csv", catalog, None))
    else:
        import pandas, openpyxl
    content = open(path, "rb").read()
    idle = vm("VmRSS:")
    open("/proc/self/clear_refs", "w").write("5")
    start = time.perf_counter()
    outcome = "ok"
    if mode == "ours":
        try:
            parsed = parse_report(content, name, catalog, None)
            preview_changes(catalog, parsed)
            outcome = f"aceptado ({{len(parsed.reports)}} filas)"
        except ReportError as error:
            outcome = f"rechazado {{error.status}}"
    else:
        if name.endswith(".csv"):
            frame = pandas.read_csv(io.BytesIO(content))
        else:
            frame = pandas.read_excel(io.BytesIO(content), engine="openpyxl")
        outcome = f"leído ({{len(frame)}} filas)"
    seconds = time.perf_counter() - start
    print(json.dumps({{"idle_mb": idle, "peak_mb": vm("VmHWM:"), "seconds": seconds,
                      "outcome": outcome}}))
""").format(root=str(_ROOT))


def _keys() -> list[tuple[str, int, int, str]]:
    """Every (indicator, year, quarter, place) a report may hold up to 2026-T3, once."""
    from data.illustrative import build_illustrative_catalog

    indicators = build_illustrative_catalog().indicators
    keys = []
    for code, local in zip(indicators["code"], indicators["by_locality"], strict=True):
        places = [f"{p:02d}" for p in range(1, 21)] if local else [""]
        keys += [(code, y, q, p) for y in (2023, 2024, 2025, 2026) for q in (1, 2, 3, 4)
                 if (y, q) <= (2026, 3) for p in places]
    return keys


def _rows(n: int, text: str) -> list[list[object]]:
    """``n`` report rows: every key once, then repeats (a file that must be refused)."""
    keys = _keys()
    return [[*keys[i % len(keys)], float(i % 97), text] for i in range(n)]


def _csv(rows: list[list[object]]) -> bytes:
    lines = ["codigo,anio,trimestre,localidad,valor,texto"]
    lines += [",".join(str(v) for v in row) for row in rows]
    return "\n".join(lines).encode()


def _xlsx(rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()  # not write-only: Excel-like, with a <dimension>
    sheet = book.active
    sheet.title = "avances"
    sheet.append(["codigo", "anio", "trimestre", "localidad", "valor", "texto"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _dimension_bomb() -> bytes:
    """A few KB that declare A1:XFD50001 and hold one blank row at r=50001."""
    from tests.report_files import SHEET_XML, member, replace_member, xlsx_bytes

    content = xlsx_bytes([["codigo", "anio", "trimestre", "localidad", "valor"],
                          ["1.1.1", 2025, 1, 1, 5]])
    xml = member(content, SHEET_XML).decode()
    xml = xml.replace('<dimension ref="A1:E2"/>', '<dimension ref="A1:XFD50001"/>')
    xml = xml.replace("</sheetData>", '<row r="50001"/></sheetData>')
    return replace_member(content, SHEET_XML, xml.encode())


def _cases(folder: Path) -> dict[str, Path]:
    """The files: the largest accepted CSV and XLSX, and hostile ones."""
    text = "Avance conforme al plan; " * 6  # ~150 characters of written account per row
    valid = _rows(len(_keys()), text)  # the largest valid report: the whole history
    limit = _rows(20_000, text)  # the most rows a file may have (repeats: refused at the end)
    files = {
        "csv_valido.csv": _csv(valid),
        "xlsx_valido.xlsx": _xlsx(valid),
        "csv_20000_filas.csv": _csv(limit),
        "xlsx_20000_filas.xlsx": _xlsx(limit),
        "xlsx_dimension_declarada.xlsx": _dimension_bomb(),
        "csv_25000_filas.csv": _csv(_rows(25_000, "x")),
    }
    paths = {}
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content)
        paths[name] = path
    return paths


CASES = ("csv_valido.csv", "xlsx_valido.xlsx", "csv_20000_filas.csv", "xlsx_20000_filas.xlsx",
         "xlsx_dimension_declarada.xlsx", "csv_25000_filas.csv")


def _limit_naive() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (_NAIVE_LIMIT_BYTES, _NAIVE_LIMIT_BYTES))


def _measure(mode: str, path: Path) -> dict:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, mode, str(path)], capture_output=True, text=True,
            timeout=_NAIVE_TIMEOUT_S if mode == "naive" else 600,
            preexec_fn=_limit_naive if mode == "naive" else None, check=False)
    except subprocess.TimeoutExpired:
        return {"outcome": f"más de {_NAIVE_TIMEOUT_S} s (detenido)", "seconds": None,
                "added_mb": None}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        reason = "sin memoria (tope 3 GB)" if "MemoryError" in done.stderr else "falló"
        return {"outcome": reason, "seconds": time.perf_counter() - start, "added_mb": None}
    figures = json.loads(lines[-1])
    figures["added_mb"] = figures["peak_mb"] - figures["idle_mb"]
    return figures


def run(folder: Path | None = None) -> dict:
    """Measure every case with our parser and the naive reader; return the figures."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        paths = _cases(Path(folder or tmp))
        out = {}
        for name in CASES:
            out[name] = {"bytes": paths[name].stat().st_size,
                         "ours": _measure("ours", paths[name]),
                         "naive": _measure("naive", paths[name])}
    worst = max((c["ours"]["added_mb"] or 0.0) for c in out.values())
    return {"cases": out, "worst_added_mb": worst, "target_mb": TARGET_MB,
            "pass": worst <= TARGET_MB}


def _mb(value) -> str:
    return "—" if value is None else f"{value:.1f} MB"


def _s(value) -> str:
    return "—" if value is None else f"{value:.2f} s"


def format_table(results: dict) -> str:
    """The figures as a plain-text table."""
    lines = [f"{'archivo':32} {'bytes':>10}  {'nuestro: +RSS':>14} {'tiempo':>8}  "
             f"{'ingenuo: +RSS':>14} {'tiempo':>8}  resultado"]
    for name, case in results["cases"].items():
        ours, naive = case["ours"], case["naive"]
        lines.append(f"{name:32} {case['bytes']:>10,}  {_mb(ours.get('added_mb')):>14} "
                     f"{_s(ours.get('seconds')):>8}  {_mb(naive.get('added_mb')):>14} "
                     f"{_s(naive.get('seconds')):>8}  {ours['outcome']} / {naive['outcome']}")
    verdict = "PASS" if results["pass"] else "MISS"
    lines.append(f"Memoria añadida por la peor carga: {_mb(results['worst_added_mb'])} "
                 f"(meta <= {TARGET_MB:.0f} MB): {verdict}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_table(run()))
