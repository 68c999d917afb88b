"""The sample generator: deterministic, inside the vocabulary and constraints, and telling the
story the dashboard exists to show."""

from __future__ import annotations

import datetime as dt
import time

import polars as pl
import pytest

from dashboard.domain import vocabulary as v
from dashboard.domain import wards_in_time
from data_access import models
from sample_data import generator as g
from sample_data import ward_practice

MET = "Metropolitan Police Service"
CITY = "City of London Police"
BOROUGHS = ("E09900001", "E09900002", "E09900003")
WARDS_PER_BOROUGH = 40
BOARD = ("board_member", "board_meeting", "borough_commander", "board_funding")  # kept by borough

UNIQUE_KEYS = {
    "panel": ("ward_code", "established_on"),
    "panel_member": ("ward_code", "member_ref"),
    "meeting": ("ward_code", "held_on"),
    "promise": ("promise_ref",),
    "engagement_activity": ("ward_code", "held_on", "kind"),
    "concern": ("ward_code", "raised_on", "source", "category"),
    "remedy_plan": ("ward_code", "problem", "agreed_on"),
    "dwo_assignment": ("ward_code", "officer_ref", "started_on"),
}
MODELS = {
    "panel": models.Panel,
    "panel_member": models.PanelMember,
    "meeting": models.Meeting,
    "promise": models.Promise,
    "engagement_activity": models.EngagementActivity,
    "concern": models.Concern,
    "remedy_plan": models.RemedyPlan,
    "dwo_assignment": models.DwoAssignment,
    "board_member": models.BoardMember,
    "board_meeting": models.BoardMeeting,
    "borough_commander": models.BoroughCommander,
    "board_funding": models.BoardFunding,
    "ward_group": models.WardGroup,
    "crime_count": models.CrimeCount,
}
SCHEMAS = ward_practice.schemas(g.SCHEMAS)  # the generator's tables and those ward_practice adds to its frames


def make_wards(n_per_borough: int = WARDS_PER_BOROUGH) -> pl.DataFrame:
    rows = []
    for b, borough in enumerate(BOROUGHS):
        for i in range(n_per_borough):
            rows.append((f"E059{b}{i:04d}", f"Ward {b}-{i}", borough, "Test BCU", MET))
    rows.append(("E05000001", "Aldgate", v.CITY_OF_LONDON_CODE, None, CITY))
    rows.append(("E05000002", "Bishopsgate", v.CITY_OF_LONDON_CODE, None, CITY))
    return pl.DataFrame(
        rows, schema=["ward_code", "ward_name", "borough_code", "bcu", "police_force"], orient="row"
    )


