"""The briefing pack in print, for a real borough: every table word whole, "No plan" where there
is none, shares as percentages; and the downloads serve the built files without a page rerun."""

from __future__ import annotations

import ast
import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.sqlite_only("the PDF is made from the cached frames")
def test_the_hackney_pack_prints_every_table_word_whole(app_env):
    from dashboard.app import views
    from dashboard.domain import periods
    from dashboard.figures import coverage as cov
    from dashboard.figures.pdf import _texts, header_text

    sel = views.selection(periods.period_ending(dt.date(2023, 12, 31), "quarter"), borough="E09000012")
    pack = views.briefing_pack(sel)
    pdf, _ = views.briefing_files(sel)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    tokens = set(text.split())
    for section in pack.sections:
        for table in section.tables:
            frame = table.frame.head(table.pdf_rows) if table.pdf_rows else table.frame
            words = {w for c in frame.columns for w in header_text(c).split()}
            words |= {w for column in _texts(frame, table.percent) for cell in column for w in cell.split()}
            assert words <= tokens, (table.name, sorted(words - tokens)[:10])  # a word split across lines is missing
    plans = next(s for s in pack.sections if s.key == "attention").tables[0].frame
    no_plan = plans.filter(plans["plan"] == cov.NO_PLAN)["action"].to_list()
    assert no_plan and set(no_plan) == {cov.NO_PLAN}  # Hackney has some: their action says so, not "none"
    assert "none" not in tokens
    summary = next(s for s in pack.sections if s.key == "alignment").tables[0]
    coverage = summary.frame["coverage %"][0]
    assert coverage > 1 and f"{coverage:.0f}%" in tokens  # a percentage, as the ward table's, not 0.66


def test_the_pack_downloads_rerun_only_themselves():
    """AppTest reruns the whole script for any click, so the page's source is checked: both
    download buttons are drawn inside an st.fragment, whose click reruns that fragment alone."""
    tree = ast.parse((ROOT / "pages" / "briefing.py").read_text())
    fragments = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                 and any(ast.unparse(d) == "st.fragment" for d in f.decorator_list)]
    buttons = ("download_button", "member_download")  # ui.member_download: a download button audited when served
    inside = {ast.unparse(c.args[0]) for f in fragments for c in ast.walk(f)
              if isinstance(c, ast.Call) and ast.unparse(c.func).endswith(buttons)}
    anywhere = {ast.unparse(c.args[0]) for c in ast.walk(tree)
                if isinstance(c, ast.Call) and ast.unparse(c.func).endswith(buttons)}
    assert inside == anywhere == {"'Download the PDF'", "'Download the Excel workbook'"}
