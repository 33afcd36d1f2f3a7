"""Targets of issues #6, #12 and #13, PASS/MISS per figure, and the printed table."""

from __future__ import annotations

import math

__all__ = ["TARGETS", "evaluate", "format_table", "markdown_table"]

#: (key, label, comparison, target, unit)
TARGETS = (
    ("interaction_p95_ms", "Interacción p95 (ruta crítica, en frío)", "<=", 25.0, "ms"),
    ("speedup_vs_naive", "Más rápido que la línea base (p95)", ">=", 20.0, "x"),
    ("interaction_kb", "Bytes por interacción (peor tipo, media)", "<=", 10.0, "KB"),
    ("bytes_ratio_vs_naive", "Menos bytes que la línea base", ">=", 100.0, "x"),
    ("geometry_kb", "Geometría (gzip), enviada una vez", "<=", 200.0, "KB"),
    ("geometry_sends", "Respuestas con geometría (carga + interacciones)", "<=", 1, ""),
    ("first_map_ms", "Primer mapa en Chromium, en frío (mediana de 5)", "<=", 1000.0, "ms"),
    ("first_map_speedup_vs_today", "Primer mapa: más rápido que la página de hoy", ">=", 3.0,
     "x"),
    ("script_kb", "JavaScript transferido en la primera carga", "<=", 800.0, "KB"),
    ("cls_desktop", "CLS en escritorio (1366x900, mediana)", "<=", 0.05, ""),
    ("cls_mobile", "CLS en móvil (Lighthouse)", "<=", 0.05, ""),
    ("lighthouse_mobile", "Lighthouse móvil: rendimiento", ">=", 80.0, ""),
    ("lighthouse_accessibility", "Lighthouse: accesibilidad", ">=", 100.0, ""),
    ("upload_added_mb", "Memoria añadida por la peor carga de archivo", "<=", 150.0, "MB"),
    ("worker_rss_mb", "RSS pico de un worker", "<=", 350.0, "MB"),
    ("throughput_per_s", "Interacciones/s (50 usuarios, 2 workers)", ">=", 200.0, "/s"),
    ("load_errors", "Errores bajo carga", "<=", 0, ""),
    ("csp_violations", "Violaciones de CSP en la consola", "<=", 0, ""),
    ("export_cold_s", "Exportación PNG en frío (mediana, bench/exports.py)", "<=", 3.0, "s"),
    ("export_cached_s", "Exportación PNG en caché (mediana)", "<=", 0.05, "s"),
    ("mixed_p95_ratio", "Callbacks p95 con 10 exportando / solo 50 interactivos", "<=", 2.0,
     "x"),
    ("mixed_errors", "Errores con 40 interactivos + 10 exportando", "<=", 0, ""),
)


def _get(data: dict, *path, default=None):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return data


def _measured(results: dict) -> dict[str, float | None]:
    ours = _get(results, "interactions", default={})
    naive = _get(results, "naive_interactions", default={})
    ours_p95 = _get(ours, "all", "critical_path_p95_ms")
    naive_p95 = _get(naive, "all", "critical_path_p95_ms")
    kinds = [k for k in ("anio", "eje", "clic_localidad") if k in ours]
    worst_bytes = max((ours[k]["bytes_mean"] for k in kinds), default=None)
    naive_bytes = _get(naive, "all", "bytes_mean")
    rss = [w.get("peak_rss_mb") for w in
           [*(results.get("rss_workers") or []), *(results.get("rss_workers_after_load") or [])]]
    rss = [r for r in rss if r is not None and not math.isnan(r)]
    initial = results.get("initial", {})
    sends = None
    if initial:
        sends = initial.get("responses_with_geometry", 0) + _get(ours, "all", "with_geometry",
                                                                 default=0)
    browser = results.get("browser")
    return {
        "interaction_p95_ms": ours_p95,
        "speedup_vs_naive": (naive_p95 / ours_p95) if ours_p95 and naive_p95 else None,
        "interaction_kb": worst_bytes / 1000 if worst_bytes is not None else None,
        "bytes_ratio_vs_naive": (naive_bytes / worst_bytes) if worst_bytes and naive_bytes
        else None,
        "geometry_kb": initial.get("geometry_gzip_bytes", 0) / 1000 if initial else None,
        "geometry_sends": sends,
        "first_map_ms": browser.get("ms_median") if browser else None,
        **_frontend_measures(results),
        "worker_rss_mb": max(rss) if rss else None,
        "throughput_per_s": _get(results, "load", "interactions_per_s"),
        "load_errors": _get(results, "load", "errors"),
        "csp_violations": len(browser.get("csp_violations", [])) if browser else None,
        "export_cold_s": _get(results, "exports", "cold_s", "median"),
        "export_cached_s": _get(results, "exports", "cached_memory_s", "median"),
        **_mixed_measures(results),
    }


