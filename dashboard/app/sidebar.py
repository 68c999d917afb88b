"""The shared filters: area and period, in the sidebar and in the URL.

Each widget is bound to a URL query parameter (``bind="query-params"``), so a copied link
reproduces the view and the choice survives a page switch or a reload.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard.domain import areas, periods
from dashboard.domain.areas import Area
from dashboard.domain.periods import Period

ALL = ""  # the "no narrower choice" option of each area select
QUARTER = "quarter"  # the period's last quarter: its widget key and its name in the address


def area_filter(wards: pl.DataFrame, *, scoped: bool = False) -> Area:
    """The area chosen in the sidebar. ``scoped``: the user sees only some boroughs
    (``wards`` holds only theirs), so there is no BCU or "All London" choice, only their boroughs.
    """
    if scoped:
        return _scoped_area(wards)
    bcus = sorted(b for b in wards["bcu"].unique().to_list() if b)
    bcu = st.sidebar.selectbox(
        "BCU (Met Basic Command Unit)",
        [ALL, *bcus],
        format_func=lambda b: b or "All London",
        key="bcu",
        bind="query-params",
    )
    in_bcu = wards if not bcu else wards.filter(pl.col("bcu") == bcu)
    boroughs = in_bcu.select("borough_code", "borough_name").unique().sort("borough_name")
    names = dict(boroughs.iter_rows())
    borough = st.sidebar.selectbox(
        "Borough",
        [ALL, *names],
        format_func=lambda c: names.get(c, "All boroughs"),
        key="borough",
        bind="query-params",
    )
    ward = _ward_choice(wards, borough) if borough else None
    return areas.resolve(wards, bcu=bcu or None, borough=borough or None, ward=ward or None)


def _scoped_area(wards: pl.DataFrame) -> Area:
    names = dict(wards.select("borough_code", "borough_name").unique().sort("borough_name").iter_rows())
    borough = st.sidebar.selectbox(
        "Borough", list(names), format_func=lambda c: names.get(c, c), key="borough", bind="query-params",
        help="You see the boroughs your role covers.",
    )
    ward = _ward_choice(wards, borough) if borough else None
    return areas.resolve(wards, bcu=None, borough=borough or None, ward=ward or None)


def _ward_choice(wards: pl.DataFrame, borough: str) -> str:
    """The ward select for a chosen borough ("" for all its wards); the same for every user."""
    in_borough = wards.filter(pl.col("borough_code") == borough).sort("ward_name")
    ward_names = dict(in_borough.select("ward_code", "ward_name").iter_rows())
    return st.sidebar.selectbox(
        "Ward", [ALL, *ward_names], format_func=lambda c: ward_names.get(c, "All wards"), key="ward", bind="query-params",
    )


def period_filter(first: dt.date, complete: dt.date, last: dt.date) -> Period:
    """The period chosen in the sidebar: quarters from ``first`` to ``last``, opening on ``complete``
    (the quarter the figures are complete to); later quarters are offered, marked as incomplete."""
    span = st.sidebar.radio(
        "Period",
        periods.SPANS,
        format_func=lambda s: {"quarter": "Quarter", "year": "12 months"}[s],
        horizontal=True,
        key="span",
        bind="query-params",
    )
    ends = [periods.quarter_name(q) for q in periods.quarter_ends(first, max(complete, last))]
    label = {q: periods.period_ending(periods.parse_quarter_name(q), "quarter").label for q in ends}
    shown = {q: v + (" (incomplete)" if periods.parse_quarter_name(q) > complete else "") for q, v in label.items()}
    # Not bound to the address like the other filters: a bound widget leaves its default out of the
    # address, and the default quarter moves when the figures are complete to a later date, so a
    # link sent today would show another quarter next month. The quarter is always written in,
    # in words like the bound filters ("October to December 2023"); "2023-Q4" is read too.
    # Set every run: after a page switch Streamlit would otherwise start the new page's widget on
    # its own default (the first option), not on the quarter already chosen.
    current = st.session_state.get(QUARTER)
    if current not in ends:  # a new session, or the data no longer reaches it
        asked = st.query_params.get(QUARTER)
        current = {v: q for q, v in label.items()}.get(asked, asked)
    st.session_state[QUARTER] = current if current in ends else periods.quarter_name(complete)
    chosen = st.sidebar.selectbox(
        "Ending with the quarter",
        ends,
        format_func=shown.get,
        key=QUARTER,
        help="Figures are as of the last day of this quarter. The default is the quarter the figures are complete to.",
    )
    if st.query_params.get(QUARTER) != label[chosen]:
        st.query_params[QUARTER] = label[chosen]
    return periods.period_ending(periods.parse_quarter_name(chosen), span)
