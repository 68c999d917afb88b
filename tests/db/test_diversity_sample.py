"""The diversity figures and their exports on the whole seeded sample."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from dashboard.figures import diversity, privacy
from dashboard.figures.privacy import FEWER
from data_access import engine as eng
from data_access import queries

WITHHELD = privacy.WITHHELD


@pytest.fixture(scope="module")
def app_data(seeded_sqlite_url):
    engine = eng.make_engine(seeded_sqlite_url)
    try:
        return diversity.build(queries.members(engine), queries.panels(engine), queries.ward_population(engine), dt.date(2023, 12, 31))
    finally:
        engine.dispose()


def test_every_open_panel_is_compared_and_shares_add_up(app_data):
    comp = app_data.comparison
    per_dim = comp.group_by("ward_code", "dimension").agg(pl.col("share_of_members").sum(), pl.col("members").sum(), pl.col("panel_size").first())
    assert (per_dim["members"] == per_dim["panel_size"]).all()
    # White British / White other counts White members only, so a panel with none has no rows.
    with_members = per_dim.filter(pl.col("panel_size") > 0)
    assert with_members["share_of_members"].is_between(0.999, 1.001).all()
    assert with_members.filter(pl.col("dimension") == "ethnic_group").height == app_data.panels.height
    assert app_data.panels.height == comp["ward_code"].n_unique()
    assert app_data.panels["gap"].is_between(0, 100).all()


def test_the_whole_sample_published_leaves_every_hidden_count_two_values(app_data, seeded_sqlite_url):
    """Every panel, borough, BCU and London of the sample on one day, all at once: no count of 1 to 4
    is shown, and the attacker's programme over the whole family (with the areas' expected members to
    one decimal) pins none of the hidden counts. (The walk in tests/app checks what the pages show.)"""
    engine = eng.make_engine(seeded_sqlite_url)
    try:
        wards = queries.wards(engine)
    finally:
        engine.dispose()
    pub = privacy.publish(app_data, wards)
    assert pub.problem is None
    fam = privacy.family(app_data, wards)
    assert all(pub.text[k] in (FEWER, WITHHELD) for k, value in pub.values.items() if 0 < value < 5)
    state = np.array([0 if pub.text[k].isdigit() else (1 if pub.text[k] == FEWER else 2) for k in fam.keys])
    hidden = {i for i, k in enumerate(fam.expected) if (k[0], k[1]) in pub.hidden_expected}
    rows, bounds = privacy._expected_rows(fam, hidden)
    a_eq, b_eq, lower, upper, a_ub, b_ub = privacy._lp(fam, state, 5, rows, bounds)
    assert privacy.attack(a_eq, b_eq, lower, upper, fam.values, list(np.flatnonzero(state != 0)), a_ub=a_ub, b_ub=b_ub) == {}
    # What is withheld beyond the small counts is small: London's figures all stand, and few of the
    # boroughs' (88 of their 928 on the sample: panels that stopped meeting have shrunk).
    assert all(pub.text[k].isdigit() for k in fam.keys if k[0][0] == "london")
    borough = [k for k in fam.keys if k[0][0] == "borough"]
    assert sum(pub.text[k] == WITHHELD and pub.values[k] >= 5 for k in borough) < 0.12 * len(borough)