def _frontend_measures(results: dict) -> dict[str, float | None]:
    """Issue 13: the page against today's page, bytes, CLS and Lighthouse."""
    ours = _get(results, "browser", "ms_median")
    today = _get(results, "today", "browser", "ms_median")
    script = _get(results, "browser", "script_bytes")
    scores = [_get(results, "lighthouse", p, "accessibility") for p in ("mobile", "desktop")]
    scores = [s for s in scores if s is not None]
    return {
        "first_map_speedup_vs_today": today / ours if ours and today else None,
        "script_kb": script / 1000 if script is not None else None,
        "cls_desktop": _get(results, "browser", "cls_median"),
        "cls_mobile": _get(results, "lighthouse", "mobile", "cls"),
        "lighthouse_mobile": _get(results, "lighthouse", "mobile", "performance"),
        "lighthouse_accessibility": min(scores) if scores else None,
        "upload_added_mb": _get(results, "uploads", "worst_added_mb"),
    }


def _mixed_measures(results: dict) -> dict[str, float | None]:
    """Issue 12: callback p95 of "40 interactive + 10 export users" over the 50-user run's,
    and the errors of the mixed run (interactive and export; a 503 with Retry-After is
    an answer, not an error)."""
    alone = _get(results, "load", "request_p95_ms")
    mixed = _get(results, "load_mixed", "interactive", "request_p95_ms")
    errors = None
    if "load_mixed" in results:
        errors = (_get(results, "load_mixed", "interactive", "errors", default=0)
                  + _get(results, "load_mixed", "exports", "errors", default=0))
    ratio = mixed / alone if alone and mixed is not None and not math.isnan(mixed) else None
    return {"mixed_p95_ratio": ratio, "mixed_errors": errors}


def _round(value: float) -> float:
    return round(value, 2) if abs(value) >= 1 or value == 0 else round(value, 4)


def evaluate(results: dict) -> list[dict]:
    """One row per target: measured value, PASS/MISS/SKIP and the gap when missed."""
    measured = _measured(results)
    rows = []
    for key, label, op, target, unit in TARGETS:
        value = measured.get(key)
        if value is None:
            status, gap = "SKIP", ""
        else:
            ok = value <= target if op == "<=" else value >= target
            status = "PASS" if ok else "MISS"
            gap = ""
            if not ok:
                if op == "<=" and not target:
                    gap = f"{value:g} de más"
                elif op == "<=":
                    ratio = value / target
                    gap = (f"{ratio:.1f}x la meta" if ratio >= 2
                           else f"+{ratio - 1:.0%} sobre la meta")
                else:
                    gap = f"falta {target - value:.1f}{unit} ({value / target:.0%} de la meta)"
        rows.append({"key": key, "label": label, "op": op, "target": target, "unit": unit,
                     "value": None if value is None else _round(float(value)),
                     "status": status, "gap": gap})
    return rows


