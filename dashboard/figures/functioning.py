"""Is each ward's panel functioning? One status per ward as of a date, with reasons.

The rubric (thresholds, and which failures make a panel "Not functioning" rather than "At
risk") is in ``dashboard/figures/functioning.toml``; ``parse_rules`` turns its text into a frozen
``Rules`` and every function here takes the rules as an argument, so a changed threshold
changes the statuses and tests can prove it.

Statuses (``dashboard.domain.status_style``): No panel, Not functioning, At risk, Functioning; the
City of London's wards get "Not Met (City of London Police)" and are left out of every count.

Worked example (default rules), as of 31 December 2023, for a panel set up in 2015 that met on
1 March, 1 June, 1 September and 1 November 2023, the DWO at 2 of those 4, promises reviewed
at the last meeting, two promises open, membership reviewed in May 2023, a resident chair and
minutes for all four meetings: 4 meetings in 12 months (met), last meeting 1 November (within
four months: met), DWO at 2 of the last 4 (3 needed: fails, "at risk") -> **At risk**, reason
"DWO at 2 of the last 4 meetings".
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, fields, replace

import polars as pl

from dashboard.domain import status_style as s
from dashboard.domain.areas import MET
from dashboard.domain.formatting import uk_date_expr
from dashboard.domain.periods import months_before, months_between
from dashboard.figures.expressions import FEEDBACK_DAYS, open_on

SEVERITIES = (s.NOT_FUNCTIONING, s.AT_RISK)
SEVERITY_WORDS = {"not functioning": s.NOT_FUNCTIONING, "at risk": s.AT_RISK}

# Rule id -> the TOML table it lives in; the order in which reasons are listed.
RULE_IDS = (
    "meetings",
    "recency",
    "current_promises",
    "promises_reviewed",
    "dwo",
    "membership_review",
    "chair",
    "minutes",
)


class RulesProblem(ValueError):
    """The rubric file cannot be used; the message says which line to fix."""


@dataclass(frozen=True)
class Rules:
    """The functioning rubric. Defaults match ``functioning.toml``; see its comments."""

    min_meetings_12m: int = 4
    max_months_since_meeting: int = 4
    min_open_promises: int = 1
    dwo_min_present: int = 3
    dwo_of_last: int = 4
    max_months_since_review: int = 12
    chair_may_be_police_officer: bool = False
    min_minutes_share: float = 0.5
    at_risk_failures_make_not_functioning: int = 3
    # Not a rule: "you said, we did" counts a promise told within this many days of closing.
    feedback_days: int = FEEDBACK_DAYS
    # (rule id, status its failure leads to), one pair per rule in RULE_IDS
    severities: tuple[tuple[str, str], ...] = (
        ("meetings", s.NOT_FUNCTIONING),
        ("recency", s.NOT_FUNCTIONING),
        ("current_promises", s.AT_RISK),
        ("promises_reviewed", s.AT_RISK),
        ("dwo", s.AT_RISK),
        ("membership_review", s.AT_RISK),
        ("chair", s.NOT_FUNCTIONING),
        ("minutes", s.AT_RISK),
    )

    def severity(self, rule: str) -> str:
        return dict(self.severities)[rule]

    def with_changes(self, **changes) -> Rules:
        """A copy with some thresholds changed: ``rules.with_changes(min_meetings_12m=6)``."""
        return replace(self, **changes)

    def with_severity(self, rule: str, severity: str) -> Rules:
        return replace(self, severities=tuple((r, severity if r == rule else v) for r, v in self.severities))


# (TOML table, key) -> Rules field
_TOML_FIELDS = {
    ("meetings", "min_in_last_12_months"): "min_meetings_12m",
    ("recency", "max_months_since_last_meeting"): "max_months_since_meeting",
    ("current_promises", "min_open_promises"): "min_open_promises",
    ("dwo", "min_present"): "dwo_min_present",
    ("dwo", "of_last"): "dwo_of_last",
    ("membership_review", "max_months_since_review"): "max_months_since_review",
    ("chair", "chair_may_be_police_officer"): "chair_may_be_police_officer",
    ("minutes", "min_share_published"): "min_minutes_share",
    ("status", "at_risk_failures_make_not_functioning"): "at_risk_failures_make_not_functioning",
    ("feedback", "told_within_days"): "feedback_days",
}


def parse_rules(text: str) -> Rules:
    """Rules from the rubric's TOML text; RulesProblem (plain message) if anything is off."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesProblem(f"The functioning rubric is not valid TOML: {exc}") from exc
    types = {f.name: f.type for f in fields(Rules)}
    values: dict = {}
    for (table, key), name in _TOML_FIELDS.items():
        if key not in doc.get(table, {}):
            raise RulesProblem(f"The functioning rubric has no [{table}] {key}.")
        value = doc[table][key]
        wanted = {"int": int, "bool": bool, "float": (int, float)}[types[name]]
        if not isinstance(value, wanted) or (types[name] == "int" and isinstance(value, bool)):
            raise RulesProblem(f"In the functioning rubric, [{table}] {key} must be a {types[name]}, not {value!r}.")
        if types[name] != "bool" and value < 0:
            raise RulesProblem(f"In the functioning rubric, [{table}] {key} must not be negative.")
        values[name] = float(value) if types[name] == "float" else value
    if values["dwo_min_present"] > values["dwo_of_last"] or values["dwo_of_last"] < 1:
        raise RulesProblem("In the functioning rubric, [dwo] min_present must be at most of_last, and of_last at least 1.")
    severities = []
    for rule in RULE_IDS:
        word = str(doc.get(rule, {}).get("severity", "")).strip().lower()
        if word not in SEVERITY_WORDS:
            raise RulesProblem(f'In the functioning rubric, [{rule}] severity must be "not functioning" or "at risk".')
        severities.append((rule, SEVERITY_WORDS[word]))
    return Rules(**values, severities=tuple(severities))


