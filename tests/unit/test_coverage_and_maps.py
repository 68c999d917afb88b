"""Coverage counts, remedy plan states, trend counts and map values on hand-built frames."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from dashboard.domain import status_style as s
from dashboard.figures import coverage, maps
from data_access import reference

D = dt.date
MET = "Metropolitan Police Service"

WARDS = pl.DataFrame(
    {
        "ward_code": ["A1", "A2", "A3", "A4", "B1", "C1"],
        "ward_name": ["Ash", "Birch", "Cedar", "Damson", "Elm", "Fig & <Vine>"],
        "borough_code": ["BA", "BA", "BA", "BA", "BB", "CITY"],
        "borough_name": ["Alpha", "Alpha", "Alpha", "Alpha", "Beta", "City of London"],
        "bcu": ["North", "North", "North", "North", "South", None],
        "police_force": [MET] * 5 + ["City of London Police"],
        "centroid_lon": [0.0] * 6,
        "centroid_lat": [51.5] * 6,
    }
)


def status_frame(statuses: dict[str, str], meetings: dict[str, int] | None = None) -> pl.DataFrame:
    meetings = meetings or {}
    return pl.DataFrame(
        {
            "ward_code": list(statuses),
            "status": list(statuses.values()),
            "reason_text": ["" if v == s.FUNCTIONING else f"reason for {k}" for k, v in statuses.items()],
            "meetings_12m": [meetings.get(k, 0) for k in statuses],
        }
    )


STATUS = status_frame(
    {"A1": s.FUNCTIONING, "A2": s.AT_RISK, "A3": s.NO_PANEL, "A4": s.FUNCTIONING, "B1": s.NOT_FUNCTIONING, "C1": s.CITY},
    {"A1": 6, "A2": 3, "A4": 4, "B1": 0},
)


def test_coverage_by_borough_counts_met_wards_only_with_shares():
    out = coverage.coverage_table(STATUS, WARDS, level="Borough")
    assert out["area"].to_list() == ["Alpha", "Beta"]  # the City is not counted
    alpha = out.row(0, named=True)
    assert (alpha["wards"], alpha["with_panel"], alpha["functioning"], alpha["at_risk"], alpha["no_panel"]) == (4, 3, 2, 1, 1)
    assert (alpha["pct_with_panel"], alpha["pct_functioning"]) == (75.0, 50.0)
    london = coverage.coverage_table(STATUS, WARDS, level="London").row(0, named=True)
    assert (london["area"], london["wards"], london["not_functioning"], london["pct_functioning"]) == ("London", 5, 1, 40.0)


def test_totals_and_the_finding_sentence():
    counts = coverage.totals(STATUS, ["A1", "A2", "A3", "A4", "C1"])
    assert counts == {"wards": 4, "with_panel": 3, "functioning": 2, "at_risk": 1, "not_functioning": 0, "no_panel": 1}
    assert coverage.coverage_finding("Alpha", counts) == "Alpha: 1 of 4 wards have no panel or a panel not functioning, and 1 more is at risk"
    assert coverage.coverage_finding("Beta", coverage.totals(STATUS, ["A1", "A4"])) == "Beta: every one of its 2 wards has a functioning panel"
    assert coverage.coverage_finding("Ash (Alpha)", coverage.totals(STATUS, ["A1"])) == "Ash (Alpha): has a functioning panel"
    assert coverage.coverage_finding("Birch (Alpha)", coverage.totals(STATUS, ["A2"])) == "Birch (Alpha): has a panel at risk"


PLANS = pl.DataFrame(
    {
        "ward_code": ["A3", "A3", "B1", "A2"],
        "problem": ["no panel", "no panel", "not functioning", "not functioning"],
        "action": ["old plan", "recruit", "refresh", "unused"],
        "owner": ["SNB chair", "Ward sergeant", "DWO", "DWO"],
        "agreed_on": [D(2022, 1, 1), D(2023, 9, 1), D(2023, 6, 1), D(2023, 6, 1)],
        "due_on": [D(2022, 6, 1), D(2024, 1, 31), D(2023, 11, 30), D(2023, 12, 1)],
        "completed_on": [D(2022, 5, 1), None, None, None],
    }
)


def test_remedy_states_no_plan_past_due_and_not_yet_due():
    plans = coverage.remedy_table(STATUS, WARDS, PLANS, as_of=D(2023, 12, 31))
    assert plans.select("ward_code", "plan_state", "action").rows() == [("B1", "Past due", "refresh"), ("A3", "Not yet due", "recruit")]
    # Before the A3 plan was agreed, its only plan was completed: no plan.
    earlier = coverage.remedy_table(STATUS, WARDS, PLANS, as_of=D(2023, 8, 31))
    assert dict(earlier.select("ward_code", "plan_state").rows()) == {"A3": "No plan", "B1": "Not yet due"}
    assert earlier["ward_code"].to_list() == ["A3", "B1"]  # no plan first


def test_an_at_risk_ward_without_a_plan_does_not_need_one():
    plans = coverage.remedy_table(STATUS, WARDS, PLANS.filter(pl.col("ward_code") != "A2"), as_of=D(2023, 12, 31),
                                  statuses=(s.NO_PANEL, s.NOT_FUNCTIONING, s.AT_RISK))
    assert plans.select("ward_code", "plan_state").rows() == [("B1", "Past due"), ("A3", "Not yet due"), ("A2", "Not required")]


def test_a_plan_completed_on_the_date_is_no_longer_current():
    plans = PLANS.with_columns(pl.when(pl.col("action") == "refresh").then(D(2023, 12, 31)).otherwise(pl.col("completed_on")).alias("completed_on"))
    assert coverage.current_plans(plans, D(2023, 12, 31))["ward_code"].to_list() == ["A2", "A3"]
    assert coverage.current_plans(plans, D(2023, 12, 30))["ward_code"].to_list() == ["A2", "A3", "B1"]


def test_trend_counts_per_quarter():
    history = pl.concat(
        [
            STATUS.select(pl.lit(D(2023, 12, 31)).alias("quarter_end"), "ward_code", "status"),
            STATUS.select(
                pl.lit(D(2023, 9, 30)).alias("quarter_end"),
                "ward_code",
                pl.when(pl.col("status") == s.CITY).then(pl.col("status")).otherwise(pl.lit(s.NO_PANEL)).alias("status"),
            ),
        ]
    )
    out = coverage.trend_counts(history, ["A1", "A2", "A3", "C1"])
    assert out.select("quarter_end", "wards", "with_panel", "functioning", "pct_functioning").rows() == [
        (D(2023, 9, 30), 3, 0, 0, 0.0),
        (D(2023, 12, 31), 3, 2, 1, 33.3),
    ]


def inputs(promises: pl.DataFrame | None = None) -> maps.MapInputs:
    tables = {"promises": promises if promises is not None else pl.DataFrame()}
    return maps.MapInputs(as_of=D(2023, 12, 31), status=STATUS, table=tables.__getitem__)


def test_meetings_metric_classes_and_labels():
    out = maps.ward_values(maps.METRICS["Meetings in the last 12 months"], inputs())
    got = {r["ward_code"]: (r["key"], r["label"]) for r in out.iter_rows(named=True)}
    assert got["A1"] == ("5", "6 meetings in the last 12 months")
    assert got["A2"] == ("3", "3 meetings in the last 12 months")
    assert got["A4"] == ("4", "4 meetings in the last 12 months")
    assert got["B1"] == ("1", "0 meetings in the last 12 months")
    assert got["A3"] == ("–", "No panel")
    assert got["C1"] == ("–", s.CITY)
    assert dict(out.select("ward_code", "fill").rows())["A3"] == maps.NO_DATA_RGB


def test_promise_completion_counts_closes_in_the_twelve_months_only():
    promises = pl.DataFrame(
        {
            "ward_code": ["A1", "A1", "A1", "A1", "A2"],
            "status": ["achieved", "achieved", "withdrawn", "achieved", "open"],
            "closed_on": [D(2023, 3, 1), D(2023, 12, 31), D(2023, 6, 1), D(2022, 12, 31), None],
        }
    )
    out = maps.ward_values(maps.METRICS["Promise completion"], inputs(promises))
    a1 = out.filter(pl.col("ward_code") == "A1").row(0, named=True)
    assert a1["label"] == "67% of 3 closed promises achieved"  # 31 Dec 2022 is outside the window
    assert a1["key"] == "3"  # 66.7% is in the third class, "55% to 69%"


def test_status_metric_colours_letters_and_finding():
    out = maps.ward_values(maps.METRICS["Panel status"], inputs())
    got = {r["ward_code"]: (r["key"], r["fill"]) for r in out.iter_rows(named=True)}
    assert got["A3"] == ("NP", s.rgb(s.NO_PANEL))
    assert got["C1"] == ("CL", s.rgb(s.CITY))
    met = out.filter(pl.col("status") != s.CITY)
    assert maps.METRICS["Panel status"].title_for(met, "Here", inputs()) == "Here: 2 of 5 wards have no panel or a panel not functioning, and 1 more is at risk"


def test_a_new_metric_is_one_registration():
    def gap(i: maps.MapInputs) -> pl.DataFrame:
        return i.status.select("ward_code", pl.lit(12.5).alias("value"), pl.lit("12.5 points").alias("label"))

    maps.register("Test gap", maps.MapMetric("Test gap", gap, bins=((float("-inf"), "small"), (10, "large"))))
    try:
        out = maps.ward_values(maps.METRICS["Test gap"], inputs())
        assert set(out.filter(pl.col("status") != s.CITY)["key"]) == {"2"}
        assert maps.legend(maps.METRICS["Test gap"])["meaning"].to_list()[:2] == ["small", "large"]
    finally:
        del maps.METRICS["Test gap"]


def test_deck_json_carries_text_as_data_not_markup_and_fits_the_area():
    values = maps.ward_values(maps.METRICS["Panel status"], inputs()).join(STATUS.select("ward_code", "reason_text"), on="ward_code")
    wards = WARDS.with_columns(
        pl.Series("ward_code", ["E05014053", "E05014054", "A3", "A4", "B1", "C1"]),
        pl.Series("ward_name", ["Ash", "Birch & <b>Vine</b>", "Cedar", "Damson", "Elm", "Fig"]),
    )
    values = values.with_columns(pl.col("ward_code").replace({"A1": "E05014053", "A2": "E05014054"}))
    shapes = maps.boundaries(reference.ward_geojson(), reference.borough_geojson())
    spec = json.loads(maps.deck_json(values, wards, metric_title="Panel status", ward_codes=["E05014053", "E05014054"], shapes=shapes))
    props = [f["properties"] for f in spec["layers"][0]["data"]["features"]]
    # Wards without a boundary are skipped; names travel as plain data for a text tooltip
    # (deck.gl sets it with innerText), so "<b>" is shown as typed, never run as markup.
    assert [p["ward_name"] for p in props] == ["Ash", "Birch & <b>Vine</b>"]
    assert spec["mapStyle"] == "/app/static/map_style.json"
    assert spec["layers"][0]["lineWidthUnits"] == "pixels"
    assert spec["initialViewState"]["zoom"] > 12  # two wards in Barking: zoomed well in
    tip = maps.tooltip("Panel status")
    assert "html" not in tip and tip["text"].startswith("{ward_name} ({borough_name})")
    # The status is said once on the status map; another map adds its own measure.
    assert tip["text"].count("{status}") == 1 and "{label}" not in tip["text"]
    assert maps.tooltip("Promise completion")["text"].endswith("\nPromise completion: {label}")