def format_table(results: dict) -> str:
    """The targets table plus the raw figures beside the naive baseline."""
    rows = results.get("targets") or evaluate(results)
    width = max(len(r["label"]) for r in rows)
    lines = [f"{'Meta':<{width}}  {'medido':>10}  {'meta':>10}  estado",
             "-" * (width + 40)]
    for r in rows:
        value = "—" if r["value"] is None else f"{r['value']:g}{r['unit']}"
        target = f"{r['op']} {r['target']:g}{r['unit']}"
        lines.append(f"{r['label']:<{width}}  {value:>10}  {target:>10}  {r['status']} {r['gap']}")
    ours = results.get("interactions", {}).get("all", {})
    naive = results.get("naive_interactions", {}).get("all", {})
    if ours and naive:
        ours_ms = f"{ours.get('request_p50_ms', '—')}/{ours.get('request_p95_ms', '—')}"
        naive_ms = f"{naive.get('request_p50_ms', '—')}/{naive.get('request_p95_ms', '—')}"
        lines += ["", f"{'':<28}{'tablero':>16}{'ingenua':>16}",
                  f"{'petición p50/p95 (ms)':<28}{ours_ms:>16}{naive_ms:>16}",
                  f"{'bytes/interacción (media)':<28}{ours.get('bytes_mean', '—'):>16}"
                  f"{naive.get('bytes_mean', '—'):>16}"]
    cached = results.get("interactions_cached", {}).get("all")
    if cached:
        lines.append(f"{'con caché de callbacks':<28}p50/p95 "
                     f"{cached['request_p50_ms']}/{cached['request_p95_ms']} ms por petición, "
                     f"ruta crítica p95 {cached['critical_path_p95_ms']} ms")
    initial, naive_initial = results.get("initial"), results.get("naive_initial")
    if initial and naive_initial:
        lines.append(f"{'carga inicial: datos (B)':<28}{initial['total_bytes']:>16}"
                     f"{naive_initial['total_bytes']:>16}")
    browser, naive_browser = results.get("browser"), results.get("naive_browser") or {}
    if browser:
        naive_b = naive_browser.get("bytes", {}).get("total", "—")
        lines.append(f"{'navegador: todo (B)':<28}{browser.get('bytes', {}).get('total', 0):>16}"
                     f"{naive_b:>16}")
        naive_ms = naive_browser.get("ms_median", "—")
        lines.append(f"{'primer mapa (ms, mediana)':<28}{browser.get('ms_median', '—'):>16}"
                     f"{naive_ms:>16}")
    lines += _frontend_lines(results)
    load = results.get("load")
    if load and "requests_per_s" in load:
        lines.append(f"carga: {load['interactions_per_s']} interacciones/s, "
                     f"{load['requests_per_s']} peticiones/s, errores {load['errors']}, "
                     f"interacción p95 {load['interaction_p95_ms']} ms")
    mixed = results.get("load_mixed")
    if mixed and load and "request_p95_ms" in load:
        inter, files = mixed["interactive"], mixed["exports"]
        lines.append(f"solo 50 interactivos: callbacks p50/p95 {load['request_p50_ms']}/"
                     f"{load['request_p95_ms']} ms")
        lines.append(f"40 interactivos + 10 exportando: callbacks p50/p95 "
                     f"{inter['request_p50_ms']}/{inter['request_p95_ms']} ms, interacción p95 "
                     f"{inter['interaction_p95_ms']} ms, {inter['interactions_per_s']} "
                     f"interacciones/s, errores {inter['errors']}")
        lines.append(f"  exportaciones ({mixed.get('export_workers', 0)} workers RQ): "
                     f"{files['files']} archivos ({files['files_per_s']}/s), archivo p50/p95 "
                     f"{files['file_p50_s']}/{files['file_p95_s']} s, {files['busy_answers']} "
                     f"respuestas 503 (p95 {files['busy_answer_p95_ms']} ms, Retry-After "
                     f"mediana {files['retry_after_median_s']} s), errores {files['errors']}")
    if isinstance(results.get("uploads"), dict) and "cases" in results["uploads"]:
        from bench.uploads import format_table as uploads_table

        lines += ["", uploads_table(results["uploads"])]
    exports = results.get("exports")
    if isinstance(exports, dict) and "naive_s" in exports:
        lines.append(f"exportación PNG: frío {_get(exports, 'cold_s', 'median')} s, "
                     f"caché {_get(exports, 'cached_memory_s', 'median')} s, "
                     f"ingenua {_get(exports, 'naive_s', 'median')} s")
    elif isinstance(exports, dict) and "error" in exports:
        lines.append(f"exportaciones: {exports['error']}")
    return "\n".join(lines)


def _frontend_lines(results: dict) -> list[str]:
    """Front end of the dashboard, today's page and the naive app, side by side."""
    pages = {"tablero": (results.get("browser"), results.get("lighthouse")),
             "hoy": (_get(results, "today", "browser"), _get(results, "today", "lighthouse")),
             "ingenua": (results.get("naive_browser"), None)}
    if not any(browser for browser, _ in pages.values()):
        return []

    def cell(value) -> str:
        return "—" if value is None else f"{value:g}"

    rows = [("primer mapa (ms, mediana)", lambda b, _: _get(b or {}, "ms_median")),
            ("JavaScript (KB en la red)", lambda b, _: None if not b else
             round(_get(b, "script_bytes", default=0) / 1000)),
            ("CLS / TBT (ms) en escritorio", None),
            ("Lighthouse móvil rend./acc.", None),
            ("Lighthouse escritorio rend./acc.", None)]
    lines = ["", f"{'':<34}" + "".join(f"{name:>16}" for name in pages)]
    for label, get in rows:
        values = []
        for browser, lighthouse in pages.values():
            if get is not None:
                values.append(cell(get(browser, lighthouse)))
            elif label.startswith("CLS"):
                values.append("—" if not browser else
                              f"{cell(browser.get('cls_median'))}/"
                              f"{cell(browser.get('tbt_ms_median'))}")
            else:
                profile = "mobile" if "móvil" in label else "desktop"
                got = (lighthouse or {}).get(profile) or {}
                values.append("—" if "performance" not in got else
                              f"{cell(got['performance'])}/{cell(got['accessibility'])}")
        lines.append(f"{label:<34}" + "".join(f"{v:>16}" for v in values))
    return lines


def markdown_table(results: dict) -> str:
    """The targets as a Markdown table (for bench/README.md)."""
    rows = results.get("targets") or evaluate(results)
    lines = ["| target | measured | goal | status |", "| --- | ---: | ---: | --- |"]
    for r in rows:
        value = "—" if r["value"] is None else f"{r['value']:g} {r['unit']}".strip()
        goal = f"{r['op']} {r['target']:g} {r['unit']}".strip()
        status = f"**{r['status']}**" + (f" ({r['gap']})" if r["gap"] else "")
        lines.append(f"| {r['label']} | {value} | {goal} | {status} |")
    return "\n".join(lines)