def describe(rules: Rules) -> pl.DataFrame:
    """The rubric as a user reads it: one row per rule, its test and what failing it means."""
    police = "may" if rules.chair_may_be_police_officer else "must not"
    tests = {
        "meetings": f"At least {rules.min_meetings_12m} meetings in the last 12 months (pro rata, rounded down, for a panel set up less than 12 months ago)",
        "recency": f"Last meeting no more than {rules.max_months_since_meeting} months ago "
                   f"(or, before its first meeting, set up no more than {rules.max_months_since_meeting} months ago)",
        "current_promises": f"At least {rules.min_open_promises} promise open on the date",
        "promises_reviewed": "Promises reviewed at the last meeting",
        "dwo": f"Dedicated Ward Officer at {rules.dwo_min_present} or more of the last {rules.dwo_of_last} meetings",
        "membership_review": f"Membership reviewed within the last {rules.max_months_since_review} months",
        "chair": f"The chair {police} be a police officer",
        "minutes": f"Minutes published for at least {rules.min_minutes_share:.0%} of the meetings in the last 12 months",
    }
    return pl.DataFrame(
        {
            "rule": [tests[r] for r in RULE_IDS],
            "if not met": [rules.severity(r) for r in RULE_IDS],
        }
    ).vstack(
        pl.DataFrame(
            {
                "rule": [f"{rules.at_risk_failures_make_not_functioning} or more \"at risk\" rules not met at once"],
                "if not met": [s.NOT_FUNCTIONING],
            }
        )
    )


def _uk(col: str | pl.Expr) -> pl.Expr:
    return uk_date_expr(pl.col(col) if isinstance(col, str) else col)


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def _number_word(col: str) -> pl.Expr:
    return pl.col(col).replace_strict(_WORDS, default=pl.col(col).cast(pl.String), return_dtype=pl.String)


def _plural(n: pl.Expr, one: str, many: str) -> pl.Expr:
    return pl.when(n == 1).then(pl.lit(one)).otherwise(pl.lit(many))


STATUS_COLUMNS = {
    "ward_code": pl.String,
    "status": pl.String,
    "reasons": pl.List(pl.String),
    "reason_text": pl.String,
    "panel_since": pl.Date,
    "last_meeting": pl.Date,
    "meetings_12m": pl.Int64,
    "dwo_present": pl.Int64,
    "dwo_of": pl.Int64,
    "open_promises": pl.Int64,
}


