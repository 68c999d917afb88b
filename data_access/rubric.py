"""Read the functioning rubric, ``dashboard/figures/functioning.toml``.

File reading lives in data_access (ARCHITECTURE.md); parsing and checking the rules is pure and lives
in ``dashboard.figures.functioning``.
"""

from __future__ import annotations

from pathlib import Path

RUBRIC_PATH = Path(__file__).resolve().parent.parent / "dashboard" / "figures" / "functioning.toml"


def rubric_text(path: Path | None = None) -> str:
    """The rubric's text, from ``path`` or RUBRIC_PATH (looked up on each call, so a test may point it elsewhere)."""
    return (path or RUBRIC_PATH).read_text(encoding="utf-8")
