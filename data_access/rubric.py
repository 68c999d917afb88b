"""Read the functioning rubric, ``dashboard/figures/functioning.toml`` (issue #4).

File reading lives in data_access (STYLE.md); parsing and checking the rules is pure and lives
in ``dashboard.figures.functioning``.
"""

from __future__ import annotations

from pathlib import Path

RUBRIC_PATH = Path(__file__).resolve().parent.parent / "dashboard" / "figures" / "functioning.toml"


def rubric_text(path: Path = RUBRIC_PATH) -> str:
    return path.read_text(encoding="utf-8")
