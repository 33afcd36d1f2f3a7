"""axe-core in the browser tests: inject the pinned axe, run WCAG 2.1 A/AA, report.

``make axe`` (part of ``make setup``) installs axe-core from the npm registry at the
version of ``vendor/axe/package-lock.json`` into ``.cache/node/axe``. The source is
injected with ``driver.execute_script`` (a DevTools call, not a ``<script>`` of the
page), so the page's Content-Security-Policy neither blocks it nor reports it.
"""

from __future__ import annotations

import json
from pathlib import Path

from data.config import PROJECT_ROOT

__all__ = ["AXE_JS", "AXE_TAGS", "axe_source", "format_violations", "run_axe"]

AXE_JS = PROJECT_ROOT / ".cache" / "node" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: {type: 'tag', values: arguments[0]},
  resultTypes: ['violations'],
}).then(r => done({
  ok: true,
  version: r.testEngine.version,
  violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 240),
                              summary: n.failureSummary || ''})),
  })),
})).catch(e => done({ok: false, error: String((e && e.stack) || e)}));
"""


def axe_source(path: Path = AXE_JS) -> str:
    """The pinned axe-core; AssertionError naming ``make axe`` when it is not installed."""
    assert path.is_file(), f"falta axe-core ({path}): ejecute `make axe` (parte de `make setup`)"
    return path.read_text(encoding="utf-8")


def run_axe(driver, source: str, tags: tuple[str, ...] = AXE_TAGS) -> dict:
    """Run axe on the page open in ``driver``: ``{"version", "violations": [...]}``."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(source)
    driver.set_script_timeout(120)
    result = driver.execute_async_script(_RUN, list(tags))
    if not result.get("ok"):
        raise RuntimeError(f"axe-core falló: {result.get('error')}")
    return result


def format_violations(page: str, violations: list[dict]) -> str:
    """Every violation of ``page``: rule, impact, help, and each element (selector, HTML)."""
    lines = [f"{page}: {len(violations)} reglas WCAG 2.1 A/AA incumplidas "
             f"({sum(len(v['nodes']) for v in violations)} elementos)"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}] {violation['help']} "
                     f"({violation['helpUrl']})")
        for node in violation["nodes"]:
            target = " > ".join(json.dumps(t, ensure_ascii=False) if not isinstance(t, str)
                                else t for t in node["target"])
            lines.append(f"    {target}")
            lines.append(f"      {node['html']}")
            summary = " / ".join(x.strip() for x in node["summary"].splitlines()[1:] if x.strip())
            if summary:
                lines.append(f"      -> {summary}")
    return "\n".join(lines)