def make_population(wards: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for n, code in enumerate(wards["ward_code"].to_list()):
        if n % 10 == 3:
            continue  # some wards have no Census rows: the generator falls back to London
        white = 300 + 40 * (n % 10)
        for cat, count in zip(v.ETHNIC_GROUPS, (200, 150, 60, white, 50)):
            rows.append((code, "ethnic_group", cat, count))
        for cat, count in zip(("0-15", *v.AGE_BANDS), (180, 110, 190, 230, 170, 120)):
            rows.append((code, "age_band", cat, count))
        rows.append((code, "ethnic_group_detailed", "Indian", 90))  # other dimensions: ignored
    return pl.DataFrame(rows, schema=["ward_code", "dimension", "category", "count"], orient="row")


@pytest.fixture(scope="module")
def wards() -> pl.DataFrame:
    return make_wards()


@pytest.fixture(scope="module")
def population(wards) -> pl.DataFrame:
    return make_population(wards)


@pytest.fixture(scope="module")
def frames(wards, population) -> dict[str, pl.DataFrame]:
    return g.generate(wards, population)


@pytest.fixture(scope="module")
def met_codes(wards) -> list[str]:
    return wards.filter(pl.col("police_force") == MET)["ward_code"].to_list()


def test_tables_and_columns_match_the_models(frames):
    assert set(frames) == set(MODELS)
    for name, model in MODELS.items():
        expected = [c.key for c in model.__table__.columns if c.key != "id"]
        assert frames[name].columns == expected, name
        assert frames[name].height > 0, name


def test_dtypes(frames):
    for name, frame in frames.items():
        assert dict(frame.schema) == SCHEMAS[name], name
        for column in model_columns(name):
            if not column.nullable:
                assert frame[column.key].null_count() == 0, f"{name}.{column.key}"


def model_columns(name):
    return [c for c in MODELS[name].__table__.columns if c.key != "id"]


def test_same_seed_same_frames_and_another_seed_differs(wards, population, frames):
    again = g.generate(wards, population)
    other = g.generate(wards, population, seed=g.SEED + 1)
    for name in frames:
        assert frames[name].equals(again[name]), name
        assert not frames[name].equals(other[name]), name


def test_extra_wards_leave_existing_wards_alone(wards, population, frames, met_codes):
    # Synthetic copies as the --scale benchmark makes them (Z01...), in a new borough and in
    # an existing one.
    extra = pl.DataFrame(
        [
            ("Z01900001", "Copy 1", "Z01900001", "Test BCU", MET),
            ("Z01900002", "Copy 2", "Z01900001", "Test BCU", MET),
            ("Z01900003", "Copy 3", BOROUGHS[0], "Test BCU", MET),
        ],
        schema=wards.columns,
        orient="row",
    )
    bigger = g.generate(pl.concat([extra, wards]), pl.concat([population, make_population(extra)]))
    for name, frame in frames.items():
        place = "borough_code" if name in BOARD else "ward_code"
        kept = bigger[name].filter(pl.col(place).is_in(BOROUGHS if name in BOARD else met_codes))
        assert kept.equals(frame), name
    assert bigger["meeting"].filter(pl.col("ward_code").str.starts_with("Z")).height > 0


def test_unique_constraints(frames):
    for name, key in UNIQUE_KEYS.items():
        assert not frames[name].select(key).is_duplicated().any(), name


def test_values_come_from_the_vocabulary(frames):
    allowed = {
        ("panel", "chair_type"): v.CHAIR_TYPES,
        ("panel_member", "sector"): v.SECTORS,
        ("panel_member", "ethnic_group"): v.ETHNIC_VALUES,
        ("panel_member", "age_band"): v.AGE_VALUES,
        ("panel_member", "sex"): v.SEX_VALUES,
        ("meeting", "format"): v.MEETING_FORMATS,
        ("promise", "category"): v.CATEGORIES,
        ("promise", "origin"): v.PROMISE_ORIGINS,
        ("promise", "status"): v.PROMISE_STATUSES,
        ("engagement_activity", "kind"): v.ENGAGEMENT_KINDS,
        ("remedy_plan", "problem"): v.REMEDY_PROBLEMS,
    }
    for (name, column), values in allowed.items():
        assert frames[name][column].is_in(list(values)).all(), f"{name}.{column}"


def test_refs_are_pseudonymous_and_well_formed(frames):
    assert frames["panel_member"]["member_ref"].str.contains(r"^M-[A-Z0-9]{9}-\d{3}$").all()
    assert (frames["panel_member"]["member_ref"].str.slice(2, 9) == frames["panel_member"]["ward_code"]).all()
    assert frames["dwo_assignment"]["officer_ref"].str.contains(r"^DWO-\d{5}$").all()
    promise = frames["promise"]
    assert promise["promise_ref"].str.contains(r"^P-[A-Z0-9]{9}-\d{4}-\d{2}$").all()
    assert (promise["promise_ref"].str.slice(12, 4).cast(pl.Int32) == promise["set_on"].dt.year()).all()


def test_date_orderings_and_counts(frames):
    p, m, mt, pr, en, rp, dw = (frames[k] for k in UNIQUE_KEYS if k != "concern")
    assert p.filter(pl.col("closed_on") < pl.col("established_on")).is_empty()
    assert p.filter(pl.col("last_membership_review_on") < pl.col("established_on")).is_empty()
    assert m.filter(pl.col("left_on") < pl.col("joined_on")).is_empty()
    assert pr.filter(pl.col("closed_on") < pl.col("set_on")).is_empty()
    assert pr.filter(pl.col("feedback_published_on") < pl.col("set_on")).is_empty()
    assert dw.filter(pl.col("ended_on") < pl.col("started_on")).is_empty()
    assert rp.filter(pl.col("due_on") <= pl.col("agreed_on")).is_empty()
    assert rp.filter(pl.col("completed_on") < pl.col("agreed_on")).is_empty()
    # Closed promises have an outcome, open ones neither outcome nor closing date.
    is_open = pr["status"] == v.PROMISE_OPEN
    assert (pr["closed_on"].is_null() == is_open).all()
    assert (pr["outcome"].is_null() == is_open).all()
    assert pr.filter(is_open)["feedback_published_on"].is_null().all()
    held = mt["held_on"] <= g.END
    assert mt.filter(held)["attendees"].is_between(5, 25).all()
    # Meetings after the end are the next ones in the diary: entered with no attendance yet.
    assert (mt.filter(~held)["attendees"] == 0).all() and not mt.filter(~held)["minutes_published"].any()
    assert (mt["public_attendees"] >= 0).all()
    assert (mt["public_attendees"] <= mt["attendees"]).all()
    assert en["people_reached"].is_between(5, 400).all()
    assert (en["young_people_reached"] >= 0).all()
    assert (en["young_people_reached"] <= en["people_reached"]).all()


def test_no_date_after_end_but_a_few_entered_ahead_and_activity_from_start(frames):
    ahead = {("meeting", "held_on"): g.AFTER_END_DAYS, ("engagement_activity", "held_on"): 12}
    for name, frame in frames.items():
        for column, dtype in frame.schema.items():
            if dtype != pl.Date or column == "due_on":  # a due date may lie ahead
                continue
            latest = frame[column].max()
            allowed = g.END + dt.timedelta(days=ahead.get((name, column), 0))
            assert latest is None or latest <= allowed, f"{name}.{column}"
    # Too few to make the next quarter look complete (it needs half a usual quarter's rows:
    # dashboard.domain.periods.worked_out_complete_to), table by table.
    for name in ("meeting", "engagement_activity"):
        frame = frames[name]
        last_quarter = frame.filter(pl.col("held_on").is_between(dt.date(2023, 10, 1), g.END)).height
        after = frame.filter(pl.col("held_on") > g.END).height
        assert 0 < after < last_quarter / 2, name
    for name, column in (
        ("meeting", "held_on"),
        ("promise", "set_on"),
        ("engagement_activity", "held_on"),
        ("concern", "raised_on"),
        ("remedy_plan", "agreed_on"),
        ("dwo_assignment", "started_on"),
    ):
        assert frames[name][column].min() >= g.START, f"{name}.{column}"


def test_city_of_london_wards_get_nothing(frames, wards):
    city = wards.filter(pl.col("police_force") == CITY)["ward_code"].to_list()
    for name, frame in frames.items():
        place = "borough_code" if name in BOARD else "ward_code"
        assert frame.filter(pl.col(place).is_in([*city, v.CITY_OF_LONDON_CODE])).is_empty(), name


def test_meetings_only_while_a_panel_is_open(frames):
    panels = frames["panel"].with_columns(pl.col("closed_on").fill_null(g.END + dt.timedelta(days=g.AFTER_END_DAYS)))
    meetings = frames["meeting"].with_row_index("row")
    inside = meetings.join(panels, on="ward_code").filter(
        pl.col("held_on").is_between(pl.col("established_on"), pl.col("closed_on"))
    )
    assert inside["row"].n_unique() == meetings.height


def test_engagement_links_point_to_the_same_wards_promises(frames):
    links = frames["engagement_activity"].filter(pl.col("promise_ref").is_not_null())
    assert links.height > 0
    joined = links.join(frames["promise"], on="promise_ref", how="left", suffix="_p")
    assert (joined["ward_code"] == joined["ward_code_p"]).all()


def test_an_officer_serves_one_ward_at_a_time_within_one_borough(frames, wards):
    dwo = frames["dwo_assignment"].join(wards.select("ward_code", "borough_code"), on="ward_code")
    assert (dwo.group_by("officer_ref").agg(pl.col("borough_code").n_unique())["borough_code"] == 1).all()
    for _, rows in dwo.sort("started_on").group_by("officer_ref"):
        starts = rows["started_on"].to_list()
        ends = rows["ended_on"].to_list()
        for i in range(1, len(starts)):
            assert ends[i - 1] is not None and ends[i - 1] < starts[i]
    # Each ward has two posts: never more than two officers at a time, and most wards have two
    # in post at the end.
    for _, rows in dwo.group_by("ward_code"):
        for start in rows["started_on"].to_list():
            on = rows.filter((pl.col("started_on") <= start) & (pl.col("ended_on").is_null() | (pl.col("ended_on") > start)))
            assert on.height <= 2
    in_post = dwo.filter(pl.col("ended_on").is_null()).group_by("ward_code").len()
    assert (in_post["len"] == 2).mean() > 0.8


def test_membership_size_and_one_chair_at_a_time(frames):
    panels = frames["panel"]
    members = frames["panel_member"]
    checked = 0
    for year in range(2015, 2024):
        day = dt.date(year, 6, 30)
        open_wards = panels.filter(
            (pl.col("established_on") <= day) & (pl.col("closed_on").is_null() | (pl.col("closed_on") > day))
        )["ward_code"]
        active = members.filter(
            (pl.col("joined_on") <= day) & (pl.col("left_on").is_null() | (pl.col("left_on") > day))
        )
        per_ward = active.group_by("ward_code").agg(pl.len().alias("n"), pl.col("is_chair").sum().alias("chairs"))
        assert set(per_ward["ward_code"]) == set(open_wards)
        assert per_ward["n"].is_between(1, 16).all()
        assert (per_ward["n"] >= 6).mean() > 0.9  # only panels that stopped meeting shrink below six
        assert (per_ward["chairs"] == 1).all()
        checked += per_ward.height
    assert checked > 0


def test_panels_that_stop_meeting_lose_members(frames):
    end = g.END
    panels = frames["panel"].filter(pl.col("closed_on").is_null())
    last = frames["meeting"].filter(pl.col("held_on") <= end).group_by("ward_code").agg(pl.col("held_on").max().alias("last"))
    members = frames["panel_member"].filter(pl.col("left_on").is_null()).group_by("ward_code").len()
    sized = panels.join(last, on="ward_code", how="left").join(members, on="ward_code", how="left")
    stopped = sized.filter(pl.col("last").is_null() | (pl.col("last") < end - dt.timedelta(days=365)))
    meeting = sized.filter(pl.col("last") >= end - dt.timedelta(days=120))
    assert stopped.height > 0 and stopped["len"].median() < 6 <= meeting["len"].min()


def test_the_patterns_the_dashboard_shows(frames, met_codes, population):
    panels, meetings, promises, members, dwo = (
        frames[k] for k in ("panel", "meeting", "promise", "panel_member", "dwo_assignment")
    )
    # Some Met wards never had a panel.
    assert set(met_codes) - set(panels["ward_code"])
    # Some panels still open at the end have not met in the final five months.
    last = meetings.group_by("ward_code").agg(pl.col("held_on").max().alias("last"))
    lapsed = (
        panels.filter(pl.col("closed_on").is_null())
        .join(last, on="ward_code", how="left")
        .filter(pl.col("last").is_null() | (pl.col("last") < g.END - dt.timedelta(days=152)))
    )
    assert lapsed.height > 0
    # Members are Whiter than the wards they represent.
    stated = members.filter(pl.col("ethnic_group") != v.NOT_STATED)
    member_white = stated["ethnic_group"].map_elements(v.ethnic_high_level, return_dtype=pl.Utf8).eq("White").mean()
    eth = population.filter(pl.col("dimension") == "ethnic_group")
    ward_white = eth.filter(pl.col("category") == "White")["count"].sum() / eth["count"].sum()
    assert member_white > ward_white
    # A minority of promises are handed down by the borough or centrally.
    imposed = (promises["origin"] != "panel").mean()
    assert 0.20 <= imposed <= 0.50
    # "You said, we did" feedback follows under two thirds of closed promises.
    closed = promises.filter(pl.col("status") != v.PROMISE_OPEN)
    assert 0.30 <= closed["feedback_published_on"].is_not_null().mean() <= 0.60
    # Recurrence: in about a third of wards one category is promised 4+ rounds in a row.
    streaks = []
    for _, rows in promises.sort("set_on").group_by("ward_code"):
        run: dict[str, int] = {}
        best = 0
        for cats in rows.group_by("set_on", maintain_order=True).agg("category")["category"].to_list():
            run = {c: run.get(c, 0) + 1 for c in cats}
            best = max(best, *run.values())
        streaks.append(best >= 4)
    assert 0.15 <= sum(streaks) / len(streaks) <= 0.50
    # At least one Met ward has no DWO in post at the end.
    in_post = set(dwo.filter(pl.col("ended_on").is_null())["ward_code"])
    assert set(met_codes) - in_post
    # Panels reformed after closing, and officers who moved between wards, both exist.
    assert panels["ward_code"].is_duplicated().any()
    assert (dwo.group_by("officer_ref").agg(pl.col("ward_code").n_unique())["ward_code"] > 1).any()


def test_empty_input_gives_empty_typed_frames():
    empty = make_wards().clear()
    frames = g.generate(empty, make_population(empty))
    for name, frame in frames.items():
        assert frame.is_empty()
        assert dict(frame.schema) == SCHEMAS[name]


def test_time_for_all_london(wards, population, capsys):
    # 679 Met wards, as in London, made by copying the test wards under new codes.
    met = wards.filter(pl.col("police_force") == MET)
    copies = []
    for k in range(679 // met.height + 1):
        copies.append(met.with_columns((pl.lit(f"E05{k}") + pl.col("ward_code").str.slice(4)).alias("ward_code")))
    london = pl.concat(copies).unique("ward_code", keep="first").sort("ward_code").head(679)
    assert london.height == 679
    began = time.perf_counter()
    out = g.generate(london, population)
    took = time.perf_counter() - began
    with capsys.disabled():
        rows = ", ".join(f"{k} {f.height}" for k, f in out.items())
        print(f"\ngenerate() for 679 wards: {took:.2f} s ({rows})")


def test_concerns_lie_behind_most_promises_but_some_wards_ignore_their_top_concern(frames, wards):
    """The sample shows both panels that follow their residents and ones that do not."""
    from dashboard.domain.periods import period_ending
    from dashboard.figures import alignment as al

    c = frames["concern"]
    assert set(c["source"]) <= set(v.CONCERN_SOURCES) and set(c["category"]) <= set(v.CATEGORIES)
    assert (c["count"] >= 1).all() and (c["status"] == "accepted").all()
    met = wards.filter(pl.col("police_force") == MET).with_columns(pl.col("borough_code").alias("borough_name"))
    table = al.ward_alignment(c, frames["promise"], met, period_ending(dt.date(2023, 6, 30), "year"))
    scored = table.filter(pl.col("coverage").is_not_null())
    assert scored.height > 50
    ignoring = scored["ignores_top_concern"].sum()
    assert 0 < ignoring < scored.height / 2, ignoring
    assert 0.4 < scored["coverage"].mean() < 0.95
    assert table["unbacked_promises"].sum() > 0  # imposed promises with nothing recorded behind them


def test_what_an_officer_would_recognise(frames):
    """Anti-social behaviour and drugs lead the promises; most panels meet quarterly; feedback
    follows with a long tail; nothing set years ago is still open."""
    promises, meetings = frames["promise"], frames["meeting"]
    shares = promises["category"].value_counts(normalize=True).sort("proportion", descending=True)
    assert shares["category"].head(2).to_list() == ["anti-social behaviour", "drugs"]
    assert shares["proportion"].head(2).sum() > 0.35
    per_panel = meetings.filter(pl.col("held_on").dt.year() == 2019).group_by("ward_code").len()["len"]
    assert per_panel.mode().to_list() == [4] and (per_panel == 4).mean() > 0.5
    lag = promises.filter(pl.col("feedback_published_on") >= pl.col("closed_on")).select(
        (pl.col("feedback_published_on") - pl.col("closed_on")).dt.total_days())[:, 0]
    median, p90 = lag.quantile(0.5), lag.quantile(0.9)
    assert 10 <= median <= 40 and p90 > 2.5 * median and lag.max() > 180
    still_open = promises.filter(pl.col("status") == v.PROMISE_OPEN)
    assert still_open.height > 0 and still_open["set_on"].min() > g.END - dt.timedelta(days=731)


OLD = "E0588"  # codes of invented wards from before May 2022


def boundary_lookup(wards: pl.DataFrame) -> pl.DataFrame:
    """One borough's wards, each the best fit of an old ward of its own, except: Ward 0-1 kept its
    code; Ward 0-2 is nobody's best fit (its old ward went mostly to Ward 0-3, which so has two)."""
    rows = []
    for i, (code, name) in enumerate(wards.select("ward_code", "ward_name").iter_rows()):
        old = code if i == 1 else f"{OLD}{i:04d}"
        new, share_new = (wards["ward_code"][3], 0.3) if i == 2 else (code, 0.7 if i == 3 else 1.0)
        rows.append((old, f"Old {name}", BOROUGHS[0], new, name, 1.0, share_new, True))
    return pl.DataFrame(rows, schema=wards_in_time.LOOKUP_SCHEMA, orient="row")


def test_records_before_may_2022_are_kept_on_the_wards_of_then(wards, population):
    one = wards.filter(pl.col("borough_code") == BOROUGHS[0])
    lookup = boundary_lookup(one)
    frames = g.generate(one, population, lookup=lookup)
    change = dt.date(2022, 5, 5)
    old, new = set(lookup["old_code"]), set(one["ward_code"])
    dated = {"panel": "established_on", "panel_member": "joined_on", "meeting": "held_on", "promise": "set_on",
             "engagement_activity": "held_on", "concern": "raised_on", "remedy_plan": "agreed_on", "dwo_assignment": "started_on"}
    for name, column in dated.items():
        frame = frames[name]
        before = frame.filter(pl.col(column) < change)
        assert set(before["ward_code"]) <= old, name  # the importer's rule: a code valid on the row's date
        assert set(frame.filter(pl.col(column) >= change)["ward_code"]) <= new, name
    assert set(frames["meeting"].filter(pl.col("held_on") < change)["ward_code"]) > {one["ward_code"][1]}  # kept code, and old ones
    panels = frames["panel"]
    # Most panels continue across the change on their old ward's record; some lapse at it; the
    # 2022 ward no old ward counts for has nothing before the change.
    on_old = panels.filter(pl.col("ward_code").str.starts_with(OLD))
    assert on_old.filter(pl.col("closed_on").is_null()).height > on_old.height / 2
    assert on_old.filter(pl.col("closed_on").is_between(change - dt.timedelta(days=60), change)).height > 0
    assert panels.filter(pl.col("established_on") >= change).height > 0  # panels set up on 2022 wards since
    merged = panels.filter(pl.col("ward_code") == f"{OLD}0002")  # Ward 0-3's smaller predecessor
    assert merged.height == 0 or merged["closed_on"].max() <= change
    assert frames["promise"].filter(pl.col("ward_code") == f"{OLD}0002")["set_on"].max() < change