def ward_status(
    wards: pl.DataFrame,
    panels: pl.DataFrame,
    meetings: pl.DataFrame,
    promises: pl.DataFrame,
    *,
    rules: Rules,
    as_of: dt.date,
) -> pl.DataFrame:
    """One row per ward in ``wards``: its status on ``as_of`` and the reasons, in plain words.

    Columns: ward_code, status, reasons (list), reason_text ("; "-joined), panel_since,
    last_meeting, meetings_12m, dwo_present, dwo_of, open_promises. Only the panel open on
    ``as_of`` (set up on or before, not closed) and its own meetings on or before ``as_of``
    count; "the last 12 months" is the 12 months ending on ``as_of`` (as of 31 December 2023:
    1 January to 31 December 2023). Example in the module docstring.
    """
    day = as_of
    year_ago = months_before(day, 12)
    recency_cut = months_before(day, rules.max_months_since_meeting)
    review_cut = months_before(day, rules.max_months_since_review)
    of_last = rules.dwo_of_last

    current = (
        panels.lazy()
        .filter(open_on(day, start="established_on", end="closed_on"))
        .sort("ward_code", "established_on")
        .unique("ward_code", keep="last")
        .select("ward_code", "established_on", "chair_type", "last_membership_review_on")
    )
    closed_before = (
        panels.lazy()
        .filter(pl.col("closed_on").is_not_null() & (pl.col("closed_on") <= day))
        .group_by("ward_code")
        .agg(pl.col("closed_on").max().alias("last_closed"))
    )
    held = (
        meetings.lazy()
        .select("ward_code", "held_on", "dwo_present", "promises_reviewed", "minutes_published")
        .filter(pl.col("held_on") <= day)
        .join(current.select("ward_code", "established_on"), on="ward_code")
        .filter(pl.col("held_on") >= pl.col("established_on"))
        .with_columns(
            # 0 = the latest meeting, 1 = the one before, ...
            (pl.col("held_on").rank("ordinal", descending=True).over("ward_code") - 1).alias("back"),
            (pl.col("held_on") > year_ago).alias("in_year"),
        )
        .group_by("ward_code")
        .agg(
            pl.col("held_on").max().alias("last_meeting"),
            pl.col("in_year").sum().cast(pl.Int64).alias("meetings_12m"),
            (pl.col("in_year") & pl.col("minutes_published").fill_null(False)).sum().cast(pl.Int64).alias("minutes_12m"),
            (pl.col("back") < of_last).sum().cast(pl.Int64).alias("dwo_of"),
            ((pl.col("back") < of_last) & pl.col("dwo_present").fill_null(False)).sum().cast(pl.Int64).alias("dwo_present"),
            # How many of the latest meetings in a row reviewed no promise.
            pl.col("back").filter(pl.col("promises_reviewed").fill_null(False)).min().fill_null(pl.len()).cast(pl.Int64).alias("unreviewed_run"),
        )
    )
    open_promises = (
        promises.lazy()
        .filter(open_on(day, start="set_on", end="closed_on"))
        .group_by("ward_code")
        .agg(pl.len().cast(pl.Int64).alias("open_promises"))
    )

    frame = (
        wards.lazy()
        .select("ward_code", "police_force")
        .join(current, on="ward_code", how="left")
        .join(closed_before, on="ward_code", how="left")
        .join(held, on="ward_code", how="left")
        .join(open_promises, on="ward_code", how="left")
        .with_columns(
            pl.col("meetings_12m", "minutes_12m", "dwo_of", "dwo_present", "unreviewed_run", "open_promises").fill_null(0),
            pl.col("established_on").is_not_null().alias("has_panel"),
            (pl.col("police_force") != MET).alias("is_city"),
            # Whole months the panel has been open: 15 Jan -> 14 Jul is 5, -> 15 Jul is 6.
            months_between(pl.col("established_on"), day).alias("months_open"),
        )
        .with_columns(
            pl.min_horizontal(
                pl.lit(rules.min_meetings_12m), (rules.min_meetings_12m * pl.col("months_open").clip(0, 12)) // 12
            ).alias("meetings_needed"),
        )
    )

    p = pl.col("has_panel") & ~pl.col("is_city")
    n12, needed = pl.col("meetings_12m"), pl.col("meetings_needed")
    fails = {
        "meetings": p & (n12 < needed),
        "recency": p & (pl.coalesce("last_meeting", "established_on") < recency_cut),
        "current_promises": p & (pl.col("open_promises") < rules.min_open_promises),
        "promises_reviewed": p & (pl.col("unreviewed_run") >= 1),
        "dwo": p & (pl.col("dwo_of") > 0) & (pl.col("dwo_of") - pl.col("dwo_present") > of_last - rules.dwo_min_present),
        # Only the latest review is held: a review after the date leaves the rule met (see TOML).
        "membership_review": p
        & (pl.col("last_membership_review_on").is_null() | (pl.col("last_membership_review_on") < review_cut)),
        "chair": p & pl.lit(not rules.chair_may_be_police_officer) & (pl.col("chair_type") == "police officer"),
        "minutes": p & (n12 > 0) & (pl.col("minutes_12m") < rules.min_minutes_share * n12),
    }
    texts = {
        "meetings": pl.format(
            "{} {} in the last 12 months ({} expected)",
            pl.when(n12 == 0).then(pl.lit("No")).otherwise(pl.lit("Only ") + n12.cast(pl.String)),
            _plural(n12, "meeting", "meetings"),
            needed,
        ),
        "recency": pl.when(pl.col("last_meeting").is_not_null())
        .then(pl.lit("No meeting since ") + _uk("last_meeting"))
        .otherwise(pl.lit("No meeting since the panel was set up on ") + _uk("established_on")),
        "current_promises": pl.when(pl.col("open_promises") == 0)
        .then(pl.lit("No current promises"))
        .otherwise(pl.format("Only {} current promises ({} expected)", "open_promises", pl.lit(rules.min_open_promises))),
        "promises_reviewed": pl.when(pl.col("unreviewed_run") == 1)
        .then(pl.lit("No promise reviewed at the last meeting"))
        .otherwise(pl.format("No promise reviewed at the last {} meetings", _number_word("unreviewed_run"))),
        "dwo": pl.when(pl.col("dwo_of") == 1)
        .then(pl.lit("DWO not at the last meeting"))
        .otherwise(pl.format("DWO at {} of the last {} meetings", "dwo_present", "dwo_of")),
        "membership_review": pl.when(pl.col("last_membership_review_on").is_null())
        .then(pl.lit("Membership never reviewed"))
        .otherwise(pl.lit("Membership last reviewed on ") + _uk("last_membership_review_on")),
        "chair": pl.lit("Chair is a police officer"),
        "minutes": pl.format(
            "Minutes published for {} of {} {} in the last 12 months", "minutes_12m", n12, _plural(n12, "meeting", "meetings")
        ),
    }
    nf = pl.sum_horizontal([fails[r].cast(pl.Int32) for r in RULE_IDS if rules.severity(r) == s.NOT_FUNCTIONING] or [pl.lit(0)])
    ar = pl.sum_horizontal([fails[r].cast(pl.Int32) for r in RULE_IDS if rules.severity(r) == s.AT_RISK] or [pl.lit(0)])
    escalate = rules.at_risk_failures_make_not_functioning
    escalated = (ar >= escalate) & (escalate > 0)
    no_panel_text = (
        pl.when(pl.col("last_closed").is_not_null())
        .then(pl.lit("No panel since the last one closed on ") + _uk("last_closed"))
        .otherwise(pl.lit("No panel on record"))
    )
    reasons = (
        pl.when(pl.col("is_city"))
        .then(pl.concat_list(pl.lit("Policed by City of London Police, outside the Met's ward panel scheme")))
        .when(~pl.col("has_panel"))
        .then(pl.concat_list(no_panel_text))
        .otherwise(
            pl.concat_list(
                [pl.when(fails[r]).then(texts[r]) for r in RULE_IDS]
                + [pl.when(escalated).then(pl.format("{} \"at risk\" problems at once", ar))]
            ).list.drop_nulls()
        )
    )
    status = (
        pl.when(pl.col("is_city"))
        .then(pl.lit(s.CITY))
        .when(~pl.col("has_panel"))
        .then(pl.lit(s.NO_PANEL))
        .when((nf > 0) | escalated)
        .then(pl.lit(s.NOT_FUNCTIONING))
        .when(ar > 0)
        .then(pl.lit(s.AT_RISK))
        .otherwise(pl.lit(s.FUNCTIONING))
    )
    return (
        frame.with_columns(status.alias("status"), reasons.alias("reasons"))
        .with_columns(pl.col("reasons").list.join("; ").alias("reason_text"), pl.col("established_on").alias("panel_since"))
        .select([pl.col(c).cast(t) for c, t in STATUS_COLUMNS.items()])
        .collect()
    )
