"""The layers in ARCHITECTURE.md and the lint rules hold: import-linter's contracts and ruff,
both configured in pyproject.toml, run here so CI fails when a layer is crossed.

Each contract is also shown to fail: the same check on a copy of the code with one import that
crosses a layer must report it, so a contract that no longer catches anything fails this test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PACKAGES = ("dashboard", "data_access", "sample_data", "pages")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120)


def test_the_layers_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The code and pyproject.toml, copied so a test can break one import without touching the tree."""
    where = tmp_path_factory.mktemp("layers")
    for name in PACKAGES:
        shutil.copytree(ROOT / name, where / name, ignore=shutil.ignore_patterns("__pycache__", "*.csv", "*.geojson", "*.json"))
    shutil.copy(ROOT / "pyproject.toml", where / "pyproject.toml")
    return where


CROSSINGS = [
    # (module file, the bad line, the contract that must catch it)
    ("data_access/queries.py", "from dashboard.figures import metrics", "Layers"),
    ("data_access/writes.py", "from sample_data import generator", "Layers"),
    ("dashboard/figures/coverage.py", "from dashboard.app import state", "Layers"),
    ("dashboard/figures/maps.py", "from data_access import reference", "Layers"),
    ("dashboard/domain/periods.py", "from dashboard.figures import compare", "The domain leaf imports nothing of ours"),
    ("dashboard/figures/metrics.py", "import streamlit", "never touch Streamlit"),
    ("data_access/audit.py", "import streamlit as st", "never touch Streamlit"),
    ("dashboard/figures/overview.py", "import sqlalchemy", "never touch the database"),
    ("dashboard/app/sidebar.py", "from dashboard.app import ui", "in a circle"),
    ("pages/overview.py", "from data_access import queries", "Pages read the database only through the app's state"),
]


@pytest.mark.parametrize(("module", "line", "contract"), CROSSINGS, ids=[c[0] for c in CROSSINGS])
def test_a_crossing_import_is_caught(copy: Path, module: str, line: str, contract: str):
    path = copy / module
    original = path.read_text()
    path.write_text(original + f"\n{line}  # deliberately crossing a layer\n")
    try:
        result = lint_imports(copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0, f"{module}: '{line}' was not caught\n{result.stdout}"
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN") or "BROKEN (" in ln]
    assert any(contract in ln for ln in broken), result.stdout


def test_every_imported_package_is_in_requirements():
    """A package the code imports but requirements.txt does not name installs on this machine by
    chance (another package pulled it in) and may be missing on a fresh one."""
    import ast
    import importlib.metadata as md
    import re

    ours = {"dashboard", "data_access", "sample_data", "pages", "tests", "streamlit_app"}
    modules: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if ".venv" in path.parts or ".git" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    third_party = {m for m in modules if m not in sys.stdlib_module_names and m not in ours}
    named = {
        re.split(r"[\[=<>~ ]", line.strip())[0].lower().replace("_", "-")
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    distributions = md.packages_distributions()
    missing = {
        m: distributions.get(m) for m in sorted(third_party)
        if not any(d.lower().replace("_", "-") in named for d in distributions.get(m, [m]))
    }
    assert not missing, f"imported but not in requirements.txt: {missing}"
