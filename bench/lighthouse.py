"""Lighthouse 12.2.3 (npm, ``make lighthouse``) on a page, mobile and desktop profiles.

Runs the pinned ``lighthouse`` CLI in Debian's Chromium (``CHROME_PATH``), headless,
performance and accessibility categories only, and keeps the scores and the
metrics the issue asks for (TBT, CLS, LCP, time to interactive, bytes). Used by
``python -m bench`` (``make bench``) and on its own: ``python -m bench.lighthouse
URL`` (``make bench-lighthouse`` serves the dashboard and measures it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.servers import ROOT

__all__ = ["LIGHTHOUSE", "available", "run_lighthouse", "summarize"]

LIGHTHOUSE = ROOT / ".cache" / "node" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
_METRICS = {
    "tbt_ms": "total-blocking-time",
    "cls": "cumulative-layout-shift",
    "lcp_ms": "largest-contentful-paint",
    "fcp_ms": "first-contentful-paint",
    "tti_ms": "interactive",
    "bytes": "total-byte-weight",
}


def available() -> bool:
    """True when the pinned Lighthouse and Chromium are installed."""
    return LIGHTHOUSE.is_file() and shutil.which("chromium") is not None


def summarize(report: dict) -> dict:
    """Scores (0-100), metrics and the failed accessibility audits of a Lighthouse JSON."""
    categories = report.get("categories", {})
    audits = report.get("audits", {})
    out: dict = {"version": report.get("lighthouseVersion")}
    for name in ("performance", "accessibility"):
        score = categories.get(name, {}).get("score")
        out[name] = None if score is None else round(score * 100)
    for key, audit in _METRICS.items():
        value = audits.get(audit, {}).get("numericValue")
        out[key] = None if value is None else round(value, 4 if key == "cls" else 0)
    refs = [ref["id"] for ref in categories.get("accessibility", {}).get("auditRefs", [])]
    out["accessibility_failed"] = sorted(
        ref for ref in refs
        if audits.get(ref, {}).get("score") is not None and audits[ref]["score"] < 1)
    scripts = [item for item in audits.get("network-requests", {}).get("details", {})
               .get("items", []) if item.get("resourceType") == "Script"]
    out["script_bytes"] = sum(int(item.get("transferSize", 0)) for item in scripts)
    return out


def run_lighthouse(url: str, preset: str = "mobile", *, timeout: float = 240.0) -> dict:
    """Lighthouse on ``url`` with ``preset`` ``mobile`` (default) or ``desktop``.

    Returns :func:`summarize`'s dict, or ``{"error": ...}`` when it could not run.
    """
    if not available():
        return {"error": "Lighthouse no está instalado (make lighthouse)"}
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as folder:
        output = Path(folder) / "report.json"
        command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={output}", "--quiet",
                   "--only-categories=performance,accessibility", f"--chrome-flags={_FLAGS}"]
        if preset == "desktop":
            command.append("--preset=desktop")
        env = {"CHROME_PATH": shutil.which("chromium") or "chromium", "PATH": "/usr/bin:/bin",
               "HOME": folder}
        try:
            done = subprocess.run(command, env=env, capture_output=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"Lighthouse tardó más de {timeout:.0f} s"}
        if done.returncode != 0 or not output.is_file():
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
            return {"error": f"Lighthouse falló ({done.returncode}): {' '.join(tail)}"}
        return summarize(json.loads(output.read_text()))


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.lighthouse [URL]``: print both profiles (serves the dashboard
    with gunicorn when no URL is given)."""
    args = sys.argv[1:] if argv is None else argv
    if args:
        print(json.dumps({p: run_lighthouse(args[0], p) for p in ("mobile", "desktop")},
                         indent=2, ensure_ascii=False))
        return 0
    from bench.servers import start_gunicorn

    with start_gunicorn("app.server:server") as server:
        print(json.dumps({p: run_lighthouse(server.url + "/", p) for p in ("mobile", "desktop")},
                         indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
