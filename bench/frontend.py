"""The front end's figures (issue 13) for the dashboard, today's page and the naive app.

"Today's page" is the dashboard as it was before the lighter front end (commit
:data:`TODAY_REV`: MapLibre on a WebGL canvas, Dash's full ``plotly.min.js``),
checked out apart with ``git worktree`` and served by gunicorn in the same run,
on a fresh cache root. Each page gets :data:`COLD_RUNS` cold loads in Chromium
(:func:`bench.browser.first_map`: first rendered map, bytes of JavaScript on the
wire, CLS and TBT from the page's performance observers) and, when Lighthouse is
installed, Lighthouse mobile and desktop.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from statistics import median

from bench.browser import first_map
from bench.servers import ROOT, Server, start_gunicorn

__all__ = ["COLD_RUNS", "TODAY_REV", "measure_page", "page_figures", "todays_page"]

#: The last commit with the MapLibre map and the stock plotly.js.
TODAY_REV = "d626510"
#: Cold loads per page (the issue asks for the median of 5).
COLD_RUNS = 5
MAP = "#map-graph .js-plotly-plot"


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return median(values) if values else None


def measure_page(url: str, runs: int = COLD_RUNS, selector: str = MAP) -> dict:
    """Medians over ``runs`` cold loads: first map (ms), CLS, TBT (ms), JS and all bytes."""
    first_map(url, selector, timeout=90)  # warm the server (compression, caches), not counted
    results = [first_map(url, selector, timeout=90) for _ in range(runs)]
    return {
        "runs": runs,
        "ms_all": [r["ms"] for r in results],
        "ms_median": _median([r["ms"] for r in results]),
        "cls_median": _median([r.get("cls") for r in results]),
        "tbt_ms_median": _median([r.get("tbt_ms") for r in results]),
        "script_bytes": _median([r["bytes"].get("Script", 0) for r in results]),
        "bytes": results[-1]["bytes"],
        "csp_violations": sorted({v for r in results for v in r["csp_violations"]}),
        "console_errors": sorted({v for r in results for v in r["console_errors"]})[:10],
    }


@contextlib.contextmanager
def todays_page(rev: str = TODAY_REV) -> Iterator[Server | None]:
    """Serve ``rev`` of this repository (None when git or the commit is missing)."""
    if shutil.which("git") is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="bench-today-") as folder:
        tree, cache = Path(folder) / "tree", Path(folder) / "cache"
        added = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f",
                                str(tree), rev], capture_output=True, check=False)
        if added.returncode != 0:
            yield None
            return
        try:
            cache.mkdir()
            for name in ("geodata", "topojson"):
                source = (ROOT / ".cache" / name).resolve()
                if source.is_dir():
                    (cache / name).symlink_to(source, target_is_directory=True)
            env = {"BOGOTA_TI_CACHE": str(cache), "DATABASE_URL": "", "REDIS_URL": "",
                   "BOGOTA_TI_PLOTLY_BUNDLE": "0"}
            with start_gunicorn("app.server:server", env=env, root=tree,
                                timeout=240) as server:
                yield server
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           capture_output=True, check=False)


def page_figures(url: str, *, runs: int = COLD_RUNS, selector: str = MAP,
                 lighthouse: bool = True) -> dict:
    """:func:`measure_page` plus Lighthouse mobile and desktop (when installed)."""
    out = {"browser": measure_page(url, runs, selector)}
    if lighthouse:
        from bench.lighthouse import available, run_lighthouse

        if available():
            out["lighthouse"] = {p: run_lighthouse(url, p) for p in ("mobile", "desktop")}
    return out
