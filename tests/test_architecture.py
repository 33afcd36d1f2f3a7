"""The architecture as tests: imports flow one way, public surfaces are declared.

``app -> callbacks -> view -> layers -> data``: a floor imports only the floors
below it; ``view``, ``layers`` and ``data`` never import Dash; every ``__all__``
is sorted and names only what the module defines.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ("app", "callbacks", "view", "layers", "data")
#: What each floor may not import.
FORBIDDEN = {
    "data": {"app", "callbacks", "view", "layers", "dash", "plotly"},
    "layers": {"app", "callbacks", "view", "dash"},
    "view": {"app", "callbacks", "dash", "dash_bootstrap_components", "dash_ag_grid", "flask"},
    "callbacks": {"app"},
    "app": set(),
}


def _modules(floor: str) -> list[Path]:
    return sorted(p for p in (ROOT / floor).rglob("*.py") if "migrations" not in p.parts)


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("floor", FLOORS)
def test_imports_flow_one_way(floor):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & FORBIDDEN[floor])
        for path in _modules(floor)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_forbidden_import_is_detected(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import dash\nfrom app.factory import create_app\n", encoding="utf-8")
    assert _imported_roots(sample) & FORBIDDEN["data"] == {"app", "dash"}


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions (ruff's RUF022 order)."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def _dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize(
    "module_name",
    [_dotted(p) for floor in ("callbacks", "view", "layers", "data") for p in _modules(floor)],
)
def test_declared_public_surface_is_sorted_and_real(module_name):
    module = importlib.import_module(module_name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        pytest.skip("module declares no __all__")
    assert list(exported) in (sorted(exported), sorted(exported, key=_isort_key))
    assert [name for name in exported if not hasattr(module, name)] == []


def test_view_never_loads_dash():
    import subprocess
    import sys

    code = ("import sys, view, view.model, view.report, view.links, view.payload; "
            "print(sorted(m for m in ('dash', 'flask', 'app', 'callbacks') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
