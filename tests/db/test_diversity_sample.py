"""The diversity figures and their exports on the whole seeded sample."""

import datetime as dt

import polars as pl
import pytest

from dashboard.figures import diversity, privacy
from dashboard.figures import diversity_view as view
from data_access import engine as eng
from data_access import queries
from tests.unit.test_privacy import FEWER, possible_values

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


def test_profile_export_hides_what_the_screen_shows(app_data):
    """Every panel in the sample: exported profiles never show 1-4 nor let one be worked out."""
    comp = app_data.comparison
    checked = 0
    for ward in comp["ward_code"].unique().sort().to_list():
        table = view.profile_table(comp.filter(pl.col("ward_code") == ward))
        out = view.profile_export(table)
        for dim in table["Dimension"].unique().to_list():
            true = table.filter(pl.col("Dimension") == dim)["Members"].to_list()
            exp = out.filter(pl.col("Dimension") == dim)
            cells = exp["Members"].to_list()
            for cell, value, options in zip(cells, true, possible_values(cells, sum(true))):
                if 0 < value < 5:
                    assert cell in (FEWER, WITHHELD)
                if cell in (FEWER, WITHHELD):
                    assert len(options) > 1, (ward, dim, true, cells)
            if any(c in (FEWER, WITHHELD) for c in cells):
                assert set(exp[view.EXPECTED].to_list()) == {WITHHELD}
                assert set(exp[view.SHARE_STATED].drop_nulls().to_list()) <= {WITHHELD}
            checked += 1
    assert checked > 1000
